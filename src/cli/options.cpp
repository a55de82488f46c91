#include "options.hpp"

#include "fields.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace layerscope::cli {

namespace {

// The text set_field reads for a JSON value: numbers exactly (integers as integers, reals with 17
// significant digits, which read back to the same double), booleans as true/false, strings unchanged.
std::string json_value_text(const std::string& field, const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_number_float()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", value.get<double>());
    return buf;
  }
  throw ConfigError(field, "must be a number, a string or a boolean in the JSON file (got " +
                               std::string(value.type_name()) + ")");
}

int parse_bins(const std::string& text) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 2 || v > 512)
    throw UsageError("--bins: must be an integer from 2 to 512 (got '" + escape_for_message(text) + "')");
  return int(v);
}

}  // namespace

void apply_config_file(NetworkConfig& config, const std::string& path) {
  apply_config_file(path, [&](const std::string& field, const std::string& value) { set_field(config, field, value); });
}

void apply_config_file(const std::string& path, const std::function<void(const std::string&, const std::string&)>& set) {
  const std::string shown_path = escape_for_message(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("--config: cannot read '" + shown_path + "'");
  // The whole file as bytes: a NUL inside is refused here (JSON text has none), where a stream parser
  // could stop at it and take what came before as the whole document.
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  apply_config_text(text, path, set);
}

void apply_config_text(const std::string& text, const std::string& path,
                       const std::function<void(const std::string&, const std::string&)>& set) {
  const std::string shown_path = escape_for_message(path);
  const std::size_t nul = text.find('\0');
  if (nul != std::string::npos)
    throw UsageError("--config: '" + shown_path + "' holds a NUL byte at offset " + std::to_string(nul) +
                     "; a config file must be JSON text");
  // A key given twice at the top level is refused, naming it: JSON leaves the meaning open, and nlohmann
  // keeps the last one silently.
  std::set<std::string> keys;
  const auto refuse_duplicates = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 && !keys.insert(parsed.get<std::string>()).second)
      throw ConfigError(parsed.get<std::string>(), "given twice in '" + shown_path + "'; give each setting once");
    return true;
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text, refuse_duplicates);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("--config: '" + shown_path + "' is not valid JSON: " + escape_for_message(e.what()));
  }
  if (!doc.is_object())
    throw UsageError("--config: '" + shown_path + "' must hold a JSON object of field: value (got " +
                     std::string(doc.type_name()) + ")");
  for (const auto& [field, value] : doc.items()) set(field, json_value_text(field, value));
}

bool next_flag(int argc, char** argv, int& i, std::string& name, std::string& value) {
  const std::string arg = argv[i];
  if (arg.rfind("--", 0) != 0) return false;
  name = arg.substr(2);
  const size_t equals = name.find('=');
  if (equals != std::string::npos) {
    value = name.substr(equals + 1);
    name = name.substr(0, equals);
  } else {
    if (i + 1 >= argc) throw UsageError("--" + escape_for_message(name) + ": needs a value; see --help");
    value = argv[++i];
  }
  for (char& c : name)
    if (c == '-') c = '_';
  return true;
}

Options parse_options(int argc, char** argv) {
  Options options;
  std::string preset_name;
  bool preset_given = false;  // --preset '' is refused by preset(), not skipped
  std::vector<std::string> config_files;
  std::vector<std::pair<std::string, std::string>> field_flags;

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      options.help = true;
      continue;
    }
    // --name value or --name=value; dashes in a field name stand for underscores (--input-dim).
    std::string name, value;
    if (!next_flag(argc, argv, i, name, value)) throw UsageError("unexpected argument '" + escape_for_message(arg) + "'; see --help");

    if (name == "preset") preset_name = value, preset_given = true;
    else if (name == "config") config_files.push_back(value);
    else if (name == "scalar") {
      if (value != "float" && value != "double")
        throw UsageError("--scalar: must be one of: float, double (got '" + escape_for_message(value) + "')");
      options.use_double = value == "double";
    } else if (name == "bins") options.bins = parse_bins(value);
    else if (name == "range") {
      if (value != "own" && value != "shared")
        throw UsageError("--range: must be one of: own, shared (got '" + escape_for_message(value) + "')");
      options.range = value == "own" ? RangeMode::own : RangeMode::shared;
    } else if (name == "binning") {
      if (value != "linear" && value != "symlog")
        throw UsageError("--binning: must be one of: linear, symlog (got '" + escape_for_message(value) + "')");
      options.binning = value == "linear" ? Binning::linear : Binning::symlog;
    } else if (name == "json") options.json_path = value;
    else if (name == "dump") options.dump_dir = value;
    else if (network_fields().find(name)) field_flags.emplace_back(name, value);
    else throw UsageError("unknown option '" + escape_for_message(arg) + "'; see --help");
  }

  if (preset_given) options.config = preset(preset_name);
  for (const std::string& path : config_files) apply_config_file(options.config, path);
  for (const auto& [name, value] : field_flags) set_field(options.config, name, value);
  if (!options.help) validate(options.config);
  return options;
}

std::string usage() {
  const NetworkConfig defaults;
  std::ostringstream out;
  out << "usage: layerscope train --help   (train a classifier on MNIST; see there)\n"
         "       layerscope sweep --help   (learning-rate sweep of a training pair)\n"
         "       layerscope depth-sweep --help   (gradient growth at initialisation against depth)\n"
         "       layerscope [--preset NAME] [--config FILE.json] [--FIELD VALUE ...]\n"
         "                  [--scalar float|double] [--bins N] [--range own|shared] [--binning linear|symlog]\n"
         "                  [--json FILE] [--dump DIR]\n\n"
         "Runs a deep fully connected network forward and backward once and prints, per layer, the std of\n"
         "its output, of dL/dh and of dL/dW, the dead and saturated fractions and the NaN/Inf count.\n\n"
         "The config starts from --preset (default: the defaults below), then each --config file (a flat\n"
         "JSON object of field: value), then the field flags, later ones overriding earlier ones.\n\n"
         "Fields:\n";
  for (const FieldSpec& spec : config_schema()) {
    out << "  --" << spec.name << " VALUE\n"
        << "      " << spec.help << "\n"
        << "      " << describe_allowed(spec) << "; default " << get_field(defaults, spec.name) << "\n";
  }
  out << "\nTool options:\n"
         "  --scalar float|double     arithmetic of the run (default float)\n"
         "  --bins N                  histogram bins, 2 to 512 (default 64)\n"
         "  --range own|shared        histogram range: each layer's own, or shared over layers (default own)\n"
         "  --binning linear|symlog   histogram bin spacing (default linear)\n"
         "  --json FILE               write every statistic and histogram as JSON\n"
         "  --dump DIR                write every tensor as a NumPy .npy file plus DIR/index.json\n"
         "  --help                    this text\n"
         "\nPresets:\n";
  for (const PresetInfo& p : preset_list()) out << "  " << p.name << ": " << p.title << ". " << p.description << "\n";
  return out.str();
}

}  // namespace layerscope::cli
