// One figure of the evidence lab: a section with its title, the paper it tests (title and year, our words),
// a row of line charts (training/line-chart.js: hover readouts), a note on what is measured, the caption
// computed from the numbers, and the exports of each chart and of the whole figure (training/exports.js,
// the page's one export framer), plus the embed's start button and its link.
import { LineChart, seriesCsv } from '../training/line-chart.js';
import { viewSvg, viewButtons, trainingFrame, figureButtons } from '../training/exports.js';
import { setText } from '../views/dom.js';

// The embed's start button; the captions name it in an embed (probe-lab.js), Play in the full view.
export const EMBED_START = 'Train both networks';
const EXPORT = { width: 720, height: 230, label: 18, gap: 16 };  // the whole figure's layout, px

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

export class ProbeFigure {
  // spec: {id, embed, title, paper, note, charts: [{key, title, yLabel, logY?, empty}]}; run: the exports'
  // {settingsLines(), source(), words()}; actions: {start(), embedSnippet()}
  constructor(parent, spec, run, actions) {
    this.spec = spec;
    this.element = element('section', 'lab-fig');
    this.element.id = spec.id;
    this.element.dataset.embed = spec.embed;
    const head = element('div', 'lab-head');
    const title = element('h3', '', spec.title);
    title.id = `${spec.id}-title`;
    this.element.setAttribute('aria-labelledby', title.id);
    head.append(title);
    this.element.append(head, element('p', 'lab-paper', spec.paper));
    const start = element('button', 't-primary lab-embed-only', EMBED_START);
    start.type = 'button';
    start.addEventListener('click', () => actions.start());
    const full = element('a', 'lab-embed-only lab-full', 'Open the full view ↗');
    full.target = '_blank';
    full.rel = 'noopener';
    this.fullLink = full;
    this.element.append(start, full);
    const grid = element('div', `lab-grid lab-grid-${spec.charts.length}`);
    // an embed's charts are smaller: the figure and its caption fit a 500 x 500 frame
    const height = document.body.classList.contains('t-embed-lab') ? 150 : 200;
    this.charts = spec.charts.map(c => {
      const figure = element('figure', 't-fig');
      figure.append(element('figcaption', '', c.title));
      grid.append(figure);
      const chart = new LineChart(figure, { xLabel: 'training step', height, ...c });
      figure.append(viewButtons(chart, `${spec.embed}-${c.key}`, `${spec.title}: ${c.title}`, run));
      return chart;
    });
    this.caption = element('p', 't-caption lab-caption');
    this.caption.setAttribute('role', 'status');
    this.element.append(grid, element('p', 'lab-note', spec.note), this.caption);
    const embed = element('button', '', 'Embed this figure');
    embed.type = 'button';
    embed.addEventListener('click', () => actions.embedSnippet(spec.embed));
    head.append(figureButtons({
      name: spec.embed,
      body: colors => this.figureSvg(colors),
      frame: colors => trainingFrame(run, spec.title, colors, [this.caption.textContent]),
      csv: () => seriesCsv(this.charts.flatMap(c => c.series)),
      json: () => ({ settings: run.settingsLines(), caption: this.caption.textContent, panels: this.charts.map(c => c.json()) }),
    }), embed);
    parent.append(this.element);
  }

  // series: one list per chart, in spec order; opts: the line charts' {logX, xMax, marker}; yDomains: an
  // optional shared range per chart.
  update(series, opts, caption, fullViewHref) {
    this.charts.forEach((chart, i) => {
      if (this.spec.sharedY) chart.spec.yDomain = this.spec.sharedY(series);
      chart.update(series[i], opts);
    });
    setText(this.caption, caption);
    this.fullLink.href = fullViewHref;
  }

  draw() {
    for (const chart of this.charts) chart.draw();
  }

  // The charts side by side in one SVG, each under its title.
  figureSvg(colors) {
    const { width, height, label, gap } = EXPORT, n = this.charts.length;
    const w = (width - gap * (n - 1)) / n;
    const parts = this.charts.map((chart, i) => {
      const x = i * (w + gap), svg = viewSvg(chart, colors, { width: w, height });
      return `<text x="${x}" y="13" font-size="12" font-weight="600" fill="${colors.fg}">${chart.spec.title}</text>` +
        `<g transform="translate(${x},${label})">${svg.markup}</g>`;
    });
    const total = height + label;
    return { markup: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}">${parts.join('')}</svg>`, width, height: total };
  }
}
