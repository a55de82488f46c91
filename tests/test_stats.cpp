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

const std::vector<float>& all_nan_empty() {
  static const std::vector<float> none;
  return none;
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
  SECTION("percentile() at any q agrees with the sorting reference, zeros and negatives included") {
    Rng rng(11, 3);
    std::vector<float> y(3001);
    for (float& v : y) v = std::max(0.0f, float(rng.normal())) - 0.25f * float(rng.uniform() < 0.1);
    const std::vector<double> as_double(y.begin(), y.end());
    for (double q : {0.0, 1.0, 37.5, 50.0, 99.9, 100.0}) {
      CAPTURE(q);
      CHECK(percentile(y.data(), y.size(), q) == numpy_linear_percentile(as_double, q));
    }
    const std::vector<float> all_nan = {float(nan_value)};
    CHECK(std::isnan(percentile(all_nan.data(), all_nan.size(), 50.0)));
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
  SECTION("an all-NaN tensor reports NaN statistics, never a std of 0 that reads as a dead layer") {
    const std::vector<float> all_nan = {float(nan_value), float(nan_value), float(inf_value)};
    const TensorSummary t = summarize(all_nan.data(), all_nan.size());
    CHECK(t.finite_count == 0);
    CHECK(t.nan_count == 2);
    CHECK(t.inf_count == 1);
    CHECK(std::isnan(t.std));
    CHECK(std::isnan(t.mean));
    CHECK(std::isnan(t.min));
    CHECK(std::isnan(t.max));
    CHECK(t.zero_count == 0);
    CHECK(!t.has_percentiles);
  }
  SECTION("an empty tensor has zeros (there is nothing to flag)") {
    const TensorSummary t = summarize(all_nan_empty().data(), 0);
    CHECK(t.count == 0);
    CHECK(t.std == 0);
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

// A reference binning written from the definition, not from histogram()'s code: bins equal-width in
// t(x) = x (linear) or sign(x) log10(1 + |x|/c) (symlog) over [t(lo), t(hi)], on doubles. Linear positions
// are taken on values scaled by the power of two 2^k that brings the largest end near 1 (exact), so neither
// denormals nor the largest doubles lose or overflow anything; symlog's t is log10(|x| + c) - log10(c),
// which has no ratio to overflow. (Not long double: in wasm its libm has only the double range.)
namespace {

struct ReferenceBinning {
  double lo, hi, c;
  int bins, k;
  bool symlog;

  ReferenceBinning(const HistogramSpec& spec, double threshold)
      : lo(spec.lo), hi(spec.hi), c(threshold), bins(spec.bins),
        k(-std::ilogb(std::max(std::abs(spec.lo), std::abs(spec.hi)))), symlog(spec.binning == Binning::symlog) {}
  double t(double x) const {
    return symlog ? std::copysign(std::log10(std::abs(x) + c) - std::log10(c), x) : std::ldexp(x, k);
  }
  double x_of_t(double t) const {  // only to place test values near bin middles: the bins come from t()
    return symlog ? std::copysign(std::pow(10.0, std::abs(t) + std::log10(c)) - c, t) : std::ldexp(t, -k);
  }
  // The position of v in bin units (0 at lo, bins at hi), and the value at a position.
  double position(double v) const { return (t(v) - t(lo)) / (t(hi) - t(lo)) * bins; }
  double value_at(double position) const { return x_of_t(t(lo) + (t(hi) - t(lo)) * (position / bins)); }
  int bin(double v) const { return std::clamp(int(std::floor(position(v))), 0, bins - 1); }
  // Within 2% of a bin of an inner edge, where the rounding of the histogram's own edges may decide.
  bool near_inner_edge(double v) const {
    const double x = position(v), nearest = std::round(x);
    return nearest > 0 && nearest < bins && std::abs(x - nearest) < 0.02;
  }
};

// Builds data of type S with one to three values around the middle of each bin of the reference (so the
// expected count differs from bin to bin), plus `extra` values; histograms it and checks every count:
// each bin against the reference, the zeros and outside values apart, and that they add up to n. Values
// that rounding to S brought within 2% of an inner edge are left out (the edges decide those; the exact
// agreement with the edges is the test "every histogram count agrees exactly with the edges it reports").
template <typename S>
void check_every_value_lands_in_its_reference_bin(const HistogramSpec& spec, double threshold,
                                                  const std::vector<S>& extra = {}) {
  const ReferenceBinning reference(spec, threshold);
  std::vector<S> x;
  std::vector<std::uint32_t> expected(std::size_t(spec.bins), 0);
  std::uint64_t zeros = 0, outside = 0;
  auto add = [&](S v) {
    const double d = double(v);
    if (d == 0) {
      ++zeros;
    } else if (d < spec.lo || d > spec.hi) {
      ++outside;
    } else if (reference.near_inner_edge(d)) {
      return;
    } else {
      ++expected[std::size_t(reference.bin(d))];
    }
    x.push_back(v);
  };
  const double offsets[3] = {0.5, 0.2, 0.8};
  for (int b = 0; b < spec.bins; ++b)
    for (int k = 0; k <= b % 3; ++k) {
      const double v = reference.value_at(b + offsets[k]);
      REQUIRE(std::isfinite(v));
      add(S(std::clamp(v, spec.lo, spec.hi)));  // (rounding may step past an end by an ulp)
    }
  add(S(spec.lo)), add(S(spec.hi));  // the ends: the first bin and (numpy's rule) the last
  for (S v : extra) add(v);
  const Histogram h = histogram(x.data(), x.size(), spec);
  REQUIRE(h.counts.size() == expected.size());
  CHECK(h.counts == expected);
  CHECK(h.zero_count == zeros);
  CHECK(h.outside_count == outside);
  CHECK(h.nonfinite_count == 0);
  CHECK(total(h.counts) + h.zero_count + h.outside_count == x.size());
  CHECK(h.edges.front() == spec.lo);
  CHECK(h.edges.back() == spec.hi);
  for (std::size_t i = 1; i < h.edges.size(); ++i) {
    CAPTURE(i, h.edges[i - 1], h.edges[i]);
    CHECK(h.edges[i] >= h.edges[i - 1]);
  }
}

}  // namespace

TEST_CASE("float histograms of denormals put every value in its bin", "[stats]") {
  // Vanishing gradients end in denormal floats (below 1.18e-38, down to 1.4e-45): there a bin is ~1e40
  // bins per unit, which no float holds. The ranges: denormals only, of one sign and of both; denormals
  // and normal floats together; the smallest float to the largest.
  struct Range { float lo, hi; };
  const Range range = GENERATE(Range{1e-44f, 1e-39f}, Range{-1e-40f, 3e-41f}, Range{-2e-42f, -1e-45f},
                               Range{1e-45f, 1e-30f}, Range{-1e-35f, 2e-38f}, Range{1e-45f, 3e38f},
                               Range{-3.4e38f, 3.4e38f});
  const Binning binning = GENERATE(Binning::linear, Binning::symlog);
  const int bins = GENERATE(7, 64);
  CAPTURE(range.lo, range.hi, int(binning), bins);
  HistogramSpec spec;
  spec.bins = bins, spec.lo = range.lo, spec.hi = range.hi, spec.binning = binning;
  const double threshold = symlog_threshold_for(std::max(std::abs(spec.lo), std::abs(spec.hi)));
  // Every denormal sign and size, the smallest normal float, and zeros of both signs.
  const std::vector<float> extra = {1.4e-45f, -1.4e-45f, 2.8e-45f, 1e-42f, -1e-41f, 1.17549435e-38f, 0.0f, -0.0f};
  check_every_value_lands_in_its_reference_bin<float>(spec, threshold, extra);
}

TEST_CASE("histograms of doubles beyond the float range put every value in its bin", "[stats]") {
  // The double network (--scalar double) reaches 1e300: float positions are out of the question, and a
  // range wider than the largest double has a width that overflows.
  struct Range { double lo, hi; };
  const Range range = GENERATE(Range{-1e300, 1e300}, Range{1e300, 1.7e308}, Range{-1.7e308, 1.7e308},
                               Range{-1e300, -1e-300}, Range{-1e300, 3.0}, Range{1e-320, 1e-300});
  const Binning binning = GENERATE(Binning::linear, Binning::symlog);
  const int bins = GENERATE(7, 64);
  CAPTURE(range.lo, range.hi, int(binning), bins);
  HistogramSpec spec;
  spec.bins = bins, spec.lo = range.lo, spec.hi = range.hi, spec.binning = binning;
  const double threshold = symlog_threshold_for(std::max(std::abs(spec.lo), std::abs(spec.hi)));
  // A mixture of magnitudes, ordinary ones included, the largest doubles (outside most ranges) and zeros.
  const std::vector<double> extra = {1e300, -1e300, 1.0, -3.5, 1e-10, 1e-310, 4.9e-324, 1.79e308, -1.79e308, 0.0};
  check_every_value_lands_in_its_reference_bin<double>(spec, threshold, extra);
  SECTION("a float range over doubles beyond it counts them as outside") {
    HistogramSpec narrow = spec;
    narrow.lo = -1e10, narrow.hi = 1e10;
    check_every_value_lands_in_its_reference_bin<double>(narrow, symlog_threshold_for(1e10), extra);
  }
}

TEST_CASE("symlog histograms with tiny thresholds put every value in its bin", "[stats]") {
  // Thresholds far below the data (the page lets one type any): ratios |x|/c beyond the floats, 1/c beyond
  // the floats (1e-40) and beyond the doubles (the denormal 1e-310 and the smallest double).
  const double threshold = GENERATE(1e-30, 1e-40, 1e-300, 1e-310, 4.9e-324);
  const int bins = GENERATE(7, 64);
  CAPTURE(threshold, bins);
  HistogramSpec spec;
  spec.bins = bins, spec.binning = Binning::symlog, spec.symlog_threshold = threshold;
  SECTION("float data from -10 to 1000") {
    spec.lo = -10, spec.hi = 1000;
    check_every_value_lands_in_its_reference_bin<float>(spec, threshold, {1e-45f, -1e-40f, 1e-20f, 0.5f, 999.0f, 0.0f});
  }
  SECTION("double data from -1e300 to 1e-300") {
    spec.lo = -1e300, spec.hi = 1e-300;
    check_every_value_lands_in_its_reference_bin<double>(spec, threshold, {-1.0, -1e-300, 1e-310, 0.0});
  }
}

TEST_CASE("a constant tensor of denormals gets a visible bin that holds it", "[stats]") {
  // lo == hi is widened by 1e-3 relative: at 1e-42 (a float denormal) that is ~1e-45, the bins are a few
  // denormals wide; at the smallest doubles 1e-3 relative rounds to nothing and the neighbouring doubles
  // bound the range instead.
  const double value = GENERATE(double(1e-42f), double(-1.4e-45f), double(1.17549435e-38f), 1e-310, -4.9e-324);
  const Binning binning = GENERATE(Binning::linear, Binning::symlog);
  CAPTURE(value, int(binning));
  HistogramSpec spec;
  spec.bins = 16, spec.lo = value, spec.hi = value, spec.binning = binning;
  auto check = [&](const Histogram& h, std::size_t n) {
    CHECK(h.edges.front() < value);
    CHECK(h.edges.back() > value);
    for (std::size_t i = 1; i < h.edges.size(); ++i) CHECK(h.edges[i] >= h.edges[i - 1]);
    CHECK(total(h.counts) == n);
    CHECK(h.outside_count + h.zero_count + h.nonfinite_count == 0);
    const auto fullest = std::max_element(h.counts.begin(), h.counts.end());
    CHECK(*fullest == n);  // one bin holds them all, and it is the one whose edges hold the value
    const std::size_t b = std::size_t(fullest - h.counts.begin());
    CHECK(h.edges[b] <= value);
    CHECK((value < h.edges[b + 1] || b + 1 == h.counts.size()));
  };
  if (double(float(value)) == value) {
    const std::vector<float> x(100, float(value));
    check(histogram(x.data(), x.size(), spec), x.size());
  }
  const std::vector<double> y(100, value);
  check(histogram(y.data(), y.size(), spec), y.size());
}

// Population mean and std by the two-pass definition, in double on values scaled by the power of two 2^k
// that brings the largest magnitude near 1 (exact), so no sum or square overflows or vanishes.
template <typename S>
std::pair<double, double> reference_mean_and_std(const std::vector<S>& x) {
  double max_abs = 0;
  for (S v : x) max_abs = std::max(max_abs, std::abs(double(v)));
  const int k = max_abs > 0 ? -std::ilogb(max_abs) : 0;
  double sum = 0, squares = 0;
  for (S v : x) sum += std::ldexp(double(v), k);
  const double mean = sum / double(x.size());
  for (S v : x) squares += (std::ldexp(double(v), k) - mean) * (std::ldexp(double(v), k) - mean);
  return {std::ldexp(mean, -k), std::ldexp(std::sqrt(squares / double(x.size())), -k)};
}

TEST_CASE("summaries of finite data of any magnitude have a finite and accurate std", "[stats]") {
  // Float squares overflow from |x - mean| ~ 1.8e19 on and vanish below ~1e-19 (in float as in the
  // page's tensors); double squares overflow from ~1e154, and a double sum from the largest doubles on.
  SECTION("float tensors, normal values times a scale") {
    const double scale = GENERATE(1e20, 1e30, 1e34, 1e-25, 1e-40);
    const std::size_t n = GENERATE(std::size_t(7), std::size_t(1001), std::size_t(20000));
    CAPTURE(scale, n);
    Rng rng(31, n);
    std::vector<float> x(n);
    for (float& v : x) v = float(scale * rng.normal());
    const auto [mean, std] = reference_mean_and_std(x);
    REQUIRE((std::isfinite(std) && std > 0));
    const TensorSummary s = summarize(x.data(), n, {}, false);
    CHECK(std::isfinite(s.std));
    CHECK_THAT(s.std, WithinRel(std, 1e-5));
    CHECK_THAT(s.mean, WithinAbs(mean, 1e-5 * std));
    SECTION("and with a NaN among them (the value-by-value path)") {
      x[n / 2] = float(nan_value);
      const TensorSummary t = summarize(x.data(), n, {}, false);
      CHECK(t.nan_count == 1);
      CHECK(std::isfinite(t.std));
      CHECK_THAT(t.std, WithinRel(std, 0.2));  // one value fewer: the same spread, roughly
    }
  }
  SECTION("double tensors up to the largest doubles") {
    const double scale = GENERATE(1e200, 1e300, 1e-200);
    CAPTURE(scale);
    Rng rng(32, 1);
    std::vector<double> x(1000);
    for (double& v : x) v = scale * rng.normal();
    const auto [mean, std] = reference_mean_and_std(x);
    REQUIRE((std::isfinite(std) && std > 0));
    const TensorSummary s = summarize(x.data(), x.size(), {}, false);
    CHECK_THAT(s.std, WithinRel(std, 1e-12));
    CHECK_THAT(s.mean, WithinAbs(mean, 1e-12 * std));
  }
  SECTION("doubles whose plain sum overflows") {
    const std::vector<double> x = {1.5e308, 1.5e308, -1e308, 1.7e308};
    const auto [mean, std] = reference_mean_and_std(x);
    REQUIRE((std::isfinite(mean) && std::isfinite(std)));
    const TensorSummary s = summarize(x.data(), x.size(), {}, false);
    CHECK_THAT(s.mean, WithinRel(mean, 1e-12));
    CHECK_THAT(s.std, WithinRel(std, 1e-12));
  }
}

TEST_CASE("one figure axis for many tensors: their union, widened like histogram(), and one symlog threshold",
          "[stats]") {
  // Hand values of the rule in stats.hpp (histogram_axis).
  SECTION("a tenth of the smallest std") {
    const HistogramAxis a = histogram_axis(-2, 3, 0.5);
    CHECK(a.lo == -2);
    CHECK(a.hi == 3);
    CHECK_THAT(a.symlog_threshold, WithinRel(0.05, 1e-15));
  }
  SECTION("at most a tenth of the largest magnitude, at least 30 decades below it") {
    CHECK_THAT(histogram_axis(0, 1, 5).symlog_threshold, WithinRel(0.1, 1e-15));
    CHECK_THAT(histogram_axis(-1e40, 1e40, 1e-35).symlog_threshold, WithinRel(1e10, 1e-12));
  }
  SECTION("a single value and no value at all get histogram()'s visible range") {
    const HistogramAxis constant = histogram_axis(4, 4, 0);
    CHECK_THAT(constant.lo, WithinRel(3.996, 1e-12));
    CHECK_THAT(constant.hi, WithinRel(4.004, 1e-12));
    CHECK_THAT(constant.symlog_threshold, WithinRel(symlog_threshold_for(4.004), 1e-12));  // no positive std
    const HistogramAxis none = histogram_axis(1, 0, 0);
    CHECK(none.lo == -0.5);
    CHECK(none.hi == 0.5);
    const std::vector<double> x = {4, 4, 4};
    HistogramSpec spec;
    spec.lo = spec.hi = 4;
    const Histogram h = histogram(x.data(), x.size(), spec);
    CHECK(h.edges.front() == constant.lo);
    CHECK(h.edges.back() == constant.hi);
  }
}

// ---------------------------------------------------------------------------------------------------
// Kept distributions (stats.hpp keep_distribution, redraw): what a training report keeps of a tensor.

namespace {
std::vector<double> normal_values(std::size_t n, double scale, std::uint64_t seed) {
  // A deterministic bell curve (sum of uniforms, Irwin-Hall), enough for binning tests.
  std::vector<double> v(n);
  std::uint64_t s = seed;
  for (double& x : v) {
    double sum = 0;
    for (int k = 0; k < 12; ++k) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      sum += double(s >> 11) / 9007199254740992.0;
    }
    x = (sum - 6) * scale;
  }
  return v;
}
}  // namespace

TEST_CASE("a kept distribution redrawn on its own axis is its histogram, bin for bin", "[stats][kept]") {
  const Binning binning = GENERATE(Binning::linear, Binning::symlog);
  std::vector<double> v = normal_values(5000, 3.0, 7);
  v[10] = 0, v[11] = 0, v[12] = std::nan("");
  const TensorSummary s = summarize(v.data(), v.size());
  const KeptDistribution kept = keep_distribution(v.data(), v.size(), s);
  const HistogramAxis own = histogram_axis(s.min, s.max, s.std);
  HistogramSpec spec;
  spec.bins = kept_fine_bins, spec.lo = own.lo, spec.hi = own.hi, spec.binning = binning;
  spec.symlog_threshold = own.symlog_threshold;
  const Histogram exact = histogram(v.data(), v.size(), spec);
  const DrawnHistogram drawn = redraw(kept, spec);
  REQUIRE(drawn.counts.size() == exact.counts.size());
  for (std::size_t b = 0; b < exact.counts.size(); ++b) CHECK(drawn.counts[b] == double(exact.counts[b]));
  CHECK(drawn.zero_count == 2);
  CHECK(drawn.nonfinite_count == 1);
  CHECK(drawn.outside == 0);
}

TEST_CASE("a kept distribution put back from its counts and summary is the one kept", "[stats][kept]") {
  // A saved run carries only the counts: the edges come back from the summary by keep_distribution's rule.
  std::vector<double> v = normal_values(3000, 0.02, 11);
  v[5] = 0, v[6] = std::numeric_limits<double>::infinity();
  const TensorSummary s = summarize(v.data(), v.size());
  const KeptDistribution kept = keep_distribution(v.data(), v.size(), s);
  auto counts_of = [](const Histogram& h) {
    return KeptCounts{h.counts, h.zero_count, h.outside_count, h.nonfinite_count};
  };
  const KeptDistribution back = restore_distribution(s, counts_of(kept.linear), counts_of(kept.symlog));
  CHECK(back.linear.edges == kept.linear.edges);
  CHECK(back.symlog.edges == kept.symlog.edges);
  HistogramSpec display;
  display.bins = 20, display.lo = -0.1, display.hi = 0.05, display.binning = Binning::symlog;
  const DrawnHistogram a = redraw(kept, display), b = redraw(back, display);
  CHECK(a.counts == b.counts);
  CHECK(a.outside == b.outside);
  CHECK(b.zero_count == 1);
  CHECK(b.nonfinite_count == 1);
  KeptCounts short_one = counts_of(kept.linear);
  short_one.counts.pop_back();
  CHECK_THROWS_WITH(restore_distribution(s, short_one, counts_of(kept.symlog)),
                    "a kept distribution has 64 fine bins (got 63)");
}

TEST_CASE("a kept distribution redrawn on another axis keeps every value and stays near its histogram", "[stats][kept]") {
  // Kept at 64 fine bins of its own range, drawn at 32 bins over a range 3 times as wide: the counts sum to
  // the values, and each display bin is within the fine bins that straddle its edges of the exact count.
  std::vector<double> v = normal_values(20000, 1.0, 3);
  const TensorSummary s = summarize(v.data(), v.size());
  const KeptDistribution kept = keep_distribution(v.data(), v.size(), s);
  HistogramSpec display;
  display.bins = 32, display.lo = 3 * s.min, display.hi = 3 * s.max;
  const DrawnHistogram drawn = redraw(kept, display);
  const Histogram exact = histogram(v.data(), v.size(), display);
  double total = 0, worst = 0;
  for (std::size_t b = 0; b < drawn.counts.size(); ++b) {
    total += drawn.counts[b];
    worst = std::max(worst, std::abs(drawn.counts[b] - double(exact.counts[b])));
  }
  CHECK_THAT(total, WithinRel(20000.0, 1e-12));
  // A display bin's edge cuts at most one fine bin on each side; the largest fine bin of a bell curve of
  // 20000 values over its own +-6 sigma range holds about 20000 * 0.19 * 0.4 = 1500 (pdf at 0 times width).
  CHECK(worst < 1600);
  CHECK(drawn.outside == 0);
}

TEST_CASE("a shared symlog axis holds a tensor at 1e-13 and one at 1 in one picture without losing either",
          "[stats][kept]") {
  // The init view's vanishing layer beside a healthy one: on the shared axis (histogram_axis of the union
  // and the smallest std), both spread over several bins, where a linear axis would put the first in one.
  const std::vector<double> tiny = normal_values(10000, 1e-13, 5), unit = normal_values(10000, 1.0, 6);
  const TensorSummary st = summarize(tiny.data(), tiny.size()), su = summarize(unit.data(), unit.size());
  const HistogramAxis axis = histogram_axis(std::min(st.min, su.min), std::max(st.max, su.max), std::min(st.std, su.std));
  HistogramSpec display;
  display.bins = 64, display.lo = axis.lo, display.hi = axis.hi, display.symlog_threshold = axis.symlog_threshold;
  display.binning = Binning::symlog;
  auto bins_used = [&](const std::vector<double>& v, const TensorSummary& s) {
    const DrawnHistogram d = redraw(keep_distribution(v.data(), v.size(), s), display);
    int used = 0;
    double total = 0;
    for (double c : d.counts) used += c >= 1, total += c;
    CHECK_THAT(total, WithinRel(10000.0, 1e-9));
    return used;
  };
  CHECK(bins_used(tiny, st) >= 4);
  CHECK(bins_used(unit, su) >= 4);
  display.binning = Binning::linear;
  CHECK(bins_used(tiny, st) <= 2);  // what the symlog axis is for
}
