#include "trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace layerscope {

TrainingDiverged::TrainingDiverged(long step, double loss)
    : std::runtime_error("training diverged: the loss is " + format_number(loss) + " at step " + std::to_string(step) +
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
      sampler_(config.network.seed, data_->train.count, config.network.batch),
      history_(history_capacity_for(config.network.depth)) {
  if (config_.test_samples > data_->test.count)
    throw ConfigError("test_samples", "must be at most the test set's " + format_number(data_->test.count) + " images");
}

template <typename S>
void Trainer<S>::evaluate_chunk(int start, int n, double& loss_sum, double& right) {
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
}

template <typename S>
std::pair<double, double> Trainer<S>::evaluate(int samples) {
  samples = std::min(samples, data_->test.count);
  double loss_sum = 0, right = 0;
  for (int start = 0; start < samples; start += eval_chunk)
    evaluate_chunk(start, std::min(eval_chunk, samples - start), loss_sum, right);
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
    net_.set_noise_step(steps_done_ + 1);  // bn_noise: this step's noise (no effect without it)
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
void Trainer<S>::peek_next_batch(Matrix<S>& x, std::vector<int>& labels) const {
  BatchSampler peek = sampler_;
  const std::vector<int>& indices = peek.next();
  labels.resize(indices.size());
  for (size_t j = 0; j < indices.size(); ++j) labels[j] = data_->train.labels[size_t(indices[j])];
  fill_images(x, data_->train, indices.data(), int(indices.size()));
}

template <typename S>
TrainingReport Trainer<S>::make_step_zero_report() {
  const auto start = std::chrono::steady_clock::now();
  // The first batch, from a copy of the sampler (the run's own sampler still hands it to step 1), through
  // a copy of the network: a train-mode forward updates batch norm's running statistics, which step 1 and
  // the evaluation below must see as initialised. No optimizer step: nothing of the run is touched.
  Matrix<S> x;
  std::vector<int> labels;
  peek_next_batch(x, labels);
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
  TrainingReport r;
  r.step = steps_done_;
  r.train_loss = since_report_ ? loss_sum_ / double(since_report_) : 0;
  r.train_accuracy = since_report_ ? accuracy_sum_ / double(since_report_) : 0;
  loss_sum_ = accuracy_sum_ = 0;
  since_report_ = 0;
  if (config_.probes) {
    // On the batch the next step takes (a copy of the sampler peeks at it) and copies of the network,
    // before the evaluation leaves 1000-column tensors in the network that the copies would carry.
    Matrix<S> x;
    std::vector<int> labels;
    peek_next_batch(x, labels);
    r.probes = measure_probes(net_, x, labels, config_, steps_done_ + 1);
  }
  // From the training step just taken: the gradients and the update.
  record_gradients(r, gradients, updated ? &optimizer_.weight_update_ratio() : nullptr, config_);
  // The evaluation, whose first chunk is the probe: read the network's tensors right after that chunk's
  // forward, before the next chunk overwrites them.
  const int samples = std::min(config_.test_samples, data_->test.count);
  double loss_sum = 0, right = 0;
  for (int chunk = 0; chunk < samples; chunk += eval_chunk) {
    evaluate_chunk(chunk, std::min(eval_chunk, samples - chunk), loss_sum, right);
    if (chunk == 0) record_probe(r, net_, config_);
  }
  r.test_loss = loss_sum / samples, r.test_accuracy = right / samples;
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.seconds = seconds_;
  return r;
}

template class Trainer<float>;
template class Trainer<double>;

}  // namespace layerscope
