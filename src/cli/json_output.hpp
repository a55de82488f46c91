// The --json output: every statistic and histogram of one run. The layout is a contract with the page's
// JavaScript tests; see write_run_json() for it. NaN and +-Inf are written as null (JSON has neither).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "network.hpp"
#include "options.hpp"
#include "report.hpp"

namespace layerscope::cli {

using Json = nlohmann::ordered_json;  // keeps keys in the order written

// {field: value} for every schema field: integers and reals as numbers, choices as strings, bias as boolean.
Json config_json(const NetworkConfig& config);

// {"layerscope": 1, "scalar", "config", "loss", "tensors", "layers", "histograms", "theory"}.
template <typename S>
Json run_json(const Network<S>& net, const RunReport& report, const Options& options);

// Writes `doc` to `path` (throws std::runtime_error naming the file when it cannot).
void write_json_file(const std::string& path, const Json& doc);

}  // namespace layerscope::cli
