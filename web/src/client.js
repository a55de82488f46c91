// The init-time view's side of the worker protocol (see worker.js): one worker per column (worker-pool.js,
// shared with the training view), so the columns compute in parallel. A request (pair-requests.js) runs
// both columns, takes one x range over both (shared axes), has both bin their tensor, and hands the page
// one result. Newest request wins, progress after 200 ms, every failure turned into a message instead of
// a dead page.

import { PairRequests, COLUMNS } from './pair-requests.js';
import { workerPool } from './worker-pool.js';

export class ComputeClient {
  // handlers: {ready(info), result(msg), percentiles(msg), progress(text|null), error(text)}
  // result msg: {id, ms, kind, range, symlogThreshold, columns:{a, b}, timing}; a column is
  // {ok, runKey, config, loss, depth, summaries, theory, histograms, histogramsKey} or {ok:false, error};
  // equal keys mean the very same numbers as an earlier result.
  // percentiles msg: {id, kind, columns:{a?: values, b?: values}}.
  // pool: the page's (worker-pool.js), or a section's own (extraWorkerPool).
  constructor(handlers, pool = workerPool()) {
    this.handlers = handlers;
    this.pool = pool;
    this.pairs = new PairRequests((col, msg) => this.pool.workers[col].post(msg), (result, req) => this.finished(result, req));
    this.progressTimer = null;
    this.progressShown = false;  // the request out has been out for over 200 ms: the progress line is up
    this.progressText = 'computing…';
    this.readyCount = 0;
    for (const col of COLUMNS) {
      this.pool.workers[col].listeners.add(msg => this.receive(col, msg));
      this.pool.workers[col].failures.add(text => {
        this.pairs.forget();
        this.handlers.error(text);
      });
    }
  }

  // The build the workers run: the one compiled here ('relaxed-simd' or 'simd128'), or 'simd128' when a
  // worker had to load its own.
  get wasmBuild() { return this.pool.wasmBuild; }

  // Stops the request in flight (worker-pool.js: a worker busy with it is replaced, unless it holds the
  // column's training). The next request runs from scratch.
  cancel() {
    const req = this.current;
    if (!req) return;
    for (const col of COLUMNS) {
      if (req.runs[col]) continue;  // this column's run is back: its worker is idle and keeps the run
      this.pool.workers[col].cancel();
    }
    this.pairs.forget();
    this.stopProgress();
  }

  // percentiles: false for a live slider drag, whose result never asks the workers for percentiles.
  request(configs, view, { percentiles = true } = {}) {
    const what = Object.fromEntries(COLUMNS.map(c => [c, { config: configs[c] }]));
    const id = this.pairs.request(what, view, { percentiles });
    if (this.progressTimer === null) {
      this.progressTimer = setTimeout(() => {
        this.progressShown = true;
        this.handlers.progress(this.progressText);
      }, 200);
    }
    return id;
  }

  get latest() { return this.pairs.latest; }
  get current() { return this.pairs.current; }

  stopProgress() {
    clearTimeout(this.progressTimer);
    this.progressTimer = null;
    this.progressShown = false;
    this.progressText = 'computing…';
    this.handlers.progress(null);
  }

  receive(col, msg) {
    if (this.pairs.receive(col, msg)) return undefined;
    switch (msg.type) {
      case 'ready':
        // A worker that loaded the module itself runs the SIMD128 build, whatever was compiled here.
        if (msg.ownModule) this.pool.wasmBuild = 'simd128';
        // both modules are alike: the page starts with the first; requests queue in the other
        if (++this.readyCount === 1) {
          this.handlers.ready(msg);
        }
        return undefined;
      case 'fatal': this.stopProgress(); return this.handlers.error(msg.message);
      case 'progress':
        // A worker starts a run: the words of the progress line, shown only once the request is out for
        // 200 ms. Shown at once, every quick change (a slider step, 60-100 ms) put the line up and dimmed
        // the figures (body.stale) and took both down again a few frames later: a flicker per change,
        // and two restyles of the whole page competing with the run for the cores.
        if (msg.id !== this.latest) return undefined;
        this.progressText = msg.message;
        if (this.progressShown) this.handlers.progress(null, msg.message);
        return undefined;
      case 'percentiles':
        if (msg.id !== this.latest) return undefined;
        return this.handlers.percentiles({ id: msg.id, kind: msg.kind, columns: { [col]: msg.values } });
      default:
        return undefined;
    }
  }

  finished(result, req) {
    this.stopProgress();
    this.handlers.result(result);
    this.percentilesAsk = req.percentiles ? { id: req.id, kind: req.kind, columns: COLUMNS.filter(c => result.columns[c].ok) } : null;
  }

  // The page calls this once a result is on screen: the sorts for the percentiles then run in the
  // workers without taking the cores from the frame that shows the figures.
  askPercentiles(id) {
    const ask = this.percentilesAsk;
    if (!ask || ask.id !== id || id !== this.latest) return;
    this.percentilesAsk = null;
    for (const c of ask.columns) this.pool.workers[c].post({ type: 'percentiles', id, kind: ask.kind });
  }
}
