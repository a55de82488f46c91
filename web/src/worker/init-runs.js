// The init-time view's part of a column's worker: the run of one config (kept while the config is
// unchanged), its histograms on the pair's axis, and its exact percentiles. Requests are answered in
// order; a 'run' drops whatever is still queued before it, and a 'cancel' drops the queue (the page
// stops waiting; a run already inside the core finishes, and its answer is dropped by the page).
import { yieldTask, epochNow, errorInfo } from './common.js';

export class InitRuns {
  constructor(ls, post) {
    Object.assign(this, { ls, post });
    this.run = null;        // the run of the last config
    this.runKey = '';
    this.runError = null;   // or the error that config gave
    this.runNumber = 0;     // counts runs made: equal numbers, same numbers (lets the page skip identical redraws)
    this.histCache = { key: '', value: null };
    this.queue = [];
    this.busy = false;
  }

  receive(msg) {
    if (msg.type === 'cancel') { this.queue.length = 0; return; }
    if (msg.type === 'run') this.queue.length = 0;  // only the newest request is served
    this.queue.push(msg);
    this.serve().catch(e => this.post({ type: 'fatal', message: errorInfo(e).message }));
  }

  async serve() {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length) {
        const msg = this.queue.shift();
        if (msg.type === 'run') await this.runFor(msg);
        else if (msg.type === 'bin') this.binFor(msg);
        else if (msg.type === 'percentiles') await this.percentilesFor(msg);
      }
    } finally {
      this.busy = false;
    }
  }

  async runFor({ id, column, config }) {
    const start = epochNow();
    const key = JSON.stringify(config);
    let ms = 0;
    if (key !== this.runKey) {
      this.post({ type: 'progress', id, message: `running column ${String(column).toUpperCase()}…` });
      await yieldTask();
      if (this.queue.length) return;  // a newer request (or a cancel) arrived: drop this one
      if (this.run) this.run.free();
      Object.assign(this, { run: null, runError: null, histCache: { key: '', value: null }, runKey: key });
      this.runNumber++;
      const t = performance.now();
      try {
        // Percentiles are never computed here: a sort per tensor, asked for after the figures are out.
        this.run = this.ls.createRun(config, { percentiles: false });
      } catch (e) {
        this.runError = errorInfo(e);
      }
      ms = performance.now() - t;
    }
    const timing = { start, sent: epochNow(), ms };
    if (this.runError) return this.post({ type: 'run', id, ok: false, error: this.runError, timing });
    const { run, runNumber } = this;
    this.post({
      type: 'run', id, ok: true, runNumber, config: run.config, loss: run.loss, depth: run.depth,
      summaries: run.summaries, theory: run.theory, warnings: run.warnings, timing,
    });
  }

  binFor({ id, kind, bins, range, binning, symlogThreshold, figure }) {
    const start = epochNow();
    const t = performance.now();
    if (!this.run) return this.post({ type: 'histograms', id, ok: false, error: this.runError || errorInfo('no run') });
    // Same run, tensor and binning: the counts would come out the same, so they are not binned again.
    const key = JSON.stringify([kind, bins, range, binning, binning === 'symlog' ? symlogThreshold : 0, figure]);
    try {
      if (this.histCache.key !== key) this.histCache = { key, value: this.run.histograms(kind, { bins, range, binning, symlogThreshold, figure }) };
    } catch (e) {
      this.histCache = { key: '', value: null };
      return this.post({ type: 'histograms', id, ok: false, error: errorInfo(e) });
    }
    const timing = { start, sent: epochNow(), ms: performance.now() - t };
    // axis: the figure's x axis and symlog threshold, by the core's rule (the array's own property, which
    // postMessage would drop).
    const value = this.histCache.value;
    this.post({ type: 'histograms', id, ok: true, histograms: value, axis: value.axis, key: `${this.runNumber} ${key}`, timing });
  }

  // Exact percentiles for the table and the hover readout, one layer at a time so that a newer request
  // waits at most one layer's sort. Kept in the run's summaries, so later results carry them.
  async percentilesFor({ id, kind }) {
    const mine = this.run;
    if (!mine) return;
    const layers = mine.summaries[kind];
    for (let l = 0; l < layers.length; l++) {
      if (!layers[l] || layers[l].percentiles) continue;
      await yieldTask();
      if (this.queue.length || this.run !== mine) return;
      try { layers[l].percentiles = mine.percentiles(kind, l); } catch { return; }
    }
    this.post({ type: 'percentiles', id, kind, values: layers.map(s => (s ? s.percentiles : null)) });
  }
}
