// `layerscope gradcheck`: the gradient check (core: gradcheck.hpp) of one config, or of the page's default pair
// (blog-no-bn and xavier-bn) when no network setting is given. Prints a table per config and ends with the line
// `worst relative error: X`; --json FILE writes every row.
#pragma once

namespace layerscope::cli {

// argv[1] is "gradcheck". Returns 0 when every entry is within the tolerance, 1 when one is not. Bad input
// throws (ConfigError, UsageError) for main() to print with status 2.
int run_gradcheck(int argc, char** argv);

}  // namespace layerscope::cli
