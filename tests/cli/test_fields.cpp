// The one table of fields per group (fields.hpp), enumerated against every route a value takes: each row
// is in the schema, is a flag of the command-line tool, is written to its JSON and read back from a JSON
// config file, for the network's table and the training's. A field added to a table is checked by these
// loops without a line of test written for it. (The page's URL state: tests/js/api.test.mjs.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "fields.hpp"
#include "json_output.hpp"
#include "options.hpp"
#include "train_json.hpp"
#include "train_options.hpp"
#include "training.hpp"

using namespace layerscope;
using namespace layerscope::cli;

namespace {

// A value of the field other than `current` that its own range accepts, in set()'s text form: the
// smallest allowed (or the one after it), the first other choice, the other boolean.
std::string another_value(const FieldSpec& spec, const std::string& current) {
  switch (spec.type) {
    case FieldType::choice:
      for (const std::string& c : spec.choices)
        if (c != current) return c;
      break;
    case FieldType::boolean: return current == "true" ? "false" : "true";
    case FieldType::integer: {
      const std::string lowest = format_number(spec.min);
      return lowest != current ? lowest : format_number(spec.min + 1);
    }
    case FieldType::real: {
      // Inside the range and never an end: a quarter of the way from min to max.
      const std::string inside = format_number(spec.min + (spec.max - spec.min) / 4);
      return inside != current ? inside : format_number(spec.min + (spec.max - spec.min) / 8);
    }
  }
  FAIL("field " << spec.name << " has no second value");
  return "";
}

// Runs a parser on a command line given as strings.
template <typename Parse>
auto parse(Parse&& parse_argv, std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return parse_argv(int(argv.size()), argv.data());
}

bool has_spec(const std::vector<FieldSpec>& schema, const FieldSpec& spec) {
  return std::any_of(schema.begin(), schema.end(), [&](const FieldSpec& s) {
    return s.name == spec.name && s.type == spec.type && s.min == spec.min && s.max == spec.max &&
           s.choices == spec.choices;
  });
}

}  // namespace

TEST_CASE("every network field is in the schema, a flag of the tool, and in its JSON both ways", "[fields]") {
  const FieldTable<NetworkConfig>& table = network_fields();
  REQUIRE(table.rows().size() == config_schema().size());
  const std::string help = usage();
  for (const Field<NetworkConfig>& field : table.rows()) {
    const FieldSpec& spec = field.spec;
    CAPTURE(spec.name);
    CHECK(has_spec(config_schema(), spec));
    CHECK(help.find("--" + spec.name + " ") != std::string::npos);

    const NetworkConfig defaults;
    const std::string value = another_value(spec, table.get(defaults, spec.name));
    CAPTURE(value);
    // The flag: --name value sets exactly that field (bn_noise needs batch norm to be valid at all).
    std::vector<std::string> args = {"layerscope", "--" + spec.name, value};
    if (spec.name == "bn_noise") args.insert(args.end(), {"--normalization", "batch"});
    const Options options = parse(parse_options, args);
    CHECK(table.get(options.config, spec.name) == value);
    // The JSON: written under the field's name, and a config file of that JSON reads back the same value.
    const Json json = config_json(options.config);
    REQUIRE(json.contains(spec.name));
    NetworkConfig from_file;
    apply_config_text(json.dump(), "config.json",
                      [&](const std::string& f, const std::string& v) { table.set(from_file, f, v); });
    CHECK(table.get(from_file, spec.name) == value);
  }
}

TEST_CASE("every training field and every network field is a flag of train and in its JSON both ways", "[fields]") {
  const FieldTable<TrainingConfig>& table = training_fields();
  // The training table holds its own fields, then every network field, under the same names.
  REQUIRE(table.rows().size() == training_schema().size() + config_schema().size());
  for (const FieldSpec& spec : config_schema()) CHECK(table.find(spec.name) != nullptr);
  const std::string help = train_usage();
  const TrainingConfig defaults = training_preset(default_training_preset);
  for (const Field<TrainingConfig>& field : table.rows()) {
    const FieldSpec& spec = field.spec;
    CAPTURE(spec.name);
    CHECK(help.find("--" + spec.name + " ") != std::string::npos);
    const std::string value = another_value(spec, table.get(defaults, spec.name));
    CAPTURE(value);
    // The flag reaches the field's rules: it is set, or refused by a check that names this very field
    // (a classifier needs input_dim 784: any other allowed value is refused as input_dim's).
    try {
      const TrainOptions options = parse(parse_train_options, {"layerscope", "train", "--" + spec.name, value});
      CHECK(table.get(options.config, spec.name) == value);
    } catch (const ConfigError& e) {
      CHECK(e.field() == spec.name);
    }
    // The JSON: the set value is written under its name and a config file of it reads back the same.
    TrainingConfig changed = defaults;
    table.set(changed, spec.name, value);
    const Json json = training_config_json(changed);
    REQUIRE(json.contains(spec.name));
    TrainingConfig from_file = defaults;
    apply_config_text(json.dump(), "config.json",
                      [&](const std::string& f, const std::string& v) { table.set(from_file, f, v); });
    CHECK(table.get(from_file, spec.name) == value);
  }
}

TEST_CASE("an unknown name is refused by each table naming every field it knows", "[fields]") {
  try {
    TrainingConfig c;
    training_fields().set(c, "colour", "red");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.field() == "colour");
    const std::string message = e.what();
    for (const Field<TrainingConfig>& f : training_fields().rows()) CHECK(message.find(f.spec.name) != std::string::npos);
  }
  CHECK_THROWS_WITH(set_field(*std::make_unique<NetworkConfig>(), "colour", "red"),
                    Catch::Matchers::StartsWith("colour: unknown setting; known settings are: depth, width"));
}

TEST_CASE("each preset is written once and its name finds the row that lists it", "[fields][presets]") {
  for (const PresetInfo& p : preset_list()) {
    CAPTURE(p.name);
    CHECK(&find_preset(preset_list(), p.name) == &p);
    CHECK_NOTHROW(validate(preset(p.name)));
  }
  for (const TrainingPresetInfo& p : training_preset_list()) {
    CAPTURE(p.name);
    CHECK(&find_preset(training_preset_list(), p.name) == &p);
    CHECK_NOTHROW(validate_training(training_preset(p.name)));
  }
  CHECK(find_preset(preset_list(), default_pair[0]).name == "blog-no-bn");
  CHECK(find_preset(preset_list(), default_pair[1]).name == "xavier-bn");
  CHECK_NOTHROW(training_preset(default_training_preset));
  CHECK_THROWS_WITH(preset("nope"), Catch::Matchers::StartsWith("preset: must be one of: blog-no-bn, xavier-bn,"));
  CHECK_THROWS_WITH(training_preset("nope"), Catch::Matchers::StartsWith("preset: must be one of: bn-paper-fig1,"));
}

// normalization's `layer` (issue 22): one alias row in the network's table (config.cpp), so every route
// reads it as per_sample and every writer writes per_sample, which old URLs and dumps keep using.
TEST_CASE("normalization layer is read as per_sample by the flags and the JSON files of both commands", "[fields][alias]") {
  const Options flag = parse(parse_options, {"layerscope", "--normalization", "layer"});
  CHECK(flag.config.normalization == Normalization::per_sample);
  CHECK(get_field(flag.config, "normalization") == "per_sample");
  const TrainOptions train_flag =
      parse(parse_train_options, {"layerscope", "train", "--preset", "cures-plain", "--normalization=layer"});
  CHECK(train_flag.config.network.normalization == Normalization::per_sample);
  CHECK(get_training_field(train_flag.config, "normalization") == "per_sample");

  NetworkConfig from_file;
  apply_config_text(R"({"normalization": "layer"})", "alias.json",
                    [&](const std::string& f, const std::string& v) { set_field(from_file, f, v); });
  CHECK(from_file.normalization == Normalization::per_sample);
  TrainingConfig train_file = training_preset("cures-plain");
  apply_config_text(R"({"normalization": "layer"})", "alias.json",
                    [&](const std::string& f, const std::string& v) { set_training_field(train_file, f, v); });
  CHECK(train_file.network.normalization == Normalization::per_sample);
  // The preset the alias names: cures-layer-norm's network is the plain one with normalization=layer.
  NetworkConfig plain = preset("cures-plain");
  set_field(plain, "normalization", "layer");
  NetworkConfig cure = preset("cures-layer-norm");
  for (const FieldSpec& spec : config_schema()) CHECK(get_field(plain, spec.name) == get_field(cure, spec.name));
  // The old name still works, and the alias is a name, not a prefix or a case-folding.
  NetworkConfig old;
  set_field(old, "normalization", "per_sample");
  CHECK(old.normalization == Normalization::per_sample);
  for (const char* bad : {"Layer", "layer ", "layers", "lay"}) {
    NetworkConfig c;
    try {
      set_field(c, "normalization", bad);
      FAIL("normalization=" << bad << " was accepted");
    } catch (const ConfigError& e) {
      CHECK(e.field() == "normalization");
      CHECK_THAT(e.what(), Catch::Contains("one of: none, batch, per_sample (layer is per_sample)"));
    }
  }
}
