#!/usr/bin/env bash
# Runs every Layerscope test, in the order a failure is cheapest to read:
#   0. ./build-wasm.sh tools     installs missing packages (as root) and node_modules (npm ci)
#   1. native build + CTest     the plain CMake path on a clean build/, before anything else is built:
#                               cmake -S . -B build && cmake --build build && ctest --test-dir build
#                               (Catch2 core tests and the command-line tool's; CMake makes the MNIST data)
#   2. sanitizer build + CTest  the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. ./build-wasm.sh           builds the wasm module and dist/
#   4. node --test tests/js     the wasm module in Node, checked against the native tool's numbers: the
#                               SIMD128 build, then the relaxed-SIMD build (Node 20 needs a flag for it)
#   5. node --test tests/e2e    the page in headless Chromium, served from dist/ on 127.0.0.1
#   6. tests/fuzz/run.sh        seeded fuzzing of the config JSON, flag and URL parsers (bounded, ~30 s)
# A failing runner does not stop the others: each runner's pass and fail counts are read from its log,
# a runner that fails without a count (a build error, a crash) counts as one failure, and the last line is
# "total: N passed, M failed" over all of them; the exit status is non-zero if anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
jobs="$(nproc)"
logs="$root/build-logs"
mkdir -p "$logs"

passed=0 failed=0
failures=()
# count RUNNER STATUS LOG: adds the runner's counts from its log (CTest's summary line or node --test's
# "# pass N" / "# fail N"); a failed status with no failure counted is one failure of its own.
count() {
  local name="$1" status="$2" log="$3" p=0 f=0 line
  if [ -f "$log" ]; then
    line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1 || true)
    if [ -n "$line" ]; then
      local total bad
      total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
      bad=$(sed -E 's/.*, ([0-9]+) tests failed.*/\1/' <<<"$line")
      p=$((total - bad)) f=$bad
    else
      p=$(grep -E '^# pass [0-9]+' "$log" | awk '{print $3}' | tail -1 || true)
      f=$(grep -E '^# fail [0-9]+' "$log" | awk '{print $3}' | tail -1 || true)
      p=${p:-0} f=${f:-0}
    fi
  fi
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)) failed=$((failed + f))
  if [ "$f" -gt 0 ]; then failures+=("$name ($f)"); fi
  echo "-- $name: $p passed, $f failed"
}
# step NAME LOG COMMAND...: runs the command with its output on screen and in LOG, then counts it.
step() {
  local name="$1" log="$2"
  shift 2
  "$@" 2>&1 | tee "$log"
  count "$name" "${PIPESTATUS[0]}" "$log"
}

if ! ./build-wasm.sh tools; then
  count "build-wasm.sh tools" 1 /dev/null
fi

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

# The plain path of a fresh clone on a clean directory (LAYERSCOPE_KEEP_BUILD=1 keeps an existing build/
# for a quicker local run): it must pass without build-wasm.sh having made dist/ (issue 19).
native_tests() {
  if [ "${LAYERSCOPE_KEEP_BUILD:-0}" != 1 ]; then rm -rf build; fi
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null &&
    cmake --build build --parallel "$jobs" &&
    ctest --test-dir build --output-on-failure -j "$jobs"
}
asan_tests() {
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAYERSCOPE_SANITIZE=ON >/dev/null &&
    cmake --build build-asan --parallel "$jobs" &&
    ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"
}
echo "== native build and tests (build/)"
step "native (build/)" "$logs/ctest-native.log" native_tests
echo "== sanitizer build and tests (build-asan/)"
step "sanitizers (build-asan/)" "$logs/ctest-asan.log" asan_tests

echo "== wasm module and site (build-wasm.sh)"
if ! ./build-wasm.sh; then
  count "build-wasm.sh" 1 /dev/null
fi

export LAYERSCOPE_CLI="$root/build/src/cli/layerscope"
echo "== wasm module in Node (tests/js)"
step "wasm in Node" "$logs/node-js.log" node --test tests/js
echo "== the relaxed-SIMD wasm build in Node (tests/js except the Catch2 suite, which ran above)"
LAYERSCOPE_WASM_VARIANT=relaxed step "relaxed wasm in Node" "$logs/node-js-relaxed.log" \
  node --experimental-wasm-relaxed-simd --test \
  tests/js/api.test.mjs tests/js/errors.test.mjs tests/js/memory.test.mjs tests/js/parity.test.mjs tests/js/training.test.mjs \
  tests/js/probes.test.mjs
echo "== page in headless Chromium (tests/e2e)"
step "page in Chromium" "$logs/node-e2e.log" node --test tests/e2e
echo "== fuzzing: config JSON, flags, URL (tests/fuzz)"
step "fuzz" "$logs/fuzz.log" tests/fuzz/run.sh

if [ "${#failures[@]}" -gt 0 ]; then echo "failed: ${failures[*]}"; fi
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
