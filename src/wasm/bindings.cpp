// Embind registrations only: the glue is in conversions.*, run.* and training_session.*; web/src/layerscope.js is the one
// JS module that calls these and turns their {ok, value | error, field} results into values or errors.
#include <emscripten/bind.h>

#include "conversions.hpp"
#include "mnist_data.hpp"
#include "run.hpp"
#include "timing.hpp"
#include "training_session.hpp"

namespace layerscope::wasm {
namespace {

val schema() { return guarded([] { return schema_to_js(); }); }
val presets() { return guarded([] { return presets_to_js(); }); }
val default_config() { return guarded([] { return config_to_js(NetworkConfig{}); }); }
val normalize_config(val partial) { return guarded([&] { return config_to_js(config_from_js(partial)); }); }
val check_field(std::string name, val value) {
  return guarded([&] { return check_field_to_js(name, value); });
}
val check_value(val spec, val value) { return guarded([&] { return check_value_to_js(spec, value); }); }

}  // namespace
}  // namespace layerscope::wasm

EMSCRIPTEN_BINDINGS(layerscope) {
  using namespace emscripten;
  using namespace layerscope::wasm;
  function("schema", &schema);
  function("tensorKinds", &tensor_kinds_to_js);
  function("presets", &presets);
  function("defaultConfig", &default_config);
  function("normalizeConfig", &normalize_config);
  function("checkField", &check_field);
  function("checkValue", &check_value);
  function("summaryStride", &summary_stride_value);
  function("heapInUse", &heap_in_use);
  function("timeUpdatePieces", &time_update_pieces);
  class_<Run>("Run")
      .constructor<>()
      .function("start", &Run::start)
      .function("config", &Run::config)
      .function("loss", &Run::loss)
      .function("depth", &Run::depth)
      .function("summaries", &Run::summaries)
      .function("theory", &Run::theory)
      .function("warnings", &Run::warnings)
      .function("histograms", &Run::histograms)
      .function("percentiles", &Run::percentiles);
  function("loadMnist", &load_mnist);
  function("trainingSchema", &training_schema_to_js);
  function("trainingPresets", &training_presets_to_js);
  class_<TrainingSession>("TrainingSession")
      .constructor<>()
      .function("start", &TrainingSession::start)
      .function("step", &TrainingSession::step)
      .function("latest", &TrainingSession::latest)
      .function("history", &TrainingSession::history)
      .function("config", &TrainingSession::config)
      .function("warnings", &TrainingSession::warnings)
      .function("summaries", &TrainingSession::summaries)
      .function("histograms", &TrainingSession::histograms)
      .function("kept", &TrainingSession::kept);
  function("trainable", &trainable_to_js);
  function("trainingPairs", &training_pairs_to_js);
  function("pairCaption", &pair_caption_to_js);
}
