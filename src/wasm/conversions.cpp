#include "conversions.hpp"

#include <emscripten/val.h>
#include <malloc.h>

#include <cstdlib>

namespace layerscope::wasm {

val ok_result(val value) {
  val result = val::object();
  result.set("ok", true);
  result.set("value", value);
  return result;
}

val error_result(const std::string& message, const std::string& field) {
  val result = val::object();
  result.set("ok", false);
  result.set("error", message);
  result.set("field", field.empty() ? val::null() : val(field));
  return result;
}

std::string js_text(const val& value) { return val::global("String")(value).as<std::string>(); }

NetworkConfig config_from_js(const val& object) {
  NetworkConfig config;
  if (object.isUndefined() || object.isNull()) {
    validate(config);
    return config;
  }
  if (!object.isArray() && object.typeOf().as<std::string>() != "object")
    throw ConfigError("config", "must be an object of settings (got " + js_text(object.typeOf()) + ")");
  const val keys = val::global("Object").call<val>("keys", object);
  const int n = keys["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    const std::string name = keys[i].as<std::string>();
    const val value = object[name];
    if (value.isUndefined()) continue;
    set_field(config, name, js_text(value));
  }
  validate(config);
  return config;
}

val field_to_js(const NetworkConfig& config, const FieldSpec& spec) {
  return field_text_to_js(spec, get_field(config, spec.name));
}

val field_text_to_js(const FieldSpec& spec, const std::string& text) {
  switch (spec.type) {
    case FieldType::choice: return val(text);
    case FieldType::boolean: return val(text == "true");
    default: return val(std::strtod(text.c_str(), nullptr));  // get_field's text round-trips exactly
  }
}

val config_to_js(const NetworkConfig& config) {
  val object = val::object();
  for (const FieldSpec& spec : config_schema()) object.set(spec.name, field_to_js(config, spec));
  return object;
}

namespace {
const char* type_name(FieldType t) {
  switch (t) {
    case FieldType::integer: return "integer";
    case FieldType::real: return "real";
    case FieldType::choice: return "choice";
    case FieldType::boolean: return "boolean";
  }
  return "";
}
}  // namespace

val field_spec_to_js(const FieldSpec& spec) {
  val row = val::object();
  row.set("name", spec.name);
  row.set("type", std::string(type_name(spec.type)));
  row.set("min", spec.min);
  row.set("max", spec.max);
  row.set("minOpen", spec.min_open);
  row.set("maxOpen", spec.max_open);
  val choices = val::array();
  for (const std::string& c : spec.choices) choices.call<void>("push", c);
  row.set("choices", choices);
  row.set("help", spec.help);
  return row;
}

val schema_to_js() {
  const NetworkConfig defaults;
  return fields_to_js(config_schema(), [&](const FieldSpec& spec) { return field_to_js(defaults, spec); });
}

val presets_to_js() {
  val list = val::array();
  for (const PresetInfo& info : preset_list()) {
    val row = val::object();
    row.set("name", info.name);
    row.set("title", info.title);
    row.set("description", info.description);
    row.set("config", config_to_js(preset(info.name)));
    list.call<void>("push", row);
  }
  return list;
}

// The view and the copy happen inside one JS constructor call: nothing can grow the heap in between.
val copy_to_js(const std::vector<double>& values) {
  return val::global("Float64Array").new_(emscripten::typed_memory_view(values.size(), values.data()));
}

val copy_to_js(const std::vector<std::uint32_t>& values) {
  return val::global("Uint32Array").new_(emscripten::typed_memory_view(values.size(), values.data()));
}

double heap_in_use() { return double(mallinfo().uordblks); }

}  // namespace layerscope::wasm
