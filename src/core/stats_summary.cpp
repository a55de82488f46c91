// Summaries of one tensor (stats.hpp summarize()): counts, mean, std, min, max in one fused pass and a
// second pass for the squares, finite for finite data of any magnitude; percentiles from stats_order.
#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "stats_order.hpp"
#include "stats_vectors.hpp"

namespace layerscope {

namespace {

using namespace stats_detail;

// The first pass of a summary, fused: sum, min, max, exact zeros, values outside the saturation band, and
// whether every value is finite. One read of the data where separate reductions took five.
struct FirstPass {
  bool finite = true;
  double sum = 0, min = 0, max = 0;
  std::uint64_t zeros = 0, saturated = 0;
};

// Value by value, in double (any S; the double network and the last values of a float tensor).
template <typename S>
void first_pass_values(FirstPass& out, const S* data, std::size_t n, bool with_band, S low, S high) {
  for (std::size_t i = 0; i < n; ++i) {
    const S x = data[i];
    out.finite &= (x - x) == S(0);
    out.sum += double(x);
    out.min = std::min(out.min, double(x)), out.max = std::max(out.max, double(x));
    out.zeros += x == S(0);
    out.saturated += with_band && ((x < low) | (x > high));
  }
}

template <bool with_band>
FirstPass first_pass_floats(const float* data, std::size_t n, float low, float high) {
  FirstPass out;
  if (n == 0) return out;
  out.min = out.max = double(data[0]);
  const std::size_t whole = n / (2 * kWidth) * (2 * kWidth);
  if (whole > 0) {
    FloatVec lo0 = load_vec(data), lo1 = lo0, hi0 = lo0, hi1 = lo0;
    const FloatVec low_vec = FloatVec{} + low, high_vec = FloatVec{} + high;
    // Counted as -1 per hit (a compare is -1 where true); the memory budget keeps a lane far below 2^31.
    IntVec zeros = IntVec{}, saturated = IntVec{};
    for (std::size_t start = 0; start < whole; start += kBlock) {
      const std::size_t end = std::min(whole, start + kBlock);
      FloatVec sum0 = FloatVec{}, sum1 = FloatVec{};
      for (std::size_t i = start; i < end; i += 2 * kWidth) {
        const FloatVec x0 = load_vec(data + i), x1 = load_vec(data + i + kWidth);
        sum0 += x0, sum1 += x1;
        lo0 = min_vec(lo0, x0), lo1 = min_vec(lo1, x1);
        hi0 = max_vec(hi0, x0), hi1 = max_vec(hi1, x1);
        zeros += (x0 == FloatVec{}) + (x1 == FloatVec{});
        if constexpr (with_band) saturated += ((x0 < low_vec) | (x0 > high_vec)) + ((x1 < low_vec) | (x1 > high_vec));
      }
      out.sum += lanes_sum(sum0) + lanes_sum(sum1);
    }
    const FloatVec lo = min_vec(lo0, lo1), hi = max_vec(hi0, hi1);
    for (int j = 0; j < kWidth; ++j) {
      out.min = std::min(out.min, double(lo[j])), out.max = std::max(out.max, double(hi[j]));
      out.zeros += std::uint64_t(-std::int64_t(zeros[j]));
      out.saturated += std::uint64_t(-std::int64_t(saturated[j]));
    }
    // A NaN or an infinity makes its lane's sum NaN or infinite, and so the total. (So can a float block
    // sum of huge finite values; summarize() then takes the value-by-value path, which is right anyway.)
    out.finite = std::isfinite(out.sum);
  }
  first_pass_values(out, data + whole, n - whole, with_band, low, high);
  return out;
}

template <typename S>
FirstPass first_pass(const S* data, std::size_t n, SaturationBand band) {
  const S low = S(band.low), high = S(band.high);
  if constexpr (std::is_same_v<S, float>) {
    return band.enabled ? first_pass_floats<true>(data, n, low, high) : first_pass_floats<false>(data, n, low, high);
  } else {
    FirstPass out;
    if (n > 0) out.min = out.max = double(data[0]);
    first_pass_values(out, data, n, band.enabled, low, high);
    return out;
  }
}

// Sum of (x scale - mean)^2 (mean already scaled), the second pass of the variance (two passes avoid the
// cancellation of sum(x^2) - n mean^2), in vectors and blocks like first_pass_floats. All values finite.
// scale is a power of two (so exact), used (scaled = true) only for data whose squares would overflow or
// underflow S.
template <typename S, bool scaled>
double squares_about(const S* data, std::size_t n, S mean, S scale) {
  double squares = 0;
  std::size_t whole = 0;
  if constexpr (std::is_same_v<S, float>) {
    whole = n / (2 * kWidth) * (2 * kWidth);
    const FloatVec mean_vec = FloatVec{} + mean;
    for (std::size_t start = 0; start < whole; start += kBlock) {
      const std::size_t end = std::min(whole, start + kBlock);
      FloatVec sum0 = FloatVec{}, sum1 = FloatVec{};
      for (std::size_t i = start; i < end; i += 2 * kWidth) {
        FloatVec x0 = load_vec(data + i), x1 = load_vec(data + i + kWidth);
        if constexpr (scaled) x0 *= scale, x1 *= scale;
        const FloatVec d0 = x0 - mean_vec, d1 = x1 - mean_vec;
        sum0 += d0 * d0, sum1 += d1 * d1;
      }
      squares += lanes_sum(sum0) + lanes_sum(sum1);
    }
  }
  for (std::size_t i = whole; i < n; ++i) {
    const double d = double(data[i]) * double(scale) - double(mean);
    squares += d * d;
  }
  return squares;
}

// The power of two 2^k that takes the largest magnitude max_abs near 1 (k = 0 for 0), within what S holds.
template <typename S>
int scale_exponent(double max_abs) {
  int exponent = 0;
  std::frexp(max_abs, &exponent);  // max_abs = m 2^exponent, 0.5 <= m < 1
  constexpr int reach = std::is_same_v<S, float> ? 120 : 1000;
  return std::clamp(-exponent, -reach, reach);
}

// The mean of the finite values when their plain sum overflows (doubles near the largest): summed scaled.
template <typename S>
double scaled_mean(const S* data, std::size_t n, std::uint64_t finite_count, double min, double max) {
  const int k = scale_exponent<double>(std::max(std::abs(min), std::abs(max)));
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(data[i])) sum += std::ldexp(double(data[i]), k);
  return std::clamp(std::ldexp(sum / double(finite_count), -k), min, max);
}

// Population std about mean of the finite values (finite_count of them; all of them when all_finite),
// finite for any finite data. In float, squares overflow from |x - mean| ~ 1.8e19 on (and vanish below
// ~1e-19): for data whose largest magnitude is beyond 2^+-40 (double: 2^+-400) the squares are of
// x 2^k - mean 2^k, the power of two 2^k (exact) bringing that magnitude near 1, and the std is scaled back
// by 2^-k after the root.
template <typename S>
double population_std(const S* data, std::size_t n, bool all_finite, std::uint64_t finite_count, double mean,
                      double min, double max) {
  const int k = scale_exponent<S>(std::max(std::abs(min), std::abs(max)));
  // |k| up to 40 (float: squares below 2^82, a block's sum far below the float maximum) or 400: the
  // unscaled sums, as fast as ever.
  const bool scaled = std::abs(k) > (std::is_same_v<S, float> ? 40 : 400);
  const double scale = scaled ? std::ldexp(1.0, k) : 1, scaled_mean = mean * scale;
  double squares = 0;
  if (!all_finite) {  // value by value in double, skipping NaN and Inf
    for (std::size_t i = 0; i < n; ++i) {
      const double v = double(data[i]);
      if (std::isfinite(v)) squares += (v * scale - scaled_mean) * (v * scale - scaled_mean);
    }
  } else if (scaled) {
    squares = squares_about<S, true>(data, n, S(scaled_mean), S(scale));
  } else {
    squares = squares_about<S, false>(data, n, S(mean), S(1));
  }
  const double std_scaled = std::sqrt(squares / double(finite_count));
  // Popoviciu's inequality, std <= (max - min) / 2, also keeps rounding at the largest doubles from +inf.
  return std::min(scaled ? std::ldexp(std_scaled, -k) : std_scaled, max / 2 - min / 2);
}

}  // namespace

template <typename S>
TensorSummary summarize(const S* data, std::size_t n, SaturationBand saturation, bool with_percentiles) {
  TensorSummary s;
  s.count = n;
  const FirstPass first = first_pass(data, n, saturation);
  if (n > 0 && first.finite) {
    // The common case: one fused pass (first_pass), then the squares about the mean.
    s.finite_count = n;
    s.min = first.min, s.max = first.max;
    s.zero_count = first.zeros, s.saturated_count = first.saturated;
    // Clamped: n copies of one value may sum to a mean an ulp outside [min, max].
    s.mean = std::isfinite(first.sum) ? std::clamp(first.sum / double(n), s.min, s.max)
                                      : scaled_mean(data, n, n, s.min, s.max);
    s.std = population_std(data, n, true, n, s.mean, s.min, s.max);
  } else {  // NaN or Inf somewhere: value by value, skipping them
    double sum = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = double(data[i]);
      if (std::isnan(v)) { ++s.nan_count; continue; }
      if (std::isinf(v)) { ++s.inf_count; continue; }
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      s.zero_count += v == 0;
      s.saturated_count += saturation.enabled && (v < S(saturation.low) || v > S(saturation.high));
    }
    s.finite_count = n - s.nan_count - s.inf_count;
    if (s.finite_count == 0 && n > 0) {
      // Nothing finite to describe: NaN, not 0, so that a table or a profile of a NaN layer cannot read as
      // "std 0" (a dead layer). The counts say what the tensor holds.
      s.mean = s.std = s.min = s.max = std::numeric_limits<double>::quiet_NaN();
      return s;
    }
    if (s.finite_count == 0) return s;  // empty: nothing to flag
    s.min = lo, s.max = hi;
    s.mean = std::isfinite(sum) ? std::clamp(sum / double(s.finite_count), lo, hi)
                                : scaled_mean(data, n, s.finite_count, lo, hi);
    s.std = population_std(data, n, false, s.finite_count, s.mean, lo, hi);
  }
  if (with_percentiles) stats_detail::fill_percentiles(s, data, n);
  return s;
}

template TensorSummary summarize<float>(const float*, std::size_t, SaturationBand, bool);
template TensorSummary summarize<double>(const double*, std::size_t, SaturationBand, bool);

}  // namespace layerscope
