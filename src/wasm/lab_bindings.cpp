// Embind registrations of the evidence lab's module (layerscope_lab.wasm), apart from the main module: the
// sweeps train and build many networks, and the page fetches this module only when a reader opens one of
// the lab's experiments (web/src/lab/, through web/src/layerscope.js's loadLab), so the main download stays
// within its budget. Conversions: lab_result.*; the data set: mnist_data.*.
#include <emscripten/bind.h>

#include "conversions.hpp"
#include "lab_result.hpp"
#include "mnist_data.hpp"

namespace layerscope::wasm {
namespace {

val sweep_schema() { return guarded([] { return sweep_schema_to_js(); }); }
val depth_sweep_schema() { return guarded([] { return depth_sweep_schema_to_js(); }); }
val sweep_plan(val settings) { return guarded([&] { return sweep_plan_to_js(settings); }); }
val sweep_point(val settings, int column, int index) {
  return guarded([&] { return sweep_point_to_js(settings, column, index); });
}
val sweep_result(val settings, val a, val b) { return guarded([&] { return sweep_result_to_js(settings, a, b); }); }
val depth_sweep(val settings, val progress) { return guarded([&] { return depth_sweep_to_js(settings, progress); }); }

}  // namespace
}  // namespace layerscope::wasm

EMSCRIPTEN_BINDINGS(layerscope_lab) {
  using namespace emscripten;
  using namespace layerscope::wasm;
  function("loadMnist", &load_mnist);
  function("sweepSchema", &sweep_schema);
  function("depthSweepSchema", &depth_sweep_schema);
  function("sweepPlan", &sweep_plan);
  function("sweepPoint", &sweep_point);
  function("sweepResult", &sweep_result);
  function("depthSweep", &depth_sweep);
  function("heapInUse", &heap_in_use);
}
