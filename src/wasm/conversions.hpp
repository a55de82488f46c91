// Conversions between the core's types and JavaScript values, for the Embind layer.
//
// Errors: no C++ exception crosses into JS (Emscripten 3.1.6 has no getExceptionMessage, so JS would see
// only a pointer). Every glue call that can fail runs inside guarded(), which returns
//   {ok: true, value}  or  {ok: false, error: "depth: must be ...", field: "depth"}
// and web/src/layerscope.js turns the second form into a thrown LayerscopeError.
//
// Typed arrays: every array handed to JS is a copy (copy_to_js). A typed_memory_view is a window on the
// wasm heap; with ALLOW_MEMORY_GROWTH it turns empty as soon as the heap grows, and it dangles once the
// C++ vector is freed. copy_to_js creates the view and copies it into a fresh JS array in one JS
// constructor call, with no wasm allocation in between, so no view outlives the line that made it.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "config.hpp"
#include "stats.hpp"

namespace layerscope::wasm {

using emscripten::val;

val ok_result(val value);
val error_result(const std::string& message, const std::string& field);

// Runs fn() (which returns a val) and wraps its value or its exception into a result object.
template <typename Fn>
val guarded(Fn&& fn) {
  try {
    return ok_result(fn());
  } catch (const ConfigError& e) {
    return error_result(e.what(), e.field());
  } catch (const std::bad_alloc&) {
    return error_result("out of memory: the run does not fit in the browser's WebAssembly memory; "
                        "reduce depth, width or batch", "");
  } catch (const std::exception& e) {
    return error_result(e.what(), "");
  } catch (...) {
    return error_result("unknown error in the Layerscope core", "");
  }
}

// One setting read from JS: its name and its value as the text set_field reads, or (text_ok false) the
// kind of value it was instead ("an array", "a BigInt", ...), for the message.
struct JsSetting {
  std::string name;
  bool text_ok = false;
  std::string text;
  std::string got;
};

// The settings of a JS object, strictly: undefined or null gives none; anything but a plain object (an
// array, a number, a string, ...) throws ConfigError("config", ...); every own enumerable key whose value
// is not undefined gives one JsSetting. Only numbers (String(n): shortest round-trip text), strings and
// booleans have a text; arrays ([5]), boxed values, BigInt (5n), objects with a toString, null, functions
// and symbols do not. No user code runs on the C++ side of this: the object is read by one JS function
// that catches whatever a getter, a Proxy trap or a toString throws, so a throwing value cannot unwind
// through C++ frames (that skipped their destructors and leaked the strings they held).
std::vector<JsSetting> settings_from_js(const val& object);
// One value alone, under the same rule (name is left empty).
JsSetting setting_from_js(const val& value);
// The setting's text, or ConfigError(name, "must be <what spec allows> (got an array)").
const std::string& setting_text(const JsSetting& setting, const FieldSpec& spec);

// A config from a JS object: starts from the defaults, then every setting of settings_from_js goes through
// set_field, then validate(). Throws ConfigError naming the first bad field.
NetworkConfig config_from_js(const val& object);
// One setting of the network config checked alone (the others at their defaults): its value in its JS
// type, or ConfigError. The rule of set_field, for the page's controls and URL.
val check_field_to_js(const std::string& name, const val& value);
// A value checked against any spec given from JS ({name, type, min, max, minOpen, maxOpen, choices}, the
// rows schema_to_js writes; the page's own view settings use the same shape): the same rule again.
val check_value_to_js(const val& spec, const val& value);
// The full config as a plain JS object: numbers as numbers, choices as strings, booleans as booleans.
val config_to_js(const NetworkConfig& config);
// One field's value in its JS type.
val field_to_js(const NetworkConfig& config, const FieldSpec& spec);
// A field's value from its get_field text (numbers round-trip exactly) in its JS type.
val field_text_to_js(const FieldSpec& spec, const std::string& text);
// String(value) of a value known to be a primitive (typeof's result, say): runs no user code.
std::string js_text(const val& value);

// [{name, type, min, max, minOpen, maxOpen, choices, help, default}]
val schema_to_js();
// The tensor kinds in the core's order (tensor_kinds.hpp), flat: [name, label, short, words, forward, ...],
// five entries a kind (layerscope.js makes the objects). Measured on the gzipped module: as val objects
// the table added 992 bytes, as one std::string 977, this way 356.
val tensor_kinds_to_js();
// One row without its default.
val field_spec_to_js(const FieldSpec& spec);
// The same rows for any table of fields; default_of(spec) gives the default in its JS type.
template <typename DefaultOf>
val fields_to_js(const std::vector<FieldSpec>& specs, DefaultOf&& default_of) {
  val list = val::array();
  for (const FieldSpec& spec : specs) {
    val row = field_spec_to_js(spec);
    row.set("default", default_of(spec));
    list.call<void>("push", row);
  }
  return list;
}

// [{name, title, description, config}]
val presets_to_js();
// The same rows for any table of presets ({name, title, description} each); config_of(name) gives the
// preset's config as a JS object.
template <typename Info, typename ConfigOf>
val preset_rows_to_js(const std::vector<Info>& infos, ConfigOf&& config_of) {
  val list = val::array();
  for (const Info& info : infos) {
    val row = val::object();
    row.set("name", info.name);
    row.set("title", info.title);
    row.set("description", info.description);
    row.set("config", config_of(info.name));
    list.call<void>("push", row);
  }
  return list;
}

// Copies of native arrays as new JS typed arrays (see the note at the top).
val copy_to_js(const std::vector<double>& values);
val copy_to_js(const std::vector<std::uint32_t>& values);
// A JS array of the strings (a run's or a training session's config warnings).
val strings_to_js(const std::vector<std::string>& strings);

// Bytes of the wasm heap malloc currently has handed out (mallinfo's uordblks): for leak tests.
double heap_in_use();

}  // namespace layerscope::wasm
