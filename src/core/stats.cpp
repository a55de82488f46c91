#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace layerscope {

namespace {

// Float tensors (what the page shows) go through vectors: GCC/Clang vector extensions, so the same source
// is SIMD128 in wasm (4 floats) and SSE/AVX/AVX-512 natively (4, 8 or 16). Summary sums run in float inside
// blocks of kBlock values and in double across blocks: a float sum never runs long enough to lose digits
// that matter. (Lane counts differ between builds, so native and wasm sums agree to rounding, not bits.)
#if defined(__AVX512F__)
constexpr int kWidth = 16;
#elif defined(__AVX__)
constexpr int kWidth = 8;
#else
constexpr int kWidth = 4;
#endif
typedef float FloatVec __attribute__((vector_size(4 * kWidth)));
typedef std::int32_t IntVec __attribute__((vector_size(4 * kWidth)));
constexpr std::size_t kBlock = 2048;

inline FloatVec load_vec(const float* p) {
  FloatVec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
// min and max as a compare and a select in this operand order are wasm's f32x4.pmin/pmax: one instruction
// each, where f32x4.min/max (NaN-propagating) cost several (docs/toolchain.md). They skip NaN: the sums catch it.
// With a NaN operand both return their first operand (as std::min/std::max do).
inline FloatVec min_vec(FloatVec a, FloatVec b) {
#ifdef __wasm_simd128__
  return __builtin_wasm_pmin_f32x4(a, b);
#else
  return b < a ? b : a;
#endif
}
inline FloatVec max_vec(FloatVec a, FloatVec b) {
#ifdef __wasm_simd128__
  return __builtin_wasm_pmax_f32x4(a, b);
#else
  return a < b ? b : a;
#endif
}
inline double lanes_sum(FloatVec v) {
  double total = 0;
  for (int j = 0; j < kWidth; ++j) total += double(v[j]);
  return total;
}

// Whether any lane of a compare's result is true.
inline bool any_lane(IntVec mask) {
  std::uint64_t words[sizeof(IntVec) / 8], any = 0;
  std::memcpy(words, &mask, sizeof mask);
  for (std::uint64_t w : words) any |= w;
  return any != 0;
}

// Exact order statistics of the finite values without sorting them: one pass counts the values into
// `buckets` equal-width buckets over [lo, hi]; the bucket holding rank k follows from the running counts;
// a second pass gathers only the buckets that hold a wanted rank, and nth_element finishes inside them.
// Exact zeros (the dead-ReLU spike, often half a tensor) are counted, not gathered: inside its bucket
// they sit between the negative and the positive values.
template <typename S>
class OrderStatistics {
 public:
  static constexpr int buckets = 4096;

  OrderStatistics(const S* data, std::size_t n, bool all_finite, std::uint64_t zero_count, double lo, double hi)
      : data_(data), n_(n), all_finite_(all_finite), zero_count_(zero_count), lo_(S(lo)), hi_(S(hi)) {
    // Buckets per unit: +inf for a range of a few denormals, capped at the largest S (every value then
    // shares a bucket or two with its neighbours: slower, still exact); 0 when hi - lo overflows.
    const double scale = hi > lo ? buckets / (hi - lo) : 0;
    scale_ = S(std::min(scale, double(std::numeric_limits<S>::max())));
    // Every value finite and hi - lo finite in S: then every (v - lo) scale is within [0, buckets] up to
    // rounding, and the cheaper bucket<true> applies.
    in_range_ = all_finite && std::isfinite(hi_ - lo_);
    counts_.assign(buckets, 0);
    if (!all_finite) {
      for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(data[i])) ++counts_[size_t(bucket<false>(data[i]))];
      return;
    }
    // Per block: the buckets first (a loop that vectorizes), then the increments into four interleaved
    // copies, so runs of equal values (the zero spike) do not serialize on one counter.
    constexpr std::size_t block = 256;
    std::int32_t index[block];
    std::vector<std::uint32_t> copies(size_t(buckets) * 4, 0);
    for (std::size_t start = 0; start < n; start += block) {
      const std::size_t count = std::min(block, n - start);
      if (in_range_) {
        for (std::size_t j = 0; j < count; ++j) index[j] = bucket<true>(data[start + j]);
      } else {
        for (std::size_t j = 0; j < count; ++j) index[j] = bucket<false>(data[start + j]);
      }
      std::size_t j = 0;
      for (; j + 4 <= count; j += 4)
        for (int copy = 0; copy < 4; ++copy) ++copies[size_t(copy * buckets + index[j + size_t(copy)])];
      for (; j < count; ++j) ++copies[size_t(index[j])];
    }
    for (int b = 0; b < buckets; ++b)
      counts_[size_t(b)] = copies[size_t(b)] + copies[size_t(buckets + b)] + copies[size_t(2 * buckets + b)] +
                           copies[size_t(3 * buckets + b)];
  }

  // The values at the given ranks (0-based among the finite values, each < the finite count).
  std::vector<double> at_ranks(const std::vector<std::size_t>& ranks) {
    // Which bucket holds each rank, and its rank inside the bucket.
    std::vector<int> bucket_of(ranks.size());
    std::vector<std::size_t> rank_in_bucket(ranks.size());
    std::vector<std::uint64_t> first_rank(buckets + 1, 0);
    for (int b = 0; b < buckets; ++b) first_rank[size_t(b) + 1] = first_rank[size_t(b)] + counts_[size_t(b)];
    std::vector<std::int32_t> slot(buckets, -1);
    std::vector<std::vector<S>> gathered;
    for (std::size_t r = 0; r < ranks.size(); ++r) {
      const int b = int(std::upper_bound(first_rank.begin() + 1, first_rank.end(), ranks[r]) - first_rank.begin()) - 1;
      bucket_of[r] = b;
      rank_in_bucket[r] = ranks[r] - first_rank[size_t(b)];
      if (slot[size_t(b)] < 0) {
        slot[size_t(b)] = int(gathered.size());
        gathered.emplace_back();
      }
    }
    // Zeros are not gathered: their count is known, and all of them sit in the bucket of 0. Routing them
    // by a select keeps the one branch below (is this value wanted?) almost always not taken.
    std::vector<std::size_t> zeros(gathered.size(), 0);
    if (lo_ <= S(0) && S(0) <= hi_ && slot[size_t(bucket<false>(S(0)))] >= 0)
      zeros[size_t(slot[size_t(bucket<false>(S(0)))])] = zero_count_;
    std::size_t first_unread = 0;
    if constexpr (std::is_same_v<S, float>) {
      if (all_finite_) {
        // Float data, all finite: each vector's buckets compared with the few wanted ones (at most two per
        // percentile); only a vector holding a wanted value goes value by value. In wasm the table lookup
        // below is a scalar load per value: this pass took most of a percentile's time.
        std::vector<std::int32_t> wanted_buckets;
        for (int b = 0; b < buckets; ++b)
          if (slot[size_t(b)] >= 0) wanted_buckets.push_back(b);
        const std::size_t whole = n_ / kWidth * kWidth;
        for (std::size_t i = 0; i < whole; i += kWidth) {
          const FloatVec v = load_vec(data_ + i);
          // As bucket<false>(), operand for operand: clamped, then truncated.
          const FloatVec x = min_vec(max_vec(FloatVec{}, (v - lo_) * scale_), FloatVec{} + float(buckets - 1));
          const IntVec b = __builtin_convertvector(x, IntVec);
          IntVec hit = IntVec{};
          for (std::int32_t w : wanted_buckets) hit |= b == w;
          hit &= v != FloatVec{};
          if (!any_lane(hit)) continue;
          for (int j = 0; j < kWidth; ++j)
            if (hit[j]) gathered[size_t(slot[size_t(b[j])])].push_back(v[j]);
        }
        first_unread = whole;
      }
    }
    constexpr std::size_t block = 256;
    std::int32_t wanted[block];
    for (std::size_t start = first_unread; start < n_; start += block) {
      const std::size_t count = std::min(block, n_ - start);
      for (std::size_t j = 0; j < count; ++j) {
        const S v = data_[start + j];
        const std::int32_t g = slot[size_t(bucket<false>(v))];  // v may be NaN here
        wanted[j] = v == S(0) || !(all_finite_ || std::isfinite(v)) ? -1 : g;
      }
      for (std::size_t j = 0; j < count; ++j)
        if (wanted[j] >= 0) gathered[size_t(wanted[j])].push_back(data_[start + j]);
    }
    std::vector<double> out(ranks.size());
    for (std::size_t r = 0; r < ranks.size(); ++r) {
      const int g = slot[size_t(bucket_of[r])];
      std::vector<S>& values = gathered[size_t(g)];
      const auto first_positive = std::partition(values.begin(), values.end(), [](S v) { return v < S(0); });
      const std::size_t negatives = std::size_t(first_positive - values.begin());
      std::size_t k = rank_in_bucket[r];
      if (k < negatives) {
        std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), first_positive);
        out[r] = double(values[k]);
      } else if (k < negatives + zeros[size_t(g)]) {
        out[r] = 0;
      } else {
        k -= zeros[size_t(g)];
        std::nth_element(first_positive, values.begin() + std::ptrdiff_t(k), values.end());
        out[r] = double(values[k]);
      }
    }
    return out;
  }

 private:
  // Computed in S the same way in both passes, so a value always lands in the same bucket, and never
  // decreasing as v grows (what the ranks rely on). Any v: clamped before the conversion, 0 first, so NaN
  // (from NaN data, or an overflowing v - lo times a zero scale) and +-inf give 0 and buckets - 1, and int()
  // is always defined. in_range: truncated first, then clamped, which in wasm vectorizes better (the
  // percentiles ~10% faster); the same bucket wherever (v - lo) scale is in [0, buckets], all it is then.
  template <bool in_range>
  int bucket(S v) const {
    if constexpr (in_range) {
      const int b = int((v - lo_) * scale_);
      return b < 0 ? 0 : (b > buckets - 1 ? buckets - 1 : b);
    } else {
      return int(std::min(std::max(S(0), (v - lo_) * scale_), S(buckets - 1)));
    }
  }

  const S* data_;
  std::size_t n_;
  bool all_finite_;
  std::uint64_t zero_count_;
  S lo_, hi_, scale_;
  bool in_range_ = false;
  std::vector<std::uint64_t> counts_;
};

// numpy's "linear" percentiles of the finite values: at position q/100 (m-1) among the m sorted finite
// values, interpolated between the order statistics floor(position) and the next. `s` is the tensor's
// summary (its finite count, zeros, min and max; at least one finite value). The one path for every
// percentile: the summaries' five and percentile()'s one.
template <typename S>
void linear_percentiles(double* out, const double* qs, int count, const TensorSummary& s, const S* data,
                        std::size_t n) {
  const std::size_t m = std::size_t(s.finite_count);
  std::vector<std::size_t> ranks;
  for (int i = 0; i < count; ++i) {
    const std::size_t k = std::size_t(qs[i] / 100.0 * double(m - 1));
    ranks.push_back(k);
    ranks.push_back(std::min(k + 1, m - 1));
  }
  OrderStatistics<S> order(data, n, s.finite_count == n, s.zero_count, s.min, s.max);
  const std::vector<double> values = order.at_ranks(ranks);
  for (int i = 0; i < count; ++i) {
    const double position = qs[i] / 100.0 * double(m - 1);
    const double fraction = position - double(ranks[2 * size_t(i)]);
    const double below = values[2 * size_t(i)], above = values[2 * size_t(i) + 1];
    out[i] = fraction > 0 ? below + fraction * (above - below) : below;
  }
}

template <typename S>
void fill_percentiles(TensorSummary& s, const S* data, std::size_t n) {
  linear_percentiles(s.percentiles, summary_percentiles, summary_percentile_count, s, data, n);
  s.has_percentiles = true;
}

template <typename S>
bool all_finite(const S* data, std::size_t n) {
  // x - x is 0 for finite x and NaN for NaN or +-Inf, and NaN survives any sum: lane sums of x - x are
  // all 0 exactly when every value is finite.
  constexpr int lanes = 16;
  S probe[lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    for (int j = 0; j < lanes; ++j) probe[j] += data[i + std::size_t(j)] - data[i + std::size_t(j)];
  S total = 0;
  for (; i < n; ++i) total += data[i] - data[i];
  for (int j = 0; j < lanes; ++j) total += probe[j];
  return total == S(0);
}

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
    std::memcpy(slot + j, &marked, std::min(count - j, std::size_t(kWidth)) * sizeof(std::int32_t));
  }
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
  if (with_percentiles) fill_percentiles(s, data, n);
  return s;
}

template <typename S>
double percentile(const S* data, std::size_t n, double q) {
  // The order statistics of summarize(), not a sorted copy: no allocation of the tensor's size.
  const TensorSummary s = summarize(data, n, {}, false);
  if (s.finite_count == 0) return n > 0 ? std::numeric_limits<double>::quiet_NaN() : 0;
  double value = 0;
  linear_percentiles(&value, &q, 1, s, data, n);
  return value;
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
  constexpr double largest = std::numeric_limits<double>::max(), infinity = std::numeric_limits<double>::infinity();
  // The range, finite and non-empty whatever the spec holds (a NaN bound counts as 0, an infinite one as the
  // largest double).
  double lo = spec.lo, hi = spec.hi;
  if (std::isnan(lo) || std::isnan(hi)) lo = hi = 0;
  lo = std::clamp(lo, -largest, largest), hi = std::clamp(hi, -largest, largest);
  if (!(hi > lo)) {  // a constant tensor (or an empty one): give the single value a visible bin
    // 1e-3 relative, and at least out to the neighbouring doubles: near the smallest doubles |lo| 1e-3 is 0.
    const double centre = lo, half_width = centre == 0 ? 0.5 : std::abs(centre) * 1e-3;
    lo = std::max(std::min(centre - half_width, std::nextafter(centre, -infinity)), -largest);
    hi = std::min(std::max(centre + half_width, std::nextafter(centre, infinity)), largest);
  }
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

template TensorSummary summarize<float>(const float*, std::size_t, SaturationBand, bool);
template TensorSummary summarize<double>(const double*, std::size_t, SaturationBand, bool);
template double percentile<float>(const float*, std::size_t, double);
template double percentile<double>(const double*, std::size_t, double);
template Histogram histogram<float>(const float*, std::size_t, const HistogramSpec&);
template Histogram histogram<double>(const double*, std::size_t, const HistogramSpec&);

}  // namespace layerscope
