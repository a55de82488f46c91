// Embind registrations of the saved-run module (layerscope_saved.wasm), apart from the main module: a
// saved run's kept reports (kept_reports.hpp KeptReports) are rebuilt and redrawn only when a reader opens
// a saved run, so the page's column workers fetch this module then (web/src/layerscope.js loadSavedRuns),
// and the first download stays within its budget. The redraw is the core's one rule, linked here as in the
// main module, where a live session's TrainingSession::histograms runs the same code on its own reports.
#include <emscripten/bind.h>

#include "conversions.hpp"
#include "figure.hpp"
#include "kept_reports.hpp"

EMSCRIPTEN_BINDINGS(layerscope_saved) {
  using namespace emscripten;
  using namespace layerscope::wasm;
  function("summaryStride", &summary_stride_value);
  function("tensorKinds", &tensor_kinds_to_js);  // the summaries' kinds, as the main module gives them
  class_<KeptReports>("KeptReports")
      .constructor<>()
      .function("add", &KeptReports::add)
      .function("summaries", &KeptReports::summaries)
      .function("histograms", &KeptReports::histograms);
}
