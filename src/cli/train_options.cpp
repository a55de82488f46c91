#include "train_options.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <utility>

#include "options.hpp"

namespace layerscope::cli {

namespace {

std::vector<long> parse_step_list(const std::string& text) {
  std::vector<long> steps;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 0)
      throw UsageError("--dump-steps: must be a comma-separated list of steps from 0 (got '" + text + "')");
    steps.push_back(v);
  }
  if (steps.empty()) throw UsageError("--dump-steps: must list at least one step (got '" + text + "')");
  return steps;
}

}  // namespace

TrainOptions parse_train_options(int argc, char** argv) {
  TrainOptions options;
  std::vector<std::string> config_files;
  std::vector<std::pair<std::string, std::string>> field_flags;
  std::string dump_steps_text;

  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      options.help = true;
      continue;
    }
    if (arg == "--quiet") {
      options.quiet = true;
      continue;
    }
    std::string name, value;
    if (!next_flag(argc, argv, i, name, value)) throw UsageError("unexpected argument '" + arg + "'; see train --help");
    if (name == "preset") options.preset_name = value;
    else if (name == "config") config_files.push_back(value);
    else if (name == "data") options.data_path = value;
    else if (name == "scalar") {
      if (value != "float" && value != "double")
        throw UsageError("--scalar: must be one of: float, double (got '" + value + "')");
      options.use_double = value == "double";
    } else if (name == "json") options.json_path = value;
    else if (name == "dump") options.dump_dir = value;
    else if (name == "init_from") options.init_from = value;
    else if (name == "dump_steps") dump_steps_text = value;
    else if (training_fields().find(name)) field_flags.emplace_back(name, value);
    else throw UsageError("unknown option '" + arg + "'; see layerscope train --help");
  }
  if (options.help) return options;

  options.config = training_preset(options.preset_name);
  for (const std::string& path : config_files)
    apply_config_file(path, [&](const std::string& f, const std::string& v) { set_training_field(options.config, f, v); });
  for (const auto& [name, value] : field_flags) set_training_field(options.config, name, value);
  validate_training(options.config);

  options.dump_steps = {0};
  if (dump_steps_text.empty()) {
    options.dump_steps.push_back(options.config.steps);
  } else {
    for (long s : parse_step_list(dump_steps_text)) {
      if (s > options.config.steps)
        throw UsageError("--dump-steps: step " + std::to_string(s) + " is past the last step " +
                         std::to_string(options.config.steps));
      options.dump_steps.push_back(s);
    }
  }
  std::sort(options.dump_steps.begin(), options.dump_steps.end());
  options.dump_steps.erase(std::unique(options.dump_steps.begin(), options.dump_steps.end()), options.dump_steps.end());
  return options;
}

std::string train_usage() {
  const TrainingConfig defaults = training_preset(default_training_preset);
  std::ostringstream out;
  out << "usage: layerscope train [--preset NAME] [--config FILE.json] [--FIELD VALUE ...] [--data PATH]\n"
         "                        [--scalar float|double] [--json FILE] [--dump DIR] [--dump-steps LIST]\n"
         "                        [--init-from DIR] [--quiet]\n\n"
         "Trains the network as a classifier of the MNIST digits (binarized) and reports, every log_every\n"
         "steps, the training loss, the test loss and accuracy, and per layer the statistics the page shows.\n\n"
      << "The config starts from --preset (default " << default_training_preset
      << "), then each --config file (a flat JSON\n"
         "object of field: value, training or network fields), then the field flags, later ones overriding\n"
         "earlier ones. Flags are --name VALUE or --name=VALUE; dashes stand for underscores (--log-every).\n"
         "Defaults below are "
      << default_training_preset << "'s.\n\n"
         "Training fields:\n";
  auto field = [&](const FieldSpec& spec) {
    out << "  --" << spec.name << " VALUE\n"
        << "      " << spec.help << "\n"
        << "      " << describe_allowed(spec) << "; default " << get_training_field(defaults, spec.name) << "\n";
  };
  for (const FieldSpec& spec : training_schema()) field(spec);
  out << "\nNetwork fields (input_dim 784, classes 10, upstream cross_entropy and mode train are required):\n";
  for (const FieldSpec& spec : config_schema()) field(spec);
  out << "\nTool options:\n"
         "  --data PATH               the MNIST pack (default dist/data/mnist-binary.bin), or a directory of the\n"
         "                            four IDX files (train-images-idx3-ubyte, ..., t10k-labels-idx1-ubyte)\n"
         "  --scalar float|double     arithmetic of the run (default float)\n"
         "  --json FILE               write the config and every report of the history as JSON\n"
         "  --dump DIR                write parameters and batches as NumPy .npy files plus DIR/index.json\n"
         "  --dump-steps LIST         comma-separated steps whose parameters --dump writes (default: 0 and\n"
         "                            the last step; step 0 is always written)\n"
         "  --init-from DIR           start from the parameters of a --dump directory (its earliest step)\n"
         "  --quiet                   no progress on stderr\n"
         "  --help                    this text\n"
         "\nExit status: 0 done, 2 bad input, 3 training diverged (--json still holds what was reached).\n"
         "\nPresets:\n";
  for (const TrainingPresetInfo& p : training_preset_list())
    out << "  " << p.name << ": " << p.title << ". " << p.description << "\n";
  return out.str();
}

}  // namespace layerscope::cli
