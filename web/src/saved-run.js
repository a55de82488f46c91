// "Open a saved run" (issue 20): a file the training view's "Download the whole run" wrote comes back and
// is drawn exactly as a live run is, without training. Three ways in: the "Open a saved run" button (a file
// picker), a file dropped on the training view, and `run=` in the URL (a file of this site, fetched:
// `?view=training&run=runs/fig1.json`, the example build-wasm.sh puts in dist/runs/, also in the Figure 1
// embed). run-file.js reads and checks the file; a file it refuses leaves the view as it was and says why.
//
// The hook: showSavedRun(controller, run) puts a LoadedRun where the controller keeps its PairRunner
// (controller.run) and redraws. A LoadedRun answers what the views and the controller ask of a run (the
// kept reports, the configs, finished, its seconds) from the file; Play, Step, Reset or a changed training
// setting hand over to the live runner, which then trains as before.
import { readRunFile, checkSize, RunFileError } from './run-file.js';
import { ReportStore } from './training/snapshots.js';
import { commonSteps } from './training/runner.js';
import { PAIRS, TENSORS } from './training/settings.js';
import { startCoreChecks } from './core-checks.js';
import { checkValue, formatValue } from './state.js';

const COLUMNS = ['a', 'b'];
const $ = id => document.getElementById(id);

class LoadedRun {
  fromFile = true;  // not a run of this page: the init view shows it only for the pair it was built from (controller.publishRun)

  constructor(run, live, onLeave) {
    this.live = live;
    this.builtFrom = run.builtFrom;  // the init view's pair it was built from, or null
    this.onLeave = onLeave;
    this.runSeconds = Number.isFinite(run.runSeconds) ? run.runSeconds : 0;
    this.stores = {};
    this.configs = {};
    for (const col of COLUMNS) {
      const store = new ReportStore();
      const { config, reports, reportsMade } = run.columns[col];
      store.config = config;
      store.reports = reports;
      store.seen = reportsMade;
      this.stores[col] = store;
      this.configs[col] = config;
    }
    // The steps both columns kept distributions of (run-file.js `kept`): the scrubber lands on these, and
    // the core redraws their histograms in the columns' workers. None in a version 1 file.
    this.version = run.version;
    const keptIn = col => new Set(run.columns[col].reports.filter(r => r.kept).map(r => r.step));
    const [keptA, keptB] = COLUMNS.map(keptIn);
    this.keptSteps = [...keptA].filter(s => keptB.has(s));
    this.sent = false;
    this.trainedWhere = 'where the run was made';  // the Figure 1 caption's words for its seconds
    this.playing = false;
    this.started = true;
    this.clients = null;
    this.errors = {};
    this.previous = null;  // a saved run is drawn alone: no dashed run from before it
    this.runNumber = `saved:${++LoadedRun.opened}`;  // a new key for the views' caches
  }

  static opened = 0;

  seconds() { return this.runSeconds; }
  // The steps the scrubbers offer: those the file kept distributions of (all of its steps without any).
  commonSteps() { return this.keptSteps.length ? this.keptSteps : commonSteps(this.stores); }
  // A kept step drawn as a live run's is (runner.js viewStep): the file's kept arrays go to the columns'
  // workers once (worker/saved-reports.js), whose core redraws them; the same request protocol answers.
  // A file without them answers every step with a note in place of the histograms.
  viewStep(step, view, channel = 'init') {
    if (!this.keptSteps.length) return Promise.resolve(noHistograms(step, view, this.version));
    if (!this.live.clients) this.live.makeClients();
    if (!this.sent) {
      for (const col of COLUMNS) {
        const reports = this.stores[col].reports.filter(r => r.kept).map(({ step: s, trainLoss, kept }) => ({ step: s, trainLoss, kept }));
        this.live.clients[col].showSaved(this.configs[col], reports);
      }
      this.sent = true;
    }
    return this.live.viewStep(step, view, channel);
  }
  finished() { return true; }
  state() { return 'finished'; }
  progress(col) {
    return { stepsDone: this.stores[col].latest.step, finished: true, playing: false, stepsPerSecond: 0, heapBytes: 0 };
  }
  pause() {}
  stopClock() {}
  // Training again: the live runner takes over (and the URL forgets the file), from step 0 even when it
  // had a run of its own paused before the file was opened.
  async #leave(configs) {
    this.onLeave();
    if (this.live.started) await this.live.reset(configs);
    return this.live;
  }
  async play(configs) { return (await this.#leave(configs)).play(configs); }
  async advance(configs) { return (await this.#leave(configs)).advance(configs); }
  reset(configs) { this.onLeave(); return this.live.reset(configs); }
  ready() { return this.live.ready(); }
  get dataPromise() { return this.live.dataPromise; }
  set dataPromise(v) { this.live.dataPromise = v; }
}

// A step of a file that keeps no distributions, as a result whose columns say so (where the histograms
// would be, the views show a column's error message).
function noHistograms(step, view, version) {
  const message = `This saved run holds no histograms: its file (version ${version}) keeps only the curves' and the table's numbers.`;
  const column = { ok: false, error: { message, field: null } };
  return { type: 'result', id: 0, ms: 0, kind: view.tensor, range: [-0.5, 0.5], symlogThreshold: 1e-6, columns: { a: column, b: column }, step };
}

// The one entry point: `run` as readRunFile returns it, drawn in the training view like a finished run.
export function showSavedRun(controller, run, source) {
  const live = controller.run instanceof LoadedRun ? controller.run.live : controller.run;
  live.pause();
  if (controller.view !== 'training') {  // a link with run= but no view=training: the run is what it is for
    controller.view = 'training';
    controller.applyView();
  }
  controller.run = new LoadedRun(run, live, () => {
    controller.run = live;
    forgetRunParameter();
    say(null);
  });
  // The labels that depend on the file: its pair (for the figure's title) and the binned tensor.
  if (PAIRS[run.settings.preset] && run.settings.preset !== 'built') controller.settings.preset = run.settings.preset;
  const tensor = run.columns.b.config.histogram_tensor;
  if (TENSORS[tensor]) controller.settings.tensor = tensor;
  controller.syncControls();
  controller.scrubber.follow();
  controller.progressChanged(true);
  controller.publishRun(true);  // the init view: the file's steps, if it was built from the pair shown there
  const last = Math.max(...COLUMNS.map(c => run.columns[c].reports.at(-1).step));
  say(`Showing the saved run ${source}: ${last.toLocaleString('en')} steps, trained in ${run.runSeconds.toFixed(1)} s where it was made. ` +
    'Play trains anew.');
}

// The file picker, drag and drop on the training view, and the URL's run=.
export function mountSavedRuns(controller) {
  const input = $('t-run-input');
  $('t-open-run')?.addEventListener('click', () => input.click());
  input?.addEventListener('change', () => {
    if (input.files[0]) openFile(controller, input.files[0]);
    input.value = '';
  });
  const root = controller.root;
  const carriesFiles = e => [...(e.dataTransfer?.types ?? [])].includes('Files');
  root.addEventListener('dragover', e => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    root.classList.add('t-dropping');
  });
  root.addEventListener('dragleave', e => { if (e.target === root) root.classList.remove('t-dropping'); });
  root.addEventListener('drop', e => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    root.classList.remove('t-dropping');
    if (e.dataTransfer.files[0]) openFile(controller, e.dataTransfer.files[0]);
  });
  const param = new URLSearchParams(location.search).get('run');
  if (param !== null) openUrl(controller, param);
}

async function openFile(controller, file) {
  const name = `“${file.name}”`;
  await load(controller, name, async () => {
    checkSize(file.size, name);
    return file.text();
  });
}

// run=: a path or URL of this site (the site's own files only: a saved run is data the page trusts to be
// what it says, and another origin's file would not be the reader's choice).
async function openUrl(controller, value) {
  const name = `run=${value}`;
  await load(controller, name, async () => {
    let url;
    try { url = new URL(value, location.href); } catch { throw new RunFileError(`${name}: not a file path or URL.`); }
    if (url.origin !== location.origin)
      throw new RunFileError(`${name}: must be a file of this site (${location.origin}), not of ${url.origin}.`);
    const response = await fetch(url);
    if (!response.ok) throw new RunFileError(`${name}: could not be fetched (HTTP ${response.status}).`);
    const length = Number(response.headers.get('content-length'));
    if (length) checkSize(length, name);
    return response.text();
  });
}

// Every setting of a column's config judged by the core's rule (the network's and training's tables, as
// the URL's and the controls' values are): null, or the first refusal's message.
async function configChecker() {
  const core = await startCoreChecks();
  const specs = [...core.schema, ...core.trainingSchema];
  return config => {
    for (const spec of specs) {
      if (config[spec.name] === undefined || config[spec.name] === null) continue;
      const r = checkValue(spec.name, spec, formatValue(spec, config[spec.name]));
      if (!r.ok) return r.message;
    }
    return null;
  };
}

async function load(controller, name, readText) {
  controller.root.dataset.runFile = 'loading';
  try {
    const run = readRunFile(await readText(), { name, checkConfig: await configChecker() });
    showSavedRun(controller, run, name);
    controller.root.dataset.runFile = 'shown';
  } catch (e) {
    // The view keeps what it showed: nothing above touched it before the file was read whole.
    say(e instanceof RunFileError ? e.message : `${name} could not be read: ${e.message}`, true);
    controller.root.dataset.runFile = 'refused';
  }
}

function say(text, error = false) {
  const el = $('t-run-file');
  if (!el) return;
  el.hidden = !text;
  el.textContent = text ?? '';
  el.classList.toggle('t-run-file-error', error);
  el.setAttribute('role', error ? 'alert' : 'status');
}

function forgetRunParameter() {
  const params = new URLSearchParams(location.search);
  if (!params.has('run')) return;
  params.delete('run');
  const q = params.toString();
  history.replaceState(null, '', q ? `?${q}` : location.pathname);
}
