#include "network.hpp"

#include <cmath>
#include <type_traits>

#include "post_batchnorm.hpp"
#include "rng.hpp"

namespace layerscope {

template <typename S>
Network<S>::Network(const NetworkConfig& config, DrawCache* draws) : config_(config) {
  validate(config_);
  const int L = config_.depth, F = config_.width, I = config_.input_dim, N = config_.batch;
  const bool norm = config_.normalization != Normalization::none;

  // x: I x N, filled in storage order (sample by sample, the features of each sample in turn).
  input_.resize(I, N);
  fill_normal(draws, config_.seed, stream::input, input_.data(), size_t(input_.size()), config_.input_scale);

  params_.resize(size_t(parameter_layers()) + 1);
  param_grads_.resize(params_.size());
  buffers_.resize(L + 1);
  acts_.resize(L + 1);
  doutputs_.resize(L + 1);
  for (int l = 1; l <= L; ++l) {
    LayerParameters<S>& p = params_[l];
    initialize_weights(p.weight, F, l == 1 ? I : F, stream::weights(l), draws);
    if (config_.bias) p.bias = Vector<S>::Zero(F);
    if (norm) {
      p.gamma = Vector<S>::Ones(F);
      p.beta = Vector<S>::Zero(F);
    }
    if (has_residual_connection(config_, l)) p.alpha = Vector<S>::Constant(1, S(residual_alpha_at_init(config_)));
    if (config_.normalization == Normalization::batch) {
      // Running statistics start where PyTorch's do: mean 0, variance 1.
      buffers_[l].running_mean = Vector<S>::Zero(F);
      buffers_[l].running_var = Vector<S>::Ones(F);
    }
  }

  switch (config_.upstream) {
    case UpstreamSource::random:
      upstream_.resize(F, N);
      fill_normal(draws, config_.seed, stream::upstream, upstream_.data(), size_t(upstream_.size()),
                  config_.upstream_scale);
      break;
    case UpstreamSource::mse:  // targets t ~ N(0,1)
      upstream_.resize(F, N);
      fill_normal(draws, config_.seed, stream::upstream, upstream_.data(), size_t(upstream_.size()), 1.0);
      break;
    case UpstreamSource::cross_entropy: {
      Rng upstream_rng(config_.seed, stream::upstream);
      labels_.resize(size_t(N));
      for (int& label : labels_) label = int(upstream_rng.below(std::uint32_t(config_.classes)));
      LayerParameters<S>& out = params_[L + 1];  // the output layer
      initialize_weights(out.weight, config_.classes, F, stream::output_layer, draws);
      out.bias = Vector<S>::Zero(config_.classes);
      break;
    }
  }

  if (config_.mode == Mode::eval && config_.normalization == Normalization::batch) warm_up_running_statistics();
}

template <typename S>
void Network<S>::initialize_weights(Matrix<S>& weight, int fan_out, int fan_in, std::uint64_t stream_id,
                                    DrawCache* draws) {
  // weight: fan_out x fan_in. Each scheme's standard deviation (normal) or bound (uniform), times gain.
  weight.resize(fan_out, fan_in);
  const std::uint64_t seed = config_.seed;
  const double g = config_.gain, fi = fan_in, fo = fan_out;
  auto* w = weight.data();
  const size_t n = size_t(weight.size());
  switch (config_.init) {
    case InitScheme::normal_scaled: fill_normal(draws, seed, stream_id, w, n, g * config_.init_scale); break;
    case InitScheme::xavier_normal: fill_normal(draws, seed, stream_id, w, n, g * std::sqrt(2.0 / (fi + fo))); break;
    case InitScheme::xavier_uniform: fill_uniform(draws, seed, stream_id, w, n, g * std::sqrt(6.0 / (fi + fo))); break;
    case InitScheme::he_normal: fill_normal(draws, seed, stream_id, w, n, g * std::sqrt(2.0 / fi)); break;
    case InitScheme::he_uniform: fill_uniform(draws, seed, stream_id, w, n, g * std::sqrt(6.0 / fi)); break;
    case InitScheme::lecun_normal: fill_normal(draws, seed, stream_id, w, n, g * std::sqrt(1.0 / fi)); break;
  }
}

template <typename S>
const Matrix<S>& Network<S>::branch_output(int l) const {
  return branch_output_is_activation(config_) ? acts_[l].activation_out : acts_[l].norm_out;
}

template <typename S>
const Matrix<S>& Network<S>::output(int l) const {
  if (l == 0) return input_;
  return has_residual(l) ? acts_[l].residual_out : branch_output(l);
}

template <typename S>
const Matrix<S>& Network<S>::pre_activation(int l) const {
  const bool before = config_.normalization != Normalization::none && config_.placement == Placement::before_activation;
  return before ? acts_[l].norm_out : acts_[l].linear_out;
}

template <typename S>
void Network<S>::forward(const Matrix<S>& x, Mode mode, const LayerReady& layer_ready) {
  if (x.rows() != config_.input_dim)
    throw ConfigError("input_dim", "the batch has " + std::to_string(x.rows()) + " features per sample, the network " +
                                       std::to_string(config_.input_dim));
  if (&x != &input_) input_ = x;
  mode_ = mode;
  input_sparse_ = gather_sparse_input(sparse_input_, input_);
  const bool train = mode == Mode::train;
  if (layer_ready) layer_ready(0);
  for (int l = 1; l <= config_.depth; ++l) {
    forward_layer(l, output(l - 1), train, train, l == 1 && input_sparse_ ? &sparse_input_ : nullptr);
    if (layer_ready) layer_ready(l);
  }
  if (config_.upstream == UpstreamSource::cross_entropy) {
    const LayerParameters<S>& out = params_[config_.depth + 1];
    cross_entropy_forward(logits_, output(config_.depth), out.weight, out.bias);
  }
}

template <typename S>
void Network<S>::warm_up_running_statistics() {
  Matrix<S> batch(config_.input_dim, config_.batch);
  Rng rng(config_.seed, stream::warmup);
  for (int b = 0; b < config_.warmup_batches; ++b) {
    fill_normal(rng, batch.data(), size_t(batch.size()), config_.input_scale);
    forward_layer(1, batch, true, true);
    for (int l = 2; l <= config_.depth; ++l) forward_layer(l, output(l - 1), true, true);
  }
}

template <typename S>
void Network<S>::forward_layer(int l, const Matrix<S>& inp, bool use_batch_statistics, bool update_running,
                               const SparseInput<S>* sparse) {
  LayerActivations<S>& a = acts_[l];
  const LayerParameters<S>& p = params_[l];
  const S slope = S(config_.leaky_slope);
  if (sparse)
    sparse_linear_forward(a.linear_out, *sparse, p.weight, config_.bias ? &p.bias : nullptr);
  else
    linear_forward(a.linear_out, inp, p.weight, config_.bias ? &p.bias : nullptr);
  if (config_.normalization == Normalization::none) {
    activation_forward(a.activation_out, a.linear_out, config_.activation, slope);
  } else if (config_.placement == Placement::before_activation) {
    normalize_forward(l, a.norm_out, a.linear_out, use_batch_statistics, update_running);
    activation_forward(a.activation_out, a.norm_out, config_.activation, slope);
  } else {
    activation_forward(a.activation_out, a.linear_out, config_.activation, slope);
    normalize_forward(l, a.norm_out, a.activation_out, use_batch_statistics, update_running);
  }
  if (has_residual(l)) residual_forward(a.residual_out, inp, branch_output(l), p.alpha(0));
}

template <typename S>
void Network<S>::normalize_forward(int l, Matrix<S>& out, const Matrix<S>& inp, bool use_batch_statistics,
                                   bool update_running) {
  LayerActivations<S>& a = acts_[l];
  const LayerParameters<S>& p = params_[l];
  BatchNormBuffers<S>& running = buffers_[l];
  const S eps = S(config_.epsilon);
  if (config_.normalization == Normalization::per_sample) {
    samplenorm_forward(out, a.sample_mean, a.sample_rstd, inp, p.gamma, p.beta, eps);
    return;
  }
  if (!use_batch_statistics) {
    batchnorm_forward_eval(out, a.batch_rstd, inp, p.gamma, p.beta, running.running_mean, running.running_var, eps);
    return;
  }
  batchnorm_forward(out, a.batch_mean, a.batch_var, a.batch_rstd, inp, p.gamma, p.beta, eps);
  if (update_running) {
    // The running variance takes the unbiased estimate N/(N-1) var (the paper's inference step).
    const S n = S(inp.cols()), m = S(config_.momentum);
    running.running_mean = (S(1) - m) * running.running_mean + m * a.batch_mean;
    running.running_var = (S(1) - m) * running.running_var + (m * n / (n - S(1))) * a.batch_var;
  }
  if (config_.bn_noise) {  // batch norm + noise: out <- scale * out + shift (train mode only)
    draw_noise(l, out.rows(), out.cols());
    noise_forward(out, out, a.noise_scale, a.noise_shift);
  }
}

template <typename S>
void Network<S>::draw_noise(int l, Eigen::Index F, Eigen::Index N) {
  LayerActivations<S>& a = acts_[l];
  const int layer = l + noise_layer_offset_;
  if (a.noise_step == noise_step_ && a.noise_layer == layer && a.noise_scale.rows() == F && a.noise_scale.cols() == N)
    return;
  // This step's distribution of the layer's noise, then every entry from it (scale first, then shift,
  // each in storage order: column by column).
  Rng rng(config_.seed, stream::bn_noise(noise_step_, layer));
  const double m = config_.bn_noise_mean, sd = config_.bn_noise_std;
  const double scale_mean = 1 + m * (2 * rng.uniform() - 1), scale_std = sd * rng.uniform();
  const double shift_mean = m * (2 * rng.uniform() - 1), shift_std = sd * rng.uniform();
  a.noise_scale.resize(F, N);
  a.noise_shift.resize(F, N);
  fill_normal(rng, a.noise_scale.data(), size_t(F * N), scale_std);
  fill_normal(rng, a.noise_shift.data(), size_t(F * N), shift_std);
  a.noise_scale.array() += S(scale_mean);
  a.noise_shift.array() += S(shift_mean);
  a.noise_step = noise_step_, a.noise_layer = layer;
}

template <typename S>
const Matrix<S>& Network<S>::normalization_input(int l) const {
  const bool before = config_.placement == Placement::before_activation;
  return before ? acts_[l].linear_out : acts_[l].activation_out;
}

template <typename S>
Matrix<S> Network<S>::normalized(int l) const {
  const LayerActivations<S>& a = acts_[l];
  Matrix<S> xhat;
  if (config_.normalization == Normalization::per_sample)
    samplenorm_normalized(xhat, normalization_input(l), a.sample_mean, a.sample_rstd);
  else if (config_.normalization == Normalization::batch)
    batchnorm_normalized(xhat, normalization_input(l),
                         mode_ == Mode::eval ? buffers_[l].running_mean : a.batch_mean, a.batch_rstd);
  return xhat;
}

template <typename S>
void Network<S>::normalize_backward(int l, Matrix<S>& dinp, Vector<S>& dgamma, Vector<S>& dbeta,
                                    const Matrix<S>& dout, ThenThrough then) const {
  const LayerActivations<S>& a = acts_[l];
  const LayerParameters<S>& p = params_[l];
  const Matrix<S>& inp = normalization_input(l);
  // The gradient check's wrong-on-purpose variant (see the member), double networks only (no float code for it
  // in the wasm download); the post has no eval mode.
  if constexpr (std::is_same_v<S, double>) {
    if (post_normalization_backward_ && !(config_.normalization == Normalization::batch && mode_ == Mode::eval)) {
      post_normalization_backward(config_.normalization, dinp, dgamma, dbeta, dout, inp, a.norm_out, p.gamma);
      if (then == ThenThrough::relu_of_input) dinp = (inp.array() <= S(0)).select(S(0), dinp);
      return;
    }
  }
  if (config_.normalization == Normalization::per_sample)
    samplenorm_backward(dinp, dgamma, dbeta, dout, inp, a.sample_mean, a.sample_rstd, p.gamma);
  else if (mode_ == Mode::eval)
    batchnorm_backward_eval(dinp, dgamma, dbeta, dout, inp, buffers_[l].running_mean, a.batch_rstd, p.gamma);
  else if (config_.bn_noise) {  // through the noise first: dL/d(batch norm's output) = scale * dL/dout
    Matrix<S> dnormalized;
    noise_backward(dnormalized, dout, a.noise_scale);
    batchnorm_backward(dinp, dgamma, dbeta, dnormalized, inp, a.batch_mean, a.batch_rstd, p.gamma, then);
  } else
    batchnorm_backward(dinp, dgamma, dbeta, dout, inp, a.batch_mean, a.batch_rstd, p.gamma, then);
}

template <typename S>
void Network<S>::loss_gradient(Matrix<S>& dlast, const std::vector<int>& labels) {
  const Matrix<S>& h = output(config_.depth);
  const Eigen::Index columns = h.cols();
  const S n = S(columns);
  switch (config_.upstream) {
    case UpstreamSource::random: dlast = upstream_; break;
    case UpstreamSource::mse: dlast = (h - upstream_) / n; break;  // d/dh of 1/(2N) sum (h - t)^2
    case UpstreamSource::cross_entropy: {
      LayerParameters<S>& output_grads = param_grads_[config_.depth + 1];
      const LayerParameters<S>& out = params_[config_.depth + 1];
      cross_entropy_backward(dlast, output_grads.weight, output_grads.bias, logits_, labels, h, out.weight);
      break;
    }
  }
}

template <typename S>
void Network<S>::backward_to_linear(int l, const Matrix<S>& dout, Matrix<S>& dlinear, Vector<S>& dgamma,
                                    Vector<S>& dbeta, Matrix<S>& scratch) const {
  const LayerActivations<S>& a = acts_[l];
  const Activation act = config_.activation;
  const S slope = S(config_.leaky_slope);
  if (config_.normalization == Normalization::none) {
    activation_backward(dlinear, dout, a.linear_out, a.activation_out, act, slope);
  } else if (config_.placement == Placement::before_activation) {
    activation_backward(scratch, dout, a.norm_out, a.activation_out, act, slope);  // dL/dp
    normalize_backward(l, dlinear, dgamma, dbeta, scratch, ThenThrough::nothing);
  } else if (act == Activation::relu && config_.normalization == Normalization::batch && mode_ == Mode::train) {
    // The post's layer, a = relu(z), h = bn(a): both steps in batch norm's pass over a (see ThenThrough).
    normalize_backward(l, dlinear, dgamma, dbeta, dout, ThenThrough::relu_of_input);
  } else {
    normalize_backward(l, scratch, dgamma, dbeta, dout, ThenThrough::nothing);  // dL/da
    activation_backward(dlinear, scratch, a.linear_out, a.activation_out, act, slope);
  }
}

template <typename S>
void Network<S>::backward(const std::vector<int>& labels, bool input_gradient, const LayerReady& layer_ready) {
  loss_gradient(doutputs_[config_.depth], labels);
  if (layer_ready) layer_ready(config_.depth);
  for (int l = config_.depth; l >= 1; --l) {
    LayerParameters<S>& g = param_grads_[l];
    const bool residual = has_residual(l);
    if (residual) {  // dL/dg_l = alpha dL/dh_l into the branch; dL/dalpha (residual.hpp)
      g.alpha.resize(1);
      residual_backward(dbranch_, g.alpha(0), doutputs_[l], branch_output(l), params_[l].alpha(0));
    }
    backward_to_linear(l, residual ? dbranch_ : doutputs_[l], dlinear_, g.gamma, g.beta, scratch_);
    if (l == 1 && input_sparse_ && !input_gradient) {
      // dL/dW_1 = dL/dz_1 x^T summed over x's nonzeros only; dL/db_1 = sum over samples of dL/dz_1
      sparse_input_by_rows(sparse_input_);
      sparse_linear_backward_weight(g.weight, dlinear_, sparse_input_);
      if (config_.bias) g.bias = dlinear_.rowwise().sum();
    } else {
      Matrix<S>* dprevious = l > 1 ? &doutputs_[l - 1] : input_gradient ? &dinput_ : nullptr;
      linear_backward(dprevious, g.weight, config_.bias ? &g.bias : nullptr, dlinear_, output(l - 1),
                      params_[l].weight);
      // The residual connection's own path: dL/dh_{l-1} += dL/dh_l. (Layer 1 has one only in the gradient
      // check's tail networks, which run forward alone: the sparse branch above never needs it.)
      if (residual && dprevious) *dprevious += doutputs_[l];
    }
    if (layer_ready) layer_ready(l - 1);
  }
}

template <typename S>
Matrix<S> Network<S>::linear_gradient(int l) const {
  Matrix<S> dlinear, scratch, dbranch;
  Vector<S> dgamma, dbeta;
  if (has_residual(l)) dbranch = params_[l].alpha(0) * doutputs_[l];
  backward_to_linear(l, has_residual(l) ? dbranch : doutputs_[l], dlinear, dgamma, dbeta, scratch);
  return dlinear;
}

template <typename S>
double Network<S>::loss(const std::vector<int>& labels) const {
  // Accumulated in double, value by value (no double copies of the F x N matrices).
  const Matrix<S>& h = output(config_.depth);
  const double n = double(h.cols());
  const S* hv = h.data();
  const S* uv = upstream_.data();
  const Eigen::Index size = h.size();
  switch (config_.upstream) {
    case UpstreamSource::random: {  // L = sum h * g, so that dL/dh = g
      double total = 0;
      for (Eigen::Index i = 0; i < size; ++i) total += double(hv[i]) * double(uv[i]);
      return total;
    }
    case UpstreamSource::mse: {
      double total = 0;
      for (Eigen::Index i = 0; i < size; ++i) total += (double(hv[i]) - double(uv[i])) * (double(hv[i]) - double(uv[i]));
      return 0.5 * total / n;
    }
    case UpstreamSource::cross_entropy: return cross_entropy_loss(logits_, labels);
  }
  return 0;
}

template <typename S>
double Network<S>::accuracy(const std::vector<int>& labels) const {
  if (logits_.cols() == 0) return 0;
  Eigen::Index right = 0;
  for (Eigen::Index j = 0; j < logits_.cols(); ++j) {
    Eigen::Index top = 0;
    logits_.col(j).maxCoeff(&top);
    right += top == labels[size_t(j)];
  }
  return double(right) / double(logits_.cols());
}

const char* to_string(ParameterKind kind) {
  static const char* const names[] = {"weight", "bias", "gamma", "beta", "alpha"};
  return names[int(kind)];
}

template class Network<float>;
template class Network<double>;

}  // namespace layerscope
