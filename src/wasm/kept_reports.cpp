#include "kept_reports.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "conversions.hpp"
#include "figure.hpp"

namespace layerscope::wasm {

using emscripten::val;

namespace {

// figure.hpp's packed summaries back into layers 0..L (inverse of summaries_to_js).
std::vector<LayerReport> summaries_from_packed(const std::vector<double>& packed) {
  const std::size_t per_layer = std::size_t(tensor_kind_count) * summary_stride;
  if (packed.empty() || packed.size() % per_layer != 0 || packed.size() / per_layer < 2)
    throw ConfigError("summaries", "must hold " + std::to_string(per_layer) + " numbers for each layer 0..L, L from 1 (got " +
                                       std::to_string(packed.size()) + ")");
  std::vector<LayerReport> layers(packed.size() / per_layer);
  for (std::size_t l = 0; l < layers.size(); ++l)
    for (int k = 0; k < tensor_kind_count; ++k) {
      const double* in = &packed[(l * tensor_kind_count + std::size_t(k)) * summary_stride];
      if (in[0] == 0) continue;
      if (in[0] != 1) throw ConfigError("summaries", "a tensor's first number says whether it is present: 0 or 1");
      for (int i = 1; i <= 6; ++i)
        if (!(in[i] >= 0 && in[i] <= 9007199254740992.0 && in[i] == std::floor(in[i])))
          throw ConfigError("summaries", "counts must be whole numbers from 0 (layer " + std::to_string(l) + ")");
      TensorSummary& s = layers[l].tensors[std::size_t(k)];
      layers[l].present[std::size_t(k)] = true;
      s.count = std::uint64_t(in[1]), s.finite_count = std::uint64_t(in[2]), s.nan_count = std::uint64_t(in[3]);
      s.inf_count = std::uint64_t(in[4]), s.zero_count = std::uint64_t(in[5]), s.saturated_count = std::uint64_t(in[6]);
      s.mean = in[7], s.std = in[8], s.min = in[9], s.max = in[10], s.has_percentiles = in[11] != 0;
      for (int p = 0; p < summary_percentile_count; ++p) s.percentiles[p] = in[12 + p];
    }
  return layers;
}

KeptCounts counts_from(const std::uint32_t* in) {
  return {std::vector<std::uint32_t>(in, in + kept_fine_bins), in[kept_fine_bins], in[kept_fine_bins + 1],
          in[kept_fine_bins + 2]};
}

}  // namespace

val kept_distributions_to_js(const TrainingReport& report) {
  // The layout follows the summaries: a core report keeps a distribution of every tensor it summarizes
  // (training_report.cpp: both where tensor() exists), each of kept_fine_bins counts. Counts fit a uint32:
  // a training batch's tensor has far fewer than 2^32 entries. Written in place, without a throwing path:
  // this runs in the main module, whose every byte counts against the first download.
  std::size_t tensors = 0;
  for (const LayerReport& l : report.tensors)
    for (bool p : l.present) tensors += p;
  std::vector<std::uint32_t> values(tensors * kept_values_per_tensor, 0);
  std::uint32_t* out = values.data();
  for (std::size_t l = 0; l < report.tensors.size() && l < report.distributions.size(); ++l)
    for (int k = 0; k < tensor_kind_count; ++k) {
      if (!report.tensors[l].present[std::size_t(k)]) continue;
      const KeptDistribution& d = report.distributions[l][std::size_t(k)];
      for (const Histogram* h : {&d.linear, &d.symlog}) {
        std::copy_n(h->counts.begin(), std::min(h->counts.size(), std::size_t(kept_fine_bins)), out);
        out[kept_fine_bins] = std::uint32_t(h->zero_count);
        out[kept_fine_bins + 1] = std::uint32_t(h->outside_count);
        out[kept_fine_bins + 2] = std::uint32_t(h->nonfinite_count);
        out += kept_fine_bins + 3;
      }
    }
  return copy_to_js(values);
}

val kept_histograms_to_js(const TrainingReport& r, const std::string& kind, int bins, const std::string& range,
                          double lo, double hi, const std::string& binning, double symlog_threshold,
                          double smallest_std) {
  const FigureRequest request = figure_request(kind, bins, range, lo, hi, binning, symlog_threshold, smallest_std);
  return histograms_to_js(r.tensors, request, [&](int l, const HistogramSpec& spec, val& row) {
    const KeptDistribution& kept = r.distributions[std::size_t(l)][std::size_t(request.kind)];
    if (!kept.exists()) return false;
    const DrawnHistogram h = redraw(kept, spec);
    row.set("edges", copy_to_js(h.edges));
    row.set("counts", copy_to_js(h.counts));
    row.set("zeros", double(h.zero_count));
    row.set("outside", h.outside);
    row.set("nonfinite", double(h.nonfinite_count));
    return true;
  });
}

val KeptReports::add(const val& summaries, const val& distributions) {
  return guarded([&] {
    const auto typed = [](const val& v, const char* type) { return v.instanceof(val::global(type)); };
    if (!typed(summaries, "Float64Array")) throw ConfigError("summaries", "must be a Float64Array of packed summaries");
    if (!typed(distributions, "Uint32Array")) throw ConfigError("distributions", "must be a Uint32Array of kept counts");
    TrainingReport report;
    report.tensors = summaries_from_packed(emscripten::convertJSArrayToNumberVector<double>(summaries));
    const std::vector<std::uint32_t> values = emscripten::convertJSArrayToNumberVector<std::uint32_t>(distributions);
    std::size_t present = 0;
    for (const LayerReport& l : report.tensors)
      for (bool p : l.present) present += p;
    if (values.size() != present * kept_values_per_tensor)
      throw ConfigError("distributions", "must hold " + std::to_string(kept_values_per_tensor) + " counts for each of the " +
                                             std::to_string(present) + " tensors the summaries hold (got " +
                                             std::to_string(values.size()) + ")");
    report.distributions.assign(report.tensors.size(), {});
    const std::uint32_t* in = values.data();
    for (std::size_t l = 0; l < report.tensors.size(); ++l)
      for (int k = 0; k < tensor_kind_count; ++k) {
        if (!report.tensors[l].present[std::size_t(k)]) continue;
        report.distributions[l][std::size_t(k)] = restore_distribution(
            report.tensors[l].tensors[std::size_t(k)], counts_from(in), counts_from(in + kept_fine_bins + 3));
        in += kept_values_per_tensor;
      }
    reports_.push_back(std::move(report));
    return val(double(reports_.size() - 1));
  });
}

const TrainingReport& KeptReports::at(int index) const {
  if (index < 0 || index >= int(reports_.size()))
    throw ConfigError("report", "must be an index from 0 to " + std::to_string(int(reports_.size()) - 1) +
                                    " of the reports added (got " + std::to_string(index) + ")");
  return reports_[std::size_t(index)];
}

val KeptReports::summaries(int index) const {
  return guarded([&] { return summaries_to_js(at(index).tensors); });
}

val KeptReports::histograms(int index, const std::string& kind, int bins, const std::string& range, double lo,
                            double hi, const std::string& binning, double symlog_threshold,
                            double smallest_std) const {
  return guarded([&] {
    return kept_histograms_to_js(at(index), kind, bins, range, lo, hi, binning, symlog_threshold, smallest_std);
  });
}

}  // namespace layerscope::wasm
