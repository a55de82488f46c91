#!/usr/bin/env bash
# tests/fuzz/run.sh [BUILD_DIR]: the fuzzers, each for a bounded time (FUZZ_SECONDS, default 20 s for the
# config JSON and flags in the native build's layerscope_fuzz, and half that for the URL parser through
# the wasm module in Node: about 30 s in all), from a fixed seed (FUZZ_SEED, default 1) so that a failure
# can be replayed. Ends with "# pass N" / "# fail M" over the two, as node --test does (run-tests.sh reads it).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
seconds="${FUZZ_SECONDS:-20}"
seed="${FUZZ_SEED:-1}"
pass=0 fail=0
if "$build/src/cli/layerscope_fuzz" "$root/tests/fuzz/corpus" --seconds "$seconds" --seed "$seed"; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
fi
if node "$root/tests/fuzz/url.fuzz.mjs" "$((seconds / 2))" "$seed"; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
fi
echo "# pass $pass"
echo "# fail $fail"
[ "$fail" -eq 0 ]
