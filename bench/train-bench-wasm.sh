#!/usr/bin/env bash
# bench/train-bench-wasm.sh [ARGS...]: layerscope_train_bench (bench/train_bench.cpp) built for wasm
# (the SIMD128 build's core and matrix product, from build-wasm/ after ./build-wasm.sh) and run in Node,
# with the same arguments and output as the native one (default: 2000 steps, 3 reps, then the layer-1
# dense/sparse kernel table). The wasm runtime has no per-thread CPU clock, so the times are wall time
# (the monotonic clock): run it on a quiet machine and compare with the native bench in the same minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
wasm="$root/build-wasm"
gemm="$wasm/src/wasm/CMakeFiles/layerscope_gemm_simd128.dir/__/core/gemm.cpp.o"
if [ ! -f "$wasm/liblayerscope_core.a" ] || [ ! -f "$gemm" ]; then
  echo "train-bench-wasm.sh: build-wasm/ has no wasm core yet; run: ./build-wasm.sh" >&2
  exit 1
fi
out="$wasm/bench"
mkdir -p "$out"
printf '#include <time.h>\n#undef CLOCK_THREAD_CPUTIME_ID\n#define CLOCK_THREAD_CPUTIME_ID CLOCK_MONOTONIC\n' > "$out/wall_clock.h"
export NODE_PATH=/usr/share/nodejs  # emcc's acorn-based optimizer (docs/toolchain.md)
# The core's compile flags (src/wasm/CMakeLists.txt); WASM_ASYNC_COMPILATION=0: Node 20's fetch cannot
# load a file path (docs/toolchain.md); NODERAWFS: the bench reads dist/data/ from the disk; .cjs: build-wasm/
# is an ES-module package, and this is a CommonJS program.
em++ -O3 -DNDEBUG -msimd128 -fexceptions -msse2 -fgnuc-version=5.13 -mnontrapping-fptoint -std=c++17 \
  -include "$out/wall_clock.h" -I src/core -isystem src/wasm/sse-shim -isystem /usr/include/eigen3 \
  bench/train_bench.cpp "$gemm" "$wasm/liblayerscope_core.a" \
  -sALLOW_MEMORY_GROWTH=1 -sNODERAWFS=1 -sWASM_ASYNC_COMPILATION=0 -o "$out/train_bench_simd128.cjs"
echo "(wasm SIMD128 in Node; wall-clock times, not CPU time)"
node "$out/train_bench_simd128.cjs" "$@" | sed 's/"build":"native"/"build":"wasm-simd128"/; s/^native, float/wasm SIMD128, float/; s/CPU ms per step/wall ms per step/; s/us (CPU)/us (wall)/'
