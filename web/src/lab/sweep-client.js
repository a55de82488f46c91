// The page's side of one of the lab's sweeps: up to two workers (sweep-worker.js), each with its own
// instance of the lab's wasm module (compiled once for the page, on the first use, and handed to every
// worker) and its own copy of the MNIST pack (fetched once). cancel() terminates every worker: a running sweep is a chain of
// synchronous runs of a few seconds each, and terminating is the one way to stop the one in progress;
// the next request makes fresh workers on the same compiled module, so the page goes on as before.
import { fetchDataset } from '../training/data.js';

const MODULE_URL = './wasm/layerscope_lab.wasm';

// One compile of the module and one fetch of the data for the whole page (each experiment has a client
// of its own, so Cancel in one leaves the other running).
let compiled = null;  // Promise<WebAssembly.Module>
let data = null;      // Promise<ArrayBuffer>
function compileModule() {
  compiled ??= WebAssembly.compileStreaming(fetch(MODULE_URL)).catch(e => {
    compiled = null;
    throw new Error(`the lab's WebAssembly module (${MODULE_URL}) could not be loaded: ${e.message}`);
  });
  return compiled;
}

export class SweepClient {
  constructor() {
    this.workers = [];       // [{worker, pending: Map(id -> {resolve, reject, partial}), ready: Promise}]
    this.nextId = 1;
    this.schemas = null;     // {sweep, depth}: the core's settings rows, once a worker is up
    this.generation = 0;     // cancel() moves it on: a request that was waiting (for the data, a worker) stops
    this.#armCancel();
  }

  // A promise that rejects on the next cancel(): guard(p) races p against it, so a wait that no worker
  // holds (the data's download) ends at Cancel too.
  #armCancel() {
    this.cancelSignal = new Promise((resolve, reject) => { this.rejectCancel = reject; });
    this.cancelSignal.catch(() => {});
  }

  guard(promise) {
    return Promise.race([promise, this.cancelSignal]);
  }

  // Two workers where the machine has two cores or more: A's and B's runs side by side.
  get parallel() { return Math.min(2, Math.max(1, navigator.hardwareConcurrency || 1)); }

  // The MNIST pack, fetched once for the page (onProgress(received, total) while it arrives).
  dataset(onProgress = () => {}) {
    data ??= fetchDataset(onProgress).catch(e => { data = null; throw e; });
    return data;
  }

  // Worker k, started (module loaded, and the data when withData) before it is used.
  async #worker(k, withData) {
    const generation = this.generation;
    const current = () => {
      if (generation !== this.generation) throw Object.assign(new Error('cancelled'), { cancelled: true });
    };
    let w = this.workers[k];
    if (!w) {
      const worker = new Worker(new URL('./lab-sweep-worker.js', document.baseURI), { type: 'module' });
      w = this.workers[k] = { worker, pending: new Map(), ready: null, hasData: false };
      worker.onmessage = event => this.#receive(w, event.data);
      worker.onerror = event => {
        event.preventDefault?.();
        this.#fail(w, new Error(`the lab's worker failed: ${event.message || 'it could not start'}`));
      };
      w.ready = compileModule().then(module => this.#send(w, { type: 'init', module, data: null }));
    }
    this.schemas ??= await this.guard(w.ready);
    if (withData && !w.hasData) {
      w.hasData = true;
      w.ready = w.ready.then(async () => this.#send(w, { type: 'init', module: await compileModule(), data: await this.dataset() }))
        .catch(e => { w.hasData = false; w.ready = Promise.resolve(this.schemas); throw e; });  // a Retry fetches again
    }
    await this.guard(w.ready);
    current();
    return w;
  }

  #send(w, message, partial = null) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      w.pending.set(id, { resolve, reject, partial });
      w.worker.postMessage({ id, ...message });
    });
  }

  #receive(w, msg) {
    const job = w.pending.get(msg.id);
    if (!job) return;
    if (msg.partial !== undefined) return job.partial?.(msg.partial);
    w.pending.delete(msg.id);
    if (msg.error !== undefined) job.reject(Object.assign(new Error(msg.error), { field: msg.field }));
    else job.resolve(msg.value);
  }

  #fail(w, error) {
    for (const job of w.pending.values()) job.reject(error);
    w.pending.clear();
  }

  // The core's settings rows of both sweeps: {sweep, depth} (loads the module in one worker).
  async schema() {
    await this.#worker(0, false);
    return this.schemas;
  }

  // The learning-rate sweep planned (validated, nothing run), or a refusal naming the field.
  async plan(settings) {
    return this.#send(await this.#worker(0, false), { type: 'plan', settings });
  }

  // Every run of a plan, A's and B's in parallel when there are two workers; onPoint({column, index,
  // point}) after each. Resolves with {a: points, b: points} in rate order.
  async runSweep(plan, onPoint) {
    const count = plan.rates.length, indices = [...Array(count).keys()];
    const columns = { a: [], b: [] };
    const record = p => { (p.column === 0 ? columns.a : columns.b)[p.index] = p.point; onPoint(p); };
    const runColumn = async (k, column) =>
      this.#send(await this.#worker(k, true), { type: 'points', settings: plan.settings, column, indices }, record);
    if (this.parallel > 1) await Promise.all([runColumn(0, 0), runColumn(1, 1)]);
    else { await runColumn(0, 0); await runColumn(0, 1); }
    return columns;
  }

  // The core's summary of a finished sweep: {aLargest, bLargest, caption}.
  async result(plan, points) {
    return this.#send(await this.#worker(0, false), { type: 'result', settings: plan.settings, a: points.a, b: points.b });
  }

  // The depth sweep; onProgress({done, total}) after each network.
  async depthSweep(settings, onProgress) {
    return this.#send(await this.#worker(0, false), { type: 'depth', settings }, onProgress);
  }

  cancel() {
    this.generation++;
    const cancelled = Object.assign(new Error('cancelled'), { cancelled: true });
    this.rejectCancel(cancelled);
    this.#armCancel();
    for (const w of this.workers) {
      w.worker.terminate();
      this.#fail(w, cancelled);
    }
    this.workers = [];
  }
}
