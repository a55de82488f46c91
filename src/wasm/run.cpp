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
    return summaries_to_js(report_.layers);
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

val Run::warnings() const {
  return guarded([&] {
    network();
    return strings_to_js(report_.warnings);
  });
}

val Run::histograms(const std::string& kind_name, int bins, const std::string& range, double lo, double hi,
                    const std::string& binning, double symlog_threshold, double smallest_std) const {
  return guarded([&] {
    const Network<float>& net = network();
    const FigureRequest request = figure_request(kind_name, bins, range, lo, hi, binning, symlog_threshold, smallest_std);
    return histograms_to_js(report_.layers, request, [&](int l, const HistogramSpec& spec, val& row) {
      const TensorRef<float> t = tensor(net, request.kind, l);
      if (!t.exists()) return false;
      const Histogram h = histogram(t.data, t.size, spec);
      row.set("edges", copy_to_js(h.edges));
      row.set("counts", copy_to_js(h.counts));
      row.set("zeros", double(h.zero_count));
      row.set("outside", double(h.outside_count));
      row.set("nonfinite", double(h.nonfinite_count));
      return true;
    });
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
