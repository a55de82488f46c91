// The init-time view's figures (page.js hands it each result): both columns (column.js: settings,
// histograms, table), the overlaid histograms, the first screen's compact histograms and profile chart,
// the depth-profile panels and the sentence. Each view owns its element; this module makes them, gives
// them their export buttons and draws a result into them: a run of the settings on screen, or a kept step
// of the trained pair (run-steps.js), alike.
import { COLUMNS, TENSOR_LABELS } from './state.js';
import { HistogramGrid } from './views/histograms.js';
import { ProfileChart } from './views/profile.js';
import { ColumnController } from './column.js';
import { PROFILE_PANELS, bandsSpec, overviewSpec } from './profiles.js';
import { layersToShow, storySentence } from './format.js';
import { withStep } from './run-steps.js';
import { setText } from './views/dom.js';

const $ = id => document.getElementById(id);
const WASM_BUILD_NAMES = {
  'relaxed-simd': 'relaxed SIMD (fused multiply-add in the matrix products)',
  simd128: 'SIMD128',
};
// The first screen's histograms keep to about this many rows, so both columns fit beside the chart.
const COMPACT_ROWS = 11;
const BANDS_TITLE = 'p5–p95 (light) and p15–p85 (dark)';
const layersOf = r => r.histograms.map((h, l) => (h ? l : -1)).filter(l => l >= 0);

export class PageViews {
  // page: {state, schema, presets, tooltip, exports, client, result, commit(live), applyPreset(col, name)}
  constructor(page) {
    this.page = page;
    const view = () => page.state.view;
    this.columns = {};
    this.compact = {};
    for (const col of COLUMNS) {
      this.columns[col] = new ColumnController(col, {
        schema: page.schema, presets: page.presets, tooltip: page.tooltip, tablesElement: $('tables'),
        handlers: {
          change: (field, value, live) => { page.state[col][field] = value; page.commit(live); },
          preset: name => { page.applyPreset(col, name); page.commit(); },
        },
        exportRow: grid => page.exports.grid(grid, () => `layerscope-${col}-${view().tensor}-histograms`,
          () => `Histograms of ${TENSOR_LABELS[view().tensor]}, column ${col.toUpperCase()}`, [col]),
      });
      this.compact[col] = new HistogramGrid($(`overview-hist-${col}`), page.tooltip, { compact: true, name: col.toUpperCase() });
    }
    this.overlayGrid = new HistogramGrid($('hist-overlay'), page.tooltip, { name: 'A and B' });
    $('hist-tools-overlay').appendChild(page.exports.grid(this.overlayGrid,
      () => `layerscope-ab-${view().tensor}-histograms`, () => `Histograms of ${TENSOR_LABELS[view().tensor]}, A and B`, COLUMNS));
    this.overviewChart = new ProfileChart($('overview-profile'), overviewSpec(view), page.tooltip);
    $('overview-tools').appendChild(page.exports.chart(this.overviewChart, overviewSpec(view),
      () => `layerscope-overview-${view().tensor}`, () => `Std of ${TENSOR_LABELS[view().tensor]} against depth, A and B`));
    const panels = [...PROFILE_PANELS, { id: 'bands', title: `Percentiles against depth: ${BANDS_TITLE}`,
      spec: () => bandsSpec(view, () => page.result) }];
    this.profiles = panels.map(p => this.profilePanel(p, view));
  }

  // One panel of the depth profile: its figure, chart and export buttons.
  profilePanel(p, view) {
    const fig = document.createElement('figure');
    fig.className = 'profile-figure';
    fig.id = `profile-${p.id}`;
    const cap = document.createElement('figcaption');
    cap.textContent = p.title;
    const holder = document.createElement('div');
    holder.className = 'profile-holder';
    fig.append(cap, holder);
    $('profile-grid').appendChild(fig);
    const chart = new ProfileChart(holder, p.spec(), this.page.tooltip);
    chart.caption = cap;
    chart.panel = p;
    fig.appendChild(this.page.exports.chart(chart, p.spec(), () => `layerscope-profile-${p.id}`,
      () => (p.id === 'bands' ? `Percentiles of ${TENSOR_LABELS[view().tensor]} against depth` : p.title), true));
    return chart;
  }

  allGrids() {
    return [...COLUMNS.map(c => this.columns[c].grid), this.overlayGrid, ...COLUMNS.map(c => this.compact[c])];
  }

  draw(msg) {
    const v = this.page.state.view;
    const overlay = v.layout === 'overlay';
    const grids = overlay ? [this.overlayGrid] : COLUMNS.map(c => this.columns[c].grid);
    // Read every view's width first, then draw them all: one layout at most, not one per view.
    for (const g of [...grids, ...COLUMNS.map(c => this.compact[c])]) g.measure();
    for (const chart of [this.overviewChart, ...this.profiles]) chart.measure();
    for (const col of COLUMNS) this.drawColumn(msg, col, v, overlay);
    if (overlay) this.drawOverlay(msg, v);
    this.overviewChart.update(msg.columns);
    for (const chart of this.profiles) {
      chart.caption.parentElement.hidden = Boolean(chart.panel.hidden?.(Object.values(msg.columns)));
      chart.update(msg.columns);
      if (chart.panel.id === 'bands') chart.caption.textContent = `Percentiles of ${TENSOR_LABELS[v.tensor]} against depth: ${BANDS_TITLE}`;
    }
    this.drawWords(msg);
  }

  drawColumn(msg, col, v, overlay) {
    const r = msg.columns[col], other = col === 'a' ? 'b' : 'a';
    const controller = this.columns[col];
    const cfg = this.page.state[col], otherCfg = this.page.state[other];
    // a refusal over the memory budget (not the work budget: normalizing costs little work)
    const overBudget = !r.ok && /MB budget/.test(r.error.message);
    controller.budgetNote = overBudget && msg.columns[other].ok && cfg.normalization !== 'none' && otherCfg.normalization === 'none'
      ? `${col.toUpperCase()} is refused where the other column runs because normalizing keeps more matrices per layer ` +
        '(the normalized values beside the raw ones), so at the same depth, width and batch it needs more memory.'
      : '';
    const layers = r.ok ? layersToShow(layersOf(r), v.every) : [];
    controller.showResult(r, { kind: msg.kind, layers, range: msg.range, symlogThreshold: msg.symlogThreshold, view: v,
      drawGrid: !overlay });
    if (!r.ok) return this.compact[col].reset();
    const all = layersOf(r);
    return this.compact[col].update({ series: [{ column: col, result: r }], kind: msg.kind,
      layers: layersToShow(all, Math.ceil(all.length / COMPACT_ROWS)), range: msg.range, axis: v.axis,
      binning: v.binning, symlogThreshold: msg.symlogThreshold, count: v.count });
  }

  drawOverlay(msg, v) {
    const series = COLUMNS.filter(c => msg.columns[c].ok).map(c => ({ column: c, result: msg.columns[c] }));
    if (!series.length) return this.overlayGrid.reset();
    const all = [...new Set(series.flatMap(s => layersOf(s.result)))].sort((p, q) => p - q);
    return this.overlayGrid.update({ series, kind: msg.kind, layers: layersToShow(all, v.every), range: msg.range,
      axis: v.axis, binning: v.binning, symlogThreshold: msg.symlogThreshold, count: v.count });
  }

  // The sentence (at the chosen step of a trained run, said so), the captions and the timing.
  drawWords(msg) {
    const story = storySentence(msg.columns, msg.kind);
    const build = this.page.client.wasmBuild;
    setText($('story-text'), withStep(msg.step, story.text));
    setText($('story-detail'), story.detail ? ` ${story.detail}` : '');
    setText($('overview-caption'), `Std of ${TENSOR_LABELS[msg.kind]} per layer (log scale), solid measured, dashed theory`);
    setText($('timing'), msg.step === null ? `computed in ${Math.round(msg.ms)} ms` : `step ${msg.step.toLocaleString('en')} drawn in ${Math.round(msg.ms)} ms`);
    $('timing').title = `WebAssembly build: ${WASM_BUILD_NAMES[build]}`;
    document.body.dataset.wasm = build;
    document.body.dataset.resultKind = msg.kind;
  }

  // Percentiles arrived for the result on screen: the table, the readouts and the bands show them.
  percentilesArrived(result, col, kind) {
    if (kind === result.kind) {
      this.columns[col].table.update(result.columns[col], kind);
      for (const g of this.allGrids()) g.refreshHover();
    }
  }

  bandsChanged(result) {
    for (const chart of this.profiles) if (chart.panel.id === 'bands') chart.update(result.columns);
  }
}
