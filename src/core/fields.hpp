// One table type for every group of settings: the network's fields (config.cpp) and the training's
// (training_config.cpp), and any group that comes after them.
//
// A table is a list of rows. A row is a FieldSpec (name, type, range or choices, help: what the schema,
// the CLI's --help and the page's controls show) plus how to store and load the field as a double
// (numbers as they are, booleans 0/1, choices their index). Every route a value takes (command-line flag,
// JSON file, JavaScript object, URL parameter) goes through FieldTable::set, so all of them read the same
// names with the same grammar and refuse the same values with the same message; every writer (the CLI's
// JSON, the dumps' index.json, the wasm objects, the page's URL) enumerates rows(), so a row added here
// appears in all of them (tests/cli/test_fields.cpp and tests/js/api.test.mjs check each route against the table).
#pragma once

#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"

namespace layerscope {

template <typename Config>
struct Field {
  FieldSpec spec;
  std::function<void(Config&, double)> store;  // the value as parse_field_value returns it
  std::function<double(const Config&)> load;   // the same form; a choice that names nothing loads as -1
};

// Row makers, one per field type, from a member pointer: the member's name is written once, in the row.
template <typename Config, typename T>
Field<Config> integer_field(const char* name, T Config::*member, double lo, double hi, const char* help) {
  FieldSpec s;
  s.name = name, s.type = FieldType::integer, s.min = lo, s.max = hi, s.help = help;
  return {s, [member](Config& c, double v) { c.*member = static_cast<T>(v); },
          [member](const Config& c) { return static_cast<double>(c.*member); }};
}
// A real in [lo, hi], or (lo, hi] when lo_open.
template <typename Config>
Field<Config> real_field(const char* name, double Config::*member, double lo, bool lo_open, double hi,
                         const char* help) {
  FieldSpec s;
  s.name = name, s.type = FieldType::real, s.min = lo, s.min_open = lo_open, s.max = hi, s.help = help;
  return {s, [member](Config& c, double v) { c.*member = v; }, [member](const Config& c) { return c.*member; }};
}
template <typename Config>
Field<Config> boolean_field(const char* name, bool Config::*member, const char* help) {
  FieldSpec s;
  s.name = name, s.type = FieldType::boolean, s.min = 0, s.max = 1, s.help = help;
  return {s, [member](Config& c, double v) { c.*member = v != 0; },
          [member](const Config& c) { return c.*member ? 1.0 : 0.0; }};
}
// An enum member whose values are 0..choices.size()-1 in the order of `choices` (its to_string table).
template <typename Config, typename Enum>
Field<Config> choice_field(const char* name, Enum Config::*member, std::vector<std::string> choices,
                           const char* help) {
  FieldSpec s;
  s.name = name, s.type = FieldType::choice, s.choices = std::move(choices), s.help = help;
  s.min = 0, s.max = double(s.choices.size() - 1);
  return {s, [member](Config& c, double v) { c.*member = static_cast<Enum>(int(v)); },
          [member](const Config& c) { return static_cast<double>(int(c.*member)); }};
}

// The same row with another name for some of its choices (FieldSpec::aliases): one entry per choice, ""
// where a choice has none.
template <typename Config>
Field<Config> with_aliases(Field<Config> field, std::vector<std::string> aliases) {
  field.spec.aliases = std::move(aliases);
  return field;
}

// A field of Inner reached through member `part` of Outer (the training table holds the network's
// fields of config.network this way): the same spec, the same stored values.
template <typename Outer, typename Inner>
Field<Outer> field_of_part(const Field<Inner>& field, Inner Outer::*part) {
  return {field.spec, [store = field.store, part](Outer& c, double v) { store(c.*part, v); },
          [load = field.load, part](const Outer& c) { return load(c.*part); }};
}

template <typename Config>
class FieldTable {
 public:
  explicit FieldTable(std::vector<Field<Config>> rows) : rows_(std::move(rows)), own_(rows_.size()) {}
  // This table's rows, then every row of `inner` reached through `part`. own_schema() is this table's
  // alone; names are looked up, set and listed over both.
  template <typename Inner>
  FieldTable(std::vector<Field<Config>> rows, const FieldTable<Inner>& inner, Inner Config::*part)
      : FieldTable(std::move(rows)) {
    for (const Field<Inner>& f : inner.rows()) rows_.push_back(field_of_part(f, part));
  }

  const std::vector<Field<Config>>& rows() const { return rows_; }
  std::vector<FieldSpec> schema() const { return specs(rows_.size()); }
  std::vector<FieldSpec> own_schema() const { return specs(own_); }

  const Field<Config>* find(const std::string& name) const {
    for (const Field<Config>& f : rows_)
      if (f.spec.name == name) return &f;
    return nullptr;
  }
  // The field of that name; ConfigError(name, "unknown setting; known settings are: ...") for any other.
  const Field<Config>& at(const std::string& name) const {
    if (const Field<Config>* f = find(name)) return *f;
    std::string known;
    for (const Field<Config>& f : rows_) known += (known.empty() ? "" : ", ") + f.spec.name;
    throw ConfigError(name, "unknown setting; known settings are: " + known);
  }
  // The one rule for a value given as text (config.hpp set_field): parse, check the range, store.
  void set(Config& config, const std::string& name, const std::string& value) const {
    const Field<Config>& f = at(name);
    f.store(config, parse_field_value(f.spec, value));
  }
  // The value in the text form set() reads back (numbers round-trip exactly).
  std::string get(const Config& config, const std::string& name) const {
    const Field<Config>& f = at(name);
    return format_field_value(f.spec, f.load(config));
  }
  // The range of every own field (values stored by code rather than set()); ConfigError names the first
  // out of range. Checks across fields are the config's own validate.
  void check_ranges(const Config& config) const {
    for (std::size_t i = 0; i < own_; ++i) check_field_value(rows_[i].spec, rows_[i].load(config));
  }

 private:
  std::vector<FieldSpec> specs(std::size_t count) const {
    std::vector<FieldSpec> out;
    for (std::size_t i = 0; i < count; ++i) out.push_back(rows_[i].spec);
    return out;
  }
  std::vector<Field<Config>> rows_;
  std::size_t own_;
};

}  // namespace layerscope
