// Statistics: summaries, numpy-style percentiles, saturation, and histograms (linear and symlog) that
// count zeros and non-finite values apart from the bins.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "rng.hpp"
#include "stats.hpp"

using namespace layerscope;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

// numpy.percentile(values, q) with its default method="linear", written from numpy's documentation:
// sort, position = q/100 * (n - 1), interpolate between the order statistics floor and floor + 1.
double numpy_linear_percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q / 100.0 * double(values.size() - 1);
  const std::size_t k = std::size_t(position);
  if (k + 1 >= values.size()) return values[k];
  return values[k] + (position - double(k)) * (values[k + 1] - values[k]);
}

std::uint64_t total(const std::vector<std::uint32_t>& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::uint64_t(0));
}

}  // namespace

TEST_CASE("percentiles of hand-made data match numpy's linear interpolation", "[stats]") {
  // Hand calculations of numpy.percentile(x, [5, 15, 50, 85, 95]) (position = q/100 * (n-1)):
  SECTION("four values 10, 1, 7, 3") {
    // sorted 1 3 7 10: positions 0.15, 0.45, 1.5, 2.55, 2.85 ->
    // 1 + 0.15*2 = 1.3, 1 + 0.45*2 = 1.9, 3 + 0.5*4 = 5, 7 + 0.55*3 = 8.65, 7 + 0.85*3 = 9.55
    const std::vector<double> x = {10, 1, 7, 3};
    const double expected[5] = {1.3, 1.9, 5.0, 8.65, 9.55};
    const TensorSummary s = summarize(x.data(), x.size());
    REQUIRE(s.has_percentiles);
    for (int i = 0; i < 5; ++i) {
      CAPTURE(summary_percentiles[i]);
      CHECK_THAT(percentile(x.data(), x.size(), summary_percentiles[i]), WithinRel(expected[i], 1e-12));
      CHECK_THAT(s.percentiles[i], WithinRel(expected[i], 1e-12));
    }
  }
  SECTION("the squares 0..100 shuffled") {
    // sorted 0 1 4 9 16 25 36 49 64 81 100: positions 0.5, 1.5, 5, 8.5, 9.5 ->
    // 0.5, 1 + 0.5*3 = 2.5, 25, 64 + 0.5*17 = 72.5, 81 + 0.5*19 = 90.5
    const std::vector<double> x = {49, 0, 100, 4, 64, 1, 36, 81, 9, 25, 16};
    const double expected[5] = {0.5, 2.5, 25, 72.5, 90.5};
    const TensorSummary s = summarize(x.data(), x.size());
    for (int i = 0; i < 5; ++i) {
      CAPTURE(summary_percentiles[i]);
      CHECK_THAT(percentile(x.data(), x.size(), summary_percentiles[i]), WithinRel(expected[i], 1e-12));
      CHECK_THAT(s.percentiles[i], WithinRel(expected[i], 1e-12));
    }
  }
  SECTION("two values 0 and 1: every percentile is q/100") {
    const std::vector<float> x = {1.0f, 0.0f};
    const TensorSummary s = summarize(x.data(), x.size());
    for (int i = 0; i < 5; ++i) {
      CAPTURE(summary_percentiles[i]);
      CHECK_THAT(s.percentiles[i], WithinAbs(summary_percentiles[i] / 100.0, 1e-12));
    }
  }
  SECTION("NaN and Inf are left out") {
    // numpy.nanpercentile([1, 3, 7, 10], 50) = 5 once the non-finite entries are dropped.
    const std::vector<double> x = {nan_value, 10, inf_value, 1, 7, -inf_value, 3};
    CHECK_THAT(percentile(x.data(), x.size(), 50.0), WithinRel(5.0, 1e-12));
    CHECK_THAT(summarize(x.data(), x.size()).percentiles[2], WithinRel(5.0, 1e-12));
  }
}

TEST_CASE("summary percentiles match a sorting reference on random data with ties", "[stats]") {
  const int n = GENERATE(1, 2, 3, 5, 7, 20, 101, 1000, 4097);
  const bool ties = GENERATE(false, true);
  CAPTURE(n, ties);
  Rng rng(std::uint64_t(n), ties ? 2 : 1);
  std::vector<double> x(static_cast<std::size_t>(n));
  for (double& v : x) v = ties ? std::round(3 * rng.normal()) : rng.normal();
  const TensorSummary s = summarize(x.data(), x.size());
  for (int i = 0; i < summary_percentile_count; ++i) {
    const double want = numpy_linear_percentile(x, summary_percentiles[i]);
    CAPTURE(summary_percentiles[i]);
    CHECK_THAT(s.percentiles[i], WithinAbs(want, 1e-12));
    CHECK_THAT(percentile(x.data(), x.size(), summary_percentiles[i]), WithinAbs(want, 1e-12));
  }
}

TEST_CASE("float summary percentiles match a sorting reference, with a ReLU's spike of zeros", "[stats]") {
  // Float data that is all finite takes the vector gathering pass (whole vectors, then the last values
  // one by one): sizes around the vector widths (4, 8, 16) and a layer's worth of values.
  const int n = GENERATE(1, 3, 17, 33, 1001, 100000);
  const int shape = GENERATE(0, 1, 2);  // normal; ReLU of a normal (half exact zeros); rounded (ties)
  CAPTURE(n, shape);
  Rng rng(std::uint64_t(n), 7 + std::uint64_t(shape));
  std::vector<float> x(static_cast<std::size_t>(n));
  for (float& v : x) {
    const double z = rng.normal();
    v = float(shape == 0 ? z : (shape == 1 ? std::max(z, 0.0) : std::round(3 * z)));
  }
  const TensorSummary s = summarize(x.data(), x.size());
  const std::vector<double> exact(x.begin(), x.end());
  for (int i = 0; i < summary_percentile_count; ++i) {
    CAPTURE(summary_percentiles[i]);
    CHECK_THAT(s.percentiles[i], WithinAbs(numpy_linear_percentile(exact, summary_percentiles[i]), 1e-12));
  }
}

TEST_CASE("a summary counts NaN, Inf and zeros and averages only the finite values", "[stats]") {
  const std::vector<double> x = {0.0, -0.0, 2.0, nan_value, -inf_value, 4.0, inf_value, -3.0};
  const TensorSummary s = summarize(x.data(), x.size());
  CHECK(s.count == 8);
  CHECK(s.nan_count == 1);
  CHECK(s.inf_count == 2);
  CHECK(s.finite_count == 5);
  CHECK(s.zero_count == 2);
  CHECK_THAT(s.zero_fraction(), WithinRel(0.4, 1e-15));
  // finite: 0 0 2 4 -3 -> mean 0.6, population variance (0.36*2 + 1.96 + 11.56 + 12.96)/5 = 5.44
  CHECK_THAT(s.mean, WithinRel(0.6, 1e-14));
  CHECK_THAT(s.std, WithinRel(std::sqrt(5.44), 1e-14));
  CHECK(s.min == -3.0);
  CHECK(s.max == 4.0);
  SECTION("an all-NaN tensor has no finite statistics") {
    const std::vector<float> all_nan = {float(nan_value), float(nan_value)};
    const TensorSummary t = summarize(all_nan.data(), all_nan.size());
    CHECK(t.finite_count == 0);
    CHECK(t.nan_count == 2);
    CHECK(t.mean == 0);
    CHECK(!t.has_percentiles);
  }
}

TEST_CASE("a float summary finds one NaN or Inf anywhere, and huge finite values stay finite", "[stats]") {
  // Float data goes through vectors whose sums also tell whether every value was finite; a tensor with a
  // non-finite value (or with sums that overflow float) is then summarized value by value in double.
  const std::size_t n = 1001;  // whole vectors of 4, 8 and 16, then one value more
  Rng rng(5, 5);
  std::vector<float> x(n);
  for (float& v : x) v = float(rng.normal());
  SECTION("one NaN or Inf is counted and left out, wherever it is") {
    const std::size_t at = GENERATE(std::size_t(0), std::size_t(3), std::size_t(17), std::size_t(640), n - 1);
    const float bad = GENERATE(float(nan_value), float(inf_value), float(-inf_value));
    CAPTURE(at, bad);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += i == at ? 0.0 : double(x[i]);
    x[at] = bad;
    const TensorSummary s = summarize(x.data(), n, {}, false);
    CHECK(s.finite_count == n - 1);
    CHECK(s.nan_count + s.inf_count == 1);
    CHECK_THAT(s.mean, WithinRel(sum / double(n - 1), 1e-12));
  }
  SECTION("values near the float maximum, whose float sums overflow") {
    std::fill(x.begin(), x.end(), 3e38f);
    const TensorSummary s = summarize(x.data(), n, {}, false);
    CHECK(s.finite_count == n);
    CHECK(s.nan_count + s.inf_count == 0);
    CHECK(s.mean == double(3e38f));
    CHECK(s.std == 0);
  }
}

TEST_CASE("saturation counts values outside the tanh and sigmoid bands", "[stats]") {
  SECTION("tanh band [-0.97, 0.97]") {
    // -0.99 and 0.98 are outside; 0.97 itself is inside; NaN is not finite, so not counted -> 2 of 6.
    const std::vector<double> x = {-0.99, -0.5, 0.0, 0.5, 0.98, 0.97, nan_value};
    const TensorSummary s = summarize(x.data(), x.size(), SaturationBand{true, -0.97, 0.97});
    CHECK(s.saturated_count == 2);
    CHECK_THAT(s.saturated_fraction(), WithinRel(2.0 / 6.0, 1e-15));
  }
  SECTION("sigmoid band [0.03, 0.97]") {
    const std::vector<float> x = {0.01f, 0.03f, 0.5f, 0.99f, 0.2f};  // 0.01 and 0.99 -> 2 of 5
    const TensorSummary s = summarize(x.data(), x.size(), SaturationBand{true, 0.03, 0.97});
    CHECK(s.saturated_count == 2);
    CHECK_THAT(s.saturated_fraction(), WithinRel(0.4, 1e-15));
  }
  SECTION("a disabled band counts nothing") {
    const std::vector<double> x = {-5, 5};
    CHECK(summarize(x.data(), x.size()).saturated_count == 0);
  }
}

TEST_CASE("histogram counts, zeros and outside values add up to the finite values", "[stats]") {
  const Binning binning = GENERATE(Binning::linear, Binning::symlog);
  const int bins = GENERATE(1, 7, 64);
  const bool narrow = GENERATE(false, true);
  CAPTURE(int(binning), bins, narrow);
  Rng rng(21, 1);
  std::vector<double> x(5000);
  for (double& v : x) v = std::max(0.0, rng.normal()) * std::exp(2 * rng.normal());  // ReLU-like: many zeros
  x[10] = nan_value, x[20] = inf_value, x[30] = -inf_value, x[40] = -1.5, x[50] = -0.0;
  const double hi = *std::max_element(x.begin(), x.end(), [](double a, double b) {
    return !(std::isfinite(b)) ? false : !(std::isfinite(a)) ? true : a < b;
  });
  HistogramSpec spec;
  spec.bins = bins, spec.binning = binning, spec.lo = -1.5, spec.hi = narrow ? 1.0 : hi;
  const Histogram h = histogram(x.data(), x.size(), spec);
  std::uint64_t zeros = 0, finite = 0, outside = 0;
  for (double v : x) {
    if (!std::isfinite(v)) continue;
    ++finite;
    zeros += v == 0;
    outside += v != 0 && (v < spec.lo || v > spec.hi);
  }
  REQUIRE(h.counts.size() == std::size_t(bins));
  REQUIRE(h.edges.size() == std::size_t(bins) + 1);
  CHECK(h.nonfinite_count == 3);
  CHECK(h.zero_count == zeros);
  CHECK(zeros > 1000);
  CHECK(h.outside_count == outside);
  CHECK((outside > 0) == narrow);
  CHECK(total(h.counts) + h.zero_count + h.outside_count == finite);
}

TEST_CASE("histogram bins put each value between its bin's edges", "[stats]") {
  const Binning binning = GENERATE(Binning::linear, Binning::symlog);
  CAPTURE(int(binning));
  const std::vector<double> x = {-5.0, -1e-3, -1e-6, 2e-6, 0.5, 1.0, 10.0, 99.0, 100.0};
  HistogramSpec spec;
  spec.bins = 20, spec.lo = -5, spec.hi = 100, spec.binning = binning;
  const Histogram h = histogram(x.data(), x.size(), spec);
  for (double v : x) {
    CAPTURE(v);
    std::vector<double> single = {v};
    const Histogram one = histogram(single.data(), 1, spec);
    const auto bin = std::find(one.counts.begin(), one.counts.end(), 1u) - one.counts.begin();
    REQUIRE(bin < std::ptrdiff_t(one.counts.size()));
    // Edges are computed through the inverse transform: allow rounding at the boundary.
    const double slack = 1e-12 * std::max(1.0, std::abs(v));
    CHECK(one.edges[std::size_t(bin)] <= v + slack);
    CHECK(v <= one.edges[std::size_t(bin) + 1] + slack);
  }
  CHECK(total(h.counts) == x.size());
  SECTION("the top edge belongs to the last bin, as in numpy.histogram") {
    std::vector<double> top = {100.0};
    CHECK(histogram(top.data(), 1, spec).counts.back() == 1u);
  }
}

// Reference: each value's bin by binary search over the edges the histogram reports (bin b holds
// edges[b] <= v < edges[b+1], the top edge in the last bin), counted independently of histogram().
static std::vector<std::uint32_t> counts_by_edges(const std::vector<float>& values, const Histogram& h) {
  std::vector<std::uint32_t> counts(h.counts.size(), 0);
  for (float value : values) {
    const double v = value;
    if (v == 0 || v < h.edges.front() || v > h.edges.back()) continue;
    auto bin = std::upper_bound(h.edges.begin(), h.edges.end(), v) - h.edges.begin() - 1;
    bin = std::min<std::ptrdiff_t>(bin, std::ptrdiff_t(counts.size()) - 1);
    ++counts[std::size_t(bin)];
  }
  return counts;
}

TEST_CASE("every histogram count agrees exactly with the edges it reports", "[stats]") {
  // The counting loop estimates bins (in float where float resolves them, with a rough log2 for symlog)
  // and checks the edges only near one; this compares it with a plain binary search over the edges, on
  // values that include the edges themselves, for ranges where float positions suffice and a narrow range
  // far from zero where they do not (the double fallback).
  struct Range { double lo, hi; };
  const Range range = GENERATE(Range{-0.5, 0.5}, Range{-3.0, 250.0}, Range{1e-30, 1e-20},
                               Range{1000.0, 1000.001}, Range{-1e6, -999999.0});
  const Binning binning = GENERATE(Binning::linear, Binning::symlog);
  const int bins = GENERATE(2, 7, 64, 300);
  CAPTURE(range.lo, range.hi, int(binning), bins);
  HistogramSpec spec;
  spec.bins = bins, spec.lo = range.lo, spec.hi = range.hi, spec.binning = binning;
  Rng rng(11, std::uint64_t(bins));
  std::vector<float> values;
  for (int i = 0; i < 3000; ++i) values.push_back(float(range.lo + (range.hi - range.lo) * rng.uniform()));
  const Histogram probe = histogram(values.data(), values.size(), spec);
  for (double edge : probe.edges) {  // the edges themselves, and their float neighbours
    const float e = float(edge);
    values.insert(values.end(), {e, std::nextafter(e, -INFINITY), std::nextafter(e, INFINITY)});
  }
  values.push_back(0.0f);
  const Histogram h = histogram(values.data(), values.size(), spec);
  CHECK(h.counts == counts_by_edges(values, h));
  CHECK(total(h.counts) + h.zero_count + h.outside_count == values.size());
}

TEST_CASE("symlog edges increase and cover the range", "[stats]") {
  const double lo = GENERATE(-1e3, -1.0, 0.0, 1e-4);
  const double hi = GENERATE(1e-3, 1.0, 1e6);
  const double threshold = GENERATE(0.0, 1e-2);  // 0: the default, 6 decades below the largest magnitude
  CAPTURE(lo, hi, threshold);
  HistogramSpec spec;
  spec.bins = 50, spec.lo = lo, spec.hi = hi, spec.binning = Binning::symlog, spec.symlog_threshold = threshold;
  std::vector<double> none;
  const Histogram h = histogram(none.data(), 0, spec);
  REQUIRE(h.edges.size() == 51);
  CHECK(h.edges.front() == lo);
  CHECK(h.edges.back() == hi);
  for (std::size_t i = 1; i < h.edges.size(); ++i) {
    CAPTURE(i, h.edges[i - 1], h.edges[i]);
    CHECK(h.edges[i] > h.edges[i - 1]);
  }
  SECTION("symmetric range: the middle edge sits at 0") {
    spec.lo = -hi;
    const Histogram s = histogram(none.data(), 0, spec);
    CHECK_THAT(s.edges[25], WithinAbs(0.0, 1e-12 * hi));
  }
}

TEST_CASE("the default symlog threshold is 6 decades below the largest magnitude", "[stats]") {
  CHECK_THAT(symlog_threshold_for(100.0), WithinRel(1e-4, 1e-12));
  CHECK(symlog_threshold_for(0.0) == 1e-6);
  CHECK(symlog_threshold_for(inf_value) == 1e-6);
}

TEST_CASE("a constant tensor gets a visible bin", "[stats]") {
  const double value = GENERATE(3.0, -2e-7, 1e12);
  CAPTURE(value);
  const std::vector<float> x(100, float(value));
  HistogramSpec spec;
  spec.bins = 16, spec.lo = double(x[0]), spec.hi = double(x[0]);
  const Binning binning = GENERATE(Binning::linear, Binning::symlog);
  spec.binning = binning;
  const Histogram h = histogram(x.data(), x.size(), spec);
  CHECK(h.edges.front() < double(x[0]));
  CHECK(h.edges.back() > double(x[0]));
  CHECK(total(h.counts) == 100);
  CHECK(h.outside_count == 0);
  CHECK(*std::max_element(h.counts.begin(), h.counts.end()) == 100u);  // one bin holds them all
  SECTION("an all-zero tensor counts zeros only") {
    const std::vector<float> zeros(10, 0.0f);
    HistogramSpec zero_spec;
    const Histogram z = histogram(zeros.data(), zeros.size(), zero_spec);
    CHECK(z.zero_count == 10);
    CHECK(total(z.counts) == 0);
    CHECK(z.edges.front() < 0.0);
    CHECK(z.edges.back() > 0.0);
  }
}
