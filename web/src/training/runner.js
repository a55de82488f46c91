// The two columns' training: their clients (made on first use), the data set (fetched once, on the first
// Play, each worker getting its own copy), the kept reports, and the run's wall clock. It draws nothing:
// the controller hears of every change through `changed(redraw)` and of a column's failure through
// `failed(col, error)`.
//
// Flow: play() -> (first time) fetch the data once and hand each column's worker (worker-pool.js: the
// workers the init-time view computes in too) its copy -> start both sessions with the same config keys
// and seed (same weights where the shapes agree, the same batches: the core's BatchSampler is seeded by
// the config's seed) -> each worker posts step 0 and then a report every log_every steps -> the stores
// keep them.
import { fetchDataset } from './data.js';
import { ColumnClient } from './column-client.js';
import { workerPool } from '../worker-pool.js';
import { ReportStore } from './snapshots.js';
import { PairRequests } from '../pair-requests.js';
import { keptSteps } from '../run-file.js';

export const COLUMNS = ['a', 'b'];

// The steps both columns have reported (A and B are always shown at the same step): of a live run or of a
// saved one (saved-run.js).
export function commonSteps(stores) {
  const b = new Set(stores.b.reports.map(r => r.step));
  return stores.a.reports.map(r => r.step).filter(s => b.has(s));
}
const $ = id => document.getElementById(id);

export class PairRunner {
  // changed(redraw): new numbers (redraw) or only a new step count; failed(col, e); dataState(state, text);
  // newRun(): a run starts over (from step 0)
  constructor({ changed, failed, dataState, newRun }) {
    Object.assign(this, { changed, failed, dataState, newRun });
    this.stores = { a: new ReportStore(), b: new ReportStore() };
    this.previous = null;  // the stores of the run the last start() ended, or null
    this.configs = { a: null, b: null };
    this.clients = null;
    this.dataPromise = null;
    this.playing = false;
    this.started = false;
    this.errors = {};
    this.warnings = {};  // per column, the config warnings its worker sent when the run started
    this.clock = { ms: 0, since: null };  // wall time spent playing (the Figure 1 caption's run time)
  }

  makeClients() {
    this.clients = {};
    for (const col of COLUMNS) {
      this.clients[col] = new ColumnClient(col, workerPool().workers[col], {
        started: (config, warnings) => {
          this.configs[col] = config;
          this.stores[col].config = config;
          this.warnings = { ...this.warnings, [col]: warnings };  // the core's config warnings (run-warnings.js)
          this.changed(true);
        },
        report: (report, progress) => { this.stores[col].add(report); this.clients[col].progress = progress; this.changed(true); },
        progress: () => this.changed(false),  // the readout only: no new numbers to draw
        error: e => { this.errors = { ...this.errors, [col]: e }; this.failed(col, e); },
        view: msg => Object.values(this.views).some(v => v.receive(col, msg)),
      });
    }
    // One requester per view that draws kept steps (the init view's scrubber, the training view's
    // histograms): each has its own newest request.
    this.views = {};
    this.waiting = {};
  }

  // The clients and the data, made on first use (the init-time view never needs either).
  async ensureWorkers() {
    if (!this.clients) this.makeClients();
    if (!this.dataPromise) {
      const box = $('t-data'), bar = $('t-data-progress'), text = $('t-data-text'), retry = $('t-data-retry');
      box.hidden = false;
      retry.hidden = true;
      this.dataState('loading', 'Fetching the MNIST data…');
      this.dataPromise = (async () => {
        const buffer = await fetchDataset((got, total) => {
          bar.value = total ? got / total : 0;
          if (!total) bar.removeAttribute('value');
          text.textContent = `fetching the MNIST data: ${(got / 1e6).toFixed(1)} MB` + (total ? ` of ${(total / 1e6).toFixed(1)} MB` : '');
        });
        text.textContent = 'preparing both workers…';
        // each worker gets its own copy (transferred): A a copy, B the original
        await Promise.all([this.clients.a.init(buffer.slice(0)), this.clients.b.init(buffer)]);
        box.hidden = true;
      })().catch(e => {
        this.dataPromise = null;
        bar.value = 0;
        text.textContent = `Training cannot start: ${e.message}.`;
        retry.hidden = false;
        this.dataState('error', 'The data could not be loaded.');
        throw e;
      });
    }
    return this.dataPromise;
  }

  start(configs) {
    this.runNumber = (this.runNumber ?? 0) + 1;
    // The run this one ends stays on the curves, dashed, until the next run ends this one in turn.
    if (this.started && COLUMNS.some(c => this.stores[c].reports.length > 1)) {
      this.previous = this.stores;
      this.stores = { a: new ReportStore(), b: new ReportStore() };
    }
    for (const col of COLUMNS) {
      this.stores[col].reset();
      this.configs[col] = null;
      this.clients[col].start(configs[col]);
    }
    // The workers' sessions start again: no kept step of the old run is held for a binning alone.
    for (const v of Object.values(this.views ?? {})) v.forget();
    this.started = true;
    this.clock = { ms: 0, since: null };
    this.errors = {};
    this.warnings = {};
    this.newRun();
  }

  // Each resolves false when the workers or the data could not be made (the data box says why).
  async ready() {
    try { await this.ensureWorkers(); return true; } catch { return false; }
  }

  // fresh: start over even mid-run (a new pair; the run it ends stays as the previous-run overlay).
  async play(configs, fresh = false) {
    if (!await this.ready()) return;
    if (!this.started || fresh || this.finished()) this.start(configs);
    this.playing = true;
    this.clock.since ??= performance.now();
    for (const col of COLUMNS) this.clients[col].play();
    this.changed(true);
  }

  pause() {
    this.playing = false;
    this.stopClock();
    if (this.clients) for (const col of COLUMNS) this.clients[col].pause();
    this.changed(true);
  }

  async advance(configs) {
    if (this.playing || !await this.ready()) return;
    if (!this.started || this.finished()) this.start(configs);
    for (const col of COLUMNS) this.clients[col].advance();
  }

  async reset(configs) {
    this.pause();
    if (!await this.ready()) return;
    this.start(configs);
    this.changed(true);
  }

  stopClock() {
    if (this.clock.since !== null) this.clock.ms += performance.now() - this.clock.since;
    this.clock.since = null;
  }

  seconds() {
    return (this.clock.ms + (this.clock.since !== null ? performance.now() - this.clock.since : 0)) / 1000;
  }

  finished() {
    return Boolean(this.clients) && COLUMNS.every(c => this.clients[c].progress.finished || this.errors[c]);
  }

  // 'idle' | 'finished' | 'running' | 'paused'; a run that has just finished stops its clock.
  state() {
    if (this.clients && this.finished() && this.playing) {
      this.playing = false;
      this.stopClock();
    }
    return !this.started ? 'idle' : this.finished() ? 'finished' : this.playing ? 'running' : 'paused';
  }

  commonSteps() { return commonSteps(this.stores); }

  // The init-time view's figures of both columns at a kept step, redrawn from what the run kept, in the
  // result shape of client.js (with .step): resolves with the channel's newest request's result, null for
  // the others. channel: who asks ('init', 'training'), each with its own newest request.
  viewStep(step, view, channel = 'init') {
    if (!this.clients) return Promise.resolve(null);
    this.views[channel] ??= new PairRequests((col, msg) => this.clients[col].post(msg), r => this.viewed(channel, r), channel);
    this.waiting[channel]?.resolve(null);  // an older request: its answers are dropped
    const id = this.views[channel].request({ a: { step }, b: { step } }, view, { step });
    return new Promise(resolve => { this.waiting[channel] = { id, resolve }; });
  }

  viewed(channel, result) {
    const w = this.waiting[channel];
    if (!w || w.id !== result.id) return;
    this.waiting[channel] = null;
    w.resolve(result);
  }

  // Each column's kept arrays by step ({a, b} of Maps; {} before a run), for the saved-run file: of the
  // steps it keeps them (run-file.js keptSteps).
  async keptArrays() {
    if (!this.clients || !this.started) return {};
    const [a, b] = await Promise.all(COLUMNS.map(c => this.clients[c].kept([...keptSteps(this.stores[c].reports.map(r => r.step))])));
    return { a, b };
  }

  progress(col) {
    return this.clients?.[col].progress ?? null;
  }
}
