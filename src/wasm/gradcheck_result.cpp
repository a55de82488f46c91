#include "gradcheck_result.hpp"

#include "gradcheck.hpp"

namespace layerscope::wasm {

namespace {

GradcheckSettings gradcheck_settings_from_js(const val& object) {
  GradcheckSettings settings;
  for (const JsSetting& setting : settings_from_js(object)) {
    const FieldSpec& spec = gradcheck_field_spec(setting.name);
    set_gradcheck_field(settings, setting.name, setting_text(setting, spec));
  }
  return settings;
}

}  // namespace

val gradcheck_to_js(const val& config, const val& settings) {
  const GradcheckResult r = check_gradients(config_from_js(config), gradcheck_settings_from_js(settings));
  val rows = val::array();
  for (const GradcheckRow& row : r.rows) {
    val js = val::object();
    js.set("layer", row.layer);
    js.set("kind", row.kind);
    js.set("worst", row.worst);
    js.set("checked", row.checked);
    js.set("skipped", row.skipped);
    js.set("index", double(row.worst_index));
    js.set("analytic", row.analytic);
    js.set("numeric", row.numeric);
    js.set("step", row.step);
    rows.call<void>("push", js);
  }
  val js_settings = val::object();
  for (const FieldSpec& spec : gradcheck_schema())
    js_settings.set(spec.name, field_text_to_js(spec, get_gradcheck_field(r.settings, spec.name)));
  val out = val::object();
  out.set("method", gradcheck_method());
  out.set("tolerance", r.tolerance);
  out.set("worst", r.worst);
  out.set("passed", r.passed());
  out.set("postBackwardUsed", r.post_backward_used);
  out.set("config", config_to_js(r.config));
  out.set("settings", js_settings);
  out.set("rows", rows);
  return out;
}

}  // namespace layerscope::wasm
