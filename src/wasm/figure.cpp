#include "figure.hpp"

#include <cmath>
#include <limits>

#include "conversions.hpp"

namespace layerscope::wasm {

using emscripten::val;

val summaries_to_js(const std::vector<LayerReport>& layers) {
  std::vector<double> packed(layers.size() * tensor_kind_count * summary_stride, 0.0);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const LayerReport& lr = layers[l];
    for (int k = 0; k < tensor_kind_count; ++k) {
      if (!lr.present[std::size_t(k)]) continue;
      const TensorSummary& s = lr.tensors[std::size_t(k)];
      double* out = &packed[(l * tensor_kind_count + std::size_t(k)) * summary_stride];
      const double fields[12] = {1,      double(s.count), double(s.finite_count), double(s.nan_count),
                                 double(s.inf_count), double(s.zero_count), double(s.saturated_count),
                                 s.mean, s.std, s.min, s.max, s.has_percentiles ? 1.0 : 0.0};
      std::copy(fields, fields + 12, out);
      for (int p = 0; p < summary_percentile_count; ++p) out[12 + p] = s.percentiles[p];
    }
  }
  return copy_to_js(packed);
}

FigureRequest figure_request(const std::string& kind, int bins, const std::string& range, double lo, double hi,
                             const std::string& binning, double symlog_threshold, double smallest_std) {
  if (bins < 1 || bins > 4096)
    throw ConfigError("bins", "must be an integer from 1 to 4096 (got " + std::to_string(bins) + ")");
  if (range != "own" && range != "shared" && range != "explicit")
    throw ConfigError("range", "must be 'own', 'shared' or [lo, hi] (got '" + range + "')");
  if (range == "explicit" && !(std::isfinite(lo) && std::isfinite(hi) && lo <= hi))
    throw ConfigError("range", "must be [lo, hi] with finite lo <= hi");
  if (binning != "linear" && binning != "symlog")
    throw ConfigError("binning", "must be 'linear' or 'symlog' (got '" + binning + "')");
  if (std::isnan(symlog_threshold)) throw ConfigError("symlogThreshold", "must be a positive number");
  if (std::isnan(smallest_std)) throw ConfigError("smallestStd", "must be a number (0: this run's)");
  return {tensor_kind_from_string(kind), bins, range, lo, hi,
          binning == "symlog" ? Binning::symlog : Binning::linear, symlog_threshold, smallest_std};
}

val histograms_to_js(const std::vector<LayerReport>& layers, const FigureRequest& request, const LayerBinner& bin) {
  RunReport view;  // shared_range and smallest_std read a report's layers
  view.layers = layers;
  const auto shared = shared_range(view, request.kind);
  const bool this_run = request.range == "shared";
  const HistogramAxis figure =
      histogram_axis(this_run ? shared.first : request.lo, this_run ? shared.second : request.hi,
                     request.smallest_std > 0 ? request.smallest_std : smallest_std(view, request.kind));
  const double figure_threshold = request.symlog_threshold > 0 ? request.symlog_threshold : figure.symlog_threshold;

  val list = val::array();
  for (int l = 0; l < int(layers.size()); ++l) {
    const bool present = layers[std::size_t(l)].present[std::size_t(request.kind)];
    const TensorSummary& s = layers[std::size_t(l)][request.kind];
    HistogramAxis axis = figure;
    axis.symlog_threshold = figure_threshold;
    if (request.range == "own") {
      axis = s.finite_count ? histogram_axis(s.min, s.max, s.std) : histogram_axis(1, 0, 0);
      if (request.symlog_threshold > 0 || request.smallest_std > 0) axis.symlog_threshold = figure_threshold;
    }
    HistogramSpec spec;
    spec.bins = request.bins, spec.binning = request.binning;
    spec.lo = axis.lo, spec.hi = axis.hi, spec.symlog_threshold = axis.symlog_threshold;
    val row = val::object();
    if (present && bin(l, spec, row)) list.call<void>("push", row);
    else list.call<void>("push", val::null());
  }
  val axis = val::object();
  axis.set("lo", figure.lo);
  axis.set("hi", figure.hi);
  axis.set("symlogThreshold", figure_threshold);
  list.set("axis", axis);
  return list;
}

}  // namespace layerscope::wasm
