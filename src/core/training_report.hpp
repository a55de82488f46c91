// What a training run reports every log_every steps, how the reports are made from the network, and the
// history that keeps them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "network.hpp"
#include "probes.hpp"
#include "stats.hpp"
#include "training_config.hpp"

namespace layerscope {

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
  // Every tracked tensor of every layer (report.hpp's summaries, layers 0..L) of the step's training
  // batch as the step ran it: train mode, batch statistics, the weights before the step's update. These
  // are the numbers the init-time view shows of this network on that batch; at step 0 the network as
  // initialised on the first batch. dL/dx (layer 0) is not computed in training, so it is absent.
  std::vector<LayerReport> tensors;
  // The same tensors' distributions, kept for drawing on any axis later (stats.hpp KeptDistribution):
  // [layer][tensor kind], empty where the tensor does not exist.
  std::vector<std::array<KeptDistribution, tensor_kind_count>> distributions;
  // With the training field `probes`: the probes of probes.hpp on the batch the next step takes, from the
  // network as it is at this report (step 0: the first batch, the network as initialised).
  ProbeReport probes;
};

// Reports kept: at most `capacity`; when full, every second one is dropped (the first and the newest
// always stay), so the history spans the whole run at a density that halves as it grows.
// The history's capacity for a network of `depth` layers: as many reports as fit in
// history_memory_budget (what one report keeps grows with the layers: about 1.5 KB for each of the 5
// tensor kinds of each layer, plus its summaries), rounded down to a power of two, from 64 to 1024. The
// Figure 1 nets keep 1024 reports, the 20-layer ones 256, a 100-layer one 64.
constexpr double history_memory_budget = 64.0 * 1024 * 1024;
std::size_t history_capacity_for(int depth);

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

// A report is made in two parts, each from the network as it is at that moment (the trainer calls them in
// this order; nothing is stored for later):
//  - record_gradients: from the network whose forward and backward ran last on a training batch (the step
//    just taken, or at step 0 a copy that took the first batch): the summaries and kept distributions of
//    every tensor kind, dL/dh and dL/dW per layer, the update ratios of the optimizer's last step
//    (`update_ratio`, layers 1..L+1; null at step 0: NaN), and the histogram when it bins a gradient.
//  - record_probe: from the network right after its eval-mode forward of the probe (the first chunk of the
//    test images): the pre-activation's summaries and percentiles, the tracked unit's, the activation's
//    dead and saturated fractions, and the histogram when it bins a forward tensor.
template <typename S>
void record_gradients(TrainingReport& report, const Network<S>& gradients, const std::vector<double>* update_ratio,
                      const TrainingConfig& config);
template <typename S>
void record_probe(TrainingReport& report, const Network<S>& probed, const TrainingConfig& config);

}  // namespace layerscope
