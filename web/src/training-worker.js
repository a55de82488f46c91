// A training worker: one per column. Owns one wasm module and one Training, the data set it was handed,
// and the stepping loop. The page never waits on it: it steps in chunks of about CHUNK_MS and yields
// between chunks, so a 'pause' is read before the next chunk and really stops the stepping.
//
// Protocol (page -> worker):
//   {type:'init', module, data}      module: a compiled WebAssembly.Module (or null: fetch our own);
//                                    data: ArrayBuffer of dist/data/mnist-binary.bin (transferred)
//   {type:'start', runId, config}    a new session (the old one is freed); reports step 0 at once
//   {type:'play'} {type:'pause'}     run until finished / stop after the current chunk (a pause answers
//                                    with a 'progress')
//   {type:'advance'}                 one training step of the current session, with a report of it (off
//                                    the log_every grid); ignored while the loop runs or once finished
//   {type:'run', id, step}           the kept report of that step as the init-time view draws a run:
//                                    -> {type:'run', runId, id, ok, runNumber, config, loss, depth, summaries,
//                                        theory, timing} (worker.js's answer, so client.js serves both)
//   {type:'bin', id, kind, bins, range, binning, figure}   that report's histograms, redrawn from what it
//                                    kept -> {type:'histograms', runId, id, ok, histograms, axis, key, timing}
//                                    Answered between chunks: a display change never stops or ends a run.
// Every message but 'init' is ignored until the module is loaded.
// (worker -> page):
//   {type:'ready', train, test}      module loaded and data parsed
//   {type:'started', runId, config, warnings}  the session's full config and its config warnings (strings)
//   {type:'report', runId, report, progress}   a new report (typed arrays transferred)
//   {type:'progress', runId, progress}         {stepsDone, finished, playing, stepsPerSecond, heapBytes}
//   {type:'error', runId, message, field, divergedAt}   runId 0: the module or the data failed to load
import { loadLayerscope } from './layerscope.js';

const CHUNK_MS = 60;  // a chunk of steps takes about this long (the page's controls answer between chunks)

let ls = null;
let training = null;
let runId = 0;
let config = null;
let playing = false;
let looping = false;
let chunk = 20;       // steps per chunk, adapted to CHUNK_MS
let stepsDone = 0;
let finished = false;
const rate = { steps: 0, ms: 0 };  // over the recent chunks, decayed: the steps/s readout

const yieldTask = () => new Promise(resolve => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});

function errorMessage(e) {
  return { message: String((e && e.message) || e), field: (e && e.field) || null, divergedAt: e?.divergedAt ?? null };
}

function progress() {
  return {
    stepsDone, finished, playing,
    stepsPerSecond: rate.ms > 0 ? (1000 * rate.steps) / rate.ms : 0,
    heapBytes: ls ? ls.heapSize() : 0,
  };
}

// Typed arrays of a report, to transfer instead of copying again.
const buffersOf = report => Object.values(report).filter(v => ArrayBuffer.isView(v)).map(v => v.buffer);

// Every tensor kind of the report (ls.tensorKinds), on each layer's own axis (the core's redraw of what
// the report kept, at the config's bin count), in the report's histogram* fields' shape.
function histogramsOfEveryKind(depth) {
  const bins = config.histogram_bins, byTensor = {};
  for (const kind of ls.tensorKinds) {
    const layers = training.histograms(-1, kind, { bins, range: 'own', binning: 'linear' });
    const f = { histogramLo: new Float64Array(depth + 1).fill(NaN), histogramHi: new Float64Array(depth + 1).fill(NaN),
      histogramZero: new Float64Array(depth + 1), histogramNonfinite: new Float64Array(depth + 1),
      histogramCounts: new Float32Array((depth + 1) * bins) };
    layers.forEach((h, l) => {
      if (!h || l === 0) return;
      [f.histogramLo[l], f.histogramHi[l]] = [h.edges[0], h.edges[h.edges.length - 1]];
      f.histogramZero[l] = h.zeros;
      f.histogramNonfinite[l] = h.nonfinite;
      f.histogramCounts.set(h.counts, l * bins);
    });
    byTensor[kind] = f;
  }
  return byTensor;
}

function postReport(report) {
  report.byTensor = histogramsOfEveryKind(report.depth);
  self.postMessage({ type: 'report', runId, report, progress: progress() }, buffersOf(report));
}

function start(msg) {
  playing = false;
  if (training) training.free();
  training = null;
  runId = msg.runId;
  stepsDone = 0;
  finished = false;
  chunk = 20;
  rate.steps = rate.ms = 0;
  try {
    training = ls.createTraining(msg.config);
    config = training.config;
    self.postMessage({ type: 'started', runId, config, warnings: training.warnings });
    // Step 0, the network as initialised: the core's own report, made when the session started (its
    // update ratios are NaN: no update yet).
    postReport(training.latest());
  } catch (e) {
    training = null;
    self.postMessage({ type: 'error', runId, ...errorMessage(e) });
  }
}

// The Step button: exactly one step, reported at once (the core makes that report off the grid, so the
// views show the step just taken).
function singleStep() {
  try {
    const result = training.step(1, { report: true });
    stepsDone = result.stepsDone;
    finished = result.finished;
    postReport(training.latest());
  } catch (e) {
    self.postMessage({ type: 'error', runId, ...errorMessage(e) });
  }
  self.postMessage({ type: 'progress', runId, progress: progress() });
}

async function loop() {
  if (looping) return;
  looping = true;
  try {
    let lastProgress = 0;
    while (playing && training && !finished) {
      const mine = training;
      // A chunk ends at the next report at the latest, so every report is posted as it is made.
      const toReport = config.log_every - (stepsDone % config.log_every);
      const n = Math.max(1, Math.min(chunk, toReport, config.steps - stepsDone));
      const t0 = performance.now();
      let result;
      try {
        result = mine.step(n);
      } catch (e) {
        playing = false;
        self.postMessage({ type: 'error', runId, ...errorMessage(e) });
        break;
      }
      const ms = performance.now() - t0;
      const reported = result.stepsDone % config.log_every === 0 || result.finished;
      stepsDone = result.stepsDone;
      finished = result.finished;
      rate.steps = 0.8 * rate.steps + n;
      rate.ms = 0.8 * rate.ms + ms;
      // Adapt the chunk on chunks without an evaluation (a report adds the test set's forward pass).
      if (!reported && ms > 0) chunk = Math.max(1, Math.min(5000, Math.round(n * Math.min(2, CHUNK_MS / ms))));
      if (reported) {
        postReport(mine.latest());
        if (!playing) break;
      } else if (t0 - lastProgress > 100) {
        lastProgress = t0;
        self.postMessage({ type: 'progress', runId, progress: progress() });
      }
      // A 'pause', 'start' or 'play' waiting in the queue is handled here. After a 'start' the loop goes
      // on with the new session (its 'play' found this loop running and left the stepping to it).
      await yieldTask();
    }
  } finally {
    looping = false;
    if (finished) playing = false;
    self.postMessage({ type: 'progress', runId, progress: progress() });
  }
}

// --- the init-time view's requests: one kept report drawn as a run ----------------------------------

const viewed = {};  // per channel: the step the last 'run' chose (its 'bin' redraws it)
let stepsKept = { key: '', steps: [] };  // the steps of history(), read again only after new steps

// history()'s index of the report made at `step`, or -1 (thinned away, or not reached yet).
function reportIndexOf(step) {
  const key = `${runId} ${stepsDone}`;
  if (stepsKept.key !== key) stepsKept = { key, steps: Array.from(training.history().step) };
  return stepsKept.steps.indexOf(step);
}

const epochNow = () => performance.timeOrigin + performance.now();
const noTheory = depth => Object.fromEntries(ls.theoryNames.map(n => [n, new Float64Array(depth + 1).fill(NaN)]));

function viewRun({ id, step, channel }) {
  const start = epochNow(), t = performance.now();
  const index = training ? reportIndexOf(step) : -1;
  viewed[channel] = index < 0 ? null : step;
  if (index < 0) {
    return self.postMessage({ type: 'run', runId, channel, id, ok: false, error: { field: 'step', message: `step ${step} is not kept in this run` },
      timing: { start, sent: epochNow(), ms: 0 } });
  }
  const summaries = training.summaries(index);
  const loss = training.history().trainLoss[index];
  // No mean-field line during training: the theory is of the network as initialised, with the init view's
  // random input and upstream gradient, not of MNIST batches through trained weights.
  self.postMessage({ type: 'run', runId, channel, id, ok: true, runNumber: `${runId}.${step}`, config, loss, depth: config.depth,
    summaries, theory: noTheory(config.depth), warnings: training.warnings, step,
    timing: { start, sent: epochNow(), ms: performance.now() - t } });
}

function viewBins({ id, kind, bins, range, binning, figure, channel }) {
  const start = epochNow(), t = performance.now(), step = viewed[channel];
  let histograms;
  try {
    // by its step: reports made since the 'run' may have thinned the history and moved the index
    histograms = training.histograms(reportIndexOf(step), kind, { bins, range, binning, figure });
  } catch (e) {
    return self.postMessage({ type: 'histograms', runId, channel, id, ok: false, error: errorMessage(e) });
  }
  self.postMessage({ type: 'histograms', runId, channel, id, ok: true, histograms, axis: histograms.axis,
    key: `${runId}.${step} ${JSON.stringify([kind, bins, range, binning, figure])}`,
    timing: { start, sent: epochNow(), ms: performance.now() - t } });
}

async function init(msg) {
  try {
    const options = msg.module instanceof WebAssembly.Module ? { wasmModule: msg.module } : {};
    ls = await loadLayerscope(options).catch(e => (options.wasmModule ? loadLayerscope() : Promise.reject(e)));
  } catch (e) {
    return self.postMessage({ type: 'error', runId: 0, message: 'The WebAssembly module failed to load: ' + errorMessage(e).message });
  }
  try {
    const counts = ls.loadMnist(new Uint8Array(msg.data));
    self.postMessage({ type: 'ready', ...counts });
  } catch (e) {
    self.postMessage({ type: 'error', runId: 0, ...errorMessage(e) });
  }
}

self.onmessage = event => {
  const msg = event.data || {};
  if (msg.type === 'init') return void init(msg);
  if (!ls) return;
  if (msg.type === 'start') return start(msg);
  if (msg.type === 'pause') {
    playing = false;
    return self.postMessage({ type: 'progress', runId, progress: progress() });
  }
  if (msg.type === 'play' && training && !finished) { playing = true; return void loop(); }
  if (msg.type === 'advance' && training && !finished && !looping) return singleStep();
  if (msg.type === 'run') return viewRun(msg);
  if (msg.type === 'bin' && training && viewed[msg.channel] != null) return viewBins(msg);
};
