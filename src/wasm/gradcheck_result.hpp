// The gradient check (core: gradcheck.hpp) for JS: the conversions behind bindings.cpp's checkGradients.
#pragma once

#include "conversions.hpp"

namespace layerscope::wasm {

// check_gradients of a config given as a JS object (as Run.start takes it) with the check's settings
// ({bn_backward, check_batch, entries_per_tensor}, each optional), as one JS object:
//   {method, tolerance, worst, passed, postBackwardUsed, config (the network checked), settings,
//    rows: [{layer, kind, worst, checked, skipped, index, analytic, numeric, step}]}
// with the rows in the core's order (layer by layer; dL/dh is kind "h"). Throws ConfigError naming a bad field.
val gradcheck_to_js(const val& config, const val& settings);

}  // namespace layerscope::wasm
