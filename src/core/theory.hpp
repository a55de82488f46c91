// What mean-field theory expects layer by layer, to draw dashed beside the measured depth profiles.
//
// Assumptions (exact for infinitely wide layers at initialisation): weights i.i.d. with variance
// sigma^2, every pre-activation Gaussian N(0, s^2), gradients independent of the forward values.
// Without normalization, with fan_in inputs of second moment q = E[h^2]:
//   s_l^2 = fan_in sigma^2 q_{l-1},   q_l = E[f(p)^2] for p ~ N(0, s_l^2)
// so each layer multiplies the second moment by fan_in sigma^2 E[f(p)^2]/s^2 (ReLU: fan_in sigma^2 / 2).
// Backward: E[dz^2] = E[dh^2] E[f'(p)^2], E[dh_{l-1}^2] = fan_out sigma^2 E[dz^2],
// E[dW^2] = N E[dz^2] q_{l-1}. Batch norm (gamma = 1, beta = 0) resets the normalized tensor to unit
// variance and divides the gradient through it by the std of its input.
// A residual layer (residual.hpp), h_l = h_{l-1} + alpha g_l, keeps the first moment m = E[h] too, as the
// branch g_l (a ReLU's output) has a mean: m_l = m_{l-1} + alpha E[g], q_l = q_{l-1} + 2 alpha m_{l-1} E[g] +
// alpha^2 E[g^2], std(h_l) = sqrt(q_l - m_l^2); backward, E[dh_{l-1}^2] = E[dh_l^2] + fan_out sigma^2
// E[dz^2] with the branch's dz from alpha dh_l. SELU (selu.hpp) enters through its Gaussian moments like
// any activation: with lecun_normal weights s^2 = 1 is its fixed point, E[f] = 0 and E[f^2] = 1.
#pragma once

#include <vector>

#include "config.hpp"

namespace layerscope {

struct TheoryProfile {
  // Index l = 0..L (index 0: the input; entries that do not exist there are NaN).
  // Layer l's own factor without normalization: E[p_l^2] / E[p_{l-1}^2] = fan_in_l sigma_l^2 E[f(p)^2]/s^2
  // over the previous layer (ReLU: fan_in sigma^2 / 2); layer 1: E[p_1^2] / E[x^2] = fan_in sigma^2. After a
  // residual layer the factor takes its whole output: fan_in sigma^2 E[h_{l-1}^2] / E[p_{l-1}^2].
  std::vector<double> variance_factor;
  std::vector<double> pre_activation_std;  // expected std of p_l
  std::vector<double> output_std;          // expected std of h_l
  std::vector<double> doutput_std;         // expected std of dL/dh_l (NaN for cross-entropy)
  std::vector<double> dweight_std;         // expected std of dL/dW_l (NaN for cross-entropy)
};

TheoryProfile theory_profile(const NetworkConfig& config);

// Variance of one weight entry of a layer with these fans, for the config's scheme and gain.
double weight_variance(const NetworkConfig& config, int fan_in, int fan_out);

// Gaussian moments of the activation: for p ~ N(0, s^2), E[f(p)], E[f(p)^2] and E[f'(p)^2]
// (Simpson's rule over +-10 standard deviations, 4000 intervals).
struct ActivationMoments {
  double mean, second_moment, slope_second_moment;
};
ActivationMoments activation_moments(Activation kind, double leaky_slope, double s);

}  // namespace layerscope
