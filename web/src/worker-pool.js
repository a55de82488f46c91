// The page's two column workers (worker.js), one per column, shared by both views: the init-time view's
// client (client.js) and the training view's (training/column-client.js) each listen to them and post to
// them, and the page compiles the module once for both (client.js compiledModule). Made on first use; the
// one pool of the page sits in a global registry key, as the compile does.
import { chooseWasmBuild, compiledModule } from './wasm-build.js';

export const COLUMNS = ['a', 'b'];

class ColumnWorker {
  constructor(column, module) {
    Object.assign(this, { column, module });
    this.listeners = new Set();   // (msg) => void
    this.failures = new Set();    // (text) => void: the worker itself failed
    this.holdsTraining = false;   // data or a session was sent: the worker must not be replaced
    this.spawn();
  }

  spawn() {
    const worker = new Worker('worker.js', { type: 'module' });
    worker.onmessage = e => { if (this.worker === worker) for (const listen of this.listeners) listen(e.data); };
    worker.onerror = e => {
      e.preventDefault();
      if (this.worker === worker) for (const fail of this.failures) fail(`The worker of column ${this.column.toUpperCase()} failed: ${e.message || 'unknown error'}`);
    };
    worker.onmessageerror = () => { for (const fail of this.failures) fail('A message from the worker could not be read.'); };
    this.worker = worker;
    this.module.then(module => worker.postMessage({ type: 'module', module }));
  }

  post(msg, transfer = []) { this.worker.postMessage(msg, transfer); }

  // Stops what the worker is doing for the init-time view. A run inside the core cannot be interrupted,
  // so a worker that holds nothing else is replaced by a fresh one on the same compiled module (about
  // 0.1-0.3 s to start; messages sent meanwhile wait in its queue). One that holds the column's training
  // data or session is kept (a training run is never cut short by a cancel): it drops its queue and the
  // page drops the late answer. true: replaced.
  cancel() {
    if (this.holdsTraining) { this.post({ type: 'cancel' }); return false; }
    this.worker.terminate();
    this.spawn();
    return true;
  }
}

// {wasmBuild, workers: {a, b}}: the page's one pool. wasmBuild: the build compiled here, or 'simd128'
// when that compile failed (each worker then loads the SIMD128 build itself and says what went wrong).
export function workerPool() {
  const key = Symbol.for('layerscope.workerPool');
  globalThis[key] ??= makePool();
  return globalThis[key];
}

// A pool of two more column workers of the same kind, on the same compiled module, for a section that
// computes beside the page's two columns (the four cures: five networks, and five trained in turn) without
// taking their workers: its requests and sessions then never meet the columns'.
export function extraWorkerPool() {
  return makePool();
}

function makePool() {
  const pool = { wasmBuild: chooseWasmBuild(location.search), workers: {} };
  const module = compiledModule(pool.wasmBuild).then(m => {
    if (!m) pool.wasmBuild = 'simd128';
    return m;
  });
  for (const col of COLUMNS) pool.workers[col] = new ColumnWorker(col, module);
  return pool;
}
