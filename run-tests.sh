#!/usr/bin/env bash
# Runs every Layerscope test, in the order a failure is cheapest to read:
#   1. ./build-wasm.sh           installs missing packages (as root) and builds the wasm module and dist/
#   2. native build + CTest     Catch2 core tests and the command-line tool's tests
#   3. sanitizer build + CTest  the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   4. node --test tests/js     the wasm module in Node, checked against the native tool's numbers: the
#                               SIMD128 build, then the relaxed-SIMD build (Node 20 needs a flag for it)
#   5. node --test tests/e2e    the page in headless Chromium, served from dist/ on 127.0.0.1
# Ends with one line "total: N passed, M failed" over all of them; exits non-zero if anything failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
jobs="$(nproc)"
logs="$root/build-logs"
mkdir -p "$logs"

./build-wasm.sh

# The native side also needs these (build-wasm.sh installs them with the rest on a fresh machine).
if [ ! -f /usr/include/nlohmann/json.hpp ] || [ ! -f /usr/include/benchmark/benchmark.h ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update
    apt-get -o DPkg::Lock::Timeout=600 install -y nlohmann-json3-dev libbenchmark-dev
  else
    echo "run-tests.sh: missing packages; run: sudo apt-get update && sudo apt-get install -y nlohmann-json3-dev libbenchmark-dev" >&2
    exit 1
  fi
fi

echo "== native build and tests (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs" | tee "$logs/ctest-native.log"

echo "== sanitizer build and tests (build-asan/)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAYERSCOPE_SANITIZE=ON >/dev/null
cmake --build build-asan --parallel "$jobs"
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$jobs" | tee "$logs/ctest-asan.log"

export LAYERSCOPE_CLI="$root/build/src/cli/layerscope"
echo "== wasm module in Node (tests/js)"
node --test tests/js 2>&1 | tee "$logs/node-js.log"
echo "== the relaxed-SIMD wasm build in Node (tests/js except the Catch2 suite, which ran above)"
LAYERSCOPE_WASM_VARIANT=relaxed node --experimental-wasm-relaxed-simd --test \
  tests/js/api.test.mjs tests/js/errors.test.mjs tests/js/memory.test.mjs tests/js/parity.test.mjs tests/js/training.test.mjs 2>&1 |
  tee "$logs/node-js-relaxed.log"
echo "== page in headless Chromium (tests/e2e)"
node --test tests/e2e 2>&1 | tee "$logs/node-e2e.log"

# One closing line over every runner above (each has already stopped the script on failure).
passed=0 failed=0
for log in ctest-native ctest-asan; do
  line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$logs/$log.log" | tail -1)
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  bad=$(sed -E 's/.*, ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + total - bad)) failed=$((failed + bad))
done
for log in node-js node-js-relaxed node-e2e; do
  passed=$((passed + $(grep -E '^# pass [0-9]+' "$logs/$log.log" | awk '{print $3}' | tail -1)))
  failed=$((failed + $(grep -E '^# fail [0-9]+' "$logs/$log.log" | awk '{print $3}' | tail -1)))
done
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
