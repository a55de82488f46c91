// The evidence probes of issue 21: what a training report measures, when the training field `probes` is
// on, about why batch norm helps. Each is computed on copies of the network, so the run itself is
// untouched (bit-identical to one without probes: tests/test_probes.cpp).
//
// All of them are taken on one batch x (input_dim x N, one column per sample) with its labels, in train
// mode (batch statistics; bn_noise: the noise of `noise_step`), from parameters theta:
//
// 1. Internal covariate shift (Santurkar, Tsipras, Ilyas, Madry, "How Does Batch Normalization Help
//    Optimization?", NeurIPS 2018, section 2.2): for each layer i >= 2 (the output layer is L+1),
//    G_i = dL/dW_i at theta, and G'_i = dL/dW_i after layers 1..i-1 have taken their step: every parameter
//    of those layers moved by -lr * its gradient at theta (a plain gradient step at the run's learning rate,
//    whatever the run's optimizer, as in the paper's definition). Reported: ||G_i - G'_i||_2, the same over
//    ||G_i||_2, and cos(G_i, G'_i). Layer 1 has no layers before it: nothing is reported (NaN).
//
// 2. Smoothness along the gradient (the same paper, section 3.1): g = dL/dtheta over every parameter,
//    and for each step size eta_k (log-spaced from lr / probe_span to lr * probe_span, probe_steps of them),
//    theta_k = theta - eta_k g, its loss L_k and gradient g_k. Reported: the spread of the loss along the line
//    (max - min of L(theta) and every L_k), the gradient predictiveness max_k ||g - g_k||, and the effective
//    smoothness (the largest ratio of gradient change to distance moved) max_k ||g - g_k|| / (eta_k ||g||).
//    Relative to the gradient: the loss spread over eta_max ||g||^2 (the first-order change of the loss
//    over the longest step) and max_k ||g - g_k|| / ||g||. A network on a plateau has tiny gradients and so
//    a tiny absolute spread and predictiveness for that reason alone; the relative predictiveness does not
//    shrink with the gradient, and is the one a caption should use.
//
// 3. Effective rank of each layer's output h_l (F x N; l = 0 is the input) on the batch (Roy & Vetterli,
//    "The effective rank: a measure of effective dimensionality", EUSIPCO 2007): with sigma_1.. the singular
//    values of h_l (not centred: a collapse of every sample onto one direction is rank 1, as in Daneshmand
//    et al. 2020), p_k = sigma_k / sum sigma, erank = exp(-sum_k p_k ln p_k). Between 1 and min(F, N); 0 for
//    a matrix of zeros; NaN when h_l holds NaN or Inf.
#pragma once

#include <vector>

#include "layers.hpp"
#include "network.hpp"
#include "training_config.hpp"

namespace layerscope {

struct LayerProbe {
  double shift_distance, shift_relative, shift_cosine;  // covariate shift of W_i; NaN for layer 1
  double effective_rank;                                 // of h_l, l = 0..L; NaN for the output layer L+1
};

struct ProbeReport {
  bool present = false;                 // false when the run has probes off (nothing below is measured)
  std::vector<LayerProbe> layers;       // 0..L+1
  double loss = 0;                      // L(theta) on the probe batch
  double gradient_norm = 0;             // ||g||
  std::vector<double> step_sizes;       // eta_k
  std::vector<double> losses;           // L(theta - eta_k g)
  std::vector<double> gradient_changes; // ||g - g_k||
  double loss_spread = 0, loss_spread_relative = 0;
  double predictiveness = 0, predictiveness_relative = 0;
  double effective_smoothness = 0;
  double seconds = 0;                   // what measuring took
};

// The step sizes of the smoothness probe: probe_steps values log-spaced from lr / span to lr * span.
std::vector<double> probe_step_sizes(double learning_rate, int steps, double span);

// Every probe above, on copies of `net`. `noise_step`: the training step whose bn_noise the batch sees.
template <typename S>
ProbeReport measure_probes(const Network<S>& net, const Matrix<S>& x, const std::vector<int>& labels,
                           const TrainingConfig& config, long noise_step);

// Roy & Vetterli's effective rank of h (rows x columns), computed in double from the eigenvalues of the
// smaller Gram matrix (sigma_k^2, by Jacobi rotations); eigenvalues below n * 2^-52 of the largest count as 0.
template <typename S>
double effective_rank(const Matrix<S>& h);

// Every parameter's gradient of the network's last backward, flattened in for_each_parameter's order.
template <typename S>
std::vector<double> flat_gradient(Network<S>& net);

extern template ProbeReport measure_probes(const Network<float>&, const Matrix<float>&, const std::vector<int>&,
                                           const TrainingConfig&, long);
extern template ProbeReport measure_probes(const Network<double>&, const Matrix<double>&, const std::vector<int>&,
                                           const TrainingConfig&, long);
extern template double effective_rank(const Matrix<float>&);
extern template double effective_rank(const Matrix<double>&);
extern template std::vector<double> flat_gradient(Network<float>&);
extern template std::vector<double> flat_gradient(Network<double>&);

}  // namespace layerscope
