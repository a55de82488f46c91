// Training a classifier on MNIST: the optimizers, the trainer, its reports and its presets.
//
// The network is Network<S> with the cross-entropy head: hidden layers 1..L (features x samples, one
// column per sample, as everywhere), then logits = W_out h_L + b_out over 10 classes. One step:
//   x, labels <- the next batch of the sampler
//   forward(x, train)  backward(labels)  optimizer.update(every parameter, its gradient)
// Every `log_every` steps the trainer reports the mean training loss since the last report, the test loss
// and accuracy in eval mode (batch norm's running statistics), and per layer what the views show.
// Before the first step it reports step 0, the network as initialised (see Trainer::step).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "mnist.hpp"
#include "network.hpp"
#include "rng.hpp"
#include "stats.hpp"

namespace layerscope {

enum class OptimizerKind { sgd, adam };
const char* to_string(OptimizerKind);

// What one training run does. `network` holds the shape (input_dim 784, classes 10, upstream
// cross_entropy, mode train are forced by validate_training); the rest is the table below.
struct TrainingConfig {
  NetworkConfig network;
  OptimizerKind optimizer = OptimizerKind::sgd;
  double learning_rate = 0.01;
  double sgd_momentum = 0.9;     // v <- mu v + g; w <- w - lr v (PyTorch's convention); 0 = plain SGD
  bool nesterov = false;         // w <- w - lr (g + mu v)
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_epsilon = 1e-8;
  double weight_decay = 0;       // L2 on the weights only (not biases, gamma, beta): g <- g + wd w
  int steps = 50000;
  int log_every = 500;
  int test_samples = 10000;      // test images each report evaluates: the first n of the test set
  int tracked_unit = 0;          // the fixed unit whose pre-activation percentiles are reported (paper Fig. 1)
  int histogram_bins = 32;       // of the tracked tensor, per layer, per report
  std::string histogram_tensor = "pre_activation";  // pre_activation | activation | grad_output | grad_weight
};

// The training fields, in the same form as config_schema()'s (validated by the same rules).
const std::vector<FieldSpec>& training_schema();
// A training field, or (any other name) a network field of config.network. Throws ConfigError.
void set_training_field(TrainingConfig& config, const std::string& name, const std::string& value);
std::string get_training_field(const TrainingConfig& config, const std::string& name);
// Every field's range, the network's validate(), and what a classifier needs: throws ConfigError.
void validate_training(const TrainingConfig& config);

struct TrainingPresetInfo {
  std::string name, title, description;
};
const std::vector<TrainingPresetInfo>& training_preset_list();
TrainingConfig training_preset(const std::string& name);  // ConfigError("preset", ...) for unknown names

// ---------------------------------------------------------------------------------------------------
// Optimizers: their state has the parameters' shapes (LayerParameters per layer, as llm.c keeps m and v
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

// ---------------------------------------------------------------------------------------------------
// The batch sampler: epochs of a random permutation of the training set (Fisher-Yates with Rng(seed,
// stream::batches)), `batch` indices a step, in order; a new permutation when one runs out (a batch never
// spans two epochs: the epoch's last count % batch indices are dropped). Replayable from the seed alone.
class BatchSampler {
 public:
  BatchSampler(std::uint64_t seed, int dataset_size, int batch);
  const std::vector<int>& next();  // the indices of the next step's batch
  long epoch() const { return epoch_; }

 private:
  void shuffle();
  Rng rng_;
  std::vector<int> order_, batch_;
  int batch_size_, position_ = 0;
  long epoch_ = 0;
};

// ---------------------------------------------------------------------------------------------------
// Reports.

struct LayerTrainingStats {
  // The pre-activation p_l (what goes into the activation, after batch norm when it comes first) on the
  // probe: the first `test_samples` test images (at most 1000), eval mode. Over all units, and for the
  // tracked unit alone (the paper's Figure 1 b, c plot its 15th, 50th, 85th percentiles).
  double pre_mean = 0, pre_std = 0, pre_p15 = 0, pre_p50 = 0, pre_p85 = 0;
  double unit_p15 = 0, unit_p50 = 0, unit_p85 = 0;
  double activation_std = 0;
  double dead_fraction = 0, saturated_fraction = 0;  // of the activation on the probe
  double nonfinite_fraction = 0;                     // of the pre-activation on the probe
  // From the training step just taken (its batch, train mode).
  double doutput_std = 0, dweight_std = 0;
  // log10(||lr-scaled update of W|| / ||W||); -3 is the usual reference. NaN at step 0: no update yet.
  double update_ratio_log10 = 0;
  // The chosen tensor's histogram on its own [lo, hi] range.
  double histogram_lo = 0, histogram_hi = 0;
  std::vector<std::uint32_t> histogram_counts;
  std::uint64_t histogram_zero = 0, histogram_nonfinite = 0;
};

struct TrainingReport {
  long step = 0;                 // steps done (0: the network as initialised, before any update)
  double train_loss = 0;         // mean over the steps since the last report; step 0: the first batch's
  double train_accuracy = 0;     // mean over the batches since the last report
  double test_loss = 0, test_accuracy = 0;  // on the first test_samples test images, eval mode
  double seconds = 0;            // since the run started (steps and evaluations)
  std::vector<LayerTrainingStats> layers;  // 1..L (index 0 unused)
};

// Reports kept: at most `capacity`; when full, every second one is dropped (the first and the newest
// always stay), so the history spans the whole run at a density that halves as it grows.
class TrainingHistory {
 public:
  explicit TrainingHistory(std::size_t capacity = 1024) : capacity_(capacity) {}
  void add(TrainingReport report);
  const std::vector<TrainingReport>& reports() const { return reports_; }
  std::size_t capacity() const { return capacity_; }
  long stride() const { return stride_; }  // reports of the run per kept report

 private:
  std::size_t capacity_;
  long stride_ = 1, seen_ = 0;
  std::vector<TrainingReport> reports_;
};

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
  // Test loss and accuracy on the first `samples` test images, eval mode, in chunks of 1000.
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
  bool step_zero_reported_ = false;
  std::function<void()> pending_probe_;  // set by make_report: reads the first evaluation chunk's tensors
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

extern template class Optimizer<float>;
extern template class Optimizer<double>;
extern template class Trainer<float>;
extern template class Trainer<double>;

}  // namespace layerscope
