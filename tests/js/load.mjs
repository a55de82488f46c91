// Loads the wasm module under Node for the tests and the benchmark (not a test file itself).
// The Emscripten 3.1.6 ES build's Node path uses require/__dirname and cannot fetch() a file: URL, so
// set the globals first and hand it the .wasm bytes (see docs/toolchain.md, "Loading the module").
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// LAYERSCOPE_WASM_VARIANT=relaxed loads the relaxed-SIMD build (Node 20 needs
// --experimental-wasm-relaxed-simd for it); otherwise the SIMD128 build. Both use the same JS glue.
export const wasmVariant = process.env.LAYERSCOPE_WASM_VARIANT === 'relaxed' ? 'relaxed' : 'simd128';
const wasmFile = wasmVariant === 'relaxed' ? 'layerscope_wasm_relaxed.wasm' : 'layerscope_wasm.wasm';

export function findWasmBuild() {
  const candidates = [process.env.LAYERSCOPE_WASM_DIR, join(root, 'build-wasm', 'src', 'wasm'), join(root, 'dist', 'wasm')];
  for (const dir of candidates)
    if (dir && existsSync(join(dir, 'layerscope_wasm.mjs')) && existsSync(join(dir, wasmFile))) return dir;
  throw new Error(`layerscope_wasm.mjs and ${wasmFile} not found in build-wasm/src/wasm or dist/wasm: run ./build-wasm.sh first`);
}

export async function loadForNode() {
  const dir = findWasmBuild();
  globalThis.require ??= createRequire(import.meta.url);
  globalThis.__dirname ??= dir;
  const { loadLayerscope } = await import(pathToFileURL(join(root, 'web', 'src', 'layerscope.js')).href);
  return loadLayerscope({
    moduleUrl: pathToFileURL(join(dir, 'layerscope_wasm.mjs')).href,
    wasmBinary: readFileSync(join(dir, wasmFile)),
  });
}

// The gradient check's own module (layerscope_gradcheck*.wasm, loaded by the page on the button's first press)
// from the same build folder, through layerscope.js's loadGradientCheck.
export async function loadGradientCheckForNode() {
  const dir = findWasmBuild();
  globalThis.require ??= createRequire(import.meta.url);
  globalThis.__dirname ??= dir;
  const { loadGradientCheck } = await import(pathToFileURL(join(root, 'web', 'src', 'layerscope.js')).href);
  return loadGradientCheck({  // one build for both variants (src/wasm/CMakeLists.txt)
    moduleUrl: pathToFileURL(join(dir, 'layerscope_gradcheck.mjs')).href,
    wasmBinary: readFileSync(join(dir, 'layerscope_gradcheck.wasm')),
  });
}

// The evidence lab's own module (layerscope_lab.wasm, loaded by the page when a sweep opens) from the same
// build folder, through layerscope.js's loadLab.
export async function loadLabForNode() {
  const dir = findWasmBuild();
  globalThis.require ??= createRequire(import.meta.url);
  globalThis.__dirname ??= dir;
  const { loadLab } = await import(pathToFileURL(join(root, 'web', 'src', 'layerscope.js')).href);
  return loadLab({  // one build (src/wasm/CMakeLists.txt)
    moduleUrl: pathToFileURL(join(dir, 'layerscope_lab.mjs')).href,
    wasmBinary: readFileSync(join(dir, 'layerscope_lab.wasm')),
  });
}

// The saved-run module (layerscope_saved.wasm, loaded by the column workers when a saved run opens) from
// the same build folder, through layerscope.js's loadSavedRuns.
export async function loadSavedRunsForNode() {
  const dir = findWasmBuild();
  const { loadSavedRuns } = await import(pathToFileURL(join(root, 'web', 'src', 'layerscope.js')).href);
  return loadSavedRuns({  // one build (src/wasm/CMakeLists.txt)
    moduleUrl: pathToFileURL(join(dir, 'layerscope_saved.mjs')).href,
    wasmBinary: readFileSync(join(dir, 'layerscope_saved.wasm')),
  });
}

// The native tool `layerscope` (src/cli), for the tests that compare the wasm numbers with its own: LAYERSCOPE_CLI,
// or a build in build/ or build-cli/.
export function findNativeTool() {
  const candidates = [process.env.LAYERSCOPE_CLI,
    ...['build', 'build-cli'].flatMap(dir => [join(root, dir, 'src', 'cli', 'layerscope'), join(root, dir, 'layerscope')])];
  for (const path of candidates) if (path && existsSync(path)) return path;
  throw new Error('native tool `layerscope` not found: set LAYERSCOPE_CLI or build it first ' +
                  '(cmake -S . -B build && cmake --build build --target layerscope)');
}
