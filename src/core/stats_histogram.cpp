// Histograms of one tensor (stats.hpp histogram()): linear or symlog bins, every value counted exactly
// once, zeros and non-finite values apart from the bins.
#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "stats_vectors.hpp"

namespace layerscope {

namespace {

using namespace stats_detail;

// log2(u) for u >= 1 within 0.00134, from the exponent bits and a cubic in the mantissa: a least-squares
// fit of log2(1 + f) on [0, 1), its cubic term set so the cubic is 1 at f = 1 (continuous across powers
// of two). Only an estimate of a histogram bin: histogram() asks the edges where the error matters.
inline double rough_log2(double u) {
  std::uint64_t bits;
  std::memcpy(&bits, &u, sizeof bits);
  const int exponent = int((bits >> 52) & 0x7ff) - 1023;
  bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;
  double m;
  std::memcpy(&m, &bits, sizeof m);
  const double f = m - 1;
  return exponent + f * (1.4234941842167086 + f * (-0.5877692379852281 + f * 0.16427505376851947));
}

// The same cubic on a float's exponent and mantissa bits, for one float (Bits = std::int32_t) or a vector
// of them (FloatVec, IntVec: all lanes at once, in histogram()'s float_slots).
inline float to_float(std::int32_t i) { return float(i); }
inline FloatVec to_float(IntVec i) { return __builtin_convertvector(i, FloatVec); }
template <typename Float, typename Bits>
Float rough_log2_bits(Float u) {
  Bits bits;
  std::memcpy(&bits, &u, sizeof bits);
  const Float exponent = to_float(((bits >> 23) & 0xff) - 127);
  bits = (bits & 0x007FFFFF) | 0x3F800000;
  Float m;
  std::memcpy(&m, &bits, sizeof m);
  const Float f = m - 1.0f;
  return exponent + f * (1.4234942f + f * (-0.58776924f + f * 0.16427505f));
}
inline float rough_log2(float u) { return rough_log2_bits<float, std::int32_t>(u); }

// Histogram slots of float data, a vector at a time (the common case of histogram(): float data, float
// positions). The same arithmetic as histogram()'s value-by-value positions, with the compares and min/max
// of first_pass_floats, and rough_log2 on the exponent and mantissa bits of each lane.
struct FloatBinning {
  float lo, hi;              // v is binned when lo <= v <= hi (floats that are exactly the double range)
  float t_lo, bins_per_unit, bins, inverse_c, log10_of_2;
  float near_low, near_high;  // a position whose fraction is below near_low or above near_high is near an edge
  int last_bin, zero_slot, outside_slot;
};

template <bool symlog>
void float_slots(const float* data, std::size_t count, const FloatBinning& fb, std::int32_t* slot) {
  const FloatVec zero = FloatVec{};
  for (std::size_t j = 0; j < count; j += kWidth) {
    FloatVec v;
    if (j + kWidth <= count) {
      v = load_vec(data + j);
    } else {  // the last values of the tensor, padded with zeros (whose slots are not read)
      float tail[kWidth] = {};
      std::memcpy(tail, data + j, (count - j) * sizeof(float));
      v = load_vec(tail);
    }
    FloatVec t = v;
    if constexpr (symlog) {  // sign(v) log10(1 + |v|/c), log2 estimated as in rough_log2(float)
      const IntVec sign = (IntVec)v & std::int32_t(0x80000000u);
      const FloatVec magnitude = (FloatVec)((IntVec)v & 0x7FFFFFFF);
      // No cap on |v|: a ratio that overflows (only outside the range, histogram() checks) is +inf, whose
      // rough_log2 is 128; a cap would have put every value above it in one bin.
      const FloatVec u = magnitude * fb.inverse_c + 1.0f;
      const FloatVec log2_u = rough_log2_bits<FloatVec, IntVec>(u);
      t = (FloatVec)((IntVec)(log2_u * fb.log10_of_2) | sign);  // the magnitude is >= 0: or-ing the sign is copysign
    }
    // Clamped to [0, bins] from both sides before the conversion, 0 first so that a NaN (which the factors
    // histogram() admits cannot produce from finite data) would become 0 too: the conversion is always
    // defined and in [0, bins].
    const FloatVec x = min_vec(max_vec(zero, (t - fb.t_lo) * fb.bins_per_unit), zero + fb.bins);
    const IntVec whole = __builtin_convertvector(x, IntVec);  // x >= 0: truncation is floor
    const FloatVec fraction = x - __builtin_convertvector(whole, FloatVec);
    const IntVec binned = (v != zero) & (v >= fb.lo) & (v <= fb.hi);
    const IntVec near = binned & ((fraction < fb.near_low) | (fraction > fb.near_high));
    const IntVec below_last = whole < fb.last_bin;
    const IntVec bin = (whole & below_last) | ((IntVec{} + fb.last_bin) & ~below_last);
    const IntVec is_zero = v == zero;
    const IntVec other = ((IntVec{} + fb.zero_slot) & is_zero) | ((IntVec{} + fb.outside_slot) & ~is_zero);
    const IntVec chosen = (bin & binned) | (other & ~binned);
    const IntVec marked = chosen ^ near;  // ~slot (negative) where the edges must decide
    // A whole vector is one fixed-size copy (one v128.store); only the tail's copy has a variable size,
    // which in wasm is a call to memcpy: made for every vector, those calls were a fifth of the binning.
    if (j + kWidth <= count) std::memcpy(slot + j, &marked, sizeof marked);
    else std::memcpy(slot + j, &marked, (count - j) * sizeof(std::int32_t));
  }
}

}  // namespace

namespace {

// The range histogram() bins over, finite and non-empty whatever it is given: a NaN bound counts as 0, an
// infinite one as the largest double; a single value (a constant tensor, or an empty one) gets a range of
// 1e-3 relative around it (0.5 around 0), at least out to the neighbouring doubles: near the smallest
// doubles |lo| 1e-3 is 0.
std::pair<double, double> usable_range(double lo, double hi) {
  constexpr double largest = std::numeric_limits<double>::max(), infinity = std::numeric_limits<double>::infinity();
  if (std::isnan(lo) || std::isnan(hi)) lo = hi = 0;
  lo = std::clamp(lo, -largest, largest), hi = std::clamp(hi, -largest, largest);
  if (!(hi > lo)) {
    const double centre = lo, half_width = centre == 0 ? 0.5 : std::abs(centre) * 1e-3;
    lo = std::max(std::min(centre - half_width, std::nextafter(centre, -infinity)), -largest);
    hi = std::min(std::max(centre + half_width, std::nextafter(centre, infinity)), largest);
  }
  return {lo, hi};
}

}  // namespace

HistogramAxis histogram_axis(double lo, double hi, double smallest_std) {
  if (!(lo <= hi)) lo = hi = 0;  // nothing finite anywhere
  HistogramAxis axis;
  std::tie(axis.lo, axis.hi) = usable_range(lo, hi);
  const double top = std::max(std::abs(axis.lo), std::abs(axis.hi));
  if (smallest_std > 0 && std::isfinite(smallest_std)) {
    // A tenth of the narrowest spread: that tensor's bulk is binned linearly and the decades above it
    // logarithmically; never more than a tenth of the largest magnitude, nor over 30 decades below it
    // (bins spread over empty decades), nor 0.
    axis.symlog_threshold = std::max({0.1 * std::min(smallest_std, top), top * 1e-30,
                                      std::numeric_limits<double>::denorm_min()});
  } else {
    axis.symlog_threshold = symlog_threshold_for(top);
  }
  return axis;
}

double symlog_threshold_for(double max_abs) {
  if (!(max_abs > 0) || !std::isfinite(max_abs)) return 1e-6;
  // At the smallest magnitudes the product rounds to 0, which is no threshold: the smallest double instead.
  return std::max(max_abs * 1e-6, std::numeric_limits<double>::denorm_min());
}

namespace {

constexpr double ln_10 = 2.302585092994045684;

// t(x) = sign(x) log10(1 + |x|/c), exact to rounding for every finite x and c > 0: log1p keeps ratios far
// below 1 (1 + |x|/c would round them to 1), and a ratio beyond the doubles takes log10|x| - log10 c.
double symlog_t(double x, double c) {
  const double ratio = std::abs(x) / c;
  const double t = std::isfinite(ratio) ? std::log1p(ratio) / ln_10 : std::log10(std::abs(x)) - std::log10(c);
  return std::copysign(t, x);
}

// Its inverse, c (10^|t| - 1) with the sign of t; 10^|t| alone may overflow where c 10^|t| does not.
double symlog_x(double t, double c) {
  const double exponent = std::abs(t) * ln_10;
  double x = c * std::expm1(exponent);
  if (!std::isfinite(x)) x = std::exp(exponent + std::log(c));
  return std::copysign(x, t);
}

}  // namespace

template <typename S>
Histogram histogram(const S* data, std::size_t n, const HistogramSpec& spec) {
  Histogram h;
  const int bins = std::max(1, spec.bins);
  constexpr double largest = std::numeric_limits<double>::max();
  // The range, finite and non-empty whatever the spec holds (usable_range).
  double lo = 0, hi = 0;
  std::tie(lo, hi) = usable_range(spec.lo, spec.hi);
  const double max_abs = std::max(std::abs(lo), std::abs(hi));
  const double c = spec.symlog_threshold > 0 && spec.symlog_threshold <= largest ? spec.symlog_threshold
                                                                                  : symlog_threshold_for(max_abs);
  // Bins are equal-width in t: t = x (linear) or sign(x) log10(1 + |x|/c) (symlog). A range too narrow for
  // t to tell its ends apart (1e300 to the next double) is binned linearly.
  bool symlog = spec.binning == Binning::symlog;
  double t_lo = lo, t_hi = hi;
  if (symlog) t_lo = symlog_t(lo, c), t_hi = symlog_t(hi, c);
  if (!(t_hi > t_lo)) symlog = false, t_lo = lo, t_hi = hi;
  // t_hi > t_lo, both finite; the width overflows for ranges wider than the largest double, and the bins per
  // unit are +inf for widths of a few denormals: the counting below checks both.
  const double t_width = t_hi - t_lo, bins_per_unit = bins / t_width;
  h.edges.resize(size_t(bins) + 1);
  const bool width_scales = std::isfinite(t_width * bins);
  for (int b = 0; b <= bins; ++b) {
    const double f = double(b) / bins;  // where width * b would overflow: the weighted mean of the ends
    const double t = width_scales ? t_lo + t_width * b / bins : t_lo * (1 - f) + t_hi * f;
    h.edges[size_t(b)] = symlog ? symlog_x(t, c) : t;
  }
  // Rounding (of the inverse transform, or of a width of a few denormals) may leave an edge out of order or
  // past hi: the edges are made non-decreasing within [lo, hi], which the binary searches below rely on.
  h.edges.front() = lo, h.edges.back() = hi;
  for (int b = 1; b < bins; ++b)
    h.edges[size_t(b)] = std::min(std::max(h.edges[size_t(b) - 1], h.edges[size_t(b)]), hi);  // NaN: the edge below
  h.counts.assign(size_t(bins), 0);

  // Counting: each value's position in bin units, x = (t - t_lo) bins_per_unit, with t from a cheap
  // estimate (symlog: rough_log2, no libm call per value); its bin is floor(x). Where x lies within the
  // estimate's error (plus rounding) of a whole number, the edges themselves decide, so a count always
  // agrees with the edges reported: bin b holds edges[b] <= v < edges[b+1], the top edge in the last bin
  // (numpy's rule).
  const double log10_of_2 = 0.30102999566398120, inverse_c = 1 / c;
  const double rough_log2_error = 0.00134;  // max |rough_log2 - log2| (see rough_log2)
  const double estimate_error = symlog ? rough_log2_error * log10_of_2 * bins_per_unit : 0;
  const double* edges = h.edges.data();
  // Position in bin units, in double. Every factor is finite (checked below), so no NaN arises from finite
  // data: at worst +-inf for a value far outside the range, which the clamp takes to an end. The clamp's
  // operand order sends NaN to 0 as well, so int(x) is always defined and in [0, bins].
  auto position = [&](double v, auto symlog_binning) {
    double t = v;
    if constexpr (decltype(symlog_binning)::value)  // rough_log2 of +inf (a ratio beyond the doubles) is finite
      t = std::copysign(rough_log2(1 + std::abs(v) * inverse_c) * log10_of_2, v);
    return std::min(std::max(0.0, (t - t_lo) * bins_per_unit), double(bins));
  };
  auto bin_at = [&](double x) { return std::clamp(int(x), 0, bins - 1); };
  auto is_near_edge = [](double x, double near_edge) {
    const double fraction = x - double(int(x));
    return fraction < near_edge || fraction > 1 - near_edge;
  };
  auto exact_bin = [&](double v, int b) {
    while (b > 0 && v < edges[b]) --b;
    while (b < bins - 1 && v >= edges[b + 1]) ++b;
    return b;
  };

  // Rounding of the positions, in bin units: a few ulps of the largest magnitude involved (of v, t, t_lo)
  // times the bins per unit, plus the absolute error of a result that underflows (t_lo, or a symlog ratio,
  // rounded to a denormal). Positions in double need finite bins per unit and 1/c, and for symlog values in
  // the range with a finite ratio |v|/c (rough_log2's bound holds for finite arguments).
  const double magnitude = std::max({std::abs(t_lo), std::abs(t_hi), max_abs});
  const double reach = magnitude * bins_per_unit, ratio_max = symlog ? max_abs / c : 0;
  const bool double_positions = bins_per_unit > 0 && std::isfinite(bins_per_unit) && std::isfinite(reach) &&
                                (!symlog || (std::isfinite(inverse_c) && std::isfinite(ratio_max)));
  const double double_error = 4 * 0x1.0p-53 * (reach + bins) + 4 * 0x1.0p-1074 * bins_per_unit;
  // Float positions (float data only) when float resolves the bins and every factor is a normal float (so
  // are in-range ratios |v|/c): bins per unit from a denormal-wide range, or 1/c for a threshold far below the
  // data, do not fit a float. Out of the range a difference or ratio may still overflow to +-inf: no NaN.
  const double float_limit = 0x1.0p126;
  auto is_normal_float = [&](double a) { return a >= 1 / float_limit && a <= float_limit; };
  const bool float_fits = std::is_same_v<S, float> && double_positions && magnitude <= float_limit &&
                          is_normal_float(bins_per_unit) &&
                          (!symlog || (is_normal_float(inverse_c) && ratio_max <= float_limit));
  const double float_error = 4 * 0x1.0p-24 * (reach + bins) + 4 * 0x1.0p-149 * bins_per_unit;
  const bool in_float = float_fits && float_error + estimate_error < 0.1;
  const double near_edge = estimate_error + (in_float ? float_error : double_error) + 1e-9;
  // A symlog range that is a sliver of a decade leaves the estimate no better than a guess: every value
  // then takes the binary search over the edges below, as does data with NaN or Inf, or a range whose
  // positions do not fit a double.
  if (double_positions && near_edge < 0.25 && all_finite(data, n)) {
    // Per block: first every value's position and slot, in a loop the compiler vectorizes (exact zeros
    // and values outside the range go to two extra slots past the bins by selects: the zeros of a ReLU
    // layer are half of it, in no predictable order). Then the increments, into four interleaved copies
    // so consecutive increments of one slot (the zero spike again) do not wait on each other; only a
    // value within near_edge of an edge takes the (rarely taken, so well predicted) branch to the edges.
    const int zero_slot = bins, outside_slot = bins + 1, stride = bins + 2;
    std::vector<std::uint32_t> slots(size_t(stride) * 4, 0);
    constexpr std::size_t block = 256;
    std::int32_t slot[block];
    auto count_block = [&](std::size_t start, std::size_t count, auto symlog_binning) {
      double where[block];
      for (std::size_t j = 0; j < count; ++j) {
        const S v = data[start + j];
        const double x = position(double(v), symlog_binning);
        const bool binned = (v != S(0)) & (double(v) >= lo) & (double(v) <= hi);
        where[j] = binned ? x : 0.5;  // zeros and outside values: mid-bin, never near an edge
        const int b = bin_at(x);
        slot[j] = v == S(0) ? zero_slot : (binned ? b : outside_slot);
      }
      for (std::size_t j = 0; j < count; ++j) {
        int target = slot[j];
        if (is_near_edge(where[j], near_edge)) target = exact_bin(double(data[start + j]), target);
        ++slots[size_t(int(j % 4) * stride + target)];
      }
    };
    if constexpr (std::is_same_v<S, float>) {
      if (in_float) {
        // Floats compared with floats: the smallest float >= lo and the largest <= hi bound exactly the
        // floats inside [lo, hi]; the near-edge band widened to whole floats, never narrowed.
        float lo_f = float(lo), hi_f = float(hi);
        if (double(lo_f) < lo) lo_f = std::nextafter(lo_f, std::numeric_limits<float>::infinity());
        if (double(hi_f) > hi) hi_f = std::nextafter(hi_f, -std::numeric_limits<float>::infinity());
        float near_low = float(near_edge), near_high = float(1 - near_edge);
        if (double(near_low) < near_edge) near_low = std::nextafter(near_low, 1.0f);
        if (double(near_high) > 1 - near_edge) near_high = std::nextafter(near_high, 0.0f);
        const FloatBinning fb{lo_f, hi_f, float(t_lo), float(bins_per_unit), float(bins),
                              symlog ? float(inverse_c) : 0.0f, float(log10_of_2), near_low, near_high,
                              bins - 1, zero_slot, outside_slot};
        for (std::size_t start = 0; start < n; start += block) {
          const std::size_t count = std::min(block, n - start);
          if (symlog) float_slots<true>(data + start, count, fb, slot);
          else float_slots<false>(data + start, count, fb, slot);
          for (std::size_t j = 0; j < count; ++j) {
            int target = slot[j];
            if (target < 0) target = exact_bin(double(data[start + j]), ~target);
            ++slots[size_t(int(j % 4) * stride + target)];
          }
        }
      }
    }
    for (std::size_t start = 0; start < n && !in_float; start += block) {
      const std::size_t count = std::min(block, n - start);
      if (symlog) count_block(start, count, std::true_type{});
      else count_block(start, count, std::false_type{});
    }
    for (int copy = 1; copy < 4; ++copy)
      for (int b = 0; b < stride; ++b) slots[size_t(b)] += slots[size_t(copy * stride + b)];
    std::copy(slots.begin(), slots.begin() + bins, h.counts.begin());
    h.zero_count = slots[size_t(zero_slot)];
    h.outside_count = slots[size_t(outside_slot)];
    return h;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double v = double(data[i]);
    if (!std::isfinite(v)) { ++h.nonfinite_count; continue; }
    if (v == 0) { ++h.zero_count; continue; }
    if (v < lo || v > hi) { ++h.outside_count; continue; }
    // lo <= v <= hi and edges[0] = lo: the first edge above v is edges[1] or later, or there is none (v = hi).
    const auto above = std::upper_bound(h.edges.begin(), h.edges.end(), v);
    ++h.counts[size_t(std::clamp(int(above - h.edges.begin()) - 1, 0, bins - 1))];
  }
  return h;
}

template Histogram histogram<float>(const float*, std::size_t, const HistogramSpec&);
template Histogram histogram<double>(const double*, std::size_t, const HistogramSpec&);

}  // namespace layerscope
