// The learning-rate sweep (issue 21, item 4; core: sweeps.hpp learning_rate_sweep): A and B of a training
// pair trained for N steps at each of a log-spaced grid of rates, drawn as the final training loss and the
// test accuracy against the rate. A diverged run is a cross in the "diverged" strip, never a number. The
// caption is the core's (sweep_caption: the largest rate each column trains at), as the CLI prints it.
import { SweepExperiment, el } from './sweep-experiment.js';
import { SweepChart, shortNumber } from './sweep-chart.js';

const pctText = v => `${(100 * v).toFixed(1)}%`;

export class LearningRateSweep extends SweepExperiment {
  constructor(details, client, tooltip) {
    super(details, 'lr', client, tooltip);
    this.title = 'Learning-rate sweep';
    this.paperShort = 'Ioffe & Szegedy 2015; Santurkar et al. 2018';
    this.exportNote = 'a cross in the strip above the plot: a run whose loss stopped being finite (diverged), no number';
    this.paper = 'The batch-norm paper (Ioffe and Szegedy, “Batch Normalization: Accelerating Deep Network Training by ' +
      'Reducing Internal Covariate Shift”, 2015) says batch norm lets a network train at much higher learning rates; ' +
      'Santurkar, Tsipras, Ilyas and Madry (“How Does Batch Normalization Help Optimization?”, NeurIPS 2018) trace it to a ' +
      'smoother loss. Here both columns train from the same seed on the same batches at every rate, in two workers.';
    this.idleText = 'Press Run: 8 rates × 2 networks × 2,000 steps by default, about half a minute.';
    this.labels = { pair: 'Networks', steps: 'Steps per run', rates: 'Rates', decades: 'Decades each side',
      test_samples: 'Test images', trains_above: 'Trains from (test accuracy)' };
    this.sweepData = null;  // {plan, points: {a, b}, summary, seconds}
  }

  figure() {
    const readout = i => this.readout(i);
    const colors = () => this.colors();
    const figure = (title, y) => {
      const box = el('div', { class: 'lab-chart' });
      const chart = new SweepChart(box, { title, x: { label: 'learning rate (log)' }, y, readout }, this.tooltip, colors);
      return { chart, node: el('figure', { class: 't-fig' }, el('figcaption', {}, title), box) };
    };
    const loss = figure('Final training loss', { label: 'training loss (log)', log: true });
    const accuracy = figure('Test accuracy', { label: 'test accuracy', log: false, domain: [0, 1], format: v => `${Math.round(100 * v)}%` });
    this.charts = [loss.chart, accuracy.chart];
    this.legend = el('p', { class: 'lab-legend' });
    const legend = colors => this.legendItems(colors);
    loss.node.append(this.exportRow('learning-rate-sweep-loss', loss.chart, legend));
    accuracy.node.append(this.exportRow('learning-rate-sweep-accuracy', accuracy.chart, legend));
    return el('div', {}, this.legend, el('div', { class: 't-grid2 lab-grid' }, loss.node, accuracy.node));
  }

  legendItems(colors) {
    const plan = this.sweepData?.plan;
    if (!plan) return [];
    return [{ color: colors.a, label: `A: ${plan.aLabel} (${plan.a})` }, { color: colors.b, label: `B: ${plan.bLabel} (${plan.b})` }];
  }

  draw() {
    if (!this.sweepData) return;
    const { plan, points } = this.sweepData;
    const xs = Array.from(plan.rates);
    // undefined: not run yet (nothing drawn); NaN: diverged (a cross in the strip)
    const values = (col, key) => xs.map((_, i) => points[col][i] && (points[col][i].diverged ? NaN : points[col][i][key]));
    this.charts[0].update({ xs, series: [{ label: 'A', color: 'a', values: values('a', 'finalTrainLoss') },
      { label: 'B', color: 'b', values: values('b', 'finalTrainLoss') }] });
    this.charts[1].update({ xs, series: [{ label: 'A', color: 'a', values: values('a', 'testAccuracy') },
      { label: 'B', color: 'b', values: values('b', 'testAccuracy') }] });
    this.drawLegend();
  }

  readout(i) {
    const { plan, points } = this.sweepData;
    const line = (name, p) => !p ? `${name}: not run yet`
      : p.diverged ? `${name}: diverged at step ${p.divergedStep}`
        : `${name}: loss ${p.finalTrainLoss.toPrecision(3)}, test accuracy ${pctText(p.testAccuracy)}`;
    return [`learning rate ${shortNumber(plan.rates[i])}`, line('A', points.a[i]), line('B', points.b[i])];
  }

  async run(settings, started) {
    const plan = await this.client.plan(settings);  // refuses a bad setting before anything runs
    const total = 2 * plan.rates.length;
    this.sweepData = { plan, points: { a: [], b: [] }, summary: null, seconds: null };
    // the core's final loss is the mean of the last min(100, steps) batches (sweeps.cpp sweep_point)
    this.charts[0].spec.y.label = `training loss, last ${Math.min(100, plan.settings.steps)} steps (log)`;
    this.caption.textContent = '';
    this.draw();
    this.progress(0, 'fetching the MNIST data (once)…');
    await this.client.guard(this.client.dataset((got, size) =>
      this.progress(size ? got / size : 0, `fetching the MNIST data (once): ${(got / 1e6).toFixed(1)} MB`)));
    this.progress(0, `starting ${this.client.parallel} worker${this.client.parallel > 1 ? 's' : ''}…`);
    let done = 0;
    const runsStarted = performance.now();
    const points = await this.client.runSweep(plan, ({ column, index, point }) => {
      this.sweepData.points[column ? 'b' : 'a'][index] = point;
      done++;
      const s = (performance.now() - runsStarted) / 1000;
      this.progress(done / total, `${done} of ${total} runs · ${s.toFixed(1)} s · about ${Math.ceil((s / done) * (total - done))} s left`);
      this.draw();
    });
    this.sweepData.points = points;
    this.sweepData.summary = await this.client.result(plan, points);
    this.sweepData.seconds = (performance.now() - started) / 1000;
    this.draw();
    this.caption.textContent = this.sweepData.summary.caption;
    this.progress(1, `Finished: ${total} runs of ${plan.settings.steps.toLocaleString('en')} steps in ${this.sweepData.seconds.toFixed(1)} s ` +
      `(${this.client.parallel} worker${this.client.parallel > 1 ? 's' : ''}).`);
  }

  cancelledText() {
    const { a, b } = this.sweepData?.points ?? { a: [], b: [] };
    const kept = a.filter(Boolean).length + b.filter(Boolean).length;
    return `the ${kept} finished run${kept === 1 ? '' : 's'} stay drawn.`;
  }

  settingsLine() {
    const s = this.sweepData?.plan.settings;
    return s ? `pair ${s.pair}, ${s.steps} steps, ${s.rates} rates over ±${s.decades} decades, ${s.test_samples} test images, ` +
      `trains from ${pctText(s.trains_above)}` : '';
  }

  rows() {
    const { plan, points } = this.sweepData ?? { plan: { rates: [] }, points: { a: [], b: [] } };
    return ['a', 'b'].flatMap(col => Array.from(plan.rates, (rate, i) => ({ column: col.toUpperCase(), rate, ...(points[col][i] ?? {}) })))
      .filter(r => r.diverged !== undefined);
  }

  csv() {
    const num = v => (Number.isFinite(v) ? String(v) : '');
    const lines = ['column,rate,diverged,diverged_step,final_train_loss,test_loss,test_accuracy,seconds'];
    for (const r of this.rows())
      lines.push([r.column, r.rate, r.diverged, r.diverged ? r.divergedStep : '', num(r.finalTrainLoss), num(r.testLoss), num(r.testAccuracy), r.seconds].join(','));
    return lines.join('\n') + '\n';
  }

  // The CLI's JSON shape (layerscope sweep --json): NaN as null.
  json() {
    const d = this.sweepData;
    if (!d) return {};
    const clean = v => (Number.isFinite(v) ? v : null);
    const column = (col, preset, label, largest) => ({ preset, label, largest_training_rate: clean(largest),
      points: d.points[col].filter(Boolean).map(p => ({ rate: p.rate, diverged: p.diverged, diverged_step: p.diverged ? p.divergedStep : null,
        final_train_loss: clean(p.finalTrainLoss), test_loss: clean(p.testLoss), test_accuracy: clean(p.testAccuracy), seconds: p.seconds })) });
    return { layerscope: 1, kind: 'learning_rate_sweep', settings: d.plan.settings, pair: d.plan.pair,
      a: column('a', d.plan.a, d.plan.aLabel, d.summary?.aLargest), b: column('b', d.plan.b, d.plan.bLabel, d.summary?.bLargest),
      caption: d.summary?.caption ?? null, seconds_in_this_browser: d.seconds };
  }
}
