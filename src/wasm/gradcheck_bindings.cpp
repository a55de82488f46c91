// Embind registrations of the gradient-check module (layerscope_gradcheck*.wasm), apart from the main
// module: the check is the only user of Network<double>, whose code (Eigen's double products, batch norm,
// activations, the sparse first layer in double) costs about 44 KB gzipped. The page loads this module on
// the first press of "Check gradients" (web/src/gradcheck/), through web/src/layerscope.js's
// loadGradientCheck, so the main download stays within its budget. Conversions: gradcheck_result.*.
#include <emscripten/bind.h>

#include "conversions.hpp"
#include "gradcheck.hpp"
#include "gradcheck_result.hpp"

namespace layerscope::wasm {
namespace {

val check_gradients_js(val config, val settings) {
  return guarded([&] { return gradcheck_to_js(config, settings); });
}
// [{name, type, min, max, ..., default}] of the check's own settings (bn_backward, check_batch,
// entries_per_tensor), as schema() gives the network's.
val gradcheck_schema_js() {
  return guarded([] {
    const GradcheckSettings defaults;
    return fields_to_js(gradcheck_schema(), [&](const FieldSpec& spec) {
      return field_text_to_js(spec, get_gradcheck_field(defaults, spec.name));
    });
  });
}

}  // namespace
}  // namespace layerscope::wasm

EMSCRIPTEN_BINDINGS(layerscope_gradcheck) {
  using namespace emscripten;
  using namespace layerscope::wasm;
  function("checkGradients", &check_gradients_js);
  function("gradcheckSchema", &gradcheck_schema_js);
}
