// The training part of a column's worker: the data set it was handed, one Training session, and the
// stepping loop. The page never waits on it: it steps in chunks of about CHUNK_MS and yields between
// chunks, so a 'pause' (or an init-time request, init-runs.js) is read before the next chunk. It also
// answers the kept reports as the init-time view draws a run ('run' with a step, 'bin' on a channel).
import { yieldTask, epochNow, errorInfo } from './common.js';
import { EARLY_STEPS } from '../lab/probe-steps.js';

const CHUNK_MS = 60;  // a chunk of steps takes about this long (the page's controls answer between chunks)

// Typed arrays of a report, to transfer instead of copying again.
const buffersOf = report => Object.values(report).filter(v => ArrayBuffer.isView(v)).map(v => v.buffer);

export class TrainingSession {
  constructor(ls, post) {
    Object.assign(this, { ls, post });
    this.training = null;
    this.runId = 0;
    this.config = null;
    this.playing = false;
    this.looping = false;
    this.chunk = 20;        // steps per chunk, adapted to CHUNK_MS
    this.stepsDone = 0;
    this.finished = false;
    this.rate = { steps: 0, ms: 0 };  // over the recent chunks, decayed: the steps/s readout
    this.viewed = {};       // per channel: the step the last 'run' chose (its 'bin' redraws it)
    this.stepsKept = { key: '', steps: [] };  // the steps of history(), read again only after new steps
    this.saved = null;      // a saved run's reports (saved-reports.js), drawn instead of the session's
    this.loadingSaved = null;  // while its module loads: a promise the 'run' and 'bin' requests wait for
  }

  receive(msg) {
    switch (msg.type) {
      case 'data': return this.data(msg);
      case 'start': return this.start(msg);
      case 'pause':
        this.playing = false;
        return this.postProgress();
      case 'play': if (this.training && !this.finished) { this.playing = true; this.loop(); } return undefined;
      case 'advance': if (this.training && !this.finished && !this.looping) this.singleStep(); return undefined;
      case 'saved': return this.showSaved(msg);
      case 'kept': return this.postKept(msg);
      // A saved run's module still loading: its steps are drawn once it is there, in order.
      case 'run': return this.loadingSaved ? this.loadingSaved.then(() => this.viewRun(msg)) : this.viewRun(msg);
      case 'bin':
        if (this.loadingSaved) return this.loadingSaved.then(() => this.receive(msg));
        if (this.reportSource() && this.viewed[msg.channel] != null) this.viewBins(msg);
        return undefined;
      default: return undefined;
    }
  }

  data(msg) {
    try {
      const counts = this.ls.loadMnist(new Uint8Array(msg.data));
      this.post({ type: 'dataReady', ...counts });
    } catch (e) {
      this.post({ type: 'error', runId: 0, ...errorInfo(e) });
    }
  }

  progress() {
    const { stepsDone, finished, playing, rate, ls } = this;
    return { stepsDone, finished, playing, stepsPerSecond: rate.ms > 0 ? (1000 * rate.steps) / rate.ms : 0, heapBytes: ls.heapSize() };
  }

  postProgress() { this.post({ type: 'progress', runId: this.runId, progress: this.progress() }); }
  postError(e) { this.post({ type: 'error', runId: this.runId, ...errorInfo(e) }); }

  // Every tensor kind of the report (ls.tensorKinds), on each layer's own axis (the core's redraw of what
  // the report kept, at the config's bin count), in the report's histogram* fields' shape.
  histogramsOfEveryKind(depth) {
    const bins = this.config.histogram_bins, byTensor = {};
    for (const kind of this.ls.tensorKinds) {
      const layers = this.training.histograms(-1, kind, { bins, range: 'own', binning: 'linear' });
      const f = { histogramLo: new Float64Array(depth + 1).fill(NaN), histogramHi: new Float64Array(depth + 1).fill(NaN),
        histogramZero: new Float64Array(depth + 1), histogramNonfinite: new Float64Array(depth + 1),
        histogramCounts: new Float32Array((depth + 1) * bins) };
      layers.forEach((h, l) => {
        if (!h || l === 0) return;
        [f.histogramLo[l], f.histogramHi[l]] = [h.edges[0], h.edges[h.edges.length - 1]];
        f.histogramZero[l] = h.zeros;
        f.histogramNonfinite[l] = h.nonfinite;
        f.histogramCounts.set(h.counts, l * bins);
      });
      byTensor[kind] = f;
    }
    return byTensor;
  }

  // The core's report object as it is (other parts of the page read its fields, probes among them), with
  // the kept histograms of every tensor kind beside it.
  postReport(report) {
    report.byTensor = this.histogramsOfEveryKind(report.depth);
    this.post({ type: 'report', runId: this.runId, report, progress: this.progress() }, buffersOf(report));
  }

  // "Download the whole run": the kept arrays (Training.kept) of the core's kept reports at the steps the
  // page's writer asks for (run-file.js keptSteps of its own reports).
  postKept({ steps }) {
    let reports = [];
    try {
      if (this.training && !this.saved) {
        const wanted = new Set(steps);
        Array.from(this.training.history().step).forEach((step, index) => {
          if (wanted.has(step)) reports.push({ step, ...this.training.kept(index) });
        });
      }
    } catch (e) {
      reports = [];  // the file is written without them (its steps then say they hold no histograms)
      this.postError(e);
    }
    return this.post({ type: 'kept', runId: this.runId, reports }, reports.flatMap(r => [r.summaries.buffer, r.distributions.buffer]));
  }

  // A saved run (saved-run.js): its kept reports answer 'run' and 'bin' under its runId until a 'start'.
  showSaved(msg) {
    this.playing = false;
    this.dropSaved();
    this.runId = msg.runId;
    const token = {};
    this.savedToken = token;
    // Fetched on the first saved run, with the saved-run module (built apart: build-wasm.sh).
    const saved = import(new URL('./saved-reports.js', import.meta.url).href).then(m => m.savedReports(msg));
    this.loadingSaved = saved.catch(e => (
      // Every step of the file then says why it draws nothing (the core's words, naming the array).
      { refused: `this file's kept distributions could not be drawn: ${errorInfo(e).message}`, indexOf: () => -1, free() {} }
    )).then(saved => {
      if (this.savedToken !== token) return saved.free();  // a newer file or a 'start' came first
      this.saved = saved;
      this.loadingSaved = null;
      return undefined;
    });
  }

  dropSaved() {
    this.saved?.free();
    this.saved = null;
    this.loadingSaved = null;
    this.savedToken = null;
  }

  start(msg) {
    this.playing = false;
    this.dropSaved();
    if (this.training) this.training.free();
    Object.assign(this, { training: null, runId: msg.runId, stepsDone: 0, finished: false, chunk: 20, rate: { steps: 0, ms: 0 } });
    try {
      this.training = this.ls.createTraining(msg.config);
      this.config = this.training.config;
      this.post({ type: 'started', runId: this.runId, config: this.config, warnings: this.training.warnings });
      // Step 0, the network as initialised: the core's own report, made when the session started (its
      // update ratios are NaN: no update yet).
      this.postReport(this.training.latest());
    } catch (e) {
      this.training = null;
      this.postError(e);
    }
  }

  // The Step button: exactly one step, reported at once (the core makes that report off the grid, so the
  // views show the step just taken).
  singleStep() {
    try {
      const result = this.training.step(1, { report: true });
      this.stepsDone = result.stepsDone;
      this.finished = result.finished;
      this.postReport(this.training.latest());
    } catch (e) {
      this.postError(e);
    }
    this.postProgress();
  }

  // One chunk of steps; true when it made a report.
  chunkOf(mine) {
    const { config } = this;
    // A chunk ends at the next report at the latest, so every report is posted as it is made. A run with
    // probes also reports the early steps (lab/probe-steps.js: off the grid, the scrubber compares them
    // with step 0).
    const toReport = config.log_every - (this.stepsDone % config.log_every);
    const early = config.probes ? EARLY_STEPS.find(s => s > this.stepsDone) ?? Infinity : Infinity;
    const n = Math.max(1, Math.min(this.chunk, toReport, early - this.stepsDone, config.steps - this.stepsDone));
    const earlyReport = this.stepsDone + n === early;
    const t0 = performance.now();
    const result = mine.step(n, { report: earlyReport });
    const ms = performance.now() - t0;
    const reported = result.stepsDone % config.log_every === 0 || result.finished || earlyReport;
    this.stepsDone = result.stepsDone;
    this.finished = result.finished;
    this.rate.steps = 0.8 * this.rate.steps + n;
    this.rate.ms = 0.8 * this.rate.ms + ms;
    // Adapt the chunk on chunks without an evaluation (a report adds the test set's forward pass).
    if (!reported && ms > 0) this.chunk = Math.max(1, Math.min(5000, Math.round(n * Math.min(2, CHUNK_MS / ms))));
    if (reported) this.postReport(mine.latest());
    return reported;
  }

  async loop() {
    if (this.looping) return;
    this.looping = true;
    try {
      let lastProgress = 0;
      while (this.playing && this.training && !this.finished) {
        const t0 = performance.now();
        let reported;
        try {
          reported = this.chunkOf(this.training);
        } catch (e) {
          this.playing = false;
          this.postError(e);
          break;
        }
        if (reported && !this.playing) break;
        if (!reported && t0 - lastProgress > 100) {
          lastProgress = t0;
          this.postProgress();
        }
        // A 'pause', 'start', 'play' or init-time request waiting in the queue is handled here. After a
        // 'start' the loop goes on with the new session (its 'play' found this loop running).
        await yieldTask();
      }
    } finally {
      this.looping = false;
      if (this.finished) this.playing = false;
      this.postProgress();
    }
  }

  // --- kept reports drawn as the init-time view draws a run ----------------------------------------

  // history()'s index of the report made at `step`, or -1 (thinned away, or not reached yet).
  reportIndexOf(step) {
    const key = `${this.runId} ${this.stepsDone}`;
    if (this.stepsKept.key !== key) this.stepsKept = { key, steps: Array.from(this.training.history().step) };
    return this.stepsKept.steps.indexOf(step);
  }

  // The kept reports 'run' and 'bin' draw: a saved run's, or the live session's, behind one face.
  reportSource() {
    if (this.saved) return this.saved;
    const training = this.training;
    if (!training) return null;
    return {
      config: this.config,
      warnings: training.warnings,
      indexOf: step => this.reportIndexOf(step),
      summaries: index => training.summaries(index),
      histograms: (index, kind, options) => training.histograms(index, kind, options),
      trainLoss: index => training.history().trainLoss[index],
      // The effective rank of each layer's output at this step (the probes; null without them): the init
      // view's depth profile and table draw it as one more line.
      effectiveRank: index => {
        const p = training.history().probes;
        return p ? p.effectiveRank.slice(index * p.layers, index * p.layers + this.config.depth + 1) : null;
      },
    };
  }

  noTheory(depth) {
    return Object.fromEntries(this.ls.theoryNames.map(n => [n, new Float64Array(depth + 1).fill(NaN)]));
  }

  viewRun({ id, step, channel }) {
    const start = epochNow(), t = performance.now(), { runId } = this, source = this.reportSource();
    const index = source ? source.indexOf(step) : -1;
    this.viewed[channel] = index < 0 ? null : step;
    if (index < 0) {
      const message = this.saved?.refused ?? (this.saved ? `step ${step} has no kept distributions in this file` : `step ${step} is not kept in this run`);
      return this.post({ type: 'run', runId, channel, id, ok: false, error: { field: 'step', message },
        timing: { start, sent: epochNow(), ms: 0 } });
    }
    const { config } = source;
    // No mean-field line during training: the theory is of the network as initialised, with the init
    // view's random input and upstream gradient, not of MNIST batches through trained weights.
    return this.post({ type: 'run', runId, channel, id, ok: true, runNumber: `${runId}.${step}`, config, loss: source.trainLoss(index),
      depth: config.depth, summaries: source.summaries(index), theory: this.noTheory(config.depth), effectiveRank: source.effectiveRank(index),
      warnings: source.warnings, step, timing: { start, sent: epochNow(), ms: performance.now() - t } });
  }

  viewBins({ id, kind, bins, range, binning, figure, channel }) {
    const start = epochNow(), t = performance.now(), step = this.viewed[channel], { runId } = this, source = this.reportSource();
    let histograms;
    try {
      // by its step: reports made since the 'run' may have thinned the history and moved the index
      histograms = source.histograms(source.indexOf(step), kind, { bins, range, binning, figure });
    } catch (e) {
      return this.post({ type: 'histograms', runId, channel, id, ok: false, error: errorInfo(e) });
    }
    return this.post({ type: 'histograms', runId, channel, id, ok: true, histograms, axis: histograms.axis,
      key: `${runId}.${step} ${JSON.stringify([kind, bins, range, binning, figure])}`,
      timing: { start, sent: epochNow(), ms: performance.now() - t } });
  }
}
