// The Figure 1 panel (it owns #t-fig1-panel): the batch-norm paper's Figure 1 as trained here, (a) test
// accuracy against step, (b, c) the 15th, 50th and 85th percentiles of the tracked unit's input without
// and with batch norm on one y axis; its two-sentence caption; the whole figure as one image; in embed
// mode, the link to the full view.
import { LineChart, seriesCsv } from './line-chart.js';
import { figure1Caption, accuracyLine } from './figure1-caption.js';
import { viewSvg, viewButtons, trainingFrame, figureButtons } from './exports.js';
import { sharedDomain } from './shared-scale.js';
import { setText } from '../views/dom.js';

const $ = id => document.getElementById(id);
const PERCENTILES = [['unitP15', 'p15', [4, 3]], ['unitP50', 'p50 (median)', []], ['unitP85', 'p85', [4, 3]]];
const EXPORT = { width: 720, panel: 210, label: 18, gap: 16 };  // the whole figure's layout, px

export class Figure1Panel {
  // small: the embed's panel (fits a 500 x 500 frame); run: {settingsLines(), source()} for the exports
  constructor(small, run) {
    this.element = $('t-fig1-panel');
    this.run = run;
    this.charts = {
      a: new LineChart($('t-fig1-a'), { title: '(a) Test accuracy', xLabel: 'training step', yLabel: 'test accuracy', percent: true,
        yDomain: [0, 1], height: small ? 130 : 200, empty: 'Test accuracy of both networks, once they train.' }),
      b: new LineChart($('t-fig1-b'), { title: '(b) Without batch norm', xLabel: 'training step', yLabel: 'sigmoid input',
        height: small ? 124 : 190, empty: 'The unit\'s input without batch norm.' }),
      c: new LineChart($('t-fig1-c'), { title: '(c) With batch norm', xLabel: 'training step', yLabel: 'sigmoid input',
        height: small ? 124 : 190, empty: 'The same unit with batch norm.' }),
    };
    this.small = small;
    for (const [key, name] of [['a', 'fig1a-test-accuracy'], ['b', 'fig1b-without-bn'], ['c', 'fig1c-with-bn']]) {
      const element = this.charts[key].element;
      element.append(viewButtons(this.charts[key], name, () => element.querySelector('figcaption').textContent, run));
    }
    const whole = document.createElement('span');
    whole.className = 't-export-what';
    whole.textContent = 'Whole figure:';
    this.element.querySelector('.t-fig1-head').append(figureButtons({
      name: 'figure1',
      body: colors => this.figureSvg(colors),
      frame: colors => trainingFrame(run, $('t-fig1-title').textContent, colors, [accuracyLine(this.stores, run.words())]),
      csv: () => seriesCsv(Object.values(this.charts).flatMap(c => c.series)),
      json: () => ({ settings: run.settingsLines(), panels: Object.values(this.charts).map(c => c.json()) }),
    }));
    this.element.querySelector('.t-fig1-head .export').prepend(whole);
  }

  views() {
    return Object.values(this.charts);
  }

  // stores: {a, b}; config: column B's (or the preset's before the run, with the steps to train); opts:
  // the line charts' {logX, xMax, marker}; figureTitle: what the pair is; words: what each column is
  // (exports.js columnWords).
  update({ stores, config, opts, seconds, where, finished, startLabel, figureTitle, words }) {
    this.stores = stores;
    this.words = words;
    const acc = col => stores[col].curve('testAccuracy');
    this.charts.a.update(['a', 'b'].map(col => ({ label: words.alike ? `${col.toUpperCase()}: ${words[col]}` : words[col], color: col,
      csvName: `${col}_test_accuracy`, points: acc(col) })), opts);
    this.nameColumnPanels(words);
    const unit = config.tracked_unit;
    const percentiles = col => {
      const l = stores[col].depth;
      return PERCENTILES.map(([field, name, dash], i) => ({
        // the unit's name in the legend where there is room for it (the embed's panels are small)
        label: i === 0 && !this.small ? `unit ${unit} of layer ${l}: ${name}` : name,
        color: col, dash, csvName: `${col}_layer${l}_unit${unit}_${field}`, points: l ? stores[col].curve(field, l) : [],
      }));
    };
    const without = percentiles('a'), withBn = percentiles('b');
    // (b) and (c) share one y axis, so the two drifts compare at a glance
    const domain = sharedDomain([without, withBn]);
    for (const chart of [this.charts.b, this.charts.c]) {
      chart.spec.yDomain = domain;
      chart.spec.yLabel = `${words.activation ?? config.activation} input`;
    }
    this.charts.b.update(without, opts);
    this.charts.c.update(withBn, opts);
    $('t-fig1-caption').textContent = figure1Caption({ stores, config, seconds, where, finished, startLabel, words });
    $('t-fig1-title').textContent = figureTitle;
  }

  // (b) is column A's unit, (c) column B's: each titled by what its column is, with its letter when both
  // columns are alike.
  nameColumnPanels(words) {
    for (const [panel, col] of [['b', 'a'], ['c', 'b']]) {
      const what = words.alike ? `${col.toUpperCase()}, ${words[col]}` : words[col][0].toUpperCase() + words[col].slice(1);
      this.charts[panel].spec.title = `(${panel}) ${what}`;
      const text = $(`t-fig1-${panel}`).querySelector('figcaption > span').firstChild;
      setText(text, this.charts[panel].spec.title);
    }
  }

  // The link back to the full page (shown in embed mode): the same settings, the whole training view.
  setFullViewHref(href) {
    $('t-full-view').href = href;
  }

  // The three panels as one SVG body: (a) across the top, (b) and (c) side by side under it, each under
  // its own label.
  figureSvg(colors) {
    const { width, panel, label, gap } = EXPORT;
    const half = (width - gap) / 2;
    const place = (chart, x, y, w) => {
      const svg = viewSvg(chart, colors, { width: w, height: panel });
      return `<text x="${x}" y="${y + 13}" font-size="12" font-weight="600" fill="${colors.fg}">${chart.spec.title}</text>` +
        `<g transform="translate(${x},${y + label})">${svg.markup}</g>`;
    };
    const row2 = panel + label + gap;
    const markup = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${2 * row2}">` +
      place(this.charts.a, 0, 0, width) + place(this.charts.b, 0, row2, half) + place(this.charts.c, half + gap, row2, half) + '</svg>';
    return { markup, width, height: 2 * row2 };
  }
}
