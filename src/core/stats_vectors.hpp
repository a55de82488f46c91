// The vector helpers of the statistics (stats_summary.cpp, stats_order.cpp, stats_histogram.cpp): one
// vector type for float tensors, its loads, min/max, lane sums, and the all-finite probe. Internal to the
// statistics; stats.hpp is the interface.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace layerscope::stats_detail {

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

template <typename S>
inline bool all_finite(const S* data, std::size_t n) {
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

}  // namespace layerscope::stats_detail
