// layerscope: run a deep network forward and backward once and print what happens layer by layer;
// `layerscope train ...` trains it on MNIST instead (train.hpp).
// `layerscope gradcheck ...` checks its backward against finite differences (gradcheck_command.hpp).
// `layerscope sweep` / `depth-sweep`: the learning-rate and depth sweeps of issue 21 (sweep_command.hpp).
// Bad input of any kind prints "layerscope: <message>" to stderr and exits with status 2.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "dump.hpp"
#include "gradcheck_command.hpp"
#include "json_output.hpp"
#include "options.hpp"
#include "sweep_command.hpp"
#include "table.hpp"
#include "train.hpp"

namespace {

using namespace layerscope;

// The message as one line on stderr: the core escapes what it quotes (escape_for_message), and this catches
// any control character that still reaches here (from a library's message, say), so none can move the
// cursor or clear the terminal. Backslashes are left alone: the escapes already in the text stay readable.
void print_error(const char* message) {
  std::string line = "layerscope: ";
  for (const char* p = message; *p; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      line += escape;
    } else {
      line += char(c);
    }
  }
  line += "\n";
  std::fputs(line.c_str(), stderr);
}

template <typename S>
void run(const cli::Options& options) {
  Network<S> net(options.config);
  const RunReport report = run_and_summarize(net, true);
  // Warnings (config_warnings: SELU off its fixed point) go to stderr, the table stays the table.
  for (const std::string& warning : report.warnings) std::fprintf(stderr, "layerscope: warning: %s\n", warning.c_str());
  const char* scalar = sizeof(S) == sizeof(float) ? "float" : "double";
  cli::print_table(stdout, report, scalar);
  if (!options.json_path.empty()) cli::write_json_file(options.json_path, cli::run_json(net, report, options));
  if (!options.dump_dir.empty()) cli::dump_run(net, report, options.dump_dir);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc > 1 && std::strcmp(argv[1], "train") == 0) return cli::run_train(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "gradcheck") == 0) return cli::run_gradcheck(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "sweep") == 0) return cli::run_sweep(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "depth-sweep") == 0) return cli::run_depth_sweep(argc, argv);
    const cli::Options options = cli::parse_options(argc, argv);
    if (options.help) {
      std::fputs(cli::usage().c_str(), stdout);
      return 0;
    }
    if (options.use_double) run<double>(options);
    else run<float>(options);
    return 0;
  } catch (const std::exception& e) {  // ConfigError, UsageError, DataError, file errors, bad_alloc
    print_error(e.what());
    return 2;
  }
}
