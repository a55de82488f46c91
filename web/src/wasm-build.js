// Which build of the wasm module the page runs, and its one compile for the whole page (the workers and
// the main thread's checks all instantiate it).

// Two builds of the same module (src/wasm/CMakeLists.txt): relaxed SIMD, whose matrix products use
// f32x4.relaxed_madd (a fused multiply-add: about a fifth off every update), where the browser has it, and
// SIMD128 everywhere else. Both share the JS glue, so only the .wasm differs. Relative URLs: the site works
// under any sub-path.
const WASM_BUILDS = {
  'relaxed-simd': 'wasm/layerscope_wasm_relaxed.wasm',
  simd128: 'wasm/layerscope_wasm.wasm',
};

// The smallest module that uses f32x4.relaxed_madd: () -> v128 returning relaxed_madd(0, 0, 0).
const zeroVector = [0xfd, 0x0c, ...new Array(16).fill(0)];  // v128.const 0
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,        // type section: one type, () -> v128
  0x03, 0x02, 0x01, 0x00,                          // function section: one function of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00,                    // code section: one body of 59 bytes, no locals
  ...zeroVector, ...zeroVector, ...zeroVector, 0xfd, 0x85, 0x02, 0x0b,  // relaxed_madd, end
]);

// ?wasm=simd128 forces the SIMD128 build (to compare the two, or to rule the relaxed one out).
export function chooseWasmBuild(search = '') {
  if (new URLSearchParams(search).get('wasm') === 'simd128') return 'simd128';
  return WebAssembly.validate(RELAXED_PROBE) ? 'relaxed-simd' : 'simd128';
}

// Compiled while the bytes arrive where the host serves application/wasm; from the whole download where
// it does not (compileStreaming refuses other content types).
async function compileWasm(url) {
  if (WebAssembly.compileStreaming) {
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch {
      // fall through: a wrong content type, or no streaming here
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

// The compiled module of a build, compiled once for the whole page: both bundles (app.js, training.js)
// carry this file, so the promises sit in a global registry. Resolves to null when the build cannot be
// fetched or compiled here.
export function compiledModule(build) {
  const shared = (globalThis[Symbol.for('layerscope.compiledWasm')] ??= new Map());
  if (!shared.has(build)) shared.set(build, compileWasm(WASM_BUILDS[build]).catch(() => null));
  return shared.get(build);
}
