// Distributions kept for drawing later, and their redrawing on any display axis (stats.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "stats.hpp"

namespace layerscope {

namespace {

constexpr double ln_10 = 2.302585092994045684;

// The display's coordinate of a value: x itself, or t(x) = sign(x) log10(1 + |x|/c) (stats_histogram.cpp's
// symlog transform; here for bin edges only, where the libm call per edge costs nothing).
double coordinate(double x, Binning binning, double c) {
  if (binning == Binning::linear) return x;
  const double ratio = std::abs(x) / c;
  const double t = std::isfinite(ratio) ? std::log1p(ratio) / ln_10 : std::log10(std::abs(x)) - std::log10(c);
  return std::copysign(t, x);
}

}  // namespace

HistogramSpec kept_spec(const TensorSummary& summary, Binning binning) {
  const HistogramAxis own = histogram_axis(summary.min, summary.max, summary.std);
  HistogramSpec spec;
  spec.bins = kept_fine_bins, spec.lo = own.lo, spec.hi = own.hi, spec.symlog_threshold = own.symlog_threshold;
  spec.binning = binning;
  return spec;
}

template <typename S>
KeptDistribution keep_distribution(const S* data, std::size_t n, const TensorSummary& summary) {
  KeptDistribution kept;
  if (!data) return kept;
  kept.linear = histogram(data, n, kept_spec(summary, Binning::linear));
  kept.symlog = histogram(data, n, kept_spec(summary, Binning::symlog));
  return kept;
}

KeptDistribution restore_distribution(const TensorSummary& summary, const KeptCounts& linear, const KeptCounts& symlog) {
  KeptDistribution kept;
  const std::pair<Histogram*, const KeptCounts*> parts[] = {{&kept.linear, &linear}, {&kept.symlog, &symlog}};
  for (const auto& [out, in] : parts) {
    if (in->counts.size() != std::size_t(kept_fine_bins))
      throw std::invalid_argument("a kept distribution has " + std::to_string(kept_fine_bins) + " fine bins (got " +
                                  std::to_string(in->counts.size()) + ")");
    // The edges from the summary alone (an empty tensor on the spec gives them), the counts as kept.
    *out = histogram(static_cast<const double*>(nullptr), 0, kept_spec(summary, out == &kept.linear ? Binning::linear : Binning::symlog));
    out->counts = in->counts;
    out->zero_count = in->zero_count, out->outside_count = in->outside_count, out->nonfinite_count = in->nonfinite_count;
  }
  return kept;
}

DrawnHistogram redraw(const KeptDistribution& kept, const HistogramSpec& display) {
  DrawnHistogram out;
  if (!kept.exists()) return out;
  // The display's own edges, as histogram() makes them (an empty tensor gives them: no data needed).
  const Histogram frame = histogram(static_cast<const double*>(nullptr), 0, display);
  out.edges = frame.edges;
  const int bins = int(frame.counts.size());
  out.counts.assign(size_t(bins), 0.0);
  // The display's threshold as histogram() took it: recovered from its own rule (stats_histogram.cpp).
  const double max_abs = std::max(std::abs(out.edges.front()), std::abs(out.edges.back()));
  const double c = display.symlog_threshold > 0 && display.symlog_threshold <= std::numeric_limits<double>::max()
                       ? display.symlog_threshold
                       : symlog_threshold_for(max_abs);
  // The display's bin edges in its coordinate; a display too narrow for symlog is linear (as histogram()).
  Binning binning = display.binning;
  if (binning == Binning::symlog && !(coordinate(out.edges.back(), binning, c) > coordinate(out.edges.front(), binning, c)))
    binning = Binning::linear;
  std::vector<double> d(out.edges.size());
  for (size_t i = 0; i < d.size(); ++i) d[i] = coordinate(out.edges[i], binning, c);
  // The kept fine bins in the same binning as the display: they are uniform in that coordinate.
  const Histogram& fine = binning == Binning::symlog ? kept.symlog : kept.linear;
  out.zero_count = fine.zero_count;
  out.nonfinite_count = fine.nonfinite_count;
  for (size_t f = 0; f < fine.counts.size(); ++f) {
    const double count = fine.counts[f];
    if (count == 0) continue;
    const double u0 = coordinate(fine.edges[f], binning, c), u1 = coordinate(fine.edges[f + 1], binning, c);
    if (!(u1 > u0)) {  // a fine bin narrower than the display's rounding: all of it where it lies
      const auto it = std::upper_bound(d.begin(), d.end(), u0);
      const long b = long(it - d.begin()) - 1;
      if (u0 >= d.front() && u0 <= d.back()) out.counts[size_t(std::min<long>(std::max<long>(b, 0), bins - 1))] += count;
      else out.outside += count;
      continue;
    }
    // Split in proportion to the overlap with each display bin; what lies beyond the display is outside.
    // A fine bin inside one display bin goes there whole (no rounding of a share).
    const long first = std::max<long>(0, long(std::upper_bound(d.begin(), d.end(), u0) - d.begin()) - 1);
    if (first < bins && u0 >= d[size_t(first)] && u1 <= d[size_t(first) + 1]) {
      out.counts[size_t(first)] += count;
      continue;
    }
    double placed = 0;
    for (long b = first; b < bins && d[size_t(b)] < u1; ++b) {
      const double overlap = std::min(u1, d[size_t(b) + 1]) - std::max(u0, d[size_t(b)]);
      if (overlap <= 0) continue;
      const double share = count * std::min(1.0, overlap / (u1 - u0));
      out.counts[size_t(b)] += share;
      placed += share;
    }
    // Beyond the display: the rest, when it is more than the shares' rounding.
    if (count - placed > count * 1e-9) out.outside += count - placed;
  }
  out.outside += double(fine.outside_count);
  return out;
}

template KeptDistribution keep_distribution(const float*, std::size_t, const TensorSummary&);
template KeptDistribution keep_distribution(const double*, std::size_t, const TensorSummary&);

}  // namespace layerscope
