// Statistics of one tensor: what the page's histograms, readouts and depth profiles draw.
//
// Non-finite values (NaN, +-Inf) are counted and never binned or averaged: a vanishing or exploding
// network must show its NaNs, not hide them in a bin edge. Exact zeros are counted apart from the bins,
// so the spike of dead ReLU units does not flatten the rest of the histogram.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace layerscope {

// The percentiles every summary carries (numpy's default "linear" interpolation between order statistics).
constexpr double summary_percentiles[] = {5, 15, 50, 85, 95};
constexpr int summary_percentile_count = 5;

// A value counts as saturated when it lies outside [low, high] (tanh: [-0.97, 0.97]; sigmoid:
// [0.03, 0.97]). Disabled for other activations and for tensors other than the activation output.
struct SaturationBand {
  bool enabled = false;
  double low = 0, high = 0;
};

struct TensorSummary {
  std::uint64_t count = 0;         // all entries
  std::uint64_t finite_count = 0;  // entries that are neither NaN nor +-Inf
  std::uint64_t nan_count = 0, inf_count = 0;
  std::uint64_t zero_count = 0;       // finite entries exactly equal to 0 (+0 or -0)
  std::uint64_t saturated_count = 0;  // finite entries outside the saturation band
  // Over the finite entries: NaN when a non-empty tensor has none (all NaN or Inf), 0 for an empty one.
  // std is the population std (divides by the count);
  // mean and std are finite for finite data of any magnitude, denormals and the largest doubles included.
  double mean = 0, std = 0, min = 0, max = 0;
  bool has_percentiles = false;
  double percentiles[summary_percentile_count] = {};
  double zero_fraction() const { return finite_count ? double(zero_count) / double(finite_count) : 0; }
  double saturated_fraction() const {
    return finite_count ? double(saturated_count) / double(finite_count) : 0;
  }
};

// with_percentiles = false skips the percentiles (left 0): the one costly part, for live previews.
template <typename S>
TensorSummary summarize(const S* data, std::size_t n, SaturationBand saturation = {}, bool with_percentiles = true);

// The value at percentile q (0..100) of the finite entries, linear interpolation (numpy's default), by the
// same order statistics as summarize()'s percentiles. NaN when a non-empty tensor has no finite entry.
template <typename S>
double percentile(const S* data, std::size_t n, double q);

enum class Binning {
  linear,  // equal-width bins over [lo, hi]
  symlog,  // equal-width bins of t(x) = sign(x) log10(1 + |x|/threshold): linear near 0, log beyond
};

struct HistogramSpec {
  int bins = 64;
  // The range; when lo == hi (or lo > hi) it is widened around lo to a unit-width (or 1e-3 relative, and at
  // least the neighbouring doubles) range. A NaN bound counts as 0, an infinite one as the largest double.
  double lo = 0, hi = 0;
  Binning binning = Binning::linear;
  double symlog_threshold = 0;  // > 0 (and finite) for symlog; otherwise symlog_threshold_for(max |lo|, |hi|)
};

struct Histogram {
  std::vector<double> edges;           // bins + 1 edges in value space (increasing)
  std::vector<std::uint32_t> counts;   // bins; non-zero finite values in [lo, hi]
  std::uint64_t zero_count = 0;        // exact zeros, not in any bin
  std::uint64_t outside_count = 0;     // finite non-zero values outside [lo, hi] (only with a narrower range)
  std::uint64_t nonfinite_count = 0;   // NaN and +-Inf, not in any bin
};

// Every value is counted exactly once (bins + zero_count + outside_count + nonfinite_count = n), in the bin
// its edges give, for any data and any spec: denormals, the largest doubles, tiny thresholds included.
template <typename S>
Histogram histogram(const S* data, std::size_t n, const HistogramSpec& spec);

// Default symlog threshold for values up to max_abs: 6 decades below the largest magnitude (never below
// the smallest double, so never 0). What histogram() takes when given none, and histogram_axis() when no
// tensor has a positive std.
double symlog_threshold_for(double max_abs);

// The x axis one figure shares over many tensors: every layer of both of the page's columns, every layer
// of the tool's shared range, or one tensor alone. The one rule for both the page and the tool.
//   lo, hi: the union of the tensors' finite [min, max] (lo > hi or NaN: none), made usable as histogram()
//           makes any range: a single value widened to a visible bin, an empty one to [-0.5, 0.5];
//   symlog_threshold: a tenth of the smallest positive std among them (linear bins inside the narrowest
//           spread, log beyond), at most a tenth of the largest magnitude and at least 30 decades below
//           it; without a positive std, symlog_threshold_for(the largest magnitude).
struct HistogramAxis {
  double lo = 0, hi = 0, symlog_threshold = 0;
};
HistogramAxis histogram_axis(double lo, double hi, double smallest_std);

// ---------------------------------------------------------------------------------------------------
// A distribution kept for drawing later (stats_kept.cpp): the training views redraw every report on any
// axis (shared or per layer, linear or symlog, any number of bins) after the run's tensors are gone.
//
// What is kept of one tensor: `kept_fine_bins` bins over its own axis (histogram_axis of its own finite
// [min, max] and std), once linear and once symlog, with its exact zeros and non-finite values apart as
// histogram() counts them. Drawn on its own axis with as many bins it is exact; on any other axis each
// fine bin's count is split over the display bins it overlaps in proportion to the overlap, measured in
// the display's coordinate (x, or symlog t(x)): uniform within a fine bin. A tensor whose own range is a
// sliver of the display's lands in the one or two display bins that hold it, as its exact histogram would.
constexpr int kept_fine_bins = 64;
struct KeptDistribution {
  Histogram linear, symlog;  // empty (no edges) for a tensor that does not exist
  bool exists() const { return !linear.edges.empty(); }
};
template <typename S>
KeptDistribution keep_distribution(const S* data, std::size_t n, const TensorSummary& summary);

// The fine axis keep_distribution bins a tensor on: kept_fine_bins over histogram_axis(min, max, std) of its
// summary. The edges follow from the summary alone, so a saved run carries only the counts.
HistogramSpec kept_spec(const TensorSummary& summary, Binning binning);
// A kept distribution put back from its counts (a saved run's file) and the summary it was kept with: the
// same KeptDistribution keep_distribution made. Throws std::invalid_argument unless each binning has
// kept_fine_bins counts.
struct KeptCounts {
  std::vector<std::uint32_t> counts;
  std::uint64_t zero_count = 0, outside_count = 0, nonfinite_count = 0;
};
KeptDistribution restore_distribution(const TensorSummary& summary, const KeptCounts& linear, const KeptCounts& symlog);

// A kept distribution on a display axis: counts are real numbers (shares of fine bins); zero_count and
// nonfinite_count as kept; `outside` the share of the finite non-zero values beyond [lo, hi].
struct DrawnHistogram {
  std::vector<double> edges, counts;
  double outside = 0;
  std::uint64_t zero_count = 0, nonfinite_count = 0;
};
DrawnHistogram redraw(const KeptDistribution& kept, const HistogramSpec& display);

}  // namespace layerscope
