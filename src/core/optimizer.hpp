// The optimizers: SGD (with momentum, Nesterov) and Adam, over every learnable tensor of the network.
#pragma once

#include <vector>

#include "network.hpp"
#include "training_config.hpp"

namespace layerscope {

// Their state has the parameters' shapes (LayerParameters per layer, as llm.c keeps m and v
// beside its parameters), walked with them by for_each_tensor.

template <typename S>
class Optimizer {
 public:
  explicit Optimizer(const TrainingConfig& config) : config_(config) {}
  // One update of every parameter from its gradient (backward() has run). `measure_update_ratio`: also
  // weight_update_ratio() (two more passes in double over every weight: the trainer asks only on the
  // steps a report follows).
  void step(Network<S>& net, bool measure_update_ratio = true);
  long steps_taken() const { return t_; }
  // ||lr-scaled update|| / ||W|| of each layer's weight in the last step (layers 1..L+1; index 0 unused);
  // NaN when that step did not measure it.
  const std::vector<double>& weight_update_ratio() const { return update_ratio_; }

 private:
  TrainingConfig config_;
  // Layers 1..L+1 (index 0 unused). SGD: the velocity v in first_ (second_ stays empty); Adam: m and v.
  std::vector<LayerParameters<S>> first_, second_;
  std::vector<S> weight_before_;  // a weight before its update, on the steps that measure the ratio
  std::vector<double> update_ratio_;
  long t_ = 0;
};

// Weight decay (L2, g <- g + wd W) takes the weight matrices only: not biases, gamma or beta, which
// PyTorch's and the paper's recipes leave undecayed too. Decided by what a tensor is, not its name.
inline bool takes_weight_decay(ParameterKind kind) { return kind == ParameterKind::weight; }
// Every tensor is trained except a residual alpha that the config fixes (1 or 1/sqrt(depth), residual.hpp):
// it is a tensor in every mode (the dumps and the gradient check see it) but a parameter only when trained.
inline bool is_trained(ParameterKind kind, const NetworkConfig& c) {
  return kind != ParameterKind::alpha || c.residual_scale == ResidualScale::trained;
}

extern template class Optimizer<float>;
extern template class Optimizer<double>;

}  // namespace layerscope
