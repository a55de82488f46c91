// The depth sweep (issue 21, item 5; core: sweeps.hpp depth_sweep): ReLU networks at initialisation
// without batch norm, with it before and with it after each ReLU, at depths 2..100; the gradient at the
// first layer relative to the last, ||dL/dh_1|| / ||dL/dh_L||, measured (points, solid) against the
// mean-field prediction rate^(L-1) (dashed). The rates and the caption (where theory and measurement
// part) are the core's, as `layerscope depth-sweep` prints them.
import { SweepExperiment, el } from './sweep-experiment.js';
import { SweepChart, shortNumber } from './sweep-chart.js';

// The three placements, in the core's order (sweeps.hpp DepthVariant), with their colours and words.
const VARIANTS = [
  { name: 'none', color: 'a', words: 'without batch norm' },
  { name: 'bn_before', color: 'b', words: 'batch norm before the ReLU' },
  { name: 'bn_after', color: 'zero', words: 'batch norm after the ReLU' },
];

export class DepthSweep extends SweepExperiment {
  constructor(details, client, tooltip) {
    super(details, 'depth', client, tooltip);
    this.title = 'Depth sweep';
    this.autoRun = true;  // a few seconds: the figure is drawn as the experiment opens
    this.paperShort = 'Yang et al., ICLR 2019';
    this.exportNote = 'points and solid lines: measured; dashed lines: the mean-field prediction rate^(L-1)';
    this.paper = 'Yang, Pennington, Rao, Sohl-Dickstein and Schoenholz (“A Mean Field Theory of Batch Normalization”, ' +
      'ICLR 2019) find that batch norm itself makes the gradient grow exponentially toward the input of a deep network ' +
      'at initialisation, whatever the weights’ variance. Here: networks as initialised, one batch in train mode, a random ' +
      'upstream gradient.';
    this.idleText = 'Runs as it opens: 3 placements × 10 depths, a few seconds.';
    this.labels = { min_depth: 'Shallowest', max_depth: 'Deepest', points: 'Depths', width: 'Width', batch: 'Batch',
      init: 'Init', seed: 'Seed' };
    this.depthData = null;
  }

  figure() {
    const box = el('div', { class: 'lab-chart' });
    // shorter in the embed, so that its frame (700 x 560) holds the caption too
    const height = document.body.classList.contains('lab-embed') ? 200 : 280;
    this.chart = new SweepChart(box, { title: 'Gradient at the first layer against depth', height,
      x: { label: 'depth L (layers, log)' }, y: { label: '‖dL/dh₁‖ / ‖dL/dh_L‖ (log)', log: true },
      readout: i => this.readout(i) }, this.tooltip, () => this.colors());
    this.derivation = el('p', { class: 'lab-derivation explain' });
    const legend = colors => this.legendItems(colors);
    return el('figure', { class: 't-fig' }, el('figcaption', {}, 'Gradient at the first layer against depth, at initialisation: points measured, dashed lines the mean-field prediction'),
      this.legend = el('p', { class: 'lab-legend' }), box, this.exportRow('depth-sweep', this.chart, legend), this.derivation);
  }

  legendItems(colors) {
    const rates = this.depthData?.rates;
    if (!rates) return [];
    return VARIANTS.map((v, k) => ({ color: colors[v.color], label: `${v.words} (mean field: ${rates[k].toFixed(3)} a layer)` }));
  }

  draw() {
    const d = this.depthData;
    if (!d) return;
    const xs = d.points.map(p => p.depth);
    this.chart.update({ xs, series: [
      ...VARIANTS.map((v, k) => ({ label: v.words, color: v.color, values: d.points.map(p => p.growth[k]) })),
      ...VARIANTS.map((v, k) => ({ label: `${v.words}, theory`, color: v.color, dash: '5 4', markers: false, values: d.points.map(p => p.predicted[k]) })),
    ] });
    this.drawLegend();
    // The rate of each case drawn, from the core's numbers (the derivation is sweeps.hpp's).
    const [none, before, after] = d.rates;
    this.derivation.textContent = `The rates: without batch norm each layer multiplies the squared gradient by σ_w²/2 ` +
      `(W's variance σ_w² over fan-in, the ReLU passing half the entries): ${none.toFixed(3)} a layer for ${d.settings.init}. ` +
      `With batch norm, backward divides by the batch standard deviation of the layer's input to the normalization, whose ` +
      `variance is σ_w²(π−1)/(2π) after a ReLU; with the ReLU's half and W's σ_w² the squared gradient grows by π/(π−1) a ` +
      `layer whatever σ_w: √(π/(π−1)) = ${before.toFixed(4)} before the ReLU, and the same ${after.toFixed(4)} after it. ` +
      `Mean field assumes infinite width and batch and features uncorrelated over the batch; batch norm's projection also ` +
      `removes 2 of the batch's ${d.settings.batch} directions a layer, left out of the rate.`;
  }

  readout(i) {
    const p = this.depthData.points[i];
    return [`depth ${p.depth}`, ...VARIANTS.map((v, k) =>
      `${v.words}: ${shortNumber(p.growth[k])} measured, ${shortNumber(p.predicted[k])} in theory (×${(p.growth[k] / p.predicted[k]).toFixed(2)})`)];
  }

  async run(settings, started) {
    this.progress(0, 'building networks…');
    this.depthData = await this.client.depthSweep(settings, ({ done, total }) =>
      this.progress(done / total, `${done} of ${total} networks · ${((performance.now() - started) / 1000).toFixed(1)} s`));
    this.draw();
    this.caption.textContent = this.depthData.caption;
    this.progress(1, `Finished: ${3 * this.depthData.points.length} networks in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  }

  cancelledText() { return 'nothing of this run is drawn (the figure is of the previous one, if any).'; }

  settingsLine() {
    const s = this.depthData?.settings;
    return s ? `ReLU, width ${s.width}, batch ${s.batch}, init ${s.init}, depths ${s.min_depth}–${s.max_depth}, seed ${s.seed}` : '';
  }

  csv() {
    const d = this.depthData;
    const lines = ['depth,variant,rate,growth,predicted,first_weight_gradient'];
    for (const p of d?.points ?? [])
      VARIANTS.forEach((v, k) => lines.push([p.depth, v.name, d.rates[k], p.growth[k], p.predicted[k], p.firstWeightGradient[k]].join(',')));
    return lines.join('\n') + '\n';
  }

  // The CLI's JSON shape (layerscope depth-sweep --json).
  json() {
    const d = this.depthData;
    if (!d) return {};
    return { layerscope: 1, kind: 'depth_sweep', settings: d.settings, caption: d.caption,
      variants: VARIANTS.map((v, k) => ({ variant: v.name, rate: d.rates[k], parts_at: d.partsAt[k],
        points: d.points.map(p => ({ depth: p.depth, growth: p.growth[k], predicted: p.predicted[k], first_weight_gradient: p.firstWeightGradient[k] })) })) };
  }
}
