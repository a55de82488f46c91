// A compute worker: owns one wasm module and the run of one column. The page starts one per column
// (client.js), so the two columns compute in parallel, and coordinates them.
//
// Protocol (page -> worker), answered in order; a 'run' drops whatever is still queued before it:
//   {type:'run', id, column, config}             -> {type:'run', id, ok, runNumber, config, loss, depth,
//                                                     summaries, theory, warnings, timing} or {..., ok:false, error}
//   {type:'bin', id, kind, bins, range, binning, symlogThreshold, figure}
//                                                 -> {type:'histograms', id, ok, histograms, axis, key, timing}
//     figure {lo, hi, smallestStd}: both columns' union of ranges and smallest std; axis {lo, hi,
//     symlogThreshold}: what the core made of them (stats.hpp histogram_axis), the same in both workers.
// runNumber and key are equal only for the very same numbers: the page skips redrawing those.
//   {type:'percentiles', id, kind}               -> {type:'percentiles', id, kind, values}
//                                                     values: per layer {p5, p15, p50, p85, p95} or null
// (worker -> page, unasked): {type:'ready', schema, presets, tensorKinds, defaultConfig},
//   {type:'progress', id, message}, {type:'fatal', message}
// timing: {start, sent} in ms since the epoch (to compare with the page's clock), ms: the work itself.
import { loadLayerscope } from './layerscope.js';

let ls = null;
let run = null;        // the run of the last config, kept while the config is unchanged
let runKey = '';
let runError = null;   // or the error that config gave
let runNumber = 0;     // counts runs made: equal numbers, same numbers (lets the page skip identical redraws)
let histCache = { key: '', value: null };
const queue = [];
let busy = false;

// A yield that lets a newer message in without setTimeout's 4 ms clamp on nested timers.
const yieldTask = () => new Promise(resolve => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});
const epochNow = () => performance.timeOrigin + performance.now();

function errorInfo(e) {
  return { field: (e && e.field) || null, message: String((e && e.message) || e) };
}

async function serve() {
  if (busy || !ls) return;
  busy = true;
  try {
    while (queue.length) {
      const msg = queue.shift();
      if (msg.type === 'run') await runFor(msg);
      else if (msg.type === 'bin') binFor(msg);
      else if (msg.type === 'percentiles') await percentilesFor(msg);
    }
  } finally {
    busy = false;
  }
}

async function runFor({ id, column, config }) {
  const start = epochNow();
  const key = JSON.stringify(config);
  let ms = 0;
  if (key !== runKey) {
    self.postMessage({ type: 'progress', id, message: `running column ${String(column).toUpperCase()}…` });
    await yieldTask();
    if (queue.length) return;  // a newer request arrived: drop this one
    if (run) run.free();
    run = null;
    runError = null;
    histCache = { key: '', value: null };
    runKey = key;
    runNumber++;
    const t = performance.now();
    try {
      // Percentiles are never computed here: a sort per tensor, asked for after the figures are out.
      run = ls.createRun(config, { percentiles: false });
    } catch (e) {
      runError = errorInfo(e);
    }
    ms = performance.now() - t;
  }
  const timing = { start, sent: epochNow(), ms };
  if (runError) return self.postMessage({ type: 'run', id, ok: false, error: runError, timing });
  self.postMessage({
    type: 'run', id, ok: true, runNumber, config: run.config, loss: run.loss, depth: run.depth,
    summaries: run.summaries, theory: run.theory, warnings: run.warnings, timing,
  });
}

function binFor({ id, kind, bins, range, binning, symlogThreshold, figure }) {
  const start = epochNow();
  const t = performance.now();
  if (!run) return self.postMessage({ type: 'histograms', id, ok: false, error: runError || errorInfo('no run') });
  // Same run, tensor and binning: the counts would come out the same, so they are not binned again.
  const key = JSON.stringify([kind, bins, range, binning, binning === 'symlog' ? symlogThreshold : 0, figure]);
  try {
    if (histCache.key !== key) histCache = { key, value: run.histograms(kind, { bins, range, binning, symlogThreshold, figure }) };
  } catch (e) {
    histCache = { key: '', value: null };
    return self.postMessage({ type: 'histograms', id, ok: false, error: errorInfo(e) });
  }
  const timing = { start, sent: epochNow(), ms: performance.now() - t };
  // axis: the figure's x axis and symlog threshold, by the core's rule (the array's own property, which
  // postMessage would drop).
  self.postMessage({ type: 'histograms', id, ok: true, histograms: histCache.value, axis: histCache.value.axis,
    key: `${runNumber} ${key}`, timing });
}

// Exact percentiles for the table and the hover readout, one layer at a time so that a newer request
// waits at most one layer's sort. Kept in the run's summaries, so later results carry them.
async function percentilesFor({ id, kind }) {
  if (!run) return;
  const mine = run;
  const layers = mine.summaries[kind];
  for (let l = 0; l < layers.length; l++) {
    if (!layers[l] || layers[l].percentiles) continue;
    await yieldTask();
    if (queue.length || run !== mine) return;
    try { layers[l].percentiles = mine.percentiles(kind, l); } catch { return; }
  }
  self.postMessage({ type: 'percentiles', id, kind, values: layers.map(s => (s ? s.percentiles : null)) });
}

self.onmessage = event => {
  const msg = event.data;
  if (msg && msg.type === 'module') {
    return load(msg.module);
  }
  if (!msg || !['run', 'bin', 'percentiles'].includes(msg.type)) return;
  if (msg.type === 'run') queue.length = 0;  // only the newest request is served
  queue.push(msg);
  serve().catch(e => self.postMessage({ type: 'fatal', message: errorInfo(e).message }));
};

// The page sends the module it compiled (one download and one compile for both workers, whose optimized
// code V8 then shares), or null if it could not: then this worker fetches and compiles it itself, and a
// failure is reported from here as before. A module that fails to instantiate here is replaced by the
// SIMD128 build fetched by this worker, and `ready` says so (ownModule), so the page names the right build.
let loading = false;
let ownModule = false;
function load(wasmModule) {
  if (loading) return;
  loading = true;
  const options = wasmModule instanceof WebAssembly.Module ? { wasmModule } : {};
  ownModule = !options.wasmModule;
  const loadOwn = () => { ownModule = true; return loadLayerscope(); };
  loadLayerscope(options).catch(e => (options.wasmModule ? loadOwn() : Promise.reject(e))).then(loaded, e =>
    self.postMessage({ type: 'fatal', message: 'The WebAssembly module failed to load: ' + errorInfo(e).message }));
}

function loaded(module) {
  ls = module;
  self.postMessage({
    type: 'ready',
    ownModule,
    schema: ls.schema,
    presets: ls.presets,
    tensorKinds: ls.tensorKinds,
    defaultConfig: ls.defaultConfig(),
  });
  serve();
}
