// The evidence lab's sweeps (core: sweeps.hpp) for JS: the conversions behind lab_bindings.cpp. Settings
// come as JS objects ({steps: 2000, pair: 'fig1', ...}, each key optional) read by the core's field tables,
// so a bad value throws ConfigError naming the field and what it allows.
#pragma once

#include "conversions.hpp"

namespace layerscope::wasm {

// [{name, type, min, max, ..., help, default}] of the learning-rate sweep's and the depth sweep's settings.
val sweep_schema_to_js();
val depth_sweep_schema_to_js();

// The learning-rate sweep planned (validated; no run): {settings, pair, a, b, aLabel, bLabel, rates}.
val sweep_plan_to_js(const val& settings);
// One run of the plan: column 0 (A) or 1 (B) at rates[index], on the data loadMnist loaded:
//   {rate, diverged, divergedStep (null unless diverged), finalTrainLoss, testLoss, testAccuracy (NaN when
//    diverged), seconds}
val sweep_point_to_js(const val& settings, int column, int index);
// The plan's result from its runs (arrays of the objects sweep_point_to_js gave, in rate order):
//   {aLargest, bLargest (NaN: trains at no rate), caption}
val sweep_result_to_js(const val& settings, const val& a_points, const val& b_points);

// The depth sweep, with progress(done, total) after each network (a JS function, or undefined):
//   {settings, variants: ['none', 'bn_before', 'bn_after'], rates: [3], partsAt: [3] (null: nowhere),
//    points: [{depth, growth: [3], predicted: [3], firstWeightGradient: [3]}], caption}
val depth_sweep_to_js(const val& settings, const val& progress);

}  // namespace layerscope::wasm
