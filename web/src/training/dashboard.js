// The training view's figures below Figure 1: loss and accuracy, the pre-activation percentile bands, the
// depth profile, each column's histograms at the scrubbed step, its distribution over the steps and its
// update-to-data ratios, and the table. Each is a view that owns its element; this module makes them,
// gives each its export buttons and hands each its numbers.
import { LineChart } from './line-chart.js';
import { DistributionView, panelLayers } from './distribution-view.js';
import { StepGrids } from './step-grids.js';
import { StepTable } from './step-table.js';
import { viewButtons } from './exports.js';
import { sharedDomain } from './shared-scale.js';

const COLUMNS = ['a', 'b'];
const $ = id => document.getElementById(id);
const RATIO_REFERENCE = -3;  // log10 of the update-to-data ratio often quoted as healthy (1e-3)

export class Dashboard {
  // run: {settingsLines(), source(), words()} for the exports; requestStep(step, view): a kept step's
  // histograms (runner.viewStep); changed(): new numbers came to a view (draw again)
  constructor(run, requestStep, changed) {
    const chart = (id, spec) => new LineChart($(id), spec);
    const once = 'once training starts';
    this.loss = chart('t-loss', { title: 'Training loss', xLabel: 'training step', yLabel: 'cross-entropy loss',
      empty: `Both networks' training loss appears here ${once}.` });
    this.acc = chart('t-acc', { title: 'Test accuracy', xLabel: 'training step', yLabel: 'test accuracy', percent: true,
      yDomain: [0, 1], empty: `Both networks' test accuracy appears here ${once}.` });
    this.bands = chart('t-bands', { title: 'Pre-activation percentiles', xLabel: 'training step', yLabel: 'pre-activation value',
      empty: `The chosen layer's 15th, 50th and 85th percentiles appear here ${once}.` });
    this.profile = chart('t-profile', { title: 'Depth profile', xLabel: 'layer', xName: 'layer', yLabel: 'standard deviation (log scale)',
      logY: true, integerX: true, empty: `Each layer's spread, forward and backward, appears here ${once}.` });
    this.grids = new StepGrids(requestStep, changed);
    this.hist = this.grids.views;
    this.dist = {};
    this.ratio = {};
    for (const col of COLUMNS) {
      this.dist[col] = new DistributionView($(`t-dist-${col}`), col);
      this.ratio[col] = chart(`t-ratio-${col}`, {
        title: `Update-to-data ratio, column ${col.toUpperCase()}`, xLabel: 'training step',
        yLabel: 'log10(||update of W|| / ||W||)', refLines: [{ y: RATIO_REFERENCE, label: '-3: the usual reference' }],
        empty: `Each layer's update-to-data ratio appears here after the first update.`,
      });
    }
    this.table = new StepTable($('t-table'));
    const named = [[this.loss, 't-loss', 'training-loss'], [this.acc, 't-acc', 'test-accuracy'], [this.bands, 't-bands', 'percentile-bands'],
      [this.profile, 't-profile', 'depth-profile'],
      ...COLUMNS.flatMap(c => [[this.hist[c], `t-hist-${c}`, `histograms-${c}`], [this.dist[c], `t-dist-${c}`, `distribution-${c}`],
        [this.ratio[c], `t-ratio-${c}`, `update-ratio-${c}`]])];
    // an export's title is the figure's caption; a column's badge ("A") becomes words ("Column A:")
    const title = id => $(id).querySelector('figcaption').textContent.trim().replace(/^([AB]) /, 'Column $1: ');
    for (const [view, id, name] of named) $(id).append(viewButtons(view, name, title(id), run));
  }

  views() {
    return [this.loss, this.acc, this.bands, this.profile, ...COLUMNS.flatMap(c => [this.ratio[c], this.hist[c], this.dist[c]])];
  }

  // stores: {a, b}; at: each column's report at the scrubbed step; opts: {logX, xMax, marker};
  // show: {tensor, tensorLabel, axis, dist, values, bandLayer, tableOpen, runKey, words (exports.js columnWords),
  //   previous: the stores of the run the last change ended (dashed on the loss and accuracy), or null}
  update(stores, at, opts, show) {
    const names = Object.fromEntries(COLUMNS.map(c => [c, `${c.toUpperCase()}: ${show.words[c]}`]));
    const curve = (field, layer) => [
      ...COLUMNS.map(c => ({ label: names[c], color: c, csvName: `${c}_${field}`, points: stores[c].curve(field, layer) })),
      ...(show.previous ? COLUMNS.map(c => ({ label: `${c.toUpperCase()}, previous run`, color: c, dash: [5, 4],
        csvName: `${c}_previous_${field}`, points: show.previous[c].curve(field, layer) })) : []),
    ];
    this.loss.update(curve('trainLoss'), opts);
    this.acc.update(curve('testAccuracy'), opts);
    const l = show.bandLayer;
    this.bands.spec.title = `Pre-activation percentiles of layer ${l}`;
    this.bands.update(COLUMNS.map(c => ({
      label: `${names[c]} (median; band 15-85)`, color: c, csvName: `${c}_layer${l}_p50`,
      points: stores[c].curve('preP50', l), band: stores[c].reports.map(r => [r.step, r.preP15[l], r.preP85[l]]),
    })), opts);
    for (const c of COLUMNS) {
      const title = `${c.toUpperCase()}, ${show.words[c]}`;
      this.dist[c].update(stores[c].reports, { mode: show.dist, values: show.values, logX: opts.logX, tensorLabel: show.tensorLabel,
        marker: opts.marker, title });
    }
    const step = at.a && at.b && at.a.step === at.b.step ? at.a.step : null;
    this.grids.update(step, { tensor: show.tensor, tensorLabel: show.tensorLabel, axis: show.axis, binning: show.values, runKey: show.runKey });
    this.updateRatios(stores, opts);
    this.updateProfile(at, Math.max(stores.a.depth, stores.b.depth));
    if (show.tableOpen) this.table.update(at, show.words);
  }

  // The layer of the percentile bands, from its select (a new network: its last hidden layer, the one
  // Figure 1 follows).
  syncLayerSelect(depth) {
    const select = $('t-layer');
    if (select.options.length !== depth) {
      select.replaceChildren(...Array.from({ length: depth }, (_, i) => new Option(`layer ${i + 1}`, String(i + 1))));
      select.value = String(depth);
    }
    return Math.min(depth, Number(select.value) || depth);
  }

  // Each column's update ratio of the panel layers, on one y scale for A and B. A layer with no finite
  // ratio yet (step 0 has none) draws nothing, and so gets no legend entry (line-chart.js).
  updateRatios(stores, opts) {
    const series = {};
    for (const c of COLUMNS) {
      const layers = stores[c].depth ? panelLayers(stores[c].depth) : [];
      series[c] = layers.map((l, i) => ({
        label: `layer ${l}`, color: i === layers.length - 1 ? c : i === 0 ? 'muted' : 'fg',
        dash: i === 0 ? [4, 3] : i < layers.length - 1 ? [1, 3] : [], csvName: `${c}_layer${l}_log10_ratio`,
        points: stores[c].curve('updateRatioLog10', l).filter(p => Number.isFinite(p[1])),
      }));
    }
    const domain = sharedDomain(COLUMNS.map(c => series[c]), [RATIO_REFERENCE]);
    for (const c of COLUMNS) {
      this.ratio[c].spec.yDomain = domain;
      this.ratio[c].update(series[c], opts);
    }
  }

  updateProfile(at, depth) {
    const profileOf = (c, field, name, dash) => at[c] ? [{
      label: `${c.toUpperCase()} ${name}`, color: c, dash, csvName: `${c}_${field}`,
      points: Array.from({ length: at[c].depth }, (_, i) => [i + 1, at[c][field][i + 1]]),
    }] : [];
    const step = at.b?.step ?? at.a?.step;
    this.profile.spec.title = step === undefined ? 'Depth profile' : `Depth profile at step ${step}`;
    this.profile.update([
      ...COLUMNS.flatMap(c => profileOf(c, 'preStd', 'std of pre-activation', [])),
      ...COLUMNS.flatMap(c => profileOf(c, 'doutputStd', 'std of dL/dh', [5, 4])),
    ], { xMax: Math.max(1, depth) });
  }
}
