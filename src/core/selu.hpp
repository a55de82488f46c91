// SELU, the scaled exponential linear unit (Klambauer, Unterthiner, Mayr and Hochreiter, "Self-Normalizing
// Neural Networks", 2017):
//   selu(x) = lambda x                    for x > 0
//           = lambda alpha (e^x - 1)      for x <= 0
//   selu'(x) = lambda for x > 0, lambda alpha e^x = selu(x) + lambda alpha for x <= 0 (backward reads it
//   off the output: no exp).
//
// Where lambda and alpha come from. With weights of variance 1/fan_in (lecun_normal) and inputs of mean 0
// and second moment 1, each pre-activation is z ~ N(0, 1) (the mean-field view, theory.hpp). The layer is
// at a fixed point when its output has mean 0 and variance 1 again: E[selu(z)] = 0 and E[selu(z)^2] = 1.
// With Phi the standard normal CDF and the Gaussian integrals
//   E[z; z > 0] = 1/sqrt(2 pi),            E[z^2; z > 0] = 1/2,
//   E[e^z - 1; z <= 0] = e^(1/2) Phi(-1) - 1/2,
//   E[(e^z - 1)^2; z <= 0] = e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2,
// the mean condition fixes alpha and the variance condition then lambda:
//   alpha = (1/sqrt(2 pi)) / (1/2 - e^(1/2) Phi(-1))                               = 1.6732632423543772...
//   lambda = 1 / sqrt(1/2 + alpha^2 (e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2))        = 1.0507009873554805...
// selu_constants_derived() computes them from these formulas; tests/test_theory.cpp checks them against
// the literals below (the paper's values, to double precision). The fixed point is attracting (the paper's
// Theorem 1), so inputs of another scale converge to it over the layers; weights of another variance move
// the fixed point itself, which config_warnings() says.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sigmoid.hpp"

namespace layerscope {

constexpr double selu_lambda = 1.0507009873554804934;
constexpr double selu_alpha = 1.6732632423543772848;

struct SeluConstants {
  double lambda, alpha;
};
inline SeluConstants selu_constants_derived() {
  const double pi = 3.14159265358979323846;
  auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const double e_half_phi1 = std::exp(0.5) * Phi(-1);
  const double alpha = (1 / std::sqrt(2 * pi)) / (0.5 - e_half_phi1);
  const double negative_square = std::exp(2.0) * Phi(-2) - 2 * e_half_phi1 + 0.5;
  const double lambda = 1 / std::sqrt(0.5 + alpha * alpha * negative_square);
  return {lambda, alpha};
}

// c ? a : b for floats, as bit operations: GCC does not turn a choice between two computed floats into a vector
// select (under its default -ftrapping-math it will not compute both), and the SELU loops then stayed scalar
// (11.8 us for a 100 x 60 forward against ReLU's 0.5). The same value as the branch, NaN included.
__attribute__((always_inline)) inline float select_f32(bool c, float a, float b) {
  std::int32_t a_bits, b_bits;
  std::memcpy(&a_bits, &a, 4);
  std::memcpy(&b_bits, &b, 4);
  const std::int32_t mask = -std::int32_t(c);  // all ones where c
  const std::int32_t bits = (a_bits & mask) | (b_bits & ~mask);
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

// The float array versions, vectorized the way sigmoid_f32 is (Eigen's exp in wasm is scalar and slow):
// e^x from exp_clamped_f32 on min(x, 0) clamped to -87 (below, e^x - 1 is -1 to float precision). NaN
// stays NaN: it fails x > 0 and passes the clamp.
__attribute__((noinline)) inline void selu_f32(float* __restrict out, const float* __restrict in, std::size_t n) {
  constexpr float lambda = float(selu_lambda), lambda_alpha = float(selu_lambda * selu_alpha);
  for (std::size_t i = 0; i < n; ++i) {
    const float x = in[i];
    const bool positive = x > 0.0f;
    float t = select_f32(positive, 0.0f, x);
    t = select_f32(t < -87.0f, -87.0f, t);
    out[i] = select_f32(positive, lambda * x, lambda_alpha * (exp_clamped_f32(t) - 1.0f));
  }
}

// dinp = dout * selu'(inp), with selu' = lambda where inp > 0, else out + lambda alpha (= lambda alpha e^inp).
__attribute__((noinline)) inline void selu_backward_f32(float* __restrict dinp, const float* __restrict dout,
                                                        const float* __restrict inp, const float* __restrict out,
                                                        std::size_t n) {
  constexpr float lambda = float(selu_lambda), lambda_alpha = float(selu_lambda * selu_alpha);
  for (std::size_t i = 0; i < n; ++i) dinp[i] = dout[i] * select_f32(inp[i] > 0.0f, lambda, out[i] + lambda_alpha);
}

}  // namespace layerscope
