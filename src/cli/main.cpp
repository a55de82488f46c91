// layerscope: run a deep network forward and backward once and print what happens layer by layer;
// `layerscope train ...` trains it on MNIST instead (train.hpp).
// Bad input of any kind prints "layerscope: <message>" to stderr and exits with status 2.
#include <cstdio>
#include <cstring>
#include <exception>

#include "dump.hpp"
#include "json_output.hpp"
#include "options.hpp"
#include "table.hpp"
#include "train.hpp"

namespace {

using namespace layerscope;

template <typename S>
void run(const cli::Options& options) {
  Network<S> net(options.config);
  const RunReport report = run_and_summarize(net, true);
  const char* scalar = sizeof(S) == sizeof(float) ? "float" : "double";
  cli::print_table(stdout, report, scalar);
  if (!options.json_path.empty()) cli::write_json_file(options.json_path, cli::run_json(net, report, options));
  if (!options.dump_dir.empty()) cli::dump_run(net, report, options.dump_dir);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc > 1 && std::strcmp(argv[1], "train") == 0) return cli::run_train(argc, argv);
    const cli::Options options = cli::parse_options(argc, argv);
    if (options.help) {
      std::fputs(cli::usage().c_str(), stdout);
      return 0;
    }
    if (options.use_double) run<double>(options);
    else run<float>(options);
    return 0;
  } catch (const std::exception& e) {  // ConfigError, UsageError, DataError, file errors, bad_alloc
    std::fprintf(stderr, "layerscope: %s\n", e.what());
    return 2;
  }
}
