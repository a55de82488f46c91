// Residual connections: layer l adds its input back to what it computes,
//   h_l = h_{l-1} + alpha_l g_l(h_{l-1}),
// where the branch g_l is the whole plain layer (linear map, normalization and activation in the config's
// placement: network.hpp) and alpha_l a scalar. Only a layer whose input and output have the same width can
// do it; here that is every layer but the first (which maps input_dim features to width), so `residual`
// chooses layers 2..L (every_layer) or the even ones 2, 4, ... (every_second_layer, a plain layer between
// two residual ones).
//
// alpha (`residual_scale`):
//   one             alpha = 1: the sum of L branches of similar variance grows with depth.
//   inv_sqrt_depth  alpha = 1/sqrt(L): L branches of variance v add up to about v, not L v.
//   trained         alpha is a parameter per layer (ParameterKind::alpha), started at 0, so every residual
//                   layer is the identity at initialisation and the network starts as shallow as it can be;
//                   the optimizers train it with the weights. This is SkipInit (De and Smith, "Batch
//                   Normalization Biases Residual Blocks Towards the Identity Function in Deep Networks",
//                   2020). Fixup (Zhang, Dauphin and Ma 2019) reaches a similar start differently: it keeps
//                   alpha = 1 but initialises each branch's last layer to zero, rescales the branch's other
//                   weights by L^(-1/(2m-2)) (m layers per branch) and adds scalar biases and a multiplier;
//                   here the branch keeps its initialisation and only the scalar alpha starts at 0.
// alpha is kept as a 1-entry tensor in every residual layer's LayerParameters whatever the mode (so the
// dumps, the gradient check and --init-from see it); the optimizers update it only when trained.
//
// Backward, with dout = dL/dh_l (F x N):
//   dL/dg_l = alpha dout                 (into the branch's backward)
//   dL/dalpha = sum over entries of dout * g_l
//   dL/dh_{l-1} = dout + (what the branch's backward gives through W_l^T)
#pragma once

#include <cmath>

#include "config.hpp"
#include "layers.hpp"

namespace layerscope {

// Which layers have one: has_residual_connection (config.hpp).

// alpha at initialisation: 1, 1/sqrt(depth), or 0 (trained, SkipInit).
inline double residual_alpha_at_init(const NetworkConfig& c) {
  switch (c.residual_scale) {
    case ResidualScale::one: return 1.0;
    case ResidualScale::inv_sqrt_depth: return 1.0 / std::sqrt(double(c.depth));
    case ResidualScale::trained: return 0.0;
  }
  return 1.0;
}

// What a dump's "alpha" tensor is (one entry per residual layer l): the one wording for both dumps.
inline const char* residual_alpha_meaning(const NetworkConfig& c) {
  return c.residual_scale == ResidualScale::trained
             ? "alpha_l, the residual branch's scale, trained (started at 0, SkipInit): h_l = h_{l-1} + alpha_l g_l"
             : "alpha_l, the residual branch's scale, fixed by residual_scale (1 or 1/sqrt(depth), not trained): "
               "h_l = h_{l-1} + alpha_l g_l";
}

template <typename S>
void residual_forward(Matrix<S>& out, const Matrix<S>& inp, const Matrix<S>& branch, S alpha) {
  // out, inp, branch: F x N.  out = inp + alpha branch
  out.noalias() = inp + alpha * branch;
}

template <typename S>
void residual_backward(Matrix<S>& dbranch, S& dalpha, const Matrix<S>& dout, const Matrix<S>& branch, S alpha) {
  // dbranch, dout, branch: F x N. dL/dg = alpha dout; dL/dalpha = sum dout * g (Eigen's vectorized sum, with
  // several partial sums: a sequential loop neither vectorizes nor keeps float's error small).
  // dL/dinp = dout + ..., added by the caller once the branch's own dL/dinp is there.
  dbranch.noalias() = alpha * dout;
  dalpha = (dout.array() * branch.array()).sum();
}

}  // namespace layerscope
