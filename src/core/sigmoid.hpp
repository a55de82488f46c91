// The logistic sigmoid of a float array, s(x) = 1 / (1 + e^-x), written so that it vectorizes in
// WebAssembly SIMD128 as well as natively. Eigen's exp compiled to wasm through Emscripten's SSE headers
// (its float-to-int conversion is emulated lane by lane) took about 12 ns a value: 18% of a Figure 1 training
// step in Node (node --cpu-prof). This one is plain float arithmetic and integer bit operations.
//
// e^t = 2^n e^r with n = round(t / ln 2) and r = t - n ln 2, |r| <= ln(2)/2:
//   - n by the round-to-nearest trick: t log2(e) + 1.5 2^23 has n in its low mantissa bits;
//   - r in two steps, ln 2 = ln2_hi + ln2_lo, with ln2_hi = 0.693145751953125 (0x3f317200) short
//     enough (15 significant bits) that n ln2_hi is exact for |n| <= 127;
//   - e^r by its Taylor series to r^7 (Horner): the first term left out is |r|^8 / 8! <= 4.5e-9, below
//     float's 6e-8, so the error is float rounding, a few ulp;
//   - 2^n by writing n + 127 into the exponent bits.
// t = -x is clamped to [-87, 88] so 2^n stays a normal float (e^88 = 1.65e38 < FLT_MAX); beyond that
// range s(x) is 1 or below 1e-38 anyway. NaN stays NaN (the clamps are comparisons, NaN passes both).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace layerscope {

// e^t for one float, t already clamped to [-87, 88] (the method above). Inlined into each array loop so
// that the loop vectorizes; sigmoid_f32 and selu_f32 (selu.hpp) share it.
__attribute__((always_inline)) inline float exp_clamped_f32(float t) {
  constexpr float log2e = 1.44269504088896341f, ln2_hi = 0.693145751953125f, ln2_lo = 1.42860682030941723e-6f;
  constexpr float round_magic = 12582912.0f;  // 1.5 * 2^23
  const float shifted = t * log2e + round_magic;
  const float fn = shifted - round_magic;  // round(t log2 e)
  std::int32_t shifted_bits, magic_bits;
  std::memcpy(&shifted_bits, &shifted, 4);
  std::memcpy(&magic_bits, &round_magic, 4);
  const std::int32_t k = shifted_bits - magic_bits;  // the same n as an integer
  const float r = (t - fn * ln2_hi) - fn * ln2_lo;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::uint32_t scale_bits = std::uint32_t(k + 127) << 23;
  float scale;
  std::memcpy(&scale, &scale_bits, 4);
  return p * scale;
}

__attribute__((noinline)) inline void sigmoid_f32(float* __restrict out, const float* __restrict in, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    float t = -in[i];
    t = t < -87.0f ? -87.0f : t;
    t = t > 88.0f ? 88.0f : t;
    out[i] = 1.0f / (1.0f + exp_clamped_f32(t));
  }
}

}  // namespace layerscope
