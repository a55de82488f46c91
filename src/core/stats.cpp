#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace layerscope {

namespace {

// Order statistics of `values` for each percentile, nested: each nth_element only partitions the part of
// the array left of (or right of) the previous one, so the five cost about two full passes.
template <typename S>
void nested_percentiles(std::vector<S>& values, double* out) {
  const std::size_t n = values.size();
  if (n == 0) return;
  auto value_at_rank = [&](std::size_t k, std::size_t lo, std::size_t hi) {
    std::nth_element(values.begin() + std::ptrdiff_t(lo), values.begin() + std::ptrdiff_t(k),
                     values.begin() + std::ptrdiff_t(hi));
    return values[k];
  };
  // The smallest value right of rank k once rank k is in place (order statistic k+1).
  auto next_value = [&](std::size_t k, std::size_t hi) {
    return k + 1 < hi ? double(*std::min_element(values.begin() + std::ptrdiff_t(k + 1),
                                                   values.begin() + std::ptrdiff_t(hi)))
                      : double(values[k]);
  };
  auto interpolate = [&](double q, std::size_t lo, std::size_t hi) {
    const double position = q / 100.0 * double(n - 1);
    const std::size_t k = std::size_t(position);
    const double below = double(value_at_rank(k, lo, hi));
    const double fraction = position - double(k);
    return std::pair<double, std::size_t>(fraction > 0 ? below + fraction * (next_value(k, hi) - below) : below, k);
  };
  // Order: median over everything, then 15 and 5 on its left, 85 and 95 on its right.
  auto [p50, k50] = interpolate(summary_percentiles[2], 0, n);
  auto [p15, k15] = interpolate(summary_percentiles[1], 0, k50 + 1);
  auto [p05, k05] = interpolate(summary_percentiles[0], 0, k15 + 1);
  auto [p85, k85] = interpolate(summary_percentiles[3], k50, n);
  auto [p95, k95] = interpolate(summary_percentiles[4], k85, n);
  (void)k05, (void)k95;
  out[0] = p05, out[1] = p15, out[2] = p50, out[3] = p85, out[4] = p95;
}

}  // namespace

template <typename S>
TensorSummary summarize(const S* data, std::size_t n, SaturationBand saturation, bool with_percentiles) {
  TensorSummary s;
  s.count = n;
  double sum = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = double(data[i]);
    if (std::isnan(v)) { ++s.nan_count; continue; }
    if (std::isinf(v)) { ++s.inf_count; continue; }
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    s.zero_count += v == 0;
    s.saturated_count += saturation.enabled && (v < saturation.low || v > saturation.high);
  }
  s.finite_count = n - s.nan_count - s.inf_count;
  if (s.finite_count == 0) return s;
  s.mean = sum / double(s.finite_count);
  s.min = lo, s.max = hi;

  // Second pass: variance about the mean (two passes avoid the cancellation of sum(x^2) - n mean^2).
  double squares = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = double(data[i]);
    if (std::isfinite(v)) squares += (v - s.mean) * (v - s.mean);
  }
  s.std = std::sqrt(squares / double(s.finite_count));
  if (with_percentiles) {
    std::vector<S> finite;
    finite.reserve(s.finite_count);
    for (std::size_t i = 0; i < n; ++i)
      if (std::isfinite(double(data[i]))) finite.push_back(data[i]);
    nested_percentiles(finite, s.percentiles);
    s.has_percentiles = true;
  }
  return s;
}

template <typename S>
double percentile(const S* data, std::size_t n, double q) {
  std::vector<S> finite;
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(double(data[i]))) finite.push_back(data[i]);
  if (finite.empty()) return 0;
  const double position = q / 100.0 * double(finite.size() - 1);
  const std::size_t k = std::size_t(position);
  std::nth_element(finite.begin(), finite.begin() + std::ptrdiff_t(k), finite.end());
  const double below = double(finite[k]);
  if (k + 1 >= finite.size() || position == double(k)) return below;
  const double above = double(*std::min_element(finite.begin() + std::ptrdiff_t(k + 1), finite.end()));
  return below + (position - double(k)) * (above - below);
}

double symlog_threshold_for(double max_abs) {
  return max_abs > 0 && std::isfinite(max_abs) ? max_abs * 1e-6 : 1e-6;
}

template <typename S>
Histogram histogram(const S* data, std::size_t n, const HistogramSpec& spec) {
  Histogram h;
  const int bins = std::max(1, spec.bins);
  double lo = spec.lo, hi = spec.hi;
  if (!(hi > lo)) {  // a constant tensor (or an empty one): give the single value a visible bin
    const double half_width = lo == 0 ? 0.5 : std::abs(lo) * 1e-3;
    lo -= half_width, hi += half_width;
  }
  const bool symlog = spec.binning == Binning::symlog;
  const double c = spec.symlog_threshold > 0 ? spec.symlog_threshold
                                             : symlog_threshold_for(std::max(std::abs(lo), std::abs(hi)));
  // Bins are equal-width in the transformed coordinate t: t = x (linear) or sign(x) log10(1 + |x|/c).
  auto transform = [&](double x) { return symlog ? std::copysign(std::log10(1 + std::abs(x) / c), x) : x; };
  auto inverse = [&](double t) { return symlog ? std::copysign(c * (std::pow(10.0, std::abs(t)) - 1), t) : t; };
  const double t_lo = transform(lo), t_hi = transform(hi);
  const double bins_per_unit = bins / (t_hi - t_lo);

  h.edges.resize(size_t(bins) + 1);
  for (int b = 0; b <= bins; ++b) h.edges[size_t(b)] = inverse(t_lo + (t_hi - t_lo) * b / bins);
  h.edges.front() = lo, h.edges.back() = hi;
  h.counts.assign(size_t(bins), 0);

  for (std::size_t i = 0; i < n; ++i) {
    const double v = double(data[i]);
    if (!std::isfinite(v)) { ++h.nonfinite_count; continue; }
    if (v == 0) { ++h.zero_count; continue; }
    if (v < lo || v > hi) { ++h.outside_count; continue; }
    // The top edge belongs to the last bin, as in numpy.histogram.
    const int b = std::min(bins - 1, int((transform(v) - t_lo) * bins_per_unit));
    ++h.counts[size_t(std::max(0, b))];
  }
  return h;
}

template TensorSummary summarize<float>(const float*, std::size_t, SaturationBand, bool);
template TensorSummary summarize<double>(const double*, std::size_t, SaturationBand, bool);
template double percentile<float>(const float*, std::size_t, double);
template double percentile<double>(const double*, std::size_t, double);
template Histogram histogram<float>(const float*, std::size_t, const HistogramSpec&);
template Histogram histogram<double>(const double*, std::size_t, const HistogramSpec&);

}  // namespace layerscope
