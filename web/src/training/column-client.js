// The page's side of one column's training worker (training-worker.js has the protocol): it loads the
// worker once, hands it the module and its copy of the data, and passes on only the messages of the
// current run (a reset starts a new run id; late reports of the old run are dropped).
export class ColumnClient {
  // handlers: {started(config, warnings), report(report, progress), progress(progress), error({message, field, divergedAt}),
  //   view(msg): the answers to pair-requests.js's 'run' and 'bin' (a kept report drawn as a run)}
  constructor(column, handlers) {
    this.column = column;
    this.handlers = handlers;
    this.runId = 0;
    this.ready = null;
    this.progress = { stepsDone: 0, finished: false, playing: false, stepsPerSecond: 0, heapBytes: 0 };
    this.worker = new Worker('training-worker.js', { type: 'module' });
    this.worker.onmessage = e => this.receive(e.data);
    this.worker.onerror = e => {
      e.preventDefault();
      handlers.error({ message: `the training worker of column ${column.toUpperCase()} failed: ${e.message || 'unknown error'}` });
    };
  }

  // Resolves with the data's image counts once the worker has loaded the module and parsed the data.
  init(module, data) {
    this.ready ??= new Promise((resolve, reject) => { this.readyWaiter = { resolve, reject }; });
    this.worker.postMessage({ type: 'init', module, data }, [data]);
    return this.ready;
  }

  start(config) {
    this.runId++;
    this.progress = { ...this.progress, stepsDone: 0, finished: false, playing: false };
    this.worker.postMessage({ type: 'start', runId: this.runId, config });
  }

  play() { this.worker.postMessage({ type: 'play' }); }
  pause() { this.worker.postMessage({ type: 'pause' }); }
  advance() { this.worker.postMessage({ type: 'advance' }); }
  post(msg) { this.worker.postMessage(msg); }

  receive(msg) {
    if (msg.type === 'ready') return this.readyWaiter.resolve({ train: msg.train, test: msg.test });
    if (msg.type === 'error' && msg.runId === 0 && this.readyWaiter) {
      this.ready = null;
      return this.readyWaiter.reject(new Error(msg.message));
    }
    if (msg.runId !== this.runId) return;
    if (msg.progress) this.progress = msg.progress;
    if (msg.type === 'run' || msg.type === 'histograms') this.handlers.view(msg);
    else if (msg.type === 'started') this.handlers.started(msg.config, msg.warnings ?? []);
    else if (msg.type === 'report') this.handlers.report(msg.report, msg.progress);
    else if (msg.type === 'progress') this.handlers.progress(msg.progress);
    else if (msg.type === 'error') this.handlers.error(msg);
  }

  terminate() { this.worker.terminate(); }
}
