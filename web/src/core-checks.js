// The core's rule on the main thread: one small instance of the WebAssembly module, for checking values
// only (never a run), so that a value typed into a form control or read from the URL is judged
// synchronously by the same grammar and ranges as the command line and the wasm API (config.hpp).
// There is no second rule in JavaScript: until the instance is up, state.js's checkValue refuses.
//
// The page has two bundles (app.js, training.js) and each carries its own copy of this file, so the one
// instance is shared through a global registry key: the first bundle to ask makes it, on the page's one
// compile of the chosen build (client.js compiledModule, the compile the workers get too) or, when that
// compile failed, on the SIMD128 build loaded the usual way. Instantiating a compiled module takes a few
// milliseconds; its heap is Emscripten's initial 16 MiB, as a worker's starts.
import { chooseWasmBuild, compiledModule } from './wasm-build.js';
import { loadLayerscope } from './layerscope.js';
import { useCoreChecker, useCoreSpecs, useCoreTensors } from './state.js';

const SHARED = Symbol.for('layerscope.coreChecks');

// Resolves, once this bundle's checkValue (state.js) uses the core, with the core's tables {schema,
// presets, trainingSchema, trainingPresets, trainingPairs}, its trainable(network, training) (a check too:
// it only reads and validates) and pairCaption(pair, historyA, historyB) (words from numbers); rejects if
// the module cannot be loaded.
export async function startCoreChecks() {
  globalThis[SHARED] ??= compiledModule(chooseWasmBuild(location.search)).then(async module => {
    if (module) {
      try {
        return await loadLayerscope({ wasmModule: module });
      } catch {
        // fall through: load the SIMD128 build the usual way
      }
    }
    return loadLayerscope();
  });
  const ls = await globalThis[SHARED];
  useCoreChecker((spec, raw) => ls.checkValue(spec, raw));
  // The URL table's training rows take their types and ranges from the core's tables (state.js).
  useCoreSpecs(ls.trainingSchema, ls.schema);
  useCoreTensors(ls.tensorTable);  // and the tensor kinds' words, from the core's table
  return { schema: ls.schema, presets: ls.presets, trainingSchema: ls.trainingSchema, trainingPresets: ls.trainingPresets,
    trainingPairs: ls.trainingPairs, trainable: (network, training) => ls.trainable(network, training),
    pairCaption: (pair, a, b) => ls.pairCaption(pair, a, b) };
}
