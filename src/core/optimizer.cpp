#include "optimizer.hpp"

#include <cmath>
#include <limits>

namespace layerscope {

namespace {

// The update rules, each over one parameter tensor, in their own non-inlined functions (V8 tiers a wasm
// function up only between calls). Every step runs the same kernel: the update-to-data ratio is measured
// around it (Optimizer::step), not inside it, since a measuring variant of the loop rounds differently
// where the compiler vectorizes or fuses one and not the other, and the trained weights would then depend
// on which steps report.

// v <- mu v + g';  w <- w - lr v  (Nesterov: w <- w - lr (g' + mu v)), g' = g + decay w; mu = 0 is plain SGD.
template <bool Nesterov, typename S>
__attribute__((noinline)) void sgd_update(S* __restrict w, const S* __restrict g, S* __restrict v, size_t n,
                                          S lr, S mu, S decay) {
  for (size_t i = 0; i < n; ++i) {
    const S grad = g[i] + decay * w[i];
    v[i] = mu * v[i] + grad;
    const S update = lr * (Nesterov ? grad + mu * v[i] : v[i]);
    w[i] -= update;
  }
}

// m <- b1 m + (1 - b1) g';  v <- b2 v + (1 - b2) g'^2;  w <- w - lr (m / c1) / (sqrt(v / c2) + eps)
template <typename S>
__attribute__((noinline)) void adam_update(S* __restrict w, const S* __restrict g, S* __restrict m,
                                           S* __restrict v, size_t n, S lr, S decay, S b1, S b2, S eps, S c1,
                                           S c2) {
  for (size_t i = 0; i < n; ++i) {
    const S grad = g[i] + decay * w[i];
    m[i] = b1 * m[i] + (S(1) - b1) * grad;
    v[i] = b2 * v[i] + (S(1) - b2) * grad * grad;
    const S update = lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + eps);
    w[i] -= update;
  }
}

template <typename S>
void sgd_update(bool nesterov, S* w, const S* g, S* v, size_t n, S lr, S mu, S decay) {
  if (nesterov) sgd_update<true>(w, g, v, n, lr, mu, decay);
  else sgd_update<false>(w, g, v, n, lr, mu, decay);
}

}  // namespace

template <typename S>
void Optimizer<S>::step(Network<S>& net, bool measure_update_ratio) {
  ++t_;
  const S lr = S(config_.learning_rate), wd = S(config_.weight_decay);
  update_ratio_.assign(size_t(net.depth()) + 2, std::numeric_limits<double>::quiet_NaN());
  const bool adam = config_.optimizer == OptimizerKind::adam;
  // Adam's bias corrections, 1 - beta^t, in double: beta2^t for t in the tens of thousands.
  const double correction1 = 1 - std::pow(config_.adam_beta1, double(t_));
  const double correction2 = 1 - std::pow(config_.adam_beta2, double(t_));
  const S b1 = S(config_.adam_beta1), b2 = S(config_.adam_beta2), eps = S(config_.adam_epsilon);
  const S c1 = S(correction1), c2 = S(correction2), mu = S(config_.sgd_momentum);
  const int layers = net.parameter_layers();
  first_.resize(size_t(layers) + 1);
  second_.resize(size_t(layers) + 1);
  for (int layer = 1; layer <= layers; ++layer) {
    for_each_tensor([&](ParameterKind kind, auto& weight, const auto& gradient, auto& first, auto& second) {
      if (!is_trained(kind, net.config())) return;
      // The moments start at 0, in the parameter's shape, at the first step.
      if (first.size() != weight.size()) {
        first.setZero(weight.rows(), weight.cols());
        if (adam) second.setZero(weight.rows(), weight.cols());
      }
      S* w = weight.data();
      const S* g = gradient.data();
      const size_t n = size_t(weight.size());
      const bool is_weight = kind == ParameterKind::weight;
      const S decay = takes_weight_decay(kind) ? wd : S(0);
      const bool measure = measure_update_ratio && is_weight;  // the ratio is the weight matrix's
      if (measure) weight_before_.assign(w, w + n);
      if (adam)
        adam_update(w, g, first.data(), second.data(), n, lr, decay, b1, b2, eps, c1, c2);
      else
        sgd_update(config_.nesterov, w, g, first.data(), n, lr, mu, decay);
      if (!measure) return;
      // ||update|| / ||W||, from W before and after the update (in double, sequential sums).
      double weight_sq = 0, update_sq = 0;
      for (size_t i = 0; i < n; ++i) {
        const double before = double(weight_before_[i]), change = before - double(w[i]);
        weight_sq += before * before;
        update_sq += change * change;
      }
      update_ratio_[size_t(layer)] = weight_sq > 0 ? std::sqrt(update_sq / weight_sq) : 0.0;
    }, net.parameters(layer), net.param_grads(layer), first_[layer], second_[layer]);
  }
}


template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace layerscope
