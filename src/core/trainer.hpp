// The trainer: one classifier of MNIST trained step by step, its evaluation and its reports.
//
// The network is Network<S> with the cross-entropy head: hidden layers 1..L (features x samples, one
// column per sample, as everywhere), then logits = W_out h_L + b_out over 10 classes. One step:
//   x, labels <- the next batch of the sampler
//   forward(x, train)  backward(labels)  optimizer.update(every parameter, its gradient)
// Every `log_every` steps the trainer reports the mean training loss since the last report, the test loss
// and accuracy in eval mode (batch norm's running statistics), and per layer what the views show.
// Before the first step it reports step 0, the network as initialised (see Trainer::step).
#pragma once

#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "batch_sampler.hpp"
#include "mnist.hpp"
#include "network.hpp"
#include "optimizer.hpp"
#include "training_config.hpp"
#include "training_report.hpp"

namespace layerscope {

// Thrown when the training loss stops being finite; step() has stopped at that step.
class TrainingDiverged : public std::runtime_error {
 public:
  TrainingDiverged(long step, double loss);
  long step() const { return step_; }

 private:
  long step_;
};

template <typename S>
class Trainer {
 public:
  using ReportReady = std::function<void(const TrainingReport&)>;
  // Validates the config (ConfigError); the data must outlive the trainer.
  Trainer(const TrainingConfig& config, std::shared_ptr<const MnistData> data);

  // Runs up to n more steps (not past config.steps), reporting every log_every steps and at the last step.
  // Before the first step (n > 0) it reports step 0: the test loss/accuracy and the probe of the network
  // as initialised (eval mode: batch norm's running statistics as initialised, mean 0 var 1), and the
  // gradients of the first training batch (train mode) taken on a copy of the network, with no update:
  // the sampler, the RNG streams, the running statistics and the optimizer are left as they were, so the
  // run afterwards is bit-identical to one without it. Its train loss/accuracy are the first batch's at
  // initialisation (about ln 10 for a small init); its update ratios are NaN. It is the history's first
  // entry, kept by the halving as the first always is.
  // Returns the steps done by this call. Throws TrainingDiverged at a non-finite loss.
  // report_last: the call's last step also makes a report, off the log_every grid (the page's single
  // Step shows the step it took); the grid's reports after it are unchanged.
  long step(long n, const ReportReady& report_ready = nullptr, bool report_last = false);
  // Makes the step-0 report (see step()) if it is not made yet and no step is done: for a caller that
  // shows the network before the first step (the page). step() calls it itself.
  void report_step_zero(const ReportReady& report_ready = nullptr);
  // Test loss and accuracy on the first `samples` test images, eval mode, in chunks of eval_chunk.
  std::pair<double, double> evaluate(int samples);

  long steps_done() const { return steps_done_; }
  bool finished() const { return steps_done_ >= config_.steps; }
  const TrainingConfig& config() const { return config_; }
  Network<S>& network() { return net_; }
  const Network<S>& network() const { return net_; }
  const TrainingHistory& history() const { return history_; }
  const TrainingReport* latest() const { return history_.reports().empty() ? nullptr : &history_.reports().back(); }
  const std::vector<int>& last_batch() const { return batch_labels_; }  // labels of the last step's batch
  // The training loss of the last step's batch as that step computed it (before its update); NaN before
  // the first step.
  double last_loss() const { return last_loss_; }
  const std::vector<int>& last_batch_indices() const { return last_indices_; }

 private:
  // The report of the network now; its gradient statistics from `gradients` (the network whose backward
  // ran last) and its update ratios from the optimizer's last step, or NaN when `updated` is false.
  TrainingReport make_report(const Network<S>& gradients, bool updated);
  TrainingReport make_step_zero_report();
  // The batch the next step will take (its images into x, its labels), read from a copy of the sampler:
  // the run's own sampler still hands it to that step.
  void peek_next_batch(Matrix<S>& x, std::vector<int>& labels) const;
  // Test images [start, start + n) through the network in eval mode; adds n x their mean loss and the
  // count they got right to the sums. The network keeps that chunk's tensors until it runs again.
  void evaluate_chunk(int start, int n, double& loss_sum, double& right);
  bool step_zero_reported_ = false;
  TrainingConfig config_;
  std::shared_ptr<const MnistData> data_;
  Network<S> net_;
  Optimizer<S> optimizer_;
  BatchSampler sampler_;
  TrainingHistory history_;
  Matrix<S> batch_x_, eval_x_;
  std::vector<int> batch_labels_, last_indices_, eval_indices_, eval_labels_;
  long steps_done_ = 0;
  double loss_sum_ = 0, accuracy_sum_ = 0;
  double last_loss_ = std::numeric_limits<double>::quiet_NaN();
  long since_report_ = 0;
  double seconds_ = 0;
};

extern template class Trainer<float>;
extern template class Trainer<double>;

}  // namespace layerscope
