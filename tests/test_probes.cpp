// The evidence probes (probes.hpp) against independent computations, batch norm + noise, and that a run
// with probes is the run without them.
#include <catch2/catch.hpp>

#include <Eigen/SVD>

#include <cmath>
#include <memory>

#include "probes.hpp"
#include "mnist_fixture.hpp"
#include "training.hpp"

using namespace layerscope;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

void first_images(Matrix<double>& x, std::vector<int>& labels, int n) {
  std::vector<int> indices(static_cast<size_t>(n));
  labels.resize(size_t(n));
  for (int j = 0; j < n; ++j) indices[size_t(j)] = j, labels[size_t(j)] = mnist()->train.labels[size_t(j)];
  fill_images(x, mnist()->train, indices.data(), n);
}

// A small Figure 1 kind of classifier in double: 784-12-12-12-10, sigmoid, batch norm (+ noise) or not.
TrainingConfig small_run(Normalization norm, bool noise) {
  TrainingConfig t = training_preset(norm == Normalization::batch ? "bn-paper-fig1" : "bn-paper-fig1-baseline");
  t.network.width = 12, t.network.batch = 16;
  t.network.init_scale = 0.3;  // gradients well above rounding
  t.network.bn_noise = noise;
  t.learning_rate = 0.5;       // a step that moves the gradients measurably
  t.probe_steps = 3, t.probe_span = 4;
  return t;
}

// Every parameter of layer l moved by -eta times that layer's gradient in `grads`, written out as a loop.
void step_by_hand(Network<double>& net, int l, const LayerParameters<double>& grads, double eta) {
  LayerParameters<double>& p = net.parameters(l);
  p.weight -= eta * grads.weight;
  if (p.bias.size()) p.bias -= eta * grads.bias;
  if (p.gamma.size()) p.gamma -= eta * grads.gamma;
  if (p.beta.size()) p.beta -= eta * grads.beta;
}

}  // namespace

TEST_CASE("the covariate shift equals two separate forward and backward passes", "[probes]") {
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch);
  const bool noise = norm == Normalization::batch && GENERATE(false, true);
  CAPTURE(to_string(norm), noise);
  const TrainingConfig t = small_run(norm, noise);
  const Network<double> net(t.network);
  Matrix<double> x;
  std::vector<int> labels;
  first_images(x, labels, 16);
  const ProbeReport r = measure_probes(net, x, labels, t, 7);
  const int P = net.parameter_layers();
  REQUIRE(r.layers.size() == size_t(P) + 1);
  CHECK(std::isnan(r.layers[1].shift_distance));  // nothing before layer 1
  // Pass 1: the gradient of every layer at theta.
  Network<double> first = net;
  first.set_noise_step(7);
  first.forward(x, Mode::train);
  first.backward(labels, false);
  for (int i = 2; i <= P; ++i) {
    // Pass 2, from scratch for each layer: layers 1..i-1 stepped by hand, then layer i's gradient.
    Network<double> second = net;
    second.set_noise_step(7);
    for (int k = 1; k < i; ++k) step_by_hand(second, k, first.param_grads(k), t.learning_rate);
    second.forward(x, Mode::train);
    second.backward(labels, false);
    const Matrix<double>& g = first.param_grads(i).weight;
    const Matrix<double>& g2 = second.param_grads(i).weight;
    const double distance = (g - g2).norm();
    CAPTURE(i, distance, g.norm());
    CHECK(distance > 1e-6 * g.norm());  // the step moved something: not a comparison of zeros
    CHECK_THAT(r.layers[size_t(i)].shift_distance, WithinRel(distance, 1e-10));
    CHECK_THAT(r.layers[size_t(i)].shift_relative, WithinRel(distance / g.norm(), 1e-10));
    CHECK_THAT(r.layers[size_t(i)].shift_cosine, WithinRel(g.cwiseProduct(g2).sum() / (g.norm() * g2.norm()), 1e-10));
  }
}

TEST_CASE("gradient predictiveness and smoothness equal explicit evaluation at the moved parameters", "[probes]") {
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch);
  CAPTURE(to_string(norm));
  const TrainingConfig t = small_run(norm, false);
  const Network<double> net(t.network);
  Matrix<double> x;
  std::vector<int> labels;
  first_images(x, labels, 16);
  const ProbeReport r = measure_probes(net, x, labels, t, 1);
  // The step sizes: lr/4, lr, 4 lr.
  REQUIRE(r.step_sizes.size() == 3);
  CHECK_THAT(r.step_sizes[0], WithinRel(0.125, 1e-15));
  CHECK_THAT(r.step_sizes[1], WithinRel(0.5, 1e-15));
  CHECK_THAT(r.step_sizes[2], WithinRel(2.0, 1e-15));
  Network<double> here = net;
  here.forward(x, Mode::train);
  const double loss0 = here.loss(labels);
  here.backward(labels, false);
  const std::vector<double> g = flat_gradient(here);
  double g_norm = 0;
  for (double v : g) g_norm += v * v;
  g_norm = std::sqrt(g_norm);
  CHECK_THAT(r.gradient_norm, WithinRel(g_norm, 1e-12));
  double lo = loss0, hi = loss0, worst = 0, beta = 0;
  for (size_t k = 0; k < r.step_sizes.size(); ++k) {
    const double eta = r.step_sizes[k];
    Network<double> there = net;
    size_t i = 0;  // theta - eta g, entry by entry over the flattened gradient
    there.for_each_parameter([&](int, ParameterKind, double* w, double*, size_t n) {
      for (size_t j = 0; j < n; ++j) w[j] -= eta * g[i++];
    });
    there.forward(x, Mode::train);
    const double loss = there.loss(labels);
    there.backward(labels, false);
    const std::vector<double> gk = flat_gradient(there);
    double change = 0;
    for (size_t j = 0; j < g.size(); ++j) change += (g[j] - gk[j]) * (g[j] - gk[j]);
    change = std::sqrt(change);
    CAPTURE(k, eta, loss, change);
    CHECK_THAT(r.losses[k], WithinRel(loss, 1e-12));
    CHECK_THAT(r.gradient_changes[k], WithinRel(change, 1e-9));
    lo = std::min(lo, loss), hi = std::max(hi, loss);
    worst = std::max(worst, change);
    beta = std::max(beta, change / (eta * g_norm));
  }
  CHECK(worst > 0);
  CHECK_THAT(r.loss_spread, WithinRel(hi - lo, 1e-9));
  CHECK_THAT(r.predictiveness, WithinRel(worst, 1e-9));
  CHECK_THAT(r.predictiveness_relative, WithinRel(worst / g_norm, 1e-9));
  CHECK_THAT(r.effective_smoothness, WithinRel(beta, 1e-9));
  CHECK_THAT(r.loss_spread_relative, WithinRel((hi - lo) / (2.0 * g_norm * g_norm), 1e-9));
}

TEST_CASE("the effective rank of small matrices is the one computed by hand", "[probes][rank]") {
  // [[2, 1], [1, 2]] has singular values 3 and 1: p = (3/4, 1/4), exp(-(3/4 ln 3/4 + 1/4 ln 1/4)) =
  // 1.7547653506033232 (Python's math.exp and math.log).
  Matrix<double> a(2, 2);
  a << 2, 1, 1, 2;
  CHECK_THAT(effective_rank(a), WithinRel(1.7547653506033232, 1e-12));
  // The same singular values in a 3 x 2 matrix (a row of zeros added): the same rank, whichever Gram is used.
  Matrix<double> b = Matrix<double>::Zero(3, 2);
  b.topRows(2) = a;
  CHECK_THAT(effective_rank(b), WithinRel(1.7547653506033232, 1e-12));
  CHECK_THAT(effective_rank(Matrix<double>(b.transpose())), WithinRel(1.7547653506033232, 1e-12));
  // Every sample the same direction: rank 1. Orthogonal columns of equal length: their count.
  Matrix<double> one = Vector<double>::LinSpaced(5, 1, 5) * RowVector<double>::LinSpaced(7, -3, 3);
  CHECK_THAT(effective_rank(one), WithinAbs(1.0, 1e-6));
  CHECK_THAT(effective_rank(Matrix<double>(3 * Matrix<double>::Identity(4, 4))), WithinRel(4.0, 1e-12));
  CHECK(effective_rank(Matrix<double>(Matrix<double>::Zero(3, 3))) == 0);
  // A random 40 x 25 matrix against Eigen's own SVD (JacobiSVD), the singular values taken directly.
  Rng rng(3, 77);
  Matrix<double> random(40, 25);
  fill_normal(rng, random.data(), size_t(random.size()), 1.0);
  random.col(3) = 1e-3 * random.col(4);  // one small direction
  const Vector<double> sigma = Eigen::JacobiSVD<Matrix<double>>(random).singularValues();
  const Eigen::ArrayXd p = sigma.array() / sigma.sum();
  CHECK_THAT(effective_rank(random), WithinRel(std::exp(-(p * p.log()).sum()), 1e-10));
  CHECK_THAT(effective_rank(Matrix<double>(random.transpose())), WithinRel(std::exp(-(p * p.log()).sum()), 1e-10));
  Matrix<float> bad = Matrix<float>::Ones(2, 2);
  bad(0, 1) = std::nanf("");
  CHECK(std::isnan(effective_rank(bad)));
}

TEST_CASE("a run with probes is bit-identical to the same run without them", "[probes][training]") {
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch);
  const bool noise = norm == Normalization::batch && GENERATE(false, true);
  CAPTURE(to_string(norm), noise);
  TrainingConfig c = training_preset(norm == Normalization::batch ? "bn-paper-fig1" : "bn-paper-fig1-baseline");
  c.network.bn_noise = noise;
  c.steps = 30, c.log_every = 10, c.test_samples = 200;
  TrainingConfig with = c;
  with.probes = true;
  Trainer<float> plain(c, mnist()), probed(with, mnist());
  plain.step(c.steps);
  probed.step(c.steps);
  const auto& a = plain.history().reports();
  const auto& b = probed.history().reports();
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(a[i].train_loss == b[i].train_loss);
    CHECK(a[i].test_loss == b[i].test_loss);
    CHECK_FALSE(a[i].probes.present);
    CHECK(b[i].probes.present);
    CHECK(b[i].probes.layers.size() == size_t(c.network.depth) + 2);
  }
  std::vector<float> mine, reference;
  plain.network().for_each_parameter([&](int, ParameterKind, float* w, float*, size_t n) { reference.insert(reference.end(), w, w + n); });
  probed.network().for_each_parameter([&](int, ParameterKind, float* w, float*, size_t n) { mine.insert(mine.end(), w, w + n); });
  CHECK(mine == reference);
  // Step 0's probes: finite, the input's rank above 1, every layer after the first with a covariate shift.
  const ProbeReport& p0 = b.front().probes;
  CHECK(std::isfinite(p0.predictiveness_relative));
  CHECK(p0.layers[0].effective_rank > 1);
  for (int l = 2; l <= c.network.depth + 1; ++l) CHECK(std::isfinite(p0.layers[size_t(l)].shift_cosine));
}

TEST_CASE("batch norm + noise draws the same noise for the same step and new noise at every step", "[probes][noise]") {
  TrainingConfig t = small_run(Normalization::batch, true);
  t.network.bn_noise_mean = 0.5, t.network.bn_noise_std = 0.5;
  Network<double> a(t.network), b(t.network);
  NetworkConfig quiet = t.network;
  quiet.bn_noise = false;
  Network<double> plain(quiet);
  Matrix<double> x;
  std::vector<int> labels;
  first_images(x, labels, 16);
  a.set_noise_step(3), b.set_noise_step(3);
  a.forward(x, Mode::train), b.forward(x, Mode::train), plain.forward(x, Mode::train);
  CHECK(a.output(3) == b.output(3));
  // out = scale * (gamma xhat + beta) + shift, the plain network's output moved entry by entry.
  const auto& acts = a.activations(1);
  CHECK((acts.norm_out - (acts.noise_scale.cwiseProduct(plain.activations(1).norm_out) + acts.noise_shift)).cwiseAbs().maxCoeff() < 1e-12);
  // The noise's distribution moves: its mean and spread differ between steps, and are not 1 and 0.
  b.set_noise_step(4);
  b.forward(x, Mode::train);
  CHECK(b.activations(1).noise_scale != acts.noise_scale);
  const double mean_scale = acts.noise_scale.mean(), mean_shift = acts.noise_shift.mean();
  CHECK(std::abs(mean_scale - 1) > 1e-3);
  CHECK(std::abs(mean_shift) > 1e-3);
  // Eval mode has no noise: fresh networks (the train-mode forwards above moved the running statistics
  // differently: layer 2 saw noisy inputs) give the same outputs.
  Network<double> fresh_noisy(t.network), fresh_plain(quiet);
  fresh_noisy.forward(x, Mode::eval), fresh_plain.forward(x, Mode::eval);
  CHECK(fresh_noisy.output(3) == fresh_plain.output(3));
}

TEST_CASE("probe and noise settings out of range are refused naming the field", "[probes][config]") {
  TrainingConfig t = training_preset("bn-paper-fig1");
  CHECK_THROWS_WITH(set_training_field(t, "probe_steps", "0"), Contains("probe_steps: must be an integer from 1 to 32"));
  CHECK_THROWS_WITH(set_training_field(t, "probe_span", "0.5"), Contains("probe_span: must be"));
  CHECK_THROWS_WITH(set_training_field(t, "probes", "maybe"), Contains("probes: "));
  CHECK_THROWS_WITH(set_training_field(t, "bn_noise_std", "3"), Contains("bn_noise_std: must be"));
  TrainingConfig none = training_preset("bn-paper-fig1-baseline");
  none.network.bn_noise = true;
  CHECK_THROWS_WITH(validate_training(none), Contains("bn_noise: needs normalization batch"));
}
