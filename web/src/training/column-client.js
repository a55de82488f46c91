// The training view's side of one column's worker (worker.js has the protocol; worker-pool.js the worker,
// shared with the init-time view): it hands the worker its copy of the data, and passes on only the
// messages of the current run (a reset starts a new run id; late reports of the old run are dropped).
export class ColumnClient {
  // handlers: {started(config, warnings), report(report, progress), progress(progress), error({message, field, divergedAt}),
  //   view(msg): the answers to pair-requests.js's 'run' and 'bin' (a kept report drawn as a run)}
  constructor(column, worker, handlers) {
    Object.assign(this, { column, worker, handlers });
    this.runId = 0;
    this.ready = null;
    this.progress = { stepsDone: 0, finished: false, playing: false, stepsPerSecond: 0, heapBytes: 0 };
    worker.listeners.add(msg => this.receive(msg));
    worker.failures.add(message => handlers.error({ message }));
  }

  // Resolves with the data's image counts once the worker has its module and has parsed the data.
  init(data) {
    this.ready ??= new Promise((resolve, reject) => { this.readyWaiter = { resolve, reject }; });
    this.worker.holdsTraining = true;  // from now on a cancel of the init-time view never replaces it
    this.worker.post({ type: 'data', data }, [data]);
    return this.ready;
  }

  start(config) {
    this.runId++;
    this.progress = { ...this.progress, stepsDone: 0, finished: false, playing: false };
    this.worker.post({ type: 'start', runId: this.runId, config });
  }

  // A saved run's kept reports (saved-run.js): the worker draws its steps under a new run id, the live
  // session's answers of before dropped here as an old run's.
  showSaved(config, reports) {
    this.runId++;
    this.worker.post({ type: 'saved', runId: this.runId, config, reports });
  }

  // The kept arrays of the run's reports at `steps` (worker 'kept'), for "Download the whole run": a Map
  // from a step to {summaries, distributions, fineBins}.
  kept(steps) {
    return new Promise(resolve => {
      this.keptWaiter = resolve;
      this.worker.post({ type: 'kept', steps });
    });
  }

  play() { this.worker.post({ type: 'play' }); }
  pause() { this.worker.post({ type: 'pause' }); }
  advance() { this.worker.post({ type: 'advance' }); }
  post(msg) { this.worker.post(msg); }

  receive(msg) {
    if (msg.type === 'dataReady') return this.readyWaiter?.resolve({ train: msg.train, test: msg.test });
    if ((msg.type === 'fatal' || (msg.type === 'error' && msg.runId === 0)) && this.readyWaiter) {
      this.ready = null;
      return this.readyWaiter.reject(new Error(msg.message));
    }
    if (msg.runId === undefined || msg.runId !== this.runId) return undefined;  // the init-time view's, or an old run's
    if (msg.progress) this.progress = msg.progress;
    if (msg.type === 'run' || msg.type === 'histograms') this.handlers.view(msg);
    else if (msg.type === 'kept') this.keptWaiter?.(new Map(msg.reports.map(({ step, ...arrays }) => [step, arrays])));
    else if (msg.type === 'started') this.handlers.started(msg.config, msg.warnings ?? []);
    else if (msg.type === 'report') this.handlers.report(msg.report, msg.progress);
    else if (msg.type === 'progress') this.handlers.progress(msg.progress);
    else if (msg.type === 'error') this.handlers.error(msg);
    return undefined;
  }
}
