// The per-layer table the tool prints to stdout.
#pragma once

#include <cstdio>
#include <string>

#include "report.hpp"

namespace layerscope::cli {

// One line "layerscope scalar=float depth=20 width=100 ..." naming every config field.
std::string config_line(const NetworkConfig& config, const char* scalar);

// Layer, std of h, of dL/dh and of dL/dW, dead % and saturated % of the activation, NaN/Inf count over
// every tracked tensor of the layer, then the loss. Numbers as %.3e; "-" where a tensor does not exist.
void print_table(std::FILE* out, const RunReport& report, const char* scalar);

}  // namespace layerscope::cli
