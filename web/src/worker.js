// A column's worker: owns one wasm module and serves both views. The page starts one per column
// (worker-pool.js), so A and B compute in parallel: the init-time view's runs (worker/init-runs.js) and
// the column's training session (worker/training-session.js) share the module, its heap and the data.
//
// Protocol (page -> worker). Until the module is loaded, messages wait.
//   {type:'module', module}              a compiled WebAssembly.Module (null: fetch and compile our own)
// Init-time runs (answered in order; a 'run' drops whatever is still queued before it):
//   {type:'run', id, column, config}     -> {type:'run', id, ok, runNumber, config, loss, depth, summaries,
//                                            theory, warnings, timing} or {..., ok:false, error}
//   {type:'bin', id, kind, bins, range, binning, figure}
//                                        -> {type:'histograms', id, ok, histograms, axis, key, timing}
//     figure {lo, hi, smallestStd}: both columns' union of ranges and smallest std; axis {lo, hi,
//     symlogThreshold}: what the core made of them (stats.hpp histogram_axis), the same in both workers.
//   {type:'percentiles', id, kind}       -> {type:'percentiles', id, kind, values}
//   {type:'cancel'}                      drops the queued requests; the page drops a late answer
// Training (one session at a time):
//   {type:'data', data}                  ArrayBuffer of dist/data/mnist-binary.bin (transferred)
//                                        -> {type:'dataReady', train, test} or {type:'error', runId: 0, ...}
//   {type:'start', runId, config}        a new session (the old one is freed); reports step 0 at once
//   {type:'play'} {type:'pause'}         run until finished / stop after the current chunk
//   {type:'advance'}                     one step of the current session, reported (off the log_every grid)
//   {type:'saved', runId, config, reports: [{step, trainLoss, kept}]}   a saved run's kept reports
//                                        (worker/saved-reports.js): 'run' and 'bin' draw them until a 'start'
//   {type:'run', id, step, channel}, {type:'bin', ..., channel}: a kept report drawn as an init-time run,
//                                        answered as above with runId, channel and effectiveRank (each
//                                        layer's, with probes; else null) (pair-requests.js)
//   -> {type:'started', runId, config}, {type:'report', runId, report, progress} (the core's report
//      object, typed arrays transferred), {type:'progress', runId, progress}, {type:'error', runId,
//      message, field, divergedAt}
// (worker -> page, unasked): {type:'ready', ownModule, schema, presets, tensorKinds, defaultConfig},
//   {type:'progress', id, message}, {type:'fatal', message}
// timing: {start, sent} in ms since the epoch (to compare with the page's clock), ms: the work itself.
import { loadLayerscope } from './layerscope.js';
import { errorInfo } from './worker/common.js';
import { InitRuns } from './worker/init-runs.js';
import { TrainingSession } from './worker/training-session.js';

const post = (msg, transfer) => self.postMessage(msg, transfer);
let runs = null, training = null;
const waiting = [];

function serve(msg) {
  if (!msg || typeof msg !== 'object') return;
  if (!runs) { waiting.push(msg); return; }
  // A 'run' names a config (an init-time run) or a kept step (training); a 'bin' on a channel is a step's.
  const initTime = msg.type === 'cancel' || msg.type === 'percentiles' ||
    (msg.type === 'run' && msg.config !== undefined) || (msg.type === 'bin' && msg.channel === undefined);
  if (initTime) runs.receive(msg);
  else training.receive(msg);
}

self.onmessage = event => {
  const msg = event.data;
  if (msg && msg.type === 'module') return load(msg.module);
  return serve(msg);
};

// The page sends the module it compiled (one download and one compile for both workers, whose optimized
// code V8 then shares), or null if it could not: then this worker fetches and compiles it itself, and a
// failure is reported from here. A module that fails to instantiate here is replaced by the SIMD128
// build fetched by this worker, and `ready` says so (ownModule), so the page names the right build.
let loading = false;
function load(wasmModule) {
  if (loading) return;
  loading = true;
  const options = wasmModule instanceof WebAssembly.Module ? { wasmModule } : {};
  let ownModule = !options.wasmModule;
  const loadOwn = () => { ownModule = true; return loadLayerscope(); };
  loadLayerscope(options).catch(e => (options.wasmModule ? loadOwn() : Promise.reject(e))).then(ls => {
    runs = new InitRuns(ls, post);
    training = new TrainingSession(ls, post);
    post({ type: 'ready', ownModule, schema: ls.schema, presets: ls.presets, tensorKinds: ls.tensorKinds, defaultConfig: ls.defaultConfig() });
    for (const msg of waiting.splice(0)) serve(msg);
  }, e => post({ type: 'fatal', message: 'The WebAssembly module failed to load: ' + errorInfo(e).message }));
}
