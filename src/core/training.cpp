#include "training.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "report.hpp"

namespace layerscope {

namespace {

const std::vector<std::string> optimizer_names = {"sgd", "adam"};
const std::vector<std::string> histogram_tensor_names = {"pre_activation", "activation", "output", "grad_output",
                                                         "grad_weight"};

// Evaluation runs the test images in chunks of this many columns: bounded memory, products still large.
constexpr int eval_chunk = 1000;

// A training field: its spec plus how to read and write it as a double (see config.cpp's table).
struct TrainingField {
  FieldSpec spec;
  std::function<void(TrainingConfig&, double)> store;
  std::function<double(const TrainingConfig&)> load;
};

FieldSpec spec_of(const char* name, FieldType type, double lo, bool lo_open, double hi, const char* help,
                  std::vector<std::string> choices = {}) {
  FieldSpec s;
  s.name = name, s.type = type, s.min = lo, s.min_open = lo_open, s.max = hi, s.help = help;
  s.choices = std::move(choices);
  return s;
}

#define LS_TRAIN_NUMBER(member, type, lo, lo_open, hi, help)                               \
  TrainingField{spec_of(#member, type, lo, lo_open, hi, help),                              \
                [](TrainingConfig& c, double v) { c.member = decltype(c.member)(v); },       \
                [](const TrainingConfig& c) { return double(c.member); }}

const std::vector<TrainingField>& training_fields() {
  static const std::vector<TrainingField> table = {
      TrainingField{spec_of("optimizer", FieldType::choice, 0, false, 1, "sgd (with momentum) or adam", optimizer_names),
                    [](TrainingConfig& c, double v) { c.optimizer = OptimizerKind(int(v)); },
                    [](const TrainingConfig& c) { return double(int(c.optimizer)); }},
      LS_TRAIN_NUMBER(learning_rate, FieldType::real, 0, true, 10, "step size of the optimizer"),
      LS_TRAIN_NUMBER(sgd_momentum, FieldType::real, 0, false, 0.999, "sgd: v <- mu v + g (0: plain SGD)"),
      TrainingField{spec_of("nesterov", FieldType::boolean, 0, false, 1, "sgd: Nesterov momentum"),
                    [](TrainingConfig& c, double v) { c.nesterov = v != 0; },
                    [](const TrainingConfig& c) { return c.nesterov ? 1.0 : 0.0; }},
      LS_TRAIN_NUMBER(adam_beta1, FieldType::real, 0, false, 0.999999, "adam: decay of the first moment"),
      LS_TRAIN_NUMBER(adam_beta2, FieldType::real, 0, false, 0.999999, "adam: decay of the second moment"),
      LS_TRAIN_NUMBER(adam_epsilon, FieldType::real, 0, true, 1, "adam: added to sqrt(v)"),
      LS_TRAIN_NUMBER(weight_decay, FieldType::real, 0, false, 1, "L2 penalty on the weights: g <- g + wd W"),
      LS_TRAIN_NUMBER(steps, FieldType::integer, 1, false, 1000000, "training steps (one batch each)"),
      LS_TRAIN_NUMBER(log_every, FieldType::integer, 1, false, 1000000, "steps between reports"),
      LS_TRAIN_NUMBER(test_samples, FieldType::integer, 1, false, 10000, "test images each report evaluates"),
      LS_TRAIN_NUMBER(tracked_unit, FieldType::integer, 0, false, 1023, "the unit whose percentiles are reported"),
      LS_TRAIN_NUMBER(histogram_bins, FieldType::integer, 1, false, 256, "bins of each report's histograms"),
      TrainingField{spec_of("histogram_tensor", FieldType::choice, 0, false, 4, "the tensor each report bins",
                            histogram_tensor_names),
                    [](TrainingConfig& c, double v) { c.histogram_tensor = histogram_tensor_names[size_t(v)]; },
                    [](const TrainingConfig& c) {
                      const auto it = std::find(histogram_tensor_names.begin(), histogram_tensor_names.end(),
                                                c.histogram_tensor);
                      return it == histogram_tensor_names.end() ? -1.0 : double(it - histogram_tensor_names.begin());
                    }},
  };
  return table;
}

#undef LS_TRAIN_NUMBER

const TrainingField* find_training_field(const std::string& name) {
  for (const TrainingField& f : training_fields())
    if (f.spec.name == name) return &f;
  return nullptr;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

const char* to_string(OptimizerKind k) { return optimizer_names[size_t(k)].c_str(); }

const std::vector<FieldSpec>& training_schema() {
  static const std::vector<FieldSpec> specs = [] {
    std::vector<FieldSpec> out;
    for (const TrainingField& f : training_fields()) out.push_back(f.spec);
    return out;
  }();
  return specs;
}

void set_training_field(TrainingConfig& config, const std::string& name, const std::string& value) {
  if (const TrainingField* f = find_training_field(name)) {
    f->store(config, parse_field_value(f->spec, value));
    return;
  }
  for (const FieldSpec& spec : config_schema())
    if (spec.name == name) return set_field(config.network, name, value);
  std::string known;
  for (const TrainingField& f : training_fields()) known += (known.empty() ? "" : ", ") + f.spec.name;
  for (const FieldSpec& spec : config_schema()) known += ", " + spec.name;
  throw ConfigError(name, "unknown setting; known settings are: " + known);
}

std::string get_training_field(const TrainingConfig& config, const std::string& name) {
  if (const TrainingField* f = find_training_field(name)) return format_field_value(f->spec, f->load(config));
  return get_field(config.network, name);
}

void validate_training(const TrainingConfig& c) {
  for (const TrainingField& f : training_fields()) {
    const double v = f.load(c);
    if (f.spec.type == FieldType::choice && v < 0)
      throw ConfigError(f.spec.name, "must be " + describe_allowed(f.spec) + " (got '" + c.histogram_tensor + "')");
    check_field_value(f.spec, v);
  }
  const NetworkConfig& n = c.network;
  if (n.input_dim != 784) throw ConfigError("input_dim", "must be 784 to train on MNIST (28 x 28 pixels) (got " + number(n.input_dim) + ")");
  if (n.upstream != UpstreamSource::cross_entropy)
    throw ConfigError("upstream", "must be cross_entropy to train the classifier (got " + std::string(to_string(n.upstream)) + ")");
  if (n.classes != 10) throw ConfigError("classes", "must be 10 to train on MNIST (got " + number(n.classes) + ")");
  if (n.mode != Mode::train)
    throw ConfigError("mode", "must be train while training (the reports evaluate in eval mode themselves)");
  if (n.normalization == Normalization::batch && n.batch < 2)
    throw ConfigError("batch", "must be at least 2 with batch norm (got " + number(n.batch) + ")");
  if (c.tracked_unit >= n.width)
    throw ConfigError("tracked_unit", "must be below the width " + number(n.width) + " (got " + number(c.tracked_unit) + ")");
  // The evaluation chunks are the widest batch a training run holds: budget the network at that size.
  NetworkConfig widest = n;
  widest.batch = std::max(n.batch, std::min(eval_chunk, c.test_samples));
  validate(widest);
}

// ---------------------------------------------------------------------------------------------------
// Presets

const std::vector<TrainingPresetInfo>& training_preset_list() {
  static const std::vector<TrainingPresetInfo> list = {
      {"bn-paper-fig1", "Batch-norm paper, Figure 1: with batch norm",
       "784-100-100-100-10, sigmoid, batch 60, batch norm before each sigmoid (no bias), N(0, 0.01^2) weights, "
       "SGD lr 0.01 momentum 0.9, 50,000 steps."},
      {"bn-paper-fig1-baseline", "Batch-norm paper, Figure 1: without batch norm",
       "The same network with a bias in place of batch norm: it sits near 10% for thousands of steps."},
      {"blog-deep-relu", "The post's setting as a classifier, without batch norm",
       "20 ReLU layers of 100, N(0,1) x 0.01 weights, batch 60, SGD lr 0.01 momentum 0.9: the activations "
       "vanish and it does not learn."},
      {"blog-deep-relu-bn", "The post's setting as a classifier, with batch norm",
       "The same 20 layers with batch norm after each ReLU (the post's placement): it learns."},
  };
  return list;
}

TrainingConfig training_preset(const std::string& name) {
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
  if (name == "bn-paper-fig1" || name == "bn-paper-fig1-baseline") {
    n.depth = 3;
    n.width = 100;
    n.activation = Activation::sigmoid;
    const bool bn = name == "bn-paper-fig1";
    n.normalization = bn ? Normalization::batch : Normalization::none;
    n.placement = Placement::before_activation;
    n.bias = !bn;  // the paper drops b where batch norm follows: its beta takes that role
    t.steps = 50000;
    t.log_every = 500;
    return t;
  }
  if (name == "blog-deep-relu" || name == "blog-deep-relu-bn") {
    n.depth = 20;
    n.width = 100;
    n.activation = Activation::relu;
    const bool bn = name == "blog-deep-relu-bn";
    n.normalization = bn ? Normalization::batch : Normalization::none;
    n.placement = Placement::after_activation;
    n.bias = !bn;
    t.steps = 5000;
    t.log_every = 100;
    return t;
  }
  std::string known;
  for (const auto& p : training_preset_list()) known += (known.empty() ? "" : ", ") + p.name;
  throw ConfigError("preset", "must be one of: " + known + " (got '" + name.substr(0, 40) + "')");
}

// ---------------------------------------------------------------------------------------------------
// Optimizers

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
    for_each_tensor([&](const char* name, auto& weight, const auto& gradient, auto& first, auto& second) {
      // The moments start at 0, in the parameter's shape, at the first step.
      if (first.size() != weight.size()) {
        first.setZero(weight.rows(), weight.cols());
        if (adam) second.setZero(weight.rows(), weight.cols());
      }
      S* w = weight.data();
      const S* g = gradient.data();
      const size_t n = size_t(weight.size());
      const bool is_weight = name[0] == 'w';
      const S decay = is_weight ? wd : S(0);
      const bool measure = measure_update_ratio && is_weight;
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

// ---------------------------------------------------------------------------------------------------
// Batches

BatchSampler::BatchSampler(std::uint64_t seed, int dataset_size, int batch)
    : rng_(seed, stream::batches), order_(size_t(dataset_size)), batch_(size_t(batch)), batch_size_(batch) {
  if (batch > dataset_size) throw ConfigError("batch", "must be at most the training set's " + number(dataset_size) + " images");
  for (int i = 0; i < dataset_size; ++i) order_[size_t(i)] = i;
  shuffle();
}

void BatchSampler::shuffle() {
  // Fisher-Yates, last position first: swap i with a uniform j in [0, i].
  for (size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[rng_.below(std::uint32_t(i + 1))]);
  position_ = 0;
}

const std::vector<int>& BatchSampler::next() {
  if (position_ + batch_size_ > int(order_.size())) {
    ++epoch_;
    shuffle();
  }
  std::copy(order_.begin() + position_, order_.begin() + position_ + batch_size_, batch_.begin());
  position_ += batch_size_;
  return batch_;
}

// ---------------------------------------------------------------------------------------------------
// History

void TrainingHistory::add(TrainingReport report) {
  // Keep reports number 0, stride, 2 stride, ... of the run, plus the newest one.
  const long index = seen_++;
  if (!reports_.empty() && (index - 1) % stride_ != 0) reports_.pop_back();  // the newest was only provisional
  reports_.push_back(std::move(report));
  if (reports_.size() > capacity_) {
    std::vector<TrainingReport> thinned;
    thinned.reserve(capacity_ / 2 + 2);
    for (size_t i = 0; i < reports_.size(); ++i)
      if (i % 2 == 0 || i + 1 == reports_.size()) thinned.push_back(std::move(reports_[i]));
    reports_ = std::move(thinned);
    stride_ *= 2;
  }
}

TrainingDiverged::TrainingDiverged(long step, double loss)
    : std::runtime_error("training diverged: the loss is " + number(loss) + " at step " + std::to_string(step) +
                         "; lower learning_rate"),
      step_(step) {}

// ---------------------------------------------------------------------------------------------------
// Trainer

namespace {
NetworkConfig checked_network(const TrainingConfig& config) {
  validate_training(config);
  return config.network;
}
}  // namespace

template <typename S>
Trainer<S>::Trainer(const TrainingConfig& config, std::shared_ptr<const MnistData> data)
    : config_(config),
      data_(std::move(data)),
      net_(checked_network(config)),
      optimizer_(config),
      sampler_(config.network.seed, data_->train.count, config.network.batch) {
  if (config_.test_samples > data_->test.count)
    throw ConfigError("test_samples", "must be at most the test set's " + number(data_->test.count) + " images");
}

template <typename S>
std::pair<double, double> Trainer<S>::evaluate(int samples) {
  samples = std::min(samples, data_->test.count);
  double loss_sum = 0, right = 0;
  for (int start = 0; start < samples; start += eval_chunk) {
    const int n = std::min(eval_chunk, samples - start);
    eval_indices_.resize(size_t(n));
    eval_labels_.resize(size_t(n));
    for (int j = 0; j < n; ++j) {
      eval_indices_[size_t(j)] = start + j;
      eval_labels_[size_t(j)] = data_->test.labels[size_t(start + j)];
    }
    fill_images(eval_x_, data_->test, eval_indices_.data(), n);
    net_.forward(eval_x_, Mode::eval);
    loss_sum += net_.loss(eval_labels_) * n;
    right += net_.accuracy(eval_labels_) * n;
    if (start == 0 && pending_probe_) pending_probe_();
  }
  return {loss_sum / samples, right / samples};
}

template <typename S>
void Trainer<S>::report_step_zero(const ReportReady& report_ready) {
  if (step_zero_reported_ || steps_done_ > 0) return;
  step_zero_reported_ = true;
  history_.add(make_step_zero_report());
  if (report_ready) report_ready(history_.reports().back());
}

template <typename S>
long Trainer<S>::step(long n, const ReportReady& report_ready, bool report_last) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  auto add_elapsed = [&] { seconds_ += std::chrono::duration<double>(clock::now() - start).count(); };
  long done = 0;
  if (n > 0 && steps_done_ == 0 && !step_zero_reported_) {
    add_elapsed();
    report_step_zero(report_ready);  // adds its own time
    start = clock::now();
  }
  while (done < n && steps_done_ < config_.steps) {
    last_indices_ = sampler_.next();
    batch_labels_.resize(last_indices_.size());
    for (size_t j = 0; j < last_indices_.size(); ++j) batch_labels_[j] = data_->train.labels[size_t(last_indices_[j])];
    fill_images(batch_x_, data_->train, last_indices_.data(), int(last_indices_.size()));
    net_.forward(batch_x_, Mode::train);
    const double loss = net_.loss(batch_labels_);
    if (!std::isfinite(loss)) {
      add_elapsed();
      throw TrainingDiverged(steps_done_ + 1, loss);
    }
    net_.backward(batch_labels_, false);
    const long next = steps_done_ + 1;
    const bool report_now =
        next % config_.log_every == 0 || next == config_.steps || (report_last && done + 1 == n);
    optimizer_.step(net_, report_now);  // the update ratio only where a report reads it
    last_loss_ = loss;
    ++steps_done_, ++done, ++since_report_;
    loss_sum_ += loss;
    accuracy_sum_ += net_.accuracy(batch_labels_);
    if (report_now) {
      add_elapsed();
      history_.add(make_report(net_, true));  // make_report adds its own time
      if (report_ready) report_ready(history_.reports().back());
      start = clock::now();  // the callback's time is not the run's
    }
  }
  add_elapsed();
  return done;
}

template <typename S>
TrainingReport Trainer<S>::make_step_zero_report() {
  const auto start = std::chrono::steady_clock::now();
  // The first batch, from a copy of the sampler (the run's own sampler still hands it to step 1), through
  // a copy of the network: a train-mode forward updates batch norm's running statistics, which step 1 and
  // the evaluation below must see as initialised. No optimizer step: nothing of the run is touched.
  BatchSampler peek = sampler_;
  const std::vector<int>& indices = peek.next();
  std::vector<int> labels(indices.size());
  for (size_t j = 0; j < indices.size(); ++j) labels[j] = data_->train.labels[size_t(indices[j])];
  Matrix<S> x;
  fill_images(x, data_->train, indices.data(), int(indices.size()));
  Network<S> scratch = net_;
  scratch.forward(x, Mode::train);
  const double loss = scratch.loss(labels);
  const double accuracy = scratch.accuracy(labels);
  scratch.backward(labels, false);
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  TrainingReport r = make_report(scratch, false);
  r.train_loss = loss, r.train_accuracy = accuracy;
  return r;
}

template <typename S>
TrainingReport Trainer<S>::make_report(const Network<S>& gradients, bool updated) {
  const auto start = std::chrono::steady_clock::now();
  const int L = net_.depth();
  TrainingReport r;
  r.step = steps_done_;
  r.train_loss = since_report_ ? loss_sum_ / double(since_report_) : 0;
  r.train_accuracy = since_report_ ? accuracy_sum_ / double(since_report_) : 0;
  loss_sum_ = accuracy_sum_ = 0;
  since_report_ = 0;
  r.layers.resize(size_t(L) + 1);
  const TensorKind histogram_kind = tensor_kind_from_string(config_.histogram_tensor);
  const bool histogram_of_gradient =
      histogram_kind == TensorKind::grad_output || histogram_kind == TensorKind::grad_weight;
  auto bin = [&](LayerTrainingStats& out, const TensorRef<S>& t) {
    const TensorSummary s = summarize(t.data, t.size, SaturationBand{}, false);
    HistogramSpec spec;
    spec.bins = config_.histogram_bins;
    spec.lo = s.min, spec.hi = s.max;
    const Histogram h = histogram(t.data, t.size, spec);
    out.histogram_lo = h.edges.front(), out.histogram_hi = h.edges.back();
    out.histogram_counts = h.counts;
    out.histogram_zero = h.zero_count, out.histogram_nonfinite = h.nonfinite_count;
  };
  // From the training step just taken: the gradients and the update.
  for (int l = 1; l <= L; ++l) {
    LayerTrainingStats& out = r.layers[size_t(l)];
    const Matrix<S>& dout = gradients.doutput(l);
    const Matrix<S>& dweight = gradients.param_grads(l).weight;
    out.doutput_std = summarize(dout.data(), size_t(dout.size()), SaturationBand{}, false).std;
    out.dweight_std = summarize(dweight.data(), size_t(dweight.size()), SaturationBand{}, false).std;
    const double ratio = updated ? optimizer_.weight_update_ratio()[size_t(l)] : std::nan("");
    out.update_ratio_log10 = !updated ? ratio : ratio > 0 ? std::log10(ratio) : -std::numeric_limits<double>::infinity();
    if (histogram_of_gradient) bin(out, tensor(gradients, histogram_kind, l));
  }
  // The probe: the first chunk of the evaluation, eval mode.
  pending_probe_ = [&, histogram_of_gradient, histogram_kind] {
    const SaturationBand band = saturation_for(config_.network.activation);
    for (int l = 1; l <= L; ++l) {
      LayerTrainingStats& out = r.layers[size_t(l)];
      const Matrix<S>& p = net_.pre_activation(l);
      const TensorSummary s = summarize(p.data(), size_t(p.size()), SaturationBand{}, true);
      out.pre_mean = s.mean, out.pre_std = s.std;
      out.pre_p15 = s.percentiles[1], out.pre_p50 = s.percentiles[2], out.pre_p85 = s.percentiles[3];
      out.nonfinite_fraction = s.count ? double(s.nan_count + s.inf_count) / double(s.count) : 0;
      // The tracked unit: row `tracked_unit` of p (F x N, column-major: stride F).
      std::vector<S> unit(size_t(p.cols()));
      for (Eigen::Index j = 0; j < p.cols(); ++j) unit[size_t(j)] = p(config_.tracked_unit, j);
      const TensorSummary u = summarize(unit.data(), unit.size(), SaturationBand{}, true);
      out.unit_p15 = u.percentiles[1], out.unit_p50 = u.percentiles[2], out.unit_p85 = u.percentiles[3];
      const Matrix<S>& a = net_.activations(l).activation_out;
      const TensorSummary sa = summarize(a.data(), size_t(a.size()), band, false);
      out.activation_std = sa.std;
      out.dead_fraction = sa.zero_fraction();
      out.saturated_fraction = sa.saturated_fraction();
      if (!histogram_of_gradient) bin(out, tensor(net_, histogram_kind, l));
    }
  };
  const auto [test_loss, test_accuracy] = evaluate(config_.test_samples);
  pending_probe_ = nullptr;
  r.test_loss = test_loss, r.test_accuracy = test_accuracy;
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.seconds = seconds_;
  return r;
}

template class Optimizer<float>;
template class Optimizer<double>;
template class Trainer<float>;
template class Trainer<double>;

}  // namespace layerscope
