// The --dump output: every tensor of one run as a .npy file, plus index.json describing each file.
#pragma once

#include <string>

#include "network.hpp"
#include "report.hpp"

namespace layerscope::cli {

// Creates `dir` if missing. Files: input.npy, dinput.npy, the upstream gradient / targets / labels and
// output weights, and per layer l (3 digits) l001_weight.npy, l001_pre_activation.npy, ... (see index.json
// for the full list and the meaning of each).
template <typename S>
void dump_run(const Network<S>& net, const RunReport& report, const std::string& dir);

}  // namespace layerscope::cli
