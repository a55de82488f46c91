// In-module timings of one update's pieces, the same pieces bench/bench.cpp times natively, so
// bench/wasm-bench.mjs can put wasm and native side by side without JS overhead in the numbers.
#pragma once

#include <emscripten/val.h>

namespace layerscope::wasm {

// {forward, forwardBackward, statsWithPercentiles, statsWithoutPercentiles, histograms}: medians in ms
// over `reps` runs after 3 warm-up runs, for the config (a JS object, checked like createRun's).
emscripten::val time_update_pieces(const emscripten::val& config, int reps);

}  // namespace layerscope::wasm
