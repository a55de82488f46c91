// `layerscope sweep`: the learning-rate sweep of a training pair; `layerscope depth-sweep`: the gradient's
// growth toward the input at initialisation against depth, without and with batch norm (core: sweeps.hpp).
#pragma once

namespace layerscope::cli {

// argv[1] is "sweep" / "depth-sweep". Return 0; bad input throws (ConfigError, UsageError) for main() to
// print with status 2, before anything runs.
int run_sweep(int argc, char** argv);
int run_depth_sweep(int argc, char** argv);

}  // namespace layerscope::cli
