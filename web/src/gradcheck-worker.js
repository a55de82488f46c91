// The gradient check's worker (bundled to dist/gradcheck-worker.js), made on the first press of "Check
// gradients" (web/src/gradcheck/client.js). It loads the check's own wasm module (layerscope.js's
// loadGradientCheck: never the main module, whose download stays within its budget) and runs one check per
// message, so the page stays responsive while a network is checked; Cancel terminates the worker.
//
// Protocol (page -> worker): {id, config, settings}
//           (worker -> page): {id, loaded: true}            the module is up (once, before the first result)
//                             {id, result} | {id, error, field, fatal}  fatal: the module did not load
import { loadGradientCheck } from './layerscope.js';

let checker = null;

// One build of the check module for every browser (src/wasm/CMakeLists.txt says why), beside its glue.
async function load() {
  checker ??= await loadGradientCheck();
  return checker;
}

self.onmessage = async event => {
  const { id, config, settings } = event.data || {};
  let ready = null;
  try {
    const wasLoaded = checker !== null;
    ready = await load();
    if (!wasLoaded) self.postMessage({ id, loaded: true });
  } catch (e) {
    return self.postMessage({ id, error: `The gradient check's WebAssembly module failed to load: ${e && e.message || e}`, field: null, fatal: true });
  }
  try {
    self.postMessage({ id, result: ready.check(config, settings) });
  } catch (e) {
    self.postMessage({ id, error: String(e && e.message || e), field: e && e.field || null });
  }
};
