#include "run.hpp"

#include <cmath>
#include <limits>

#include "conversions.hpp"

namespace layerscope::wasm {

using emscripten::val;

const Network<float>& Run::network() const {
  if (!net_) throw std::logic_error("this run has not started (or failed to start)");
  return *net_;
}

// One per module instance, i.e. per page worker: the next run of a column (a slider step) finds its input,
// weights and upstream gradient already drawn unless the seed changed (DrawCache in rng.hpp; 8 MiB at most).
namespace {
DrawCache& draw_cache() {
  static DrawCache cache;
  return cache;
}
}  // namespace

val Run::start(const val& js_config, bool with_percentiles) {
  return guarded([&] {
    const NetworkConfig config = config_from_js(js_config);  // validated: safe to allocate
    net_.reset();
    report_ = RunReport{};
    net_ = std::make_unique<Network<float>>(config, &draw_cache());
    report_ = run_and_summarize(*net_, with_percentiles);
    return val::undefined();
  });
}

val Run::config() const {
  return guarded([&] {
    network();
    return config_to_js(report_.config);
  });
}

val Run::summaries() const {
  return guarded([&] {
    network();
    std::vector<double> packed(report_.layers.size() * tensor_kind_count * summary_stride, 0.0);
    for (std::size_t l = 0; l < report_.layers.size(); ++l) {
      const LayerReport& lr = report_.layers[l];
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
  });
}

val Run::theory() const {
  return guarded([&] {
    network();
    const TheoryProfile& t = report_.theory;
    const std::size_t n = report_.layers.size();
    std::vector<double> packed(5 * n, std::numeric_limits<double>::quiet_NaN());
    const std::vector<double>* rows[5] = {&t.variance_factor, &t.pre_activation_std, &t.output_std,
                                          &t.doutput_std, &t.dweight_std};
    for (int r = 0; r < 5; ++r)
      for (std::size_t l = 0; l < n && l < rows[r]->size(); ++l) packed[r * n + l] = (*rows[r])[l];
    return copy_to_js(packed);
  });
}

val Run::histograms(const std::string& kind_name, int bins, const std::string& range, double lo, double hi,
                    const std::string& binning, double symlog_threshold, double smallest_std) const {
  return guarded([&] {
    const Network<float>& net = network();
    const TensorKind kind = tensor_kind_from_string(kind_name);
    if (bins < 1 || bins > 4096)
      throw ConfigError("bins", "must be an integer from 1 to 4096 (got " + std::to_string(bins) + ")");
    if (range != "own" && range != "shared" && range != "explicit")
      throw ConfigError("range", "must be 'own', 'shared' or [lo, hi] (got '" + range + "')");
    if (range == "explicit" && !(std::isfinite(lo) && std::isfinite(hi) && lo <= hi))
      throw ConfigError("range", "must be [lo, hi] with finite lo <= hi");
    if (binning != "linear" && binning != "symlog")
      throw ConfigError("binning", "must be 'linear' or 'symlog' (got '" + binning + "')");
    if (std::isnan(symlog_threshold))
      throw ConfigError("symlogThreshold", "must be a positive number");
    if (std::isnan(smallest_std)) throw ConfigError("smallestStd", "must be a number (0: this run's)");
    const auto shared = shared_range(report_, kind);
    const bool this_run = range == "shared";
    const HistogramAxis figure = histogram_axis(this_run ? shared.first : lo, this_run ? shared.second : hi,
                                                smallest_std > 0 ? smallest_std : layerscope::smallest_std(report_, kind));
    const double figure_threshold = symlog_threshold > 0 ? symlog_threshold : figure.symlog_threshold;

    val list = val::array();
    for (int l = 0; l <= net.depth(); ++l) {
      const TensorRef<float> t = tensor(net, kind, l);
      if (!t.exists()) {
        list.call<void>("push", val::null());
        continue;
      }
      const TensorSummary& s = report_.layers[std::size_t(l)][kind];
      HistogramAxis axis = figure;
      axis.symlog_threshold = figure_threshold;
      if (range == "own") {
        axis = s.finite_count ? histogram_axis(s.min, s.max, s.std) : histogram_axis(1, 0, 0);
        if (symlog_threshold > 0 || smallest_std > 0) axis.symlog_threshold = figure_threshold;
      }
      HistogramSpec spec;
      spec.bins = bins;
      spec.binning = binning == "symlog" ? Binning::symlog : Binning::linear;
      spec.lo = axis.lo, spec.hi = axis.hi, spec.symlog_threshold = axis.symlog_threshold;
      const Histogram h = histogram(t.data, t.size, spec);
      val row = val::object();
      row.set("edges", copy_to_js(h.edges));
      row.set("counts", copy_to_js(h.counts));
      row.set("zeros", double(h.zero_count));
      row.set("outside", double(h.outside_count));
      row.set("nonfinite", double(h.nonfinite_count));
      list.call<void>("push", row);
    }
    val axis = val::object();
    axis.set("lo", figure.lo);
    axis.set("hi", figure.hi);
    axis.set("symlogThreshold", figure_threshold);
    list.set("axis", axis);
    return list;
  });
}

val Run::percentiles(const std::string& kind_name, int layer) const {
  return guarded([&] {
    const Network<float>& net = network();
    const TensorKind kind = tensor_kind_from_string(kind_name);
    if (layer < 0 || layer > net.depth())
      throw ConfigError("layer", "must be an integer from 0 to " + std::to_string(net.depth()) + " (got " +
                                     std::to_string(layer) + ")");
    const TensorRef<float> t = tensor(net, kind, layer);
    if (!t.exists())
      throw ConfigError("layer", std::string("layer ") + std::to_string(layer) + " has no " + kind_name + " tensor");
    // All five in one summary: one bucket pass and one gather for the five ranks (percentile() per value
    // would repeat both five times).
    const TensorSummary s = summarize(t.data, t.size, {}, true);
    std::vector<double> values(summary_percentile_count);
    for (int p = 0; p < summary_percentile_count; ++p)
      values[std::size_t(p)] = s.has_percentiles ? s.percentiles[p] : std::numeric_limits<double>::quiet_NaN();
    return copy_to_js(values);
  });
}

}  // namespace layerscope::wasm
