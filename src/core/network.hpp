// A deep fully connected network with optional normalization, run forward and backward once.
//
// Layer l = 1..L maps h_{l-1} (I x N) to h_l (F x N):
//   z_l = W_l h_{l-1} (+ b_l)                                   linear
//   placement before: p_l = norm(z_l), a_l = f(p_l), h_l = a_l    (the paper)
//   placement after:  p_l = z_l,       a_l = f(p_l), h_l = norm(a_l)   (the post)
//   no normalization: p_l = z_l,       h_l = a_l = f(p_l)
// With a residual connection (residual.hpp) that h_l is the branch g_l, and the layer's output is
//   h_l = h_{l-1} + alpha_l g_l.
// p_l is the "pre-activation" the statistics show. h_0 = x is the input.
// With upstream cross_entropy a classifier head follows: logits = W_out h_L + b_out and the mean softmax
// cross-entropy, layers.hpp's cross_entropy_forward/backward pair; its parameters are entry L+1 below.
#pragma once

#include <functional>
#include <vector>

#include "config.hpp"
#include "layers.hpp"
#include "residual.hpp"
#include "rng.hpp"
#include "sparse_input.hpp"

namespace layerscope {

// The kinds of learnable tensor a layer has, in the order every table of them walks (for_each_tensor).
// What a parameter is decides how it is treated (weight decay takes the weights only), not its name.
enum class ParameterKind { weight, bias, gamma, beta, alpha };
// "weight", "bias", "gamma", "beta", "alpha": the dumps' names
const char* to_string(ParameterKind kind);

// A layer's learnable tensors: W_l (F x I), and b_l, gamma_l, beta_l (F; empty where the layer has none),
// and alpha_l (1 entry: the residual branch's scale, residual.hpp; empty without a residual connection).
// The same type holds their gradients dL/dW_l, dL/db_l, ... (same shapes), as llm.c's ParameterTensors
// serve both its parameters and its gradients, so that an optimizer walks a parameter and its gradient
// alike (Network::for_each_parameter). The output layer of the cross-entropy head is one more entry,
// L+1: W_out (classes x F) and b_out, without gamma and beta.
template <typename S>
struct LayerParameters {
  Matrix<S> weight;
  Vector<S> bias, gamma, beta;
  Vector<S> alpha;
};

// The one table of a layer's tensors: f(kind, a's tensor, the others' tensors of that kind...) for each
// tensor that a has, in ParameterKind's order. The others are LayerParameters of the same layer: its
// gradients, an optimizer's moments (of the same shapes, or empty before their first use).
template <typename F, typename A, typename... Others>
void for_each_tensor(F&& f, A& a, Others&... others) {
  f(ParameterKind::weight, a.weight, others.weight...);
  if (a.bias.size()) f(ParameterKind::bias, a.bias, others.bias...);
  if (a.gamma.size()) f(ParameterKind::gamma, a.gamma, others.gamma...);
  if (a.beta.size()) f(ParameterKind::beta, a.beta, others.beta...);
  if (a.alpha.size()) f(ParameterKind::alpha, a.alpha, others.alpha...);
}

// Batch norm's running statistics: buffers that forward updates in train mode and reads in eval mode,
// beside the parameters (no gradient, no optimizer). F each; empty without batch norm.
template <typename S>
struct BatchNormBuffers {
  Vector<S> running_mean, running_var;
};

// What forward keeps for the statistics and for backward. The normalized xhat is not kept (backward
// recomputes it from the normalization's input and statistics): Network::normalized(l) gives it.
template <typename S>
struct LayerActivations {
  Matrix<S> linear_out;      // z: F x N
  Matrix<S> norm_out;        // gamma xhat + beta: F x N (empty without normalization)
  Vector<S> batch_mean, batch_var;  // F, batch norm in train mode (biased variance)
  Vector<S> batch_rstd;      // F, batch norm: 1/sqrt(var + eps) of the batch's (train) or running (eval) var
  RowVector<S> sample_mean, sample_rstd;   // N, per-sample normalization
  Matrix<S> activation_out;  // a = f(p): F x N
  Matrix<S> residual_out;    // h = h_{l-1} + alpha g: F x N (empty without a residual connection)
  // bn_noise, train mode: the scale and shift applied after batch norm (F x N), drawn for noise step
  // `noise_step` and layer `noise_layer` (kept while they match: backward and repeated forwards reuse them).
  Matrix<S> noise_scale, noise_shift;
  long noise_step = -1;
  int noise_layer = -1;
};

template <typename S>
class Network {
 public:
  // Validates the config (throws ConfigError) and draws the input, weights and upstream from the seed,
  // through `draws` when given (the same numbers, remembered for the next network: see DrawCache).
  explicit Network(const NetworkConfig& config, DrawCache* draws = nullptr);

  // Called as soon as a layer's tensors are ready, while they are still in cache: by forward() with l once
  // layer l's activations are computed (l = 0, the input, first), by backward() with l once dL/dh_l is
  // (l = L down to 0; dL/dW_{l+1} is ready by then too).
  using LayerReady = std::function<void(int l)>;

  // Runs the batch x (input_dim x n, one column per sample; any n, at least 2 with batch norm in train
  // mode). Train mode: batch statistics, and the running statistics are updated. Eval mode: running
  // statistics. The init-time view runs forward(input(), config().mode).
  // Layer 1 takes the sparse product (sparse_input.hpp) when at least sparse_input_min_zero_fraction of x
  // is zero (MNIST batches; not the init-time view's Gaussian input): input_was_sparse() tells.
  void forward(const Matrix<S>& x, Mode mode, const LayerReady& layer_ready = nullptr);
  // Needs forward() first. Fills every gradient from dL/dh_L back to dL/dh_1, and dL/dx when
  // `input_gradient` (training skips it: nothing reads it, and it is the largest product of layer 1).
  // Without dL/dx, a sparse input's dL/dW_1 is the sparse sum; with it, layer 1 runs the dense products.
  // `labels` (one per column of x) are read by the cross-entropy loss only.
  void backward(const std::vector<int>& labels, bool input_gradient = true, const LayerReady& layer_ready = nullptr);
  // The scalar whose gradient backward() computes: sum(G * h_L) for a random upstream G (so dL/dh_L = G),
  // or the MSE / mean cross-entropy loss. In double whatever S is.
  double loss(const std::vector<int>& labels) const;
  // Fraction of the columns whose largest logit is their label (cross-entropy only).
  double accuracy(const std::vector<int>& labels) const;

  // The init-time run: the batch, mode and labels the constructor drew.
  void forward(const LayerReady& layer_ready = nullptr) { forward(input_, config_.mode, layer_ready); }
  void backward(const LayerReady& layer_ready = nullptr) { backward(labels_, true, layer_ready); }
  double loss() const { return loss(labels_); }

  // Every learnable tensor with its gradient, which has the same shape: weight, bias, gamma, beta of layers
  // 1..L, then the output layer's weight and bias (cross-entropy). An optimizer walks them alike.
  // visit(layer, kind, parameter, gradient, size); layer L+1 is the output layer. Batch norm's running
  // statistics are buffers, not parameters: they are not visited.
  template <typename Visit>
  void for_each_parameter(Visit&& visit) {
    const int last = parameter_layers();
    for (int l = 1; l <= last; ++l) {
      for_each_tensor([&](ParameterKind kind, auto& parameter, auto& gradient) {
        visit(l, kind, parameter.data(), gradient.data(), size_t(parameter.size()));
      }, params_[l], param_grads_[l]);
    }
  }
  // The layers that have parameters: L, or L+1 with the cross-entropy head's output layer.
  int parameter_layers() const { return config_.depth + (config_.upstream == UpstreamSource::cross_entropy); }
  Mode last_mode() const { return mode_; }
  // Whether the last forward() ran layer 1 as a sparse product (and backward() without dL/dx will).
  bool input_was_sparse() const { return input_sparse_; }

  // bn_noise: the noise of train-mode forwards is that of training step `step` (the trainer sets it before
  // each step; 0 until then), layer l drawing from stream::bn_noise(step, l + layer_offset). A copy of the
  // network draws the same noise; the gradient check's tail networks set layer_offset to their first layer - 1.
  void set_noise_step(long step, int layer_offset = 0) { noise_step_ = step, noise_layer_offset_ = layer_offset; }
  long noise_step() const { return noise_step_; }

  // Eval mode set-up: `warmup_batches` train-mode forward passes on fresh inputs, updating the running
  // statistics. The constructor calls it when the config asks for eval mode.
  void warm_up_running_statistics();

  const NetworkConfig& config() const { return config_; }
  int depth() const { return config_.depth; }

  // Layers are numbered 1..L as in the equations (L+1: the output layer, for the parameters); index 0 of
  // the vectors is unused.
  LayerParameters<S>& parameters(int l) { return params_[l]; }
  const LayerParameters<S>& parameters(int l) const { return params_[l]; }
  // dL/dW_l, dL/db_l, dL/dgamma_l, dL/dbeta_l of the last backward(), for l = 1..parameter_layers().
  const LayerParameters<S>& param_grads(int l) const { return param_grads_[l]; }
  BatchNormBuffers<S>& buffers(int l) { return buffers_[l]; }
  const BatchNormBuffers<S>& buffers(int l) const { return buffers_[l]; }
  const LayerActivations<S>& activations(int l) const { return acts_[l]; }

  Matrix<S>& input() { return input_; }
  const Matrix<S>& input() const { return input_; }
  const Matrix<S>& dinput() const { return dinput_; }
  // h_l for l = 0..L (h_0 is the input), and p_l for l = 1..L.
  const Matrix<S>& output(int l) const;
  // Whether layer l (1..L) adds its input back: it has an alpha (residual.hpp). Set from the config at
  // construction; a network whose parameters are replaced takes the residual layers of the new ones.
  bool has_residual(int l) const { return l >= 1 && l <= config_.depth && params_[l].alpha.size() != 0; }
  // g_l, what layer l computes before its residual connection adds h_{l-1} (h_l itself without one).
  const Matrix<S>& branch_output(int l) const;
  const Matrix<S>& pre_activation(int l) const;
  // dL/dh_l for l = 0..L (dL/dh_0 is dL/dx: empty when backward() skipped it). Needs backward().
  const Matrix<S>& doutput(int l) const { return l == 0 ? dinput_ : doutputs_[l]; }
  // What the normalization of layer l (1..L) takes in (z_l before the activation, a_l after it) and its
  // xhat, computed from that input and the statistics forward used. Needs normalization and forward().
  const Matrix<S>& normalization_input(int l) const;
  Matrix<S> normalized(int l) const;
  // dL/dz_l for l = 1..L, recomputed from dL/dh_l as backward() computed it. Needs backward().
  Matrix<S> linear_gradient(int l) const;

  // The random upstream G, the MSE targets, or (empty) for cross-entropy.
  const Matrix<S>& upstream() const { return upstream_; }
  const std::vector<int>& labels() const { return labels_; }
  const Matrix<S>& logits() const { return logits_; }

 private:
  void initialize_weights(Matrix<S>& weight, int fan_out, int fan_in, std::uint64_t stream_id, DrawCache* draws);
  // `sparse`: the nonzeros of inp, for the sparse product (layer 1 only), or null for the dense one.
  void forward_layer(int l, const Matrix<S>& inp, bool use_batch_statistics, bool update_running,
                     const SparseInput<S>* sparse = nullptr);
  void normalize_forward(int l, Matrix<S>& out, const Matrix<S>& inp, bool use_batch_statistics,
                         bool update_running);
  // dL/dz_l from dout = dL/dg_l (dL/dh_l without a residual connection): through the activation and the
  // normalization (scratch holds the one between).
  void backward_to_linear(int l, const Matrix<S>& dout, Matrix<S>& dlinear, Vector<S>& dgamma, Vector<S>& dbeta,
                          Matrix<S>& scratch) const;
  void normalize_backward(int l, Matrix<S>& dinp, Vector<S>& dgamma, Vector<S>& dbeta, const Matrix<S>& dout,
                          ThenThrough then) const;
  void loss_gradient(Matrix<S>& dlast, const std::vector<int>& labels);
  // bn_noise: layer l's scale and shift (F x N) for the current noise step, drawn unless already held.
  void draw_noise(int l, Eigen::Index F, Eigen::Index N);
  long noise_step_ = 0;
  int noise_layer_offset_ = 0;

  NetworkConfig config_;
  Matrix<S> input_, dinput_;
  std::vector<LayerParameters<S>> params_, param_grads_;  // 1..parameter_layers()
  std::vector<BatchNormBuffers<S>> buffers_;               // 1..L
  std::vector<LayerActivations<S>> acts_;                  // 1..L
  std::vector<Matrix<S>> doutputs_;                        // dL/dh_l, 1..L
  Matrix<S> upstream_;
  std::vector<int> labels_;
  Matrix<S> logits_;
  Mode mode_ = Mode::train;  // of the last forward()
  SparseInput<S> sparse_input_;  // the nonzeros of input_ when input_sparse_
  bool input_sparse_ = false;
  // dL/dz_l of the layer backward is in: one buffer for all layers (nothing reads it once the layer's
  // products are done); linear_gradient(l) recomputes it.
  Matrix<S> dlinear_;
  Matrix<S> scratch_;  // dL/da or dL/dp during backward
  Matrix<S> dbranch_;  // dL/dg_l = alpha dL/dh_l of a residual layer during backward

  // The gradient check's bn_backward = post only (gradcheck.hpp): normalization backward runs the seed post's
  // wrong equations (post_batchnorm.hpp) where batch statistics are used. No config field reaches it; only
  // that friend sets it, on a double network of its own.
  friend void use_post_normalization_backward(Network<double>& net);
  bool post_normalization_backward_ = false;
};

extern template class Network<float>;
extern template class Network<double>;

}  // namespace layerscope
