// What one training run does: the training settings as one table of fields (fields.hpp) beside the
// network's, and the training presets.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config.hpp"
#include "fields.hpp"
#include "report.hpp"

namespace layerscope {

enum class OptimizerKind { sgd, adam };
const char* to_string(OptimizerKind);

// `network` holds the shape (input_dim 784, classes 10, upstream cross_entropy, mode train are required
// by validate_training); the rest is the table of training_fields().
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
  TensorKind histogram_tensor = TensorKind::pre_activation;  // the tensor each report bins (report.hpp's names)
  // The evidence probes of issue 21 (probes.hpp): covariate shift, smoothness along the gradient and
  // effective rank, measured at each report on copies of the network (the run is unchanged).
  bool probes = false;
  int probe_steps = 5;        // step sizes of the smoothness probe, log-spaced over [lr / span, lr * span]
  double probe_span = 4;
};

// The training fields, then every network field of config.network: one table, one lookup, one message
// for an unknown name. training_schema() is the training fields alone (own_schema()).
const FieldTable<TrainingConfig>& training_fields();
const std::vector<FieldSpec>& training_schema();
// A training field, or (any other name) a network field of config.network. Throws ConfigError.
void set_training_field(TrainingConfig& config, const std::string& name, const std::string& value);
std::string get_training_field(const TrainingConfig& config, const std::string& name);
// Every field's range, the network's validate(), and what a classifier needs: throws ConfigError.
void validate_training(const TrainingConfig& config);

// Training any network a reader built (an init-time config): what training changes and why, field by
// field, so the page can say it beside its Train button and the CLI in its output.
struct TrainingChange {
  std::string field, from, to, why;
};
// `settings` with its network replaced by `built` as a classifier of MNIST: input_dim 784 (the 28 x 28
// pixels), upstream cross_entropy and classes 10 (the real loss of a 10-class softmax replaces the
// stand-in gradient), mode train (training normalizes with batch statistics; its reports evaluate in eval
// mode themselves). Every other field of `built` is kept. `changes`, when given, lists each field whose
// value was replaced, and each kept field that has no effect in training (input_scale, upstream_scale,
// warmup_batches: the input is MNIST's, the loss is real, there is no warm-up), with the reason. Throws
// ConfigError (validate_training) for a value training cannot take, naming the field.
TrainingConfig trainable(const NetworkConfig& built, const TrainingConfig& settings,
                         std::vector<TrainingChange>* changes = nullptr);

// Evaluation runs the test images in chunks of this many columns: bounded memory, products still large.
// The widest batch a training run holds, so validate_training budgets the network at this size.
constexpr int eval_chunk = 1000;

// Each training preset once: name, words, and what it sets on the classifier's base (784 inputs, 10
// classes, cross-entropy, batch 60, N(0, 0.01^2) weights, SGD lr 0.01 momentum 0.9).
struct TrainingPresetInfo {
  std::string name, title, description;
  std::function<void(TrainingConfig&)> apply;
};
const std::vector<TrainingPresetInfo>& training_preset_list();
TrainingConfig training_preset(const std::string& name);  // ConfigError("preset", ...) for unknown names
// Pairs of training presets the page trains side by side in one click (A, then B: the same seed, the same
// batches), each with the words its caption uses for A and B. probes: the pair is one of the evidence lab's
// experiments (issue 21): both columns train with the training field `probes` on.
// What a pair's caption's second sentence is about: which reached 90% test accuracy first, or the gap
// between the accuracy on the training batches (train mode) and on the test set (eval mode), which is
// what batch norm's costs are about.
enum class PairCaption { first_to_90, train_eval_gap };
struct TrainingPairInfo {
  std::string name, title, a, b, a_label, b_label;
  bool probes = false;
  PairCaption caption = PairCaption::first_to_90;
};
const std::vector<TrainingPairInfo>& training_pair_list();
struct TrainingReport;
// Two sentences computed from the pair's two histories (test accuracy against step): where they are at
// the newest step both have reached, and which reached 90% test accuracy first and when, or (pair.caption
// train_eval_gap) each one's training-batch accuracy at that report and its gap to the test accuracy. At
// step 0 alone it says where both start.
std::string pair_caption(const TrainingPairInfo& pair, const std::vector<TrainingReport>& a,
                         const std::vector<TrainingReport>& b);

// What `layerscope train` and the page's training start from when no preset is named.
inline const char* const default_training_preset = "bn-paper-fig1";

}  // namespace layerscope
