#include "conversions.hpp"

#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cstdlib>

#include "tensor_kinds.hpp"

// Reads settings out of a JS value without letting any JS exception out (conversions.hpp,
// settings_from_js). single = 0: `handle` is the config object; 1: one value. Returns a plain object
//   {entries: [[key, text | null, got], ...]}  or  {error, field}
// where text is a string only for numbers, strings and booleans, and `got` names what the value was.
// Every step that can run user code (Object.keys on a Proxy, a getter) is inside the try; nothing here
// converts an unknown value to a string (that would call its toString).
using emscripten::EM_VAL;
// clang-format off
EM_JS(EM_VAL, layerscope_read_settings, (EM_VAL handle, int single), {
  const kindOf = value => {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    switch (typeof value) {
      case 'bigint': return 'a BigInt';
      case 'function': return 'a function';
      case 'symbol': return 'a symbol';
      case 'object': return 'an object';
      default: return typeof value;
    }
  };
  const entry = (key, value) => {
    if (typeof value === 'number') return [key, String(value), 'a number'];
    if (typeof value === 'string') return [key, value, 'a string'];
    if (typeof value === 'boolean') return [key, value ? 'true' : 'false', 'a boolean'];
    return [key, null, kindOf(value)];
  };
  let key = '';
  try {
    const object = Emval.toValue(handle);
    if (single) return Emval.toHandle({entries: [entry('', object)]});
    if (object === undefined || object === null) return Emval.toHandle({entries: []});
    if (typeof object !== 'object' || Array.isArray(object)) {
      return Emval.toHandle({field: 'config', error: 'must be an object of settings (got ' + kindOf(object) + ')'});
    }
    const entries = [];
    for (key of Object.keys(object)) {
      const value = object[key];
      if (value !== undefined) entries.push(entry(key, value));
    }
    return Emval.toHandle({entries});
  } catch (e) {
    let why = 'it threw';
    try { why = 'it threw ' + String(e && e.message !== undefined ? e.message : e).slice(0, 80); } catch (again) {}
    const field = key === '' ? 'config' : key;
    return Emval.toHandle({field, error: 'could not be read: ' + why});
  }
});
// clang-format on

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

namespace {
// The reader's answer as JsSettings (plain strings and nulls only: no user code runs here), or its
// ConfigError.
std::vector<JsSetting> read_settings(const val& value, bool single) {
  const val answer = val::take_ownership(layerscope_read_settings(value.as_handle(), single ? 1 : 0));
  if (answer.hasOwnProperty("error"))
    throw ConfigError(answer["field"].as<std::string>(), answer["error"].as<std::string>());
  const val entries = answer["entries"];
  const int n = entries["length"].as<int>();
  std::vector<JsSetting> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const val row = entries[i];
    JsSetting& s = out[static_cast<std::size_t>(i)];
    s.name = row[0].as<std::string>();
    s.text_ok = row[1].isString();
    if (s.text_ok) s.text = row[1].as<std::string>();
    s.got = row[2].as<std::string>();
  }
  return out;
}
}  // namespace

std::vector<JsSetting> settings_from_js(const val& object) { return read_settings(object, false); }

JsSetting setting_from_js(const val& value) { return read_settings(value, true).front(); }

const std::string& setting_text(const JsSetting& setting, const FieldSpec& spec) {
  if (!setting.text_ok)
    throw ConfigError(spec.name, "must be " + describe_allowed(spec) + " (got " + setting.got + ")");
  return setting.text;
}

NetworkConfig config_from_js(const val& object) {
  NetworkConfig config;
  for (const JsSetting& setting : settings_from_js(object))
    set_field(config, setting.name, setting_text(setting, field_spec(setting.name)));
  validate(config);
  return config;
}

val check_field_to_js(const std::string& name, const val& value) {
  const FieldSpec& spec = field_spec(name);
  NetworkConfig config;
  set_field(config, name, setting_text(setting_from_js(value), spec));
  return field_to_js(config, spec);
}

namespace {
// A spec from the page's table: trusted (the page's own constant rows), read as the rows were written.
FieldSpec field_spec_from_js(const val& row) {
  FieldSpec spec;
  spec.name = row["name"].as<std::string>();
  const std::string type = row["type"].as<std::string>();
  if (type == "integer") spec.type = FieldType::integer;
  else if (type == "real") spec.type = FieldType::real;
  else if (type == "choice") spec.type = FieldType::choice;
  else if (type == "boolean") spec.type = FieldType::boolean;
  else throw ConfigError("spec", "type must be one of: integer, real, choice, boolean");
  if (spec.type == FieldType::integer || spec.type == FieldType::real) {
    spec.min = row["min"].as<double>();
    spec.max = row["max"].as<double>();
    spec.min_open = row["minOpen"].isTrue();
    spec.max_open = row["maxOpen"].isTrue();
  }
  if (spec.type == FieldType::choice) {
    const val choices = row["choices"];
    const int n = choices["length"].as<int>();
    for (int i = 0; i < n; ++i) spec.choices.push_back(choices[i].as<std::string>());
    const val aliases = row["aliases"];  // {alias: choice}, as field_spec_to_js writes it; absent on the page's own rows
    if (aliases.isUndefined() || aliases.isNull()) return spec;
    spec.aliases.assign(spec.choices.size(), "");
    const val names = val::global("Object").call<val>("keys", aliases);
    for (int a = 0; a < names["length"].as<int>(); ++a) {
      const std::string alias = names[a].as<std::string>(), choice = aliases[alias].as<std::string>();
      for (std::size_t i = 0; i < spec.choices.size(); ++i)
        if (spec.choices[i] == choice) spec.aliases[i] = alias;
    }
  }
  return spec;
}
}  // namespace

val check_value_to_js(const val& spec_row, const val& value) {
  const FieldSpec spec = field_spec_from_js(spec_row);
  const double v = parse_field_value(spec, setting_text(setting_from_js(value), spec));
  return field_text_to_js(spec, format_field_value(spec, v));
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
  val aliases = val::object();  // {alias: choice}: other names the core reads a choice by (config.hpp FieldSpec)
  for (std::size_t i = 0; i < spec.aliases.size(); ++i)
    if (!spec.aliases[i].empty()) aliases.set(spec.aliases[i], spec.choices[i]);
  row.set("aliases", aliases);
  row.set("help", spec.help);
  return row;
}

val schema_to_js() {
  const NetworkConfig defaults;
  return fields_to_js(config_schema(), [&](const FieldSpec& spec) { return field_to_js(defaults, spec); });
}

val tensor_kinds_to_js() {
  val flat = val::array();
  for (int k = 0; k < tensor_kind_count; ++k) {
    const TensorKindWords& w = tensor_kind_words(TensorKind(k));
    for (const char* text : {to_string(TensorKind(k)), w.label, w.short_label, w.words}) flat.call<void>("push", val(text));
    flat.call<void>("push", val(w.forward));
  }
  return flat;
}

val presets_to_js() {
  return preset_rows_to_js(preset_list(), [](const std::string& name) { return config_to_js(preset(name)); });
}

val strings_to_js(const std::vector<std::string>& strings) {
  val list = val::array();
  for (const std::string& s : strings) list.call<void>("push", s);
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
