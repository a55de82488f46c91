#include "training_report.hpp"

#include <cmath>
#include <limits>

#include "report.hpp"

namespace layerscope {

void TrainingHistory::add(TrainingReport report) {
  // Keep reports number 0, stride, 2 stride, ... of the run, plus the newest one.
  const long index = seen_++;
  if (!reports_.empty() && (index - 1) % stride_ != 0) reports_.pop_back();  // the newest was only provisional
  reports_.push_back(std::move(report));
  if (reports_.size() > capacity_) {
    std::vector<TrainingReport> thinned;
    thinned.reserve(capacity_ / 2 + 2);
    for (size_t i = 0; i < reports_.size(); ++i)
      if (i % 2 == 0 || i + 1 == reports_.size()) thinned.push_back(std::move(reports_[i]));
    reports_ = std::move(thinned);
    stride_ *= 2;
  }
}

std::size_t history_capacity_for(int depth) {
  // Per tensor: the two kept histograms (kept_fine_bins + 1 edges in double, kept_fine_bins counts) and a
  // summary; per layer: tensor_kind_count of them and the layer's own statistics.
  const double per_tensor = 2.0 * ((kept_fine_bins + 1) * 8.0 + kept_fine_bins * 4.0) + sizeof(TensorSummary);
  const double per_report = (depth + 1.0) * (tensor_kind_count * per_tensor + sizeof(LayerTrainingStats));
  std::size_t capacity = 1024;
  while (capacity > 64 && capacity * per_report > history_memory_budget) capacity /= 2;
  return capacity;
}

namespace {

bool bins_a_gradient(TensorKind kind) { return kind == TensorKind::grad_output || kind == TensorKind::grad_weight; }

// The chosen tensor's histogram, on its own [min, max] range.
template <typename S>
void record_histogram(LayerTrainingStats& out, const TensorRef<S>& t, int bins) {
  const TensorSummary s = summarize(t.data, t.size, SaturationBand{}, false);
  HistogramSpec spec;
  spec.bins = bins;
  spec.lo = s.min, spec.hi = s.max;
  const Histogram h = histogram(t.data, t.size, spec);
  out.histogram_lo = h.edges.front(), out.histogram_hi = h.edges.back();
  out.histogram_counts = h.counts;
  out.histogram_zero = h.zero_count, out.histogram_nonfinite = h.nonfinite_count;
}

void size_for(TrainingReport& report, int depth) {
  if (report.layers.size() != size_t(depth) + 1) report.layers.resize(size_t(depth) + 1);
}

}  // namespace

template <typename S>
void record_gradients(TrainingReport& r, const Network<S>& gradients, const std::vector<double>* update_ratio,
                      const TrainingConfig& config) {
  const int L = gradients.depth();
  size_for(r, L);
  const bool binned_here = bins_a_gradient(config.histogram_tensor);
  // Every tensor of the batch as the step ran it: the init-time view's summaries, and what is kept of each.
  r.tensors = summarize_network(gradients, true).layers;
  r.distributions.assign(size_t(L) + 1, {});
  for (int l = 0; l <= L; ++l)
    for (int k = 0; k < tensor_kind_count; ++k) {
      const TensorRef<S> t = tensor(gradients, TensorKind(k), l);
      if (t.exists()) r.distributions[size_t(l)][size_t(k)] = keep_distribution(t.data, t.size, r.tensors[size_t(l)].tensors[size_t(k)]);
    }
  for (int l = 1; l <= L; ++l) {
    LayerTrainingStats& out = r.layers[size_t(l)];
    const Matrix<S>& dout = gradients.doutput(l);
    const Matrix<S>& dweight = gradients.param_grads(l).weight;
    out.doutput_std = summarize(dout.data(), size_t(dout.size()), SaturationBand{}, false).std;
    out.dweight_std = summarize(dweight.data(), size_t(dweight.size()), SaturationBand{}, false).std;
    // log10 of the ratio; a ratio of 0 (nothing moved) is -inf; NaN where no update was taken.
    const double ratio = update_ratio ? (*update_ratio)[size_t(l)] : std::nan("");
    out.update_ratio_log10 = !update_ratio ? ratio
                             : ratio > 0   ? std::log10(ratio)
                                           : -std::numeric_limits<double>::infinity();
    if (binned_here) record_histogram(out, tensor(gradients, config.histogram_tensor, l), config.histogram_bins);
  }
}

template <typename S>
void record_probe(TrainingReport& r, const Network<S>& probed, const TrainingConfig& config) {
  const int L = probed.depth();
  size_for(r, L);
  const SaturationBand band = saturation_for(config.network.activation);
  const bool binned_here = !bins_a_gradient(config.histogram_tensor);
  for (int l = 1; l <= L; ++l) {
    LayerTrainingStats& out = r.layers[size_t(l)];
    const Matrix<S>& p = probed.pre_activation(l);
    const TensorSummary s = summarize(p.data(), size_t(p.size()), SaturationBand{}, true);
    out.pre_mean = s.mean, out.pre_std = s.std;
    out.pre_p15 = s.percentiles[1], out.pre_p50 = s.percentiles[2], out.pre_p85 = s.percentiles[3];
    out.nonfinite_fraction = s.count ? double(s.nan_count + s.inf_count) / double(s.count) : 0;
    // The tracked unit: row `tracked_unit` of p (F x N, column-major: stride F).
    std::vector<S> unit(size_t(p.cols()));
    for (Eigen::Index j = 0; j < p.cols(); ++j) unit[size_t(j)] = p(config.tracked_unit, j);
    const TensorSummary u = summarize(unit.data(), unit.size(), SaturationBand{}, true);
    out.unit_p15 = u.percentiles[1], out.unit_p50 = u.percentiles[2], out.unit_p85 = u.percentiles[3];
    const Matrix<S>& a = probed.activations(l).activation_out;
    const TensorSummary sa = summarize(a.data(), size_t(a.size()), band, false);
    out.activation_std = sa.std;
    out.dead_fraction = sa.zero_fraction();
    out.saturated_fraction = sa.saturated_fraction();
    if (binned_here) record_histogram(out, tensor(probed, config.histogram_tensor, l), config.histogram_bins);
  }
}

template void record_gradients(TrainingReport&, const Network<float>&, const std::vector<double>*, const TrainingConfig&);
template void record_gradients(TrainingReport&, const Network<double>&, const std::vector<double>*, const TrainingConfig&);
template void record_probe(TrainingReport&, const Network<float>&, const TrainingConfig&);
template void record_probe(TrainingReport&, const Network<double>&, const TrainingConfig&);

}  // namespace layerscope
