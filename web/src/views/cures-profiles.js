// "Four cures at depth 50" at initialisation: the std of one tensor per layer of the five networks
// (cures-common.js) overlaid on one log-axis chart, each with the core's theory curve where it has one,
// a legend, a hover readout, a two-sentence caption computed from the numbers, and PNG/SVG/CSV/JSON
// through the page's export framer. The five runs are made by the init-time view's own compute workers
// and protocol (client.js ComputeClient: worker.js runs, pair-requests.js), two networks a request.
import { ComputeClient } from '../client.js';
import { ProfileChart } from './profile.js';
import { exportButtons, framedSvg, svgToPng, PALETTES } from '../export.js';
import { themeColors } from '../theme.js';
import { TENSORS } from '../state.js';
import { fmt } from '../format.js';
import { CURES, cureColors, wrapLines, curesPool } from './cures-common.js';
import { std as stdOf, THEORY_KEYS } from '../profiles.js';


// The chart's spec (views/profile.js): one measured and one theory series per cure, keyed by the cure.
export function curesSpec(kind) {
  return {
    title: `Std of ${TENSORS[kind].label} per layer, five networks at depth 50`,
    log: true, height: 260,
    series: CURES.map(c => ({ column: c.key, name: c.label, key: 'std', label: 'measured', values: stdOf(kind) })),
    theory: CURES.map(c => ({ column: c.key, name: c.label, key: 'theory', values: r => r.theory[THEORY_KEYS[kind]] })),
    signature: () => kind,
  };
}

// Two sentences from the five profiles. The layer that shows the fade is the last one a pass reaches:
// layer L forward, layer 1 backward (the gradients enter at L). Sentence 1: how far the plain network's
// tensor falls (or grows) from where its pass starts to there; sentence 2: each cure's std there, and its
// spread over the layers (largest over smallest std of layers 1..L). results: {key: column result}.
export function curesCaption(results, kind) {
  const std = key => stdOf(kind)(results[key]);
  const { words, forward } = TENSORS[kind];
  const plain = std('plain');
  const L = plain.length - 1;
  const [start, end] = forward ? [1, L] : [L, 1];
  const ratio = plain[start] / plain[end];
  const change = ratio >= 1 ? `${fmt(ratio)}× smaller` : `${fmt(1 / ratio)}× larger`;
  const first = `Without a cure the ${words} of layer ${end} have std ${fmt(plain[end])}, ${change} than at layer ${start}.`;
  const cures = CURES.slice(1).map(c => {
    const s = std(c.key).slice(1).filter(v => v > 0 && Number.isFinite(v));
    const spread = s.length ? Math.max(...s) / Math.min(...s) : NaN;
    return `${c.label} ${fmt(std(c.key)[end])} (spread ${fmt(spread)}×)`;
  });
  return `${first} With a cure, at layer ${end}: ${cures.slice(0, -1).join('; ')} and ${cures.at(-1)}; the spread is ` +
    `the largest std of layers 1–${L} over the smallest.`;
}

export class CuresProfiles {
  // root: the figure's element; tooltip: the page's readout; frameLines(): the export's settings lines.
  constructor(root, tooltip, { frameLines, source }) {
    Object.assign(this, { root, frameLines, source });
    this.kind = 'output';
    this.results = null;
    this.legend = document.createElement('ul');
    this.legend.className = 'cures-legend';
    this.legend.replaceChildren(...CURES.map(c => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'cures-swatch';
      swatch.dataset.cure = c.key;
      li.append(swatch, c.label);
      return li;
    }));
    const holder = document.createElement('div');
    this.caption = document.createElement('p');
    this.caption.className = 'cures-caption';
    this.caption.setAttribute('role', 'status');
    root.append(this.legend, holder, this.caption);
    this.chart = new ProfileChart(holder, curesSpec(this.kind), tooltip, { colors: cureColors(themeColors()) });
    root.append(this.exports());
  }

  // The five runs, two at a time on the section's own workers of the page's kind (made on first use, then kept).
  compute(configs) {
    this.client ??= new Promise((resolve, reject) => {
      const waiting = [];
      const client = new ComputeClient({
        ready: () => resolve({ client, waiting }),
        result: msg => waiting.shift()?.(msg),
        percentiles: () => {}, progress: () => {},
        error: text => { reject(new Error(text)); while (waiting.length) waiting.shift()(null); },
      }, curesPool());
    });
    return this.client.then(async ({ client, waiting }) => {
      const results = {};
      for (let i = 0; i < CURES.length; i += 2) {
        const [a, b] = [CURES[i], CURES[i + 1] ?? CURES[i]];
        const msg = await new Promise(resolve => {
          waiting.push(resolve);
          client.request({ a: configs[a.key], b: configs[b.key] }, { tensor: this.kind, bins: 16, axis: 'own', binning: 'linear' },
            { percentiles: false });
        });
        if (!msg) throw new Error('the compute workers failed');
        for (const [col, cure] of [['a', a], ['b', b]]) {
          const r = msg.columns[col];
          if (!r.ok) throw new Error(`${cure.label}: ${r.error.message}`);
          results[cure.key] = r;
        }
      }
      return results;
    });
  }

  // Draws `kind` of the five results (computed once: every tensor is in each run's summaries).
  show(results, kind) {
    this.results = results;
    this.kind = kind;
    this.chart.spec = curesSpec(kind);
    this.chart.svg.setAttribute('aria-label', this.chart.spec.title);
    this.chart.options.colors = cureColors(themeColors());
    // the legend's swatches in the chart's colours (set through the CSSOM, which the page's CSP allows)
    for (const s of this.legend.querySelectorAll('.cures-swatch')) s.style.background = this.chart.options.colors[s.dataset.cure];
    this.chart.drawnSignature = null;
    this.chart.update(results);
    const text = curesCaption(results, kind);
    this.caption.textContent = text;
    this.root.dataset.drawn = String(this.chart.svg.querySelectorAll('path.measured').length);
  }

  redraw() {
    if (this.results) this.show(this.results, this.kind);
  }

  // PNG/SVG (the chart drawn again off screen in the export's palette, framed with a title, the legend,
  // the settings and the caption), CSV and JSON of every series.
  exports() {
    return exportButtons({
      chrome: true, vector: true,
      get name() { return 'layerscope-cures-depth50'; },
      image: async ({ dark, svgOnly }) => {
        const colors = cureColors(PALETTES[dark ? 'dark' : 'light'], dark);
        const copy = new ProfileChart(document.createElement('div'), curesSpec(this.kind), null, { colors, width: 640 });
        copy.update(this.results ?? {});
        const node = copy.svg;
        const frame = {
          title: `Layerscope · Four cures at depth 50: std of ${TENSORS[this.kind].label} per layer`,
          legend: CURES.map(c => ({ color: colors[c.key], label: c.label })),
          lines: [...this.frameLines().flatMap(l => wrapLines(l)), 'solid: measured on one batch; dashed: the mean-field prediction where the core has one',
            ...wrapLines(this.caption.textContent)],
          source: this.source(),
        };
        const svg = framedSvg(frame, { markup: node.outerHTML, width: 640, height: Number(node.getAttribute('height')) }, { colors });
        return svgOnly ? { svg: svg.text } : { png: await svgToPng(svg, 2), svg: svg.text };
      },
      csv: () => this.chart.csv(),
      json: () => ({ ...this.chart.json(), caption: this.caption.textContent, networks: CURES.map(c => ({ key: c.key, preset: c.preset, label: c.label })) }),
    });
  }
}
