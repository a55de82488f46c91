#include "theory.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "residual.hpp"
#include "selu.hpp"

namespace layerscope {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double apply(Activation kind, double slope, double x) {
  switch (kind) {
    case Activation::relu: return x > 0 ? x : 0;
    case Activation::leaky_relu: return x > 0 ? x : slope * x;
    case Activation::tanh: return std::tanh(x);
    case Activation::sigmoid: return 1 / (1 + std::exp(-x));
    case Activation::linear: return x;
    case Activation::selu: return x > 0 ? selu_lambda * x : selu_lambda * selu_alpha * std::expm1(x);
  }
  return x;
}

double derivative(Activation kind, double slope, double x) {
  switch (kind) {
    case Activation::relu: return x > 0 ? 1 : 0;
    case Activation::leaky_relu: return x > 0 ? 1 : slope;
    case Activation::tanh: { double t = std::tanh(x); return 1 - t * t; }
    case Activation::sigmoid: { double g = 1 / (1 + std::exp(-x)); return g * (1 - g); }
    case Activation::linear: return 1;
    case Activation::selu: return x > 0 ? selu_lambda : selu_lambda * selu_alpha * std::exp(x);
  }
  return 1;
}

constexpr int simpson_intervals = 4000;  // even; the ReLU kink at 0 falls on the middle node
constexpr double simpson_step = 20.0 / simpson_intervals;

// Simpson's weights times exp(-u^2/2) at the nodes u = -10 .. 10: the same for every activation and
// scale, so computed once (the exp per node was most of a profile's time: 1.1 ms of 4 in wasm).
const std::vector<double>& gaussian_weights() {
  static const std::vector<double> weights = [] {
    std::vector<double> w(simpson_intervals + 1);
    for (int i = 0; i <= simpson_intervals; ++i) {
      const double u = (i - simpson_intervals / 2) * simpson_step;
      w[size_t(i)] = (i == 0 || i == simpson_intervals ? 1 : (i % 2 ? 4 : 2)) * std::exp(-0.5 * u * u);
    }
    return w;
  }();
  return weights;
}
}  // namespace

ActivationMoments activation_moments(Activation kind, double leaky_slope, double s) {
  const double pi = 3.14159265358979323846;
  const std::vector<double>& weights = gaussian_weights();
  // f' jumps at the kink (ReLU, leaky ReLU): the middle node joins two Simpson halves (weight 2 = 1 + 1),
  // each of which needs its one-sided limit there, so it takes their average.
  const double df_left = derivative(kind, leaky_slope, -1e-300), df_right = derivative(kind, leaky_slope, 1e-300);
  const double df2_at_kink = 0.5 * (df_left * df_left + df_right * df_right);
  double m1 = 0, m2 = 0, d2 = 0;
  for (int i = 0; i <= simpson_intervals; ++i) {
    const double u = (i - simpson_intervals / 2) * simpson_step;  // exactly 0 at the middle node
    const double w = weights[size_t(i)];
    const double f = apply(kind, leaky_slope, s * u), df = derivative(kind, leaky_slope, s * u);
    const double df2 = u == 0 ? df2_at_kink : df * df;
    m1 += w * f, m2 += w * f * f, d2 += w * df2;
  }
  const double norm = simpson_step / 3 / std::sqrt(2 * pi);
  return {m1 * norm, m2 * norm, d2 * norm};
}

double weight_variance(const NetworkConfig& c, int fan_in, int fan_out) {
  const double fi = fan_in, fo = fan_out, g2 = c.gain * c.gain;
  switch (c.init) {
    case InitScheme::normal_scaled: return g2 * c.init_scale * c.init_scale;
    case InitScheme::xavier_normal: return g2 * 2 / (fi + fo);
    case InitScheme::xavier_uniform: return g2 * 2 / (fi + fo);  // U(-a, a): a^2/3 = 2/(fi+fo)
    case InitScheme::he_normal: return g2 * 2 / fi;
    case InitScheme::he_uniform: return g2 * 2 / fi;             // a^2/3 = 2/fi
    case InitScheme::lecun_normal: return g2 / fi;
  }
  return 0;
}

TheoryProfile theory_profile(const NetworkConfig& c) {
  const int L = c.depth;
  TheoryProfile t;
  t.variance_factor.assign(size_t(L) + 1, nan);
  t.pre_activation_std.assign(size_t(L) + 1, nan);
  t.output_std.assign(size_t(L) + 1, nan);
  t.doutput_std.assign(size_t(L) + 1, nan);
  t.dweight_std.assign(size_t(L) + 1, nan);
  const bool norm = c.normalization != Normalization::none;
  const bool before = norm && c.placement == Placement::before_activation;

  // Forward: q = E[h^2] of the layer's input; per layer keep what backward needs.
  std::vector<double> sigma2(size_t(L) + 1), input_q(size_t(L) + 1), s_linear(size_t(L) + 1),
      act_std(size_t(L) + 1);
  std::vector<ActivationMoments> moments(size_t(L) + 1);
  std::vector<double> residual(size_t(L) + 1, -1);  // alpha of a residual layer, -1 for a plain one
  double q = c.input_scale * c.input_scale;
  double mean = 0;                // E[h] of the layer's input (the input: 0)
  double q_over_previous_s2 = 1;  // E[h_{l-1}^2] / E[p_{l-1}^2]: what the activation keeps (input: 1)
  t.output_std[0] = c.input_scale;
  for (int l = 1; l <= L; ++l) {
    const int fan_in = l == 1 ? c.input_dim : c.width;
    sigma2[size_t(l)] = weight_variance(c, fan_in, c.width);
    input_q[size_t(l)] = q;
    const double s_z = std::sqrt(fan_in * sigma2[size_t(l)] * q);  // std of z = W h
    t.variance_factor[size_t(l)] = fan_in * sigma2[size_t(l)] * q_over_previous_s2;
    s_linear[size_t(l)] = s_z;
    const double s_p = before ? 1.0 : s_z;                      // normalized before: unit variance
    t.pre_activation_std[size_t(l)] = s_p;
    const ActivationMoments m = moments[size_t(l)] = activation_moments(c.activation, c.leaky_slope, s_p);
    act_std[size_t(l)] = std::sqrt(std::max(0.0, m.second_moment - m.mean * m.mean));
    if (s_p > 0) q_over_previous_s2 = m.second_moment / (s_p * s_p);
    // The plain layer's output g_l: normalized after the activation, mean 0 and variance 1; else f(p).
    const double branch_mean = norm && !before ? 0.0 : m.mean;
    const double branch_q = norm && !before ? 1.0 : m.second_moment;
    if (has_residual_connection(c, l)) {
      // h_l = h_{l-1} + alpha g_l, with g_l's randomness (W_l) independent of h_{l-1}: the cross term is the
      // product of the means, so
      //   E[h_l] = E[h_{l-1}] + alpha E[g],  E[h_l^2] = E[h_{l-1}^2] + 2 alpha E[h_{l-1}] E[g] + alpha^2 E[g^2].
      // With ReLU and alpha = 1 (He or Xavier weights) E[g^2] is about E[h_{l-1}^2] / 2 or more, so the second
      // moment grows by half or more per layer; alpha = 1/sqrt(L) keeps the sum of the L branches near one
      // branch's; alpha = 0 (SkipInit's start) passes h_{l-1} through unchanged.
      const double alpha = residual[size_t(l)] = residual_alpha_at_init(c);
      q = q + 2 * alpha * mean * branch_mean + alpha * alpha * branch_q;
      mean = mean + alpha * branch_mean;
      t.output_std[size_t(l)] = std::sqrt(std::max(0.0, q - mean * mean));
      if (s_p > 0 && !before) q_over_previous_s2 = q / (s_p * s_p);
    } else {
      q = branch_q, mean = branch_mean;
      t.output_std[size_t(l)] = norm && !before ? 1.0 : act_std[size_t(l)];
    }
  }

  // Backward, from the upstream's second moment.
  double g2;
  switch (c.upstream) {
    case UpstreamSource::random: g2 = c.upstream_scale * c.upstream_scale; break;
    case UpstreamSource::mse: g2 = (q + 1) / (double(c.batch) * c.batch); break;  // ((h - t)/N)^2
    default: return t;
  }
  for (int l = L; l >= 1; --l) {
    t.doutput_std[size_t(l)] = std::sqrt(g2);
    const ActivationMoments& m = moments[size_t(l)];
    // A residual layer's branch gets alpha dL/dh_l; dL/dh_{l-1} is dL/dh_l plus what the branch sends back
    // through W_l^T, uncorrelated with it (W_l has mean 0), so their second moments add.
    const double alpha = residual[size_t(l)];
    const double branch_g2 = alpha >= 0 ? alpha * alpha * g2 : g2;
    double dz2;
    if (!norm) dz2 = branch_g2 * m.slope_second_moment;
    else if (before) dz2 = branch_g2 * m.slope_second_moment / (s_linear[size_t(l)] * s_linear[size_t(l)]);
    else dz2 = branch_g2 / (act_std[size_t(l)] * act_std[size_t(l)]) * m.slope_second_moment;
    t.dweight_std[size_t(l)] = std::sqrt(c.batch * dz2 * input_q[size_t(l)]);
    const double through_branch = c.width * sigma2[size_t(l)] * dz2;  // fan_out of layer l is its width
    g2 = alpha >= 0 ? g2 + through_branch : through_branch;
  }
  t.doutput_std[0] = std::sqrt(g2);
  return t;
}

}  // namespace layerscope
