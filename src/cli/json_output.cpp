#include "json_output.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace layerscope::cli {

namespace {

// A JSON number, or null for NaN and +-Inf.
Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json numbers(const std::vector<double>& values) {
  Json out = Json::array();
  for (double v : values) out.push_back(number(v));
  return out;
}

Json summary_json(const TensorSummary& s) {
  Json percentiles = Json::object();
  for (int i = 0; i < summary_percentile_count; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "%g", summary_percentiles[i]);
    percentiles[key] = s.has_percentiles ? number(s.percentiles[i]) : Json(nullptr);
  }
  return Json{{"count", s.count},
              {"finite_count", s.finite_count},
              {"nan_count", s.nan_count},
              {"inf_count", s.inf_count},
              {"zero_count", s.zero_count},
              {"saturated_count", s.saturated_count},
              {"mean", number(s.mean)},
              {"std", number(s.std)},
              {"min", number(s.min)},
              {"max", number(s.max)},
              {"zero_fraction", number(s.zero_fraction())},
              {"saturated_fraction", number(s.saturated_fraction())},
              {"percentiles", percentiles}};
}

Json histogram_json(const Histogram& h) {
  return Json{{"edges", numbers(h.edges)},
              {"counts", h.counts},
              {"zero_count", h.zero_count},
              {"outside_count", h.outside_count},
              {"nonfinite_count", h.nonfinite_count}};
}

}  // namespace

Json field_value_json(const FieldSpec& spec, const std::string& text) {
  // `text` is exact: it reads back to the same value.
  switch (spec.type) {
    case FieldType::integer: return std::strtoull(text.c_str(), nullptr, 10);
    case FieldType::real: return number(std::strtod(text.c_str(), nullptr));
    case FieldType::boolean: return text == "true";
    case FieldType::choice: break;
  }
  return text;
}

Json config_json(const NetworkConfig& config) { return fields_json(network_fields(), config); }

template <typename S>
Json run_json(const Network<S>& net, const RunReport& report, const Options& options) {
  Json doc;
  doc["layerscope"] = 1;
  doc["scalar"] = sizeof(S) == sizeof(float) ? "float" : "double";
  doc["config"] = config_json(report.config);
  doc["loss"] = number(report.loss);

  Json kinds = Json::array();
  for (int k = 0; k < tensor_kind_count; ++k) kinds.push_back(to_string(TensorKind(k)));
  doc["tensors"] = kinds;

  Json layers = Json::array();
  for (size_t l = 0; l < report.layers.size(); ++l) {
    const LayerReport& lr = report.layers[l];
    Json layer{{"layer", l}};
    for (int k = 0; k < tensor_kind_count; ++k)
      layer[to_string(TensorKind(k))] = lr.present[size_t(k)] ? summary_json(lr.tensors[size_t(k)]) : Json(nullptr);
    layers.push_back(layer);
  }
  doc["layers"] = layers;

  Json histograms{{"bins", options.bins},
                  {"range", options.range == RangeMode::own ? "own" : "shared"},
                  {"binning", options.binning == Binning::linear ? "linear" : "symlog"}};
  for (int k = 0; k < tensor_kind_count; ++k) {
    const TensorKind kind = TensorKind(k);
    const std::vector<Histogram> per_layer =
        layer_histograms(net, report, kind, options.bins, options.range, options.binning);
    Json list = Json::array();
    for (size_t l = 0; l < per_layer.size(); ++l)
      list.push_back(report.layers[l].present[size_t(k)] ? histogram_json(per_layer[l]) : Json(nullptr));
    histograms[to_string(kind)] = list;
  }
  doc["histograms"] = histograms;

  const TheoryProfile& t = report.theory;
  doc["theory"] = Json{{"variance_factor", numbers(t.variance_factor)},
                       {"pre_activation_std", numbers(t.pre_activation_std)},
                       {"output_std", numbers(t.output_std)},
                       {"grad_output_std", numbers(t.doutput_std)},
                       {"grad_weight_std", numbers(t.dweight_std)}};
  doc["warnings"] = report.warnings;
  return doc;
}

void write_json_file(const std::string& path, const Json& doc) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("--json: cannot write '" + path + "'");
  out << doc.dump() << "\n";
  if (!out) throw std::runtime_error("--json: writing '" + path + "' failed");
}

template Json run_json(const Network<float>&, const RunReport&, const Options&);
template Json run_json(const Network<double>&, const RunReport&, const Options&);

}  // namespace layerscope::cli
