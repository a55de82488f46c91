#include "training_config.hpp"

#include "training_report.hpp"

#include <algorithm>
#include <cstdio>

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
          boolean_field("probes", &TC::probes,
                        "measure covariate shift, smoothness along the gradient and effective rank at each report"),
          integer_field("probe_steps", &TC::probe_steps, 1, 32,
                        "probes: step sizes along the gradient, log-spaced from lr / probe_span to lr * probe_span"),
          real_field("probe_span", &TC::probe_span, 1, false, 1000,
                     "probes: the step sizes reach from lr / probe_span to lr * probe_span"),
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

// The post's 20 ReLU layers of 100 with Xavier normal weights (its first setup, trained): `normalization`
// at `placement`; a bias only where nothing normalizes after the linear map.
void xavier_relu(TrainingConfig& t, Normalization normalization, Placement placement) {
  pair_member(t, 20, Activation::relu, placement, normalization == Normalization::batch, 5000, 100);
  t.network.init = InitScheme::xavier_normal;
  t.network.normalization = normalization;
  t.network.bias = normalization == Normalization::none;
}

// "Four cures at depth 50": the post's first setup at 50 ReLU layers of 100 (Xavier normal), plain or with one
// cure: `normalization` after each ReLU, residual connections, or SELU with LeCun normal weights. A bias only
// where nothing normalizes after the linear map.
void cures_depth50(TrainingConfig& t, Normalization normalization) {
  xavier_relu(t, normalization, Placement::after_activation);
  t.network.depth = 50;
}

// "Batch norm's costs": the Figure 1 network with `normalization` before each sigmoid at a batch of 4, where a
// batch's own mean and variance are poor estimates of the running ones that evaluation uses; 10,000 steps.
void batch_of_four(TrainingConfig& t, Normalization normalization) {
  figure1(t, true);
  t.network.normalization = normalization;
  t.network.batch = 4;
  t.steps = 10000;
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
      {"bn-paper-fig1-noisy", "Batch-norm paper, Figure 1: with noisy batch norm",
       "The Figure 1 network with batch norm + noise (Santurkar et al. 2018): every batch norm output scaled and "
       "shifted by noise whose mean and spread are drawn anew at every step (bn_noise_mean 0.5, bn_noise_std 0.5).",
       [](TrainingConfig& t) {
         figure1(t, true);
         t.network.bn_noise = true;
       }},
      {"blog-deep-relu", "The post's setting as a classifier, without batch norm",
       "20 ReLU layers of 100, N(0,1) x 0.01 weights, batch 60, SGD lr 0.01 momentum 0.9: the activations "
       "vanish and it does not learn.",
       [](TrainingConfig& t) { post_deep_relu(t, false); }},
      {"blog-deep-relu-bn", "The post's setting as a classifier, with batch norm",
       "The same 20 layers with batch norm after each ReLU (the post's placement): it learns.",
       [](TrainingConfig& t) { post_deep_relu(t, true); }},
      {"xavier-relu-bn-after", "20 ReLU layers, Xavier, batch norm after each ReLU",
       "The post's first setup (Xavier normal weights) trained with batch norm after each ReLU, its placement.",
       [](TrainingConfig& t) { xavier_relu(t, Normalization::batch, Placement::after_activation); }},
      {"xavier-relu-bn-before", "20 ReLU layers, Xavier, batch norm before each ReLU",
       "The same with batch norm before each ReLU, the paper's placement: half of every layer is then exactly 0.",
       [](TrainingConfig& t) { xavier_relu(t, Normalization::batch, Placement::before_activation); }},
      {"xavier-relu-per-sample", "20 ReLU layers, Xavier, each sample normalized after each ReLU",
       "The post's axis: each sample over its features, a layer norm (with epsilon and per-feature gamma and "
       "beta, where the post had neither), after each ReLU: everything else as xavier-relu-bn-after.",
       [](TrainingConfig& t) { xavier_relu(t, Normalization::per_sample, Placement::after_activation); }},
      {"he-relu-20", "20 ReLU layers, He init, no normalization",
       "He normal weights keep the ReLU layers' variance without any normalization; with a bias.",
       [](TrainingConfig& t) {
         xavier_relu(t, Normalization::none, Placement::after_activation);
         t.network.init = InitScheme::he_normal;
       }},
      {"tanh-50", "50 tanh layers, Xavier, no normalization",
       "50 tanh layers of 100, Xavier normal weights, a bias: the signal fades slowly over the depth.",
       [](TrainingConfig& t) {
         pair_member(t, 50, Activation::tanh, Placement::before_activation, false, 5000, 100);
         t.network.init = InitScheme::xavier_normal;
       }},
      {"tanh-50-bn", "50 tanh layers, Xavier, batch norm before each tanh",
       "The same 50 layers with batch norm before each tanh and no bias.",
       [](TrainingConfig& t) {
         pair_member(t, 50, Activation::tanh, Placement::before_activation, true, 5000, 100);
         t.network.init = InitScheme::xavier_normal;
       }},
      {"cures-plain", "50 ReLU layers, Xavier, no cure",
       "50 ReLU layers of 100, Xavier normal weights, a bias, batch 60, SGD lr 0.01 momentum 0.9: the network "
       "the four cures are added to, one at a time.",
       [](TrainingConfig& t) { cures_depth50(t, Normalization::none); }},
      {"cures-batch-norm", "50 ReLU layers, Xavier, batch norm after each ReLU",
       "cures-plain with batch norm after each ReLU (and no bias).",
       [](TrainingConfig& t) { cures_depth50(t, Normalization::batch); }},
      {"cures-layer-norm", "50 ReLU layers, Xavier, layer norm after each ReLU",
       "cures-plain with a layer norm after each ReLU (normalization per_sample, with epsilon and per-feature gamma "
       "and beta; no bias).",
       [](TrainingConfig& t) { cures_depth50(t, Normalization::per_sample); }},
      {"cures-residual", "50 ReLU layers, Xavier, residual connections scaled by 1/sqrt(50)",
       "cures-plain with h_l = h_{l-1} + g_l / sqrt(50) on layers 2..50.",
       [](TrainingConfig& t) {
         cures_depth50(t, Normalization::none);
         t.network.residual = Residual::every_layer;
         t.network.residual_scale = ResidualScale::inv_sqrt_depth;
       }},
      {"cures-skipinit", "50 ReLU layers, Xavier, residual connections with a trained scale from 0 (SkipInit)",
       "cures-plain with h_l = h_{l-1} + alpha_l g_l on layers 2..50, each alpha_l a trained scalar started at 0 "
       "(De and Smith 2020): at step 0 the network is layer 1 and the classifier.",
       [](TrainingConfig& t) {
         cures_depth50(t, Normalization::none);
         t.network.residual = Residual::every_layer;
         t.network.residual_scale = ResidualScale::trained;
       }},
      {"cures-selu", "50 SELU layers, LeCun normal, no normalization, lr 0.001",
       "cures-plain with SELU in place of ReLU and LeCun normal weights (variance 1/fan_in), its fixed point, and "
       "a learning rate of 0.001: at cures-plain's 0.01 the loss stopped being finite at step 47 (dL/dh grows by "
       "sqrt(E[selu'(z)^2]) = 1.034 a layer backward, 5x over 50 layers, and SGD's momentum 0.9 makes the step "
       "10x the rate).",
       [](TrainingConfig& t) {
         cures_depth50(t, Normalization::none);
         t.network.activation = Activation::selu;
         t.network.init = InitScheme::lecun_normal;
         t.learning_rate = 0.001;
       }},
      {"bn-batch4", "Batch-norm paper, Figure 1 network, batch norm, batches of 4",
       "bn-paper-fig1 at a batch of 4 for 10,000 steps: each step normalizes with the mean and variance of 4 "
       "samples, while evaluation uses the running statistics, so training and test see different networks.",
       [](TrainingConfig& t) { batch_of_four(t, Normalization::batch); }},
      {"ln-batch4", "Batch-norm paper, Figure 1 network, layer norm, batches of 4",
       "The same with a layer norm before each sigmoid (normalization per_sample): each sample over its own "
       "features, the same computation in training and evaluation at any batch size.",
       [](TrainingConfig& t) { batch_of_four(t, Normalization::per_sample); }},
  };
  return list;
}

const std::vector<TrainingPairInfo>& training_pair_list() {
  static const std::vector<TrainingPairInfo> list = {
      {"fig1", "Batch-norm paper, Figure 1: 3 sigmoid layers of 100, without vs with batch norm",
       "bn-paper-fig1-baseline", "bn-paper-fig1", "without batch norm", "with batch norm"},
      {"blog", "The post's setting: 20 ReLU layers of 100, N(0,1) x 0.01 weights, without vs with batch norm",
       "blog-deep-relu", "blog-deep-relu-bn", "without batch norm", "with batch norm"},
      {"bn-placement", "Batch norm before vs after the ReLU: 20 layers, Xavier", "xavier-relu-bn-before",
       "xavier-relu-bn-after", "batch norm before ReLU", "batch norm after ReLU"},
      {"bn-axis", "Normalize each sample (the post's axis) vs each feature (batch norm): 20 ReLU layers",
       "xavier-relu-per-sample", "xavier-relu-bn-after", "per-sample normalization", "batch norm"},
      {"he-vs-bn", "He init without normalization vs Xavier with batch norm: 20 ReLU layers", "he-relu-20",
       "xavier-relu-bn-after", "He, no normalization", "Xavier + batch norm"},
      {"tanh-50", "50 tanh layers, without vs with batch norm", "tanh-50", "tanh-50-bn", "without batch norm",
       "with batch norm"},
      // "Four cures at depth 50": the plain network against each cure in turn.
      {"cures-batch-norm", "Four cures at depth 50: no cure vs batch norm", "cures-plain", "cures-batch-norm",
       "no cure", "batch norm"},
      {"cures-layer-norm", "Four cures at depth 50: no cure vs layer norm", "cures-plain", "cures-layer-norm",
       "no cure", "layer norm"},
      {"cures-residual", "Four cures at depth 50: no cure vs residual connections (1/sqrt(50))", "cures-plain",
       "cures-residual", "no cure", "residual, 1/sqrt(50)"},
      {"cures-selu", "Four cures at depth 50: no cure vs SELU with LeCun init (lr 0.001)", "cures-plain", "cures-selu",
       "no cure", "SELU, lr 0.001"},
      {"cures-skipinit", "Residual connections at depth 50: alpha fixed at 1/sqrt(50) vs trained from 0 (SkipInit)",
       "cures-residual", "cures-skipinit", "alpha 1/sqrt(50)", "SkipInit"},
      {"bn-costs", "Batch norm's costs: batch norm vs layer norm at a batch of 4, the Figure 1 network", "bn-batch4",
       "ln-batch4", "batch norm", "layer norm", false, PairCaption::train_eval_gap},
      // The evidence lab (issue 21): why does batch norm help? Each experiment trains its pair with the probes on
      // (probes.hpp), and the page draws their figure beside the run.
      {"lab-ics", "Internal covariate shift, measured: Figure 1's pair with the probes on", "bn-paper-fig1-baseline",
       "bn-paper-fig1", "without batch norm", "with batch norm", true},
      // Standard vs batch norm vs noisy batch norm is three runs: this pair is two of them, and the page draws the
      // run before it (the previous-run overlay: lab-ics's A is the standard network) dashed beside them.
      {"lab-noisy", "Noisy batch norm: batch norm vs batch norm + noise, the Figure 1 network with the probes on",
       "bn-paper-fig1", "bn-paper-fig1-noisy", "batch norm", "noisy batch norm", true},
      {"lab-smoothness", "Smoothness of the loss landscape: Figure 1's pair with the probes on",
       "bn-paper-fig1-baseline", "bn-paper-fig1", "without batch norm", "with batch norm", true},
      {"lab-rank", "Rank of the representations: 20 ReLU layers without vs with batch norm, the probes on",
       "blog-deep-relu", "blog-deep-relu-bn", "without batch norm", "with batch norm", true},
  };
  return list;
}

std::string pair_caption(const TrainingPairInfo& pair, const std::vector<TrainingReport>& a,
                         const std::vector<TrainingReport>& b) {
  // Sentence 1: where the newest common step has them; sentence 2: who passed 90% test accuracy first.
  auto percent = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v);
    return std::string(buf);
  };
  auto first_at = [](const std::vector<TrainingReport>& h, double level) {
    for (const TrainingReport& r : h)
      if (r.test_accuracy >= level) return r.step;
    return -1L;
  };
  if (a.empty() || b.empty()) return "";
  const std::string name_a = "A (" + pair.a_label + ")", name_b = "B (" + pair.b_label + ")";
  const TrainingReport& la = a.back();
  const TrainingReport& lb = b.back();
  if (la.step == 0 && lb.step == 0)
    return "At step 0, " + name_a + " classifies " + percent(la.test_accuracy) + " of the test digits and " +
           name_b + " " + percent(lb.test_accuracy) + " (chance is 10%). Train both to see which learns, and how fast.";
  const long step = std::min(la.step, lb.step);
  auto report_at = [&](const std::vector<TrainingReport>& h) -> const TrainingReport& {
    const TrainingReport* found = &h.front();
    for (const TrainingReport& r : h)
      if (r.step <= step) found = &r;
    return *found;
  };
  const TrainingReport &ra = report_at(a), &rb = report_at(b);
  const std::string first = "After " + std::to_string(step) + " steps, " + name_a + " classifies " +
                            percent(ra.test_accuracy) + " of the test digits and " + name_b + " " +
                            percent(rb.test_accuracy) + ".";
  if (pair.caption == PairCaption::train_eval_gap) {
    // Train accuracy: the report's mean over the batches since the previous report, each in train mode
    // (its own batch statistics); test: eval mode (running statistics). Their difference, in points.
    char second[160];  // one format, not a chain of string concatenations: the wasm module stays smaller
    std::snprintf(second, sizeof second,
                  " On their own training batches (train mode) A scores %.1f%% and B %.1f%%: test minus train is "
                  "%+.1f points for A and %+.1f for B.",
                  100 * ra.train_accuracy, 100 * rb.train_accuracy, 100 * (ra.test_accuracy - ra.train_accuracy),
                  100 * (rb.test_accuracy - rb.train_accuracy));
    return first + second;
  }
  const long fa = first_at(a, 0.9), fb = first_at(b, 0.9);
  std::string second;
  if (fa < 0 && fb < 0) second = "Neither has reached 90% yet.";
  else if (fa == fb) second = "Both reached 90% at step " + std::to_string(fa) + ".";
  else {
    const bool a_first = fa >= 0 && (fb < 0 || fa < fb);
    const long first_step = a_first ? fa : fb, other_step = a_first ? fb : fa;
    second = std::string(a_first ? "A" : "B") + " reached 90% first, at step " + std::to_string(first_step) +
             (other_step < 0 ? std::string("; ") + (a_first ? "B" : "A") + " has not yet."
                             : std::string("; ") + (a_first ? "B" : "A") + " at step " + std::to_string(other_step) + ".");
  }
  return first + " " + second;
}

TrainingConfig training_preset(const std::string& name) {
  TrainingConfig t = classifier_base();
  find_preset(training_preset_list(), name).apply(t);
  return t;
}

}  // namespace layerscope
