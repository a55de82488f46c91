// Command-line options of the layerscope tool: the network config (from a preset, JSON files and one flag
// per schema field) plus the tool's own settings.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "config.hpp"
#include "report.hpp"
#include "stats.hpp"

namespace layerscope::cli {

// A bad command line (not a bad config value: those are ConfigError). main() prints it and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  NetworkConfig config;
  bool help = false;
  bool use_double = false;  // --scalar double
  int bins = 64;            // --bins, 2..512
  RangeMode range = RangeMode::own;
  Binning binning = Binning::linear;
  std::string json_path;  // --json FILE (empty: none)
  std::string dump_dir;   // --dump DIR (empty: none)
};

// Order of application, whatever the order on the command line: --preset, then each --config file in
// turn, then the field flags in turn (so a flag always overrides the file, and a later flag an earlier
// one). Throws UsageError or ConfigError.
Options parse_options(int argc, char** argv);

// Reads a flat JSON object {field: value} into config through set_field. Throws ConfigError naming the
// field, or UsageError naming the file for unreadable or malformed JSON.
void apply_config_file(NetworkConfig& config, const std::string& path);
// The same for any table of fields: calls set(field, value text) for each entry, values in the text form
// set_field reads (numbers exactly). `train` reads its config files through set_training_field this way.
void apply_config_file(const std::string& path, const std::function<void(const std::string&, const std::string&)>& set);
// The same for the file's text (named `path` in messages): a NUL byte, a duplicate key, malformed JSON or
// anything but a flat object is refused. The fuzz driver (tests/fuzz) calls it without a file.
void apply_config_text(const std::string& text, const std::string& path,
                       const std::function<void(const std::string&, const std::string&)>& set);

// "--name value" or "--name=value" at argv[i] (advancing i past the value), with dashes in the name read as
// underscores (--log-every is --log_every). Returns false for an argument that is not a flag.
bool next_flag(int argc, char** argv, int& i, std::string& name, std::string& value);

// Usage text generated from config_schema() and preset_list().
std::string usage();

}  // namespace layerscope::cli
