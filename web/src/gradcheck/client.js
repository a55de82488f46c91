// The page's side of the gradient check: one worker (gradcheck-worker.js), made on the first check, that
// owns the check's own wasm module; checks run one at a time, in order. cancel() terminates the worker (a
// running check is one synchronous wasm call, so that is the only way to stop it); the next check makes a
// new one.
export class GradcheckClient {
  constructor() {
    this.worker = null;
    this.pending = new Map();  // id -> {resolve, reject, loaded}
    this.nextId = 1;
    this.loaded = false;
  }

  #spawn() {
    this.worker = new Worker(new URL('./gradcheck-worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = event => {
      const msg = event.data;
      const job = this.pending.get(msg.id);
      if (!job) return;
      if (msg.loaded) { this.loaded = true; job.loaded?.(); return; }
      this.pending.delete(msg.id);
      if (msg.error !== undefined) job.reject(Object.assign(new Error(msg.error), { field: msg.field, fatal: Boolean(msg.fatal) }));
      else job.resolve(msg.result);
    };
    this.worker.onerror = event => {
      event.preventDefault?.();
      this.#failAll(Object.assign(new Error(`The gradient check's worker failed: ${event.message || 'it could not start'}`), { fatal: true }));
    };
  }

  // The check of one network (config: its settings; settings: {bn_backward}); onLoaded() once the module
  // is up, when this check had to wait for it.
  check(config, settings, onLoaded = null) {
    if (!this.worker) this.#spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, loaded: onLoaded });
      this.worker.postMessage({ id, config, settings });
    });
  }

  cancel() {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    this.loaded = false;
    const cancelled = new Error('cancelled');
    cancelled.cancelled = true;
    this.#failAll(cancelled);
  }

  #failAll(error) {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
