// The one JavaScript module that talks to the WebAssembly core (src/wasm). Everything else — the page,
// its workers (one per column, worker.js: the column's init-time runs and its training) and the main
// thread's check instance (core-checks.js) — uses the plain objects and typed arrays this module returns
// (layerscope-values.js reads them); only this file knows about Embind, result objects and .delete(). Its
// part layerscope-modules.js instantiates the modules and holds the three fetched on first use (the gradient
// check, the evidence lab's sweeps and a saved run's kept reports), re-exported here: importers see one module.
//
//   const ls = await loadLayerscope();
//   const run = ls.createRun({...ls.presets[1].config, depth: 30});
//   run.summaries.output[30].std; run.warnings; run.histograms('grad_output', {range: 'shared'}); run.free();
//
//   ls.loadMnist(new Uint8Array(await (await fetch('data/mnist-binary.bin')).arrayBuffer()));
//   const training = ls.createTraining({preset: 'bn-paper-fig1', steps: 2000});
//   while (!training.step(100).finished) draw(training.latest());  training.history(); training.free();

import {
  LayerscopeError, unwrap, checkKind, useTensorKinds, reportIndex, unpackSummaries, histogramArguments, PERCENTILE_NAMES,
} from './layerscope-values.js';
import { instantiate } from './layerscope-modules.js';

export { LayerscopeError };
export { loadGradientCheck, loadLab, loadSavedRuns } from './layerscope-modules.js';
const THEORY_NAMES = ['varianceFactor', 'preActivationStd', 'outputStd', 'gradOutputStd', 'gradWeightStd'];

// options: {wasmBinary?, wasmModule?, locateFile?, moduleUrl?}. moduleUrl (an addition) points at the
// Emscripten ES module when it is not at ./wasm/layerscope_wasm.mjs beside this file (tests under Node).
// wasmModule: a WebAssembly.Module compiled elsewhere (the page compiles the .wasm once, client.js
// compiledModule, for every worker and the main thread's check instance), which is then instantiated
// instead of fetching and compiling the .wasm again.
// Under Node the 3.1.6 ES build needs globalThis.require/__dirname and wasmBinary; the caller sets
// them up (see tests/js/load.mjs) so that this module imports nothing of Node's.
export async function loadLayerscope(options = {}) {
  return new Layerscope(await instantiate('./wasm/layerscope_wasm.mjs', options));
}

class Layerscope {
  #module;
  #stride;
  #trainingSchema;
  #trainingPresets;

  constructor(module) {
    this.#module = module;
    this.#stride = module.summaryStride();
    this.schema = unwrap(module.schema());
    this.presets = unwrap(module.presets());
    // The core's tensor kinds: {name, label, short, words, forward} (src/core/tensor_kinds.hpp, sent flat,
    // five entries a kind: conversions.hpp tensor_kinds_to_js), and their names.
    const flat = module.tensorKinds();
    this.tensorTable = [];
    for (let i = 0; i < flat.length; i += 5) {
      const [name, label, short, words, forward] = flat.slice(i, i + 5);
      this.tensorTable.push({ name, label, short, words, forward });
    }
    this.tensorKinds = this.tensorTable.map(t => t.name);
    useTensorKinds(this.tensorKinds);
    this.theoryNames = [...THEORY_NAMES];  // the keys of a run's theory
  }

  // The training settings ({name, type, min, max, ..., default: bn-paper-fig1's}) and presets ({name, title,
  // description, config}). Read on first use, so that a module built before training still loads.
  get trainingSchema() { return (this.#trainingSchema ??= unwrap(this.#module.trainingSchema())); }
  get trainingPresets() { return (this.#trainingPresets ??= unwrap(this.#module.trainingPresets())); }

  defaultConfig() { return unwrap(this.#module.defaultConfig()); }

  // One setting checked alone (against the defaults for the others): {ok: true, value} with the value
  // in its JS type, or {ok: false, message} naming the setting and what it allows.
  checkField(name, value) {
    const result = this.#module.checkField(String(name), value);
    return result.ok ? { ok: true, value: result.value } : { ok: false, message: result.error };
  }

  // A value checked against any spec of the schema's shape ({name, type, min, max, minOpen, maxOpen,
  // choices}: the page's own view settings too) by the core's rule (config.hpp), the one every route uses.
  checkValue(spec, value) {
    const result = this.#module.checkValue(spec, value);
    return result.ok ? { ok: true, value: result.value } : { ok: false, message: result.error };
  }

  // The full config: defaults filled in, every setting checked, then the checks across settings.
  normalizeConfig(partial = {}) { return unwrap(this.#module.normalizeConfig(partial)); }

  createRun(config = {}, { percentiles = true } = {}) {
    const handle = new this.#module.Run();
    try {
      unwrap(handle.start(config, Boolean(percentiles)));
      return new Run(handle, this.#stride);
    } catch (error) {
      handle.delete();
      throw error;
    }
  }

  // The MNIST pack (dist/data/mnist-binary.bin) as a Uint8Array, ArrayBuffer or Node Buffer, parsed once
  // for the module: every training created afterwards uses it. Returns the image counts {train, test}.
  loadMnist(bytes) {
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes)
               : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
               : bytes;
    return unwrap(this.#module.loadMnist(view));
  }

  // A training run on the loaded data: {preset?, ...training and network settings}; the preset (default
  // bn-paper-fig1) comes first, the other keys override it. Throws LayerscopeError naming the bad setting.
  createTraining(config = {}) {
    const handle = new this.#module.TrainingSession();
    try {
      unwrap(handle.start(config));
      return new Training(handle, this.#stride);
    } catch (error) {
      handle.delete();
      throw error;
    }
  }

  // The network a reader built for the init-time view (its fields; defaults for the rest) as the classifier
  // training trains: {config, changes: [{field, from, to, why}]}, config ready for createTraining. The
  // training settings ({preset?, ...}) come from `training`. Throws LayerscopeError naming a field
  // training cannot take.
  trainable(network = {}, training = {}) { return unwrap(this.#module.trainable(network, training)); }

  // The one-click pairs of training presets, [{name, title, a, b, aLabel, bLabel}], and a pair's
  // two-sentence caption computed from its columns' history() objects.
  get trainingPairs() { return unwrap(this.#module.trainingPairs()); }
  pairCaption(pair, historyA, historyB) { return unwrap(this.#module.pairCaption(pair, historyA, historyB)); }

  // Bytes malloc has handed out in the wasm heap, and the heap's size: for leak checks.
  heapInUse() { return this.#module.heapInUse(); }
  heapSize() { return this.#module.HEAP8.buffer.byteLength; }

  // Medians (ms) of one update's pieces timed inside the module, as bench/bench.cpp times them natively:
  // {forward, forwardBackward, statsWithPercentiles, statsWithoutPercentiles, histograms}.
  timeUpdatePieces(config = {}, { reps = 20 } = {}) { return unwrap(this.#module.timeUpdatePieces(config, reps)); }
}

class Run {
  #handle;

  constructor(handle, stride) {
    this.#handle = handle;
    this.config = unwrap(handle.config());
    this.loss = handle.loss();
    this.depth = handle.depth();
    // The config's warnings (the core's config_warnings: e.g. SELU with an init off its fixed point), as
    // strings "field: message"; the run is made anyway, since a learner may want to see it drift.
    this.warnings = [...unwrap(handle.warnings())];
    this.summaries = unpackSummaries(unwrap(handle.summaries()), this.depth, stride);
    const theory = unwrap(handle.theory());
    const n = this.depth + 1;
    this.theory = {};
    THEORY_NAMES.forEach((name, r) => { this.theory[name] = theory.slice(r * n, (r + 1) * n); });
  }

  #live() {
    if (!this.#handle) throw new Error('Layerscope run: used after free()');
    return this.#handle;
  }

  // Histograms of one tensor kind, one per layer (null where the layer has no such tensor); options as
  // histogramArguments takes them. The result array carries the figure's axis as .axis {lo, hi, symlogThreshold}.
  histograms(kind, options = {}) {
    const handle = this.#live();
    return unwrap(handle.histograms(...histogramArguments(kind, options)));
  }

  // Exact percentiles of one tensor, computed now (also for runs made with percentiles: false).
  percentiles(kind, layer) {
    const handle = this.#live();
    checkKind(kind);
    if (!Number.isInteger(layer)) throw new LayerscopeError(`layer: must be an integer (got ${layer})`, 'layer');
    const values = unwrap(handle.percentiles(kind, layer));
    const out = {};
    PERCENTILE_NAMES.forEach((name, i) => { out[name] = values[i]; });
    return out;
  }

  free() {
    if (!this.#handle) return;
    this.#handle.delete();
    this.#handle = null;
  }
}

// One training run. Per-layer arrays have depth + 1 entries (index 0, the input, is NaN); see
// src/wasm/training_session.hpp for the fields.
class Training {
  #handle;
  #stride;

  constructor(handle, stride) {
    this.#handle = handle;
    this.#stride = stride;
    this.config = unwrap(handle.config());
    this.warnings = [...unwrap(handle.warnings())];  // the network's config warnings, as a Run's
  }

  #live() {
    if (!this.#handle) throw new Error('Layerscope training: used after free()');
    return this.#handle;
  }

  // Runs up to n more steps (not past config.steps): {stepsDone, finished}. Throws LayerscopeError with
  // .divergedAt when the loss stops being finite (and again on every later call). report: true makes
  // the last of these steps report too, off the log_every grid (a single step the page shows).
  step(n = 1, { report = false } = {}) {
    const handle = this.#live();
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1)
      throw new LayerscopeError(`n: must be a number of steps from 0 (got ${n})`, 'n');
    return unwrap(handle.step(n, report === true));
  }

  // The newest report, step 0 (the network as initialised, made by the core when the session starts; its
  // updateRatioLog10 is NaN: no update yet) before the first step: {step, trainLoss, trainAccuracy,
  // testLoss, testAccuracy, seconds, depth, bins, preP15..unitP85, updateRatioLog10, ...: Float64Array(depth
  // + 1), histogramCounts: Uint32Array((depth + 1) * bins)}.
  latest() { return unwrap(this.#live().latest()); }

  // Every kept report as columns, step 0 first (at most 1024 reports, thinned evenly as the run grows):
  // {count, stride, capacity, depth, step, trainLoss, ...: Float64Array(count), per-layer fields:
  // Float64Array(count * (depth + 1)) at [r * (depth + 1) + l]}.
  history() { return unwrap(this.#live().history()); }

  // Report `index` of history() (-1: the newest): every tensor kind of every layer of its training batch
  // as the step ran it (train mode), unpacked as a Run's summaries are; step 0's is the init-time view of
  // this network on the first batch. dL/dx (layer 0) is absent: training does not compute it.
  summaries(index = -1) {
    return unpackSummaries(unwrap(this.#live().summaries(reportIndex(index))), this.config.depth, this.#stride);
  }

  // Report `index`'s histograms of one tensor kind, redrawn by the core from what the report kept, with
  // a Run's options (histogramArguments): any display change redraws, nothing is recomputed. Counts are
  // a Float64Array (shares of the kept fine bins).
  histograms(index, kind, options = {}) {
    return unwrap(this.#live().histograms(reportIndex(index), ...histogramArguments(kind, options)));
  }

  // Report `index`'s kept summaries and distributions as a saved run carries them (src/wasm/kept_reports.hpp):
  // {summaries: Float64Array (packed), distributions: Uint32Array, fineBins}, fineBins read off the
  // lengths: 2 x (fineBins + 3) counts for each tensor the summaries hold.
  kept(index = -1) {
    const summaries = unwrap(this.#live().summaries(reportIndex(index))), distributions = unwrap(this.#live().kept(index));
    let tensors = 0;
    for (let o = 0; o < summaries.length; o += this.#stride) tensors += summaries[o] === 1;
    return { summaries, distributions, fineBins: distributions.length / tensors / 2 - 3 };
  }

  free() {
    if (!this.#handle) return;
    this.#handle.delete();
    this.#handle = null;
  }
}
