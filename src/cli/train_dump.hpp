// `train --dump DIR` and `train --init-from DIR`: the parameters at chosen steps and every step's batch as
// NumPy .npy files, with DIR/index.json describing each file, so another framework can replay the run.
//
// Files: step<S>_layer<l>_<tensor>.npy for S in the dump steps (0 always) and tensor in weight, bias,
// gamma, beta (Network::for_each_parameter) and running_mean, running_var (batch norm's buffers); layer
// L+1 is the output layer (weight classes x width, bias classes). batch_indices.npy: int32, steps x batch,
// row s-1 the training images of step s.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "json_output.hpp"
#include "train_options.hpp"
#include "training.hpp"

namespace layerscope::cli {

template <typename S>
class TrainingDump {
 public:
  TrainingDump(const TrainOptions& options, const MnistData& data);
  // Writes the parameters and running statistics as they are now, after `step` steps, and notes the losses
  // (train_loss: of that step's batch, before its update; NaN for step 0).
  void parameters(Network<S>& net, long step, double train_loss, double test_loss, double test_accuracy);
  void batch(const std::vector<int>& indices) { batch_indices_.insert(batch_indices_.end(), indices.begin(), indices.end()); }
  // batch_indices.npy and index.json; `diverged` (may be null) goes into the index.
  void finish(long steps_done, const Json& diverged);

 private:
  std::string path(const std::string& file) const;
  const TrainOptions& options_;
  const MnistData& data_;
  std::vector<std::int32_t> batch_indices_;
  Json files_ = Json::array(), steps_ = Json::array();
};

// Reads DIR/index.json and, from the earliest step it lists, every parameter and running statistic into
// net (shapes and dtype checked against the network; std::runtime_error naming the file otherwise).
// Returns that step.
template <typename S>
long init_from_dump(Network<S>& net, const std::string& dir);

}  // namespace layerscope::cli
