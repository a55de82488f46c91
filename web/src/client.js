// The page's side of the worker protocol (see worker.js): tagged requests, newest wins, progress after
// 200 ms, and every failure turned into a message instead of a dead page.
export class ComputeClient {
  // handlers: {ready(info), result(msg), percentiles(msg), progress(text|null), error(text)}
  constructor(handlers) {
    this.handlers = handlers;
    this.latest = 0;
    this.progressTimer = null;
    this.progressText = 'computing…';
    this.worker = new Worker('worker.js', { type: 'module' });
    this.worker.onmessage = e => this.receive(e.data);
    this.worker.onerror = e => {
      e.preventDefault();
      handlers.error(`The compute worker failed: ${e.message || 'unknown error'}`);
    };
    this.worker.onmessageerror = () => handlers.error('A message from the compute worker could not be read.');
  }

  request(configs, view, { percentiles = true } = {}) {
    const id = ++this.latest;
    this.worker.postMessage({ type: 'compute', id, configs, view, percentiles });
    if (this.progressTimer === null) {
      this.progressTimer = setTimeout(() => this.handlers.progress(this.progressText), 200);
    }
    return id;
  }

  stopProgress() {
    clearTimeout(this.progressTimer);
    this.progressTimer = null;
    this.progressText = 'computing…';
    this.handlers.progress(null);
  }

  receive(msg) {
    switch (msg.type) {
      case 'ready': return this.handlers.ready(msg);
      case 'fatal': this.stopProgress(); return this.handlers.error(msg.message);
      case 'progress':
        if (msg.id !== this.latest) return;
        this.progressText = msg.message;
        if (this.progressTimer !== null) this.handlers.progress(null, msg.message);
        return;
      case 'result':
        if (msg.id !== this.latest) return;  // stale: a newer request is on its way
        this.stopProgress();
        return this.handlers.result(msg);
      case 'percentiles':
        if (msg.id !== this.latest) return;
        return this.handlers.percentiles(msg);
      default:
        return undefined;
    }
  }
}
