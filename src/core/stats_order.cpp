// Exact order statistics without sorting, and numpy's "linear" percentiles on them (stats_order.hpp);
// percentile() of stats.hpp.
#include "stats_order.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "stats_vectors.hpp"

namespace layerscope {
namespace stats_detail {

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

template void fill_percentiles<float>(TensorSummary&, const float*, std::size_t);
template void fill_percentiles<double>(TensorSummary&, const double*, std::size_t);
template void linear_percentiles<float>(double*, const double*, int, const TensorSummary&, const float*, std::size_t);
template void linear_percentiles<double>(double*, const double*, int, const TensorSummary&, const double*,
                                         std::size_t);

}  // namespace stats_detail

template <typename S>
double percentile(const S* data, std::size_t n, double q) {
  // The order statistics of summarize(), not a sorted copy: no allocation of the tensor's size.
  const TensorSummary s = summarize(data, n, {}, false);
  if (s.finite_count == 0) return n > 0 ? std::numeric_limits<double>::quiet_NaN() : 0;
  double value = 0;
  stats_detail::linear_percentiles(&value, &q, 1, s, data, n);
  return value;
}

template double percentile<float>(const float*, std::size_t, double);
template double percentile<double>(const double*, std::size_t, double);

}  // namespace layerscope
