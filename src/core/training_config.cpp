#include "training_config.hpp"

#include <algorithm>

namespace layerscope {

namespace {

const std::vector<std::string> optimizer_names = {"sgd", "adam"};

std::vector<std::string> tensor_kind_names() {
  std::vector<std::string> names;
  for (int k = 0; k < tensor_kind_count; ++k) names.push_back(to_string(TensorKind(k)));
  return names;
}

using TC = TrainingConfig;

}  // namespace

const char* to_string(OptimizerKind k) { return optimizer_names[size_t(k)].c_str(); }

const FieldTable<TrainingConfig>& training_fields() {
  static const FieldTable<TrainingConfig> table(
      {
          choice_field("optimizer", &TC::optimizer, optimizer_names, "sgd (with momentum) or adam"),
          real_field("learning_rate", &TC::learning_rate, 0, true, 10, "step size of the optimizer"),
          real_field("sgd_momentum", &TC::sgd_momentum, 0, false, 0.999, "sgd: v <- mu v + g (0: plain SGD)"),
          boolean_field("nesterov", &TC::nesterov, "sgd: Nesterov momentum"),
          real_field("adam_beta1", &TC::adam_beta1, 0, false, 0.999999, "adam: decay of the first moment"),
          real_field("adam_beta2", &TC::adam_beta2, 0, false, 0.999999, "adam: decay of the second moment"),
          real_field("adam_epsilon", &TC::adam_epsilon, 0, true, 1, "adam: added to sqrt(v)"),
          real_field("weight_decay", &TC::weight_decay, 0, false, 1, "L2 penalty on the weights: g <- g + wd W"),
          integer_field("steps", &TC::steps, 1, 1000000, "training steps (one batch each)"),
          integer_field("log_every", &TC::log_every, 1, 1000000, "steps between reports"),
          integer_field("test_samples", &TC::test_samples, 1, 10000, "test images each report evaluates"),
          integer_field("tracked_unit", &TC::tracked_unit, 0, 1023, "the unit whose percentiles are reported"),
          integer_field("histogram_bins", &TC::histogram_bins, 1, 256, "bins of each report's histograms"),
          choice_field("histogram_tensor", &TC::histogram_tensor, tensor_kind_names(), "the tensor each report bins"),
      },
      network_fields(), &TC::network);
  return table;
}

const std::vector<FieldSpec>& training_schema() {
  static const std::vector<FieldSpec> specs = training_fields().own_schema();
  return specs;
}

void set_training_field(TrainingConfig& config, const std::string& name, const std::string& value) {
  training_fields().set(config, name, value);
}

std::string get_training_field(const TrainingConfig& config, const std::string& name) {
  return training_fields().get(config, name);
}

void validate_training(const TrainingConfig& c) {
  training_fields().check_ranges(c);
  const NetworkConfig& n = c.network;
  if (n.input_dim != 784)
    throw ConfigError("input_dim", "must be 784 to train on MNIST (28 x 28 pixels) (got " + format_number(n.input_dim) + ")");
  if (n.upstream != UpstreamSource::cross_entropy)
    throw ConfigError("upstream", "must be cross_entropy to train the classifier (got " + std::string(to_string(n.upstream)) + ")");
  if (n.classes != 10) throw ConfigError("classes", "must be 10 to train on MNIST (got " + format_number(n.classes) + ")");
  if (n.mode != Mode::train)
    throw ConfigError("mode", "must be train while training (the reports evaluate in eval mode themselves)");
  if (n.normalization == Normalization::batch && n.batch < 2)
    throw ConfigError("batch", "must be at least 2 with batch norm (got " + format_number(n.batch) + ")");
  if (c.tracked_unit >= n.width)
    throw ConfigError("tracked_unit", "must be below the width " + format_number(n.width) + " (got " +
                                          format_number(c.tracked_unit) + ")");
  // The evaluation chunks are the widest batch a training run holds: budget the network at that size.
  NetworkConfig widest = n;
  widest.batch = std::max(n.batch, std::min(eval_chunk, c.test_samples));
  validate(widest);
}

TrainingConfig trainable(const NetworkConfig& built, const TrainingConfig& settings, std::vector<TrainingChange>* changes) {
  TrainingConfig t = settings;
  t.network = built;
  NetworkConfig& n = t.network;
  const NetworkConfig before = n;
  n.input_dim = 784;
  n.upstream = UpstreamSource::cross_entropy;
  n.classes = 10;
  n.mode = Mode::train;
  if (changes) {
    changes->clear();
    auto note = [&](const char* field, const char* why) {
      const std::string from = get_field(before, field), to = get_field(n, field);
      if (from != to) changes->push_back({field, from, to, why});
    };
    note("input_dim", "the input is an MNIST image: 28 x 28 = 784 pixels (0 or 1)");
    note("upstream", "the gradient comes from the real loss: softmax cross-entropy of the 10 digits");
    note("classes", "MNIST has 10 classes, the digits 0 to 9");
    note("mode", "training normalizes each batch with its own statistics; the reports evaluate in eval mode");
    // Kept, but with no effect: say so where they differ from the defaults a reader may have moved.
    const NetworkConfig defaults;
    auto unused = [&](const char* field, const char* why) {
      if (get_field(before, field) != get_field(defaults, field))
        changes->push_back({field, get_field(before, field), get_field(before, field), why});
    };
    unused("input_scale", "has no effect: the input is MNIST's pixels, not input_scale * N(0,1)");
    unused("upstream_scale", "has no effect: the gradient comes from the cross-entropy loss");
    if (n.normalization == Normalization::batch)
      unused("warmup_batches", "has no effect: the running statistics fill as training runs");
  }
  validate_training(t);
  return t;
}

// ---------------------------------------------------------------------------------------------------
// Presets

namespace {

// The base every training preset starts from: a classifier of MNIST's 784 pixels into 10 classes, with
// the batch-norm paper's batch (60), weights N(0, 0.01^2) and SGD (lr 0.01, momentum 0.9).
TrainingConfig classifier_base() {
  TrainingConfig t;
  NetworkConfig& n = t.network;
  n.input_dim = 784;
  n.classes = 10;
  n.upstream = UpstreamSource::cross_entropy;
  n.batch = 60;
  n.init = InitScheme::normal_scaled;
  n.init_scale = 0.01;
  n.mode = Mode::train;
  t.optimizer = OptimizerKind::sgd;
  t.learning_rate = 0.01;
  t.sgd_momentum = 0.9;
  return t;
}

// One network of a pair: `depth` layers of 100 with batch norm at `placement` and no bias (the paper
// drops b where batch norm follows: its beta takes that role), or without batch norm and a bias in its
// place, so that the two differ in normalization alone.
void pair_member(TrainingConfig& t, int depth, Activation activation, Placement placement, bool batch_norm,
                 int steps, int log_every) {
  NetworkConfig& n = t.network;
  n.depth = depth;
  n.width = 100;
  n.activation = activation;
  n.normalization = batch_norm ? Normalization::batch : Normalization::none;
  n.placement = placement;
  n.bias = !batch_norm;
  t.steps = steps;
  t.log_every = log_every;
}

// The batch-norm paper's Figure 1: 784-100-100-100-10, sigmoid, batch norm before it, 50,000 steps.
void figure1(TrainingConfig& t, bool batch_norm) {
  pair_member(t, 3, Activation::sigmoid, Placement::before_activation, batch_norm, 50000, 500);
}

// The post's 20 ReLU layers of 100 as a classifier, batch norm after each ReLU (its placement).
void post_deep_relu(TrainingConfig& t, bool batch_norm) {
  pair_member(t, 20, Activation::relu, Placement::after_activation, batch_norm, 5000, 100);
}

}  // namespace

const std::vector<TrainingPresetInfo>& training_preset_list() {
  static const std::vector<TrainingPresetInfo> list = {
      {"bn-paper-fig1", "Batch-norm paper, Figure 1: with batch norm",
       "784-100-100-100-10, sigmoid, batch 60, batch norm before each sigmoid (no bias), N(0, 0.01^2) weights, "
       "SGD lr 0.01 momentum 0.9, 50,000 steps.",
       [](TrainingConfig& t) { figure1(t, true); }},
      {"bn-paper-fig1-baseline", "Batch-norm paper, Figure 1: without batch norm",
       "The same network with a bias in place of batch norm: it sits near 10% for thousands of steps.",
       [](TrainingConfig& t) { figure1(t, false); }},
      {"blog-deep-relu", "The post's setting as a classifier, without batch norm",
       "20 ReLU layers of 100, N(0,1) x 0.01 weights, batch 60, SGD lr 0.01 momentum 0.9: the activations "
       "vanish and it does not learn.",
       [](TrainingConfig& t) { post_deep_relu(t, false); }},
      {"blog-deep-relu-bn", "The post's setting as a classifier, with batch norm",
       "The same 20 layers with batch norm after each ReLU (the post's placement): it learns.",
       [](TrainingConfig& t) { post_deep_relu(t, true); }},
  };
  return list;
}

TrainingConfig training_preset(const std::string& name) {
  TrainingConfig t = classifier_base();
  find_preset(training_preset_list(), name).apply(t);
  return t;
}

}  // namespace layerscope
