// The --json output: every statistic and histogram of one run. The layout is a contract with the page's
// JavaScript tests; see write_run_json() for it. NaN and +-Inf are written as null (JSON has neither).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fields.hpp"
#include "network.hpp"
#include "options.hpp"
#include "report.hpp"

namespace layerscope::cli {

using Json = nlohmann::ordered_json;  // keeps keys in the order written

// A field's value (in get()'s text form) as JSON: integers and reals as numbers (a non-finite real as
// null), choices as strings, booleans as booleans.
Json field_value_json(const FieldSpec& spec, const std::string& text);
// {field: value} for every row of a table of fields (fields.hpp), in the table's order.
template <typename Config>
Json fields_json(const FieldTable<Config>& table, const Config& config) {
  Json out = Json::object();
  for (const Field<Config>& field : table.rows()) out[field.spec.name] = field_value_json(field.spec, table.get(config, field.spec.name));
  return out;
}
// The network's fields: fields_json(network_fields(), config).
Json config_json(const NetworkConfig& config);

// {"layerscope": 1, "scalar", "config", "loss", "tensors", "layers", "histograms", "theory"}.
template <typename S>
Json run_json(const Network<S>& net, const RunReport& report, const Options& options);

// Writes `doc` to `path` (throws std::runtime_error naming the file when it cannot).
void write_json_file(const std::string& path, const Json& doc);

}  // namespace layerscope::cli
