// Command-line options of `layerscope train`: the training config (a training preset, JSON files and one
// flag per field of training_schema() and config_schema()) plus the subcommand's own settings.
#pragma once

#include <string>
#include <vector>

#include "training.hpp"

namespace layerscope::cli {

struct TrainOptions {
  TrainingConfig config;
  std::string preset_name = default_training_preset;  // --preset (the default when none is given)
  std::string data_path = "dist/data/mnist-binary.bin";  // --data: an MNIST pack, or a directory of IDX files
  bool help = false;
  bool use_double = false;  // --scalar double
  bool quiet = false;       // --quiet: no progress on stderr
  std::string json_path;    // --json FILE
  std::string dump_dir;     // --dump DIR
  std::string init_from;    // --init-from DIR
  std::vector<long> dump_steps;  // --dump-steps, sorted, unique; always holds 0 and (by default) the last step
};

// argv[1] is "train". Order of application, whatever the order on the command line: --preset, then each
// --config file in turn, then the field flags in turn. Throws UsageError or ConfigError.
TrainOptions parse_train_options(int argc, char** argv);

// Usage text generated from training_schema(), config_schema() and training_preset_list().
std::string train_usage();

}  // namespace layerscope::cli
