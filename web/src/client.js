// The page's side of the worker protocol (see worker.js): one worker per column, so the columns
// compute in parallel. A request (pair-requests.js) runs both columns, takes one x range over both
// (shared axes), has both bin their tensor, and hands the page one result. Newest request wins, progress
// after 200 ms, every failure turned into a message instead of a dead page.

import { PairRequests, COLUMNS } from './pair-requests.js';

// Two builds of the same module (src/wasm/CMakeLists.txt): relaxed SIMD, whose matrix products use
// f32x4.relaxed_madd (a fused multiply-add: about a fifth off every update), where the browser has it, and
// SIMD128 everywhere else. Both share the JS glue, so only the .wasm differs. Relative URLs: the site works
// under any sub-path.
const WASM_BUILDS = {
  'relaxed-simd': 'wasm/layerscope_wasm_relaxed.wasm',
  simd128: 'wasm/layerscope_wasm.wasm',
};

// The smallest module that uses f32x4.relaxed_madd: () -> v128 returning relaxed_madd(0, 0, 0).
const zeroVector = [0xfd, 0x0c, ...new Array(16).fill(0)];  // v128.const 0
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,        // type section: one type, () -> v128
  0x03, 0x02, 0x01, 0x00,                          // function section: one function of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00,                    // code section: one body of 59 bytes, no locals
  ...zeroVector, ...zeroVector, ...zeroVector, 0xfd, 0x85, 0x02, 0x0b,  // relaxed_madd, end
]);

// ?wasm=simd128 forces the SIMD128 build (to compare the two, or to rule the relaxed one out).
export function chooseWasmBuild(search = '') {
  if (new URLSearchParams(search).get('wasm') === 'simd128') return 'simd128';
  return WebAssembly.validate(RELAXED_PROBE) ? 'relaxed-simd' : 'simd128';
}

// Compiled while the bytes arrive where the host serves application/wasm; from the whole download where
// it does not (compileStreaming refuses other content types).
async function compileWasm(url) {
  if (WebAssembly.compileStreaming) {
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch {
      // fall through: a wrong content type, or no streaming here
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

// The compiled module of a build, compiled once for the whole page: both bundles (app.js, training.js)
// carry this file, so the promises sit in a global registry. Resolves to null when the build cannot be
// fetched or compiled here.
export function compiledModule(build) {
  const shared = (globalThis[Symbol.for('layerscope.compiledWasm')] ??= new Map());
  if (!shared.has(build)) shared.set(build, compileWasm(WASM_BUILDS[build]).catch(() => null));
  return shared.get(build);
}

export class ComputeClient {
  // handlers: {ready(info), result(msg), percentiles(msg), progress(text|null), error(text)}
  // result msg: {id, ms, kind, range, symlogThreshold, columns:{a, b}, timing}; a column is
  // {ok, runKey, config, loss, depth, summaries, theory, histograms, histogramsKey} or {ok:false, error};
  // equal keys mean the very same numbers as an earlier result.
  // percentiles msg: {id, kind, columns:{a?: values, b?: values}}.
  constructor(handlers) {
    this.handlers = handlers;
    this.pairs = new PairRequests((col, msg) => this.workers[col].postMessage(msg), (result, req) => this.finished(result, req));
    this.progressTimer = null;
    this.progressText = 'computing…';
    this.readyCount = 0;
    this.workers = {};
    for (const col of COLUMNS) this.spawn(col);
    // One download and one compile of the .wasm for both workers; null (each worker then loads the
    // SIMD128 build itself, and reports what went wrong) if that fails here.
    this.wasmBuild = chooseWasmBuild(location.search);
    this.module = compiledModule(this.wasmBuild).then(module => {
      if (!module) this.wasmBuild = 'simd128';
      return module;
    });
    for (const col of COLUMNS) this.sendModule(col);
  }

  spawn(col) {
    const worker = new Worker('worker.js', { type: 'module' });
    worker.onmessage = e => { if (this.workers[col] === worker) this.receive(col, e.data); };
    worker.onerror = e => {
      e.preventDefault();
      if (this.workers[col] === worker) this.handlers.error(`The compute worker failed: ${e.message || 'unknown error'}`);
    };
    worker.onmessageerror = () => this.handlers.error('A message from the compute worker could not be read.');
    this.workers[col] = worker;
  }

  sendModule(col) {
    const worker = this.workers[col];
    this.module.then(module => worker.postMessage({ type: 'module', module }));
  }

  // Stops the request in flight for real: a run inside the core cannot be interrupted, so each worker
  // still busy with it is terminated and replaced by a fresh one on the same compiled module (about
  // 0.1-0.3 s to start; messages sent meanwhile wait in its queue). The next request runs from scratch.
  cancel() {
    const req = this.current;
    if (!req) return;
    for (const col of COLUMNS) {
      if (req.runs[col]) continue;  // this column's run is back: its worker is idle and keeps the run
      this.workers[col].terminate();
      this.spawn(col);
      this.sendModule(col);
    }
    this.pairs.current = null;
    this.stopProgress();
  }

  // percentiles: false for a live slider drag, whose result never asks the workers for percentiles.
  request(configs, view, { percentiles = true } = {}) {
    const what = Object.fromEntries(COLUMNS.map(c => [c, { config: configs[c] }]));
    const id = this.pairs.request(what, view, { percentiles });
    if (this.progressTimer === null) {
      this.progressTimer = setTimeout(() => this.handlers.progress(this.progressText), 200);
    }
    return id;
  }

  get latest() { return this.pairs.latest; }
  get current() { return this.pairs.current; }

  stopProgress() {
    clearTimeout(this.progressTimer);
    this.progressTimer = null;
    this.progressText = 'computing…';
    this.handlers.progress(null);
  }

  receive(col, msg) {
    if (this.pairs.receive(col, msg)) return undefined;
    switch (msg.type) {
      case 'ready':
        // A worker that loaded the module itself runs the SIMD128 build, whatever was compiled here.
        if (msg.ownModule) this.wasmBuild = 'simd128';
        // both modules are alike: the page starts with the first; requests queue in the other
        if (++this.readyCount === 1) {
          this.handlers.ready(msg);
        }
        return undefined;
      case 'fatal': this.stopProgress(); return this.handlers.error(msg.message);
      case 'progress':
        if (msg.id !== this.latest) return undefined;
        this.progressText = msg.message;
        if (this.progressTimer !== null) this.handlers.progress(null, msg.message);
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
    for (const c of ask.columns) this.workers[c].postMessage({ type: 'percentiles', id, kind: ask.kind });
  }
}
