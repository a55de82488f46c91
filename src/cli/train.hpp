// `layerscope train`: trains the classifier on MNIST with progress on stderr, a summary on stdout, and
// optionally --json, --dump and --init-from (see train_usage()).
#pragma once

namespace layerscope::cli {

// argv[1] is "train". Returns the exit status: 0 done, 3 training diverged. Bad input throws (ConfigError,
// UsageError, DataError, file errors) for main() to print with status 2.
int run_train(int argc, char** argv);

}  // namespace layerscope::cli
