// Part of layerscope.js (which re-exports what it exports): how each of the Emscripten modules is
// instantiated (instantiate: the main module's loadLayerscope uses it too), and the three modules fetched
// only on first use, the gradient check (loadGradientCheck), the evidence lab's sweeps (loadLab) and a saved
// run's kept reports (loadSavedRuns), with their classes. Kept apart so that layerscope.js stays one file a
// reader can take in; the page's bundles import only what they use, so none of the three is part of the
// first download.

import { unwrap, useTensorKinds, unpackSummaries, histogramArguments } from './layerscope-values.js';

function isNode() {
  return typeof process === 'object' && typeof process.versions?.node === 'string' &&
         typeof window === 'undefined' && typeof self === 'undefined';
}

// The gradient check (src/core/gradcheck.hpp) in a module of its own (src/wasm/gradcheck_bindings.cpp:
// its double network would take the main module over its size budget), loaded only when it is first
// wanted. Options as loadLayerscope's; the default moduleUrl is ./wasm/layerscope_gradcheck.mjs.
//   const checker = await loadGradientCheck();
//   checker.check({...config}, {bn_backward: 'post'}).rows;
export async function loadGradientCheck(options = {}) {
  return new GradientCheck(await instantiate('./wasm/layerscope_gradcheck.mjs', options));
}

// The evidence lab's sweeps (src/core/sweeps.hpp) in a module of their own (src/wasm/lab_bindings.cpp),
// loaded only when a reader opens an experiment of the lab; the default moduleUrl is ./wasm/layerscope_lab.mjs.
//   const lab = await loadLab();  lab.loadMnist(bytes);
//   const plan = lab.sweepPlan({steps: 200});  lab.sweepPoint(plan.settings, 0, 3);  lab.depthSweep({});
export async function loadLab(options = {}) {
  return new LabSweeps(await instantiate('./wasm/layerscope_lab.mjs', options));
}

export async function instantiate(defaultPath, options) {
  const moduleUrl = options.moduleUrl ? String(options.moduleUrl) : new URL(defaultPath, import.meta.url).href;
  const { default: createModule } = await import(moduleUrl);
  const moduleOptions = {
    // In a module worker Emscripten finds no script directory of its own: resolve beside the module.
    locateFile: options.locateFile ?? ((path) => new URL(path, moduleUrl).href),
  };
  if (options.wasmBinary) moduleOptions.wasmBinary = options.wasmBinary;
  if (isNode() && !options.wasmBinary && !options.wasmModule)
    throw new Error(`loading ${defaultPath} under Node needs options.wasmBinary (the bytes of its .wasm)`);
  // Emscripten's hook for instantiating by hand: it passes the imports and waits for receiveInstance.
  // A failed instantiation would leave its promise pending, so it rejects `failed` instead.
  let fail = null;
  const failed = new Promise((resolve, reject) => { fail = reject; });
  if (options.wasmModule) {
    moduleOptions.instantiateWasm = (imports, receiveInstance) => {
      WebAssembly.instantiate(options.wasmModule, imports)
        .then(instance => receiveInstance(instance, options.wasmModule), fail);
      return {};
    };
  }
  return Promise.race([createModule(moduleOptions), failed]);
}

// The check of one network at a time, synchronous (the page runs it in a worker: web/src/gradcheck/).
class GradientCheck {
  #module;

  constructor(module) {
    this.#module = module;
    // The check's own settings, as schema rows: bn_backward ('correct' | 'post'), check_batch, entries_per_tensor.
    this.schema = unwrap(module.gradcheckSchema());
  }

  // The check of a config ({...network settings}, as createRun takes it) with its settings: {method (the
  // two sentences), tolerance, worst, passed, postBackwardUsed, config (the network checked, batch cut to
  // check_batch), settings, rows: [{layer, kind ('h' for dL/dh), worst, checked, skipped, index, analytic,
  // numeric, step}]}. Throws LayerscopeError naming a bad field.
  check(config = {}, settings = {}) { return unwrap(this.#module.checkGradients(config, settings)); }
}

// The lab's calls, synchronous (the page runs them in workers: web/src/lab/). Settings are objects of the
// schema's fields, each optional; a bad one throws LayerscopeError naming it. Shapes: src/wasm/lab_result.hpp.
class LabSweeps {
  #module;

  constructor(module) {
    this.#module = module;
    this.sweepSchema = unwrap(module.sweepSchema());  // [{name, type, min, max, ..., help, default}]
    this.depthSweepSchema = unwrap(module.depthSweepSchema());
  }

  loadMnist(bytes) { return unwrap(this.#module.loadMnist(bytes)); }
  // {settings (every field), pair, a, b, aLabel, bLabel, rates: Float64Array}: validated, nothing run.
  sweepPlan(settings = {}) { return unwrap(this.#module.sweepPlan(settings)); }
  // One run: column 0 (A) or 1 (B) at the plan's rates[index]: {rate, diverged, divergedStep, finalTrainLoss,
  // testLoss, testAccuracy (NaN when diverged), seconds}.
  sweepPoint(settings, column, index) { return unwrap(this.#module.sweepPoint(settings, column, index)); }
  // {aLargest, bLargest (NaN: at no rate), caption} from every run of both columns.
  sweepResult(settings, aPoints, bPoints) { return unwrap(this.#module.sweepResult(settings, aPoints, bPoints)); }
  // {settings, variants, rates, partsAt, points: [{depth, growth, predicted, firstWeightGradient}], caption};
  // progress(done, total) after each network.
  depthSweep(settings = {}, progress = undefined) { return unwrap(this.#module.depthSweep(settings, progress)); }
}

// A saved run's kept reports (issue 20) in a module of their own (src/wasm/saved_bindings.cpp), fetched
// when a saved run is first opened. Options as loadLayerscope's; the default moduleUrl is
// ./wasm/layerscope_saved.mjs.
//   const saved = await loadSavedRuns();  const reports = saved.createKeptReports();
export async function loadSavedRuns(options = {}) {
  const module = await instantiate('./wasm/layerscope_saved.mjs', options);
  // The kinds' names (five entries a kind, as loadLayerscope reads them): this code may be bundled apart
  // from the main module's (the column workers fetch it with the saved-run module: build-wasm.sh).
  const kinds = module.tensorKinds().filter((_, i) => i % 5 === 0);
  useTensorKinds(kinds);
  const stride = module.summaryStride();
  return { createKeptReports: () => new KeptReports(new module.KeptReports(), stride, kinds.length) };
}

// A saved run's kept reports, rebuilt by the core from a file's arrays and drawn as a Training draws its
// own: summaries(index) and histograms(index, kind, options) give the same numbers the live run gave.
class KeptReports {
  #handle;
  #stride;
  #kinds;

  constructor(handle, stride, kinds) {
    Object.assign(this, { depths: [] });
    [this.#handle, this.#stride, this.#kinds] = [handle, stride, kinds];
  }

  #live() {
    if (!this.#handle) throw new Error('Layerscope kept reports: used after free()');
    return this.#handle;
  }

  // One report ({summaries, distributions} of Training.kept()): its index. Throws LayerscopeError naming
  // the array that is not such a report's.
  add({ summaries, distributions }) {
    const index = unwrap(this.#live().add(summaries, distributions));
    this.depths[index] = summaries.length / (this.#stride * this.#kinds) - 1;
    return index;
  }

  summaries(index) { return unpackSummaries(unwrap(this.#live().summaries(index)), this.depths[index], this.#stride); }
  histograms(index, kind, options = {}) { return unwrap(this.#live().histograms(index, ...histogramArguments(kind, options))); }

  free() {
    if (!this.#handle) return;
    this.#handle.delete();
    this.#handle = null;
  }
}
