// Gradient checks: Network<double>::backward() against central finite differences of Network::loss(),
// entry by entry, for every input and parameter gradient, over a grid of normalizations, placements,
// activations, batch sizes, widths and loss sources.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "gradcheck.hpp"
#include "network.hpp"
#include "rng.hpp"

using namespace layerscope;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// Step of the central difference. Truncation error is h^2/6 |L'''| ~ 1e-11 relative; cancellation error
// is about 1e-16 |L| / h ~ 1e-11 |L|. Both are far below the tolerances.
constexpr double step = 1e-5;
// Per entry: |numeric - analytic| <= 1e-6 * max(|numeric|, |analytic|), or, for entries near zero (a
// dead ReLU path; batch norm over 2 samples, whose output +-1 depends on x only through epsilon),
// <= 1e-8 * max(1, |L|). That floor is about 100x the rounding noise of the difference quotient,
// ~1e-15 |L| / (2h) = 5e-11 |L| (the entries it admits were seen to be off by at most ~1e-10).
constexpr double relative_tolerance = 1e-6;
constexpr double absolute_floor_per_loss = 1e-8;

struct CheckTally {
  int checked = 0, skipped = 0;
};

// One entry whose difference quotient and analytic gradient disagree beyond the tolerance.
struct Mismatch {
  Eigen::Index index;
  double numeric, analytic;
};

// Perturbs each of the n values at `values` by +-h, recomputes the loss, and compares the central
// difference with `analytic` (copied before any perturbation), entry by entry: returns every entry that
// disagrees beyond max(relative_tolerance * max(|numeric|, |analytic|), floor).
std::vector<Mismatch> compare_gradient(Network<double>& net, double* values, const Matrix<double>& analytic,
                                       CheckTally& tally) {
  const Eigen::Index n = analytic.size();
  net.forward();
  const double floor = absolute_floor_per_loss * std::max(1.0, std::abs(net.loss()));
  std::vector<Mismatch> mismatches;
  for (Eigen::Index i = 0; i < n; ++i) {
    // The gradient check's own central difference (gradcheck.hpp), entry by entry.
    const CentralDifference cd = central_difference(net, values + i, step, net.config().mode);
    // A kink crossed inside [x - h, x + h] makes the difference quotient meaningless there: skip it.
    if (cd.crossed_kink) {
      ++tally.skipped;
      continue;
    }
    ++tally.checked;
    const double numeric = cd.numeric;
    const double a = analytic.data()[i];
    const double allowed = std::max(relative_tolerance * std::max(std::abs(numeric), std::abs(a)), floor);
    if (!(std::abs(numeric - a) <= allowed)) mismatches.push_back({i, numeric, a});  // NaN is a mismatch too
  }
  net.forward();  // leave the network as it was
  return mismatches;
}

// compare_gradient, as a test: every entry must agree; the first few that do not are shown.
void check_gradient(Network<double>& net, double* values, const Matrix<double>& analytic, const std::string& name,
                    CheckTally& tally) {
  CAPTURE(name);
  const std::vector<Mismatch> mismatches = compare_gradient(net, values, analytic, tally);
  for (std::size_t k = 0; k < std::min<std::size_t>(3, mismatches.size()); ++k) {
    const Mismatch& m = mismatches[k];
    UNSCOPED_INFO("entry " << m.index << ": numeric " << m.numeric << ", analytic " << m.analytic);
  }
  CHECK(mismatches.size() == 0);
}

template <typename V>
Matrix<double> as_matrix(const V& v) {
  return Matrix<double>(v);
}

// The constructor starts every bias at 0, gamma at 1 and beta at 0. Random values instead make the
// checks see the gamma and beta terms of backward, and keep ReLU inputs away from exactly 0 (a sample
// whose units all die in one layer would otherwise give the next layer p = W 0 + 0 = 0, a kink).
void randomize_bias_gamma_beta(Network<double>& net) {
  Rng rng(net.config().seed, 777);
  for (int l = 1; l <= net.depth(); ++l) {
    LayerParameters<double>& p = net.parameters(l);
    for (Eigen::Index i = 0; i < p.bias.size(); ++i) p.bias(i) = 0.3 * rng.normal();
    for (Eigen::Index i = 0; i < p.gamma.size(); ++i) p.gamma(i) = 1.0 + 0.3 * rng.normal();
    for (Eigen::Index i = 0; i < p.beta.size(); ++i) p.beta(i) = 0.3 * rng.normal();
    // A residual alpha away from its 0 (trained: SkipInit's start), so its branch's gradients are not all 0.
    for (Eigen::Index i = 0; i < p.alpha.size(); ++i) p.alpha(i) = 0.6 + 0.3 * rng.normal();
  }
}

// Every gradient of the network, checked; returns the tally of checked and skipped entries.
CheckTally check_every_gradient(Network<double>& net) {
  CheckTally tally;
  randomize_bias_gamma_beta(net);
  net.forward();
  net.backward();
  const NetworkConfig& c = net.config();
  // Copies of the analytic gradients: the perturbed forward passes must not touch them (they do not,
  // but the check must not depend on it).
  const Matrix<double> dinput = net.dinput();
  REQUIRE(dinput.rows() == c.input_dim);
  REQUIRE(dinput.cols() == c.batch);
  check_gradient(net, net.input().data(), dinput, "dL/dx", tally);
  // Every parameter of layers 1..L and of the output layer (L+1, cross-entropy), walked by the same table
  // as the optimizer walks them (for_each_tensor), each against a copy of its analytic gradient.
  for (int l = 1; l <= net.parameter_layers(); ++l) {
    CAPTURE(l);
    const LayerParameters<double> g = net.param_grads(l);
    LayerParameters<double>& p = net.parameters(l);
    REQUIRE(p.bias.size() == (c.bias || l > c.depth ? p.weight.rows() : 0));
    REQUIRE(p.gamma.size() == (c.normalization != Normalization::none && l <= c.depth ? c.width : 0));
    for_each_tensor([&](ParameterKind kind, auto& parameter, const auto& gradient) {
      REQUIRE(gradient.size() == parameter.size());
      check_gradient(net, parameter.data(), as_matrix(gradient), std::string("dL/d") + to_string(kind) + "_" +
                     (l > c.depth ? std::string("out") : std::to_string(l)), tally);
    }, p, g);
  }
  return tally;
}

// A small network whose gradients are neither vanishing nor exploding: He-scaled weights, unit input.
NetworkConfig small_config(Normalization norm, Placement placement, Activation act, int batch, int width,
                           UpstreamSource upstream) {
  NetworkConfig c;
  c.depth = 2, c.width = width, c.input_dim = 4, c.batch = batch;
  c.init = InitScheme::he_normal;
  c.activation = act, c.leaky_slope = 0.1;
  c.normalization = norm, c.placement = placement;
  c.upstream = upstream, c.upstream_scale = 1.0, c.classes = 3;
  c.bias = true;
  c.seed = 1000 + std::uint64_t(batch) * 10 + std::uint64_t(width);
  return c;
}

// Not every entry may be skipped at a kink: with h = 1e-5 and no ReLU input at exactly 0 a crossing
// needs an input within 1e-5 of 0, so at most 2% of the entries of a network may be skipped.
void check_few_skipped(const CheckTally& tally) {
  CAPTURE(tally.checked, tally.skipped);
  CHECK(tally.checked > 0);
  CHECK(tally.skipped * 50 <= tally.checked + tally.skipped);
}

}  // namespace

TEST_CASE("backward matches central differences for every gradient", "[gradients]") {
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch, Normalization::per_sample);
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  // Without normalization the placement means nothing: run that case once.
  if (norm == Normalization::none && placement == Placement::after_activation) return;
  const Activation act = GENERATE(Activation::relu, Activation::leaky_relu, Activation::tanh,
                                  Activation::sigmoid, Activation::linear, Activation::selu);
  const int batch = GENERATE(2, 3, 16);
  const int width = GENERATE(3, 5);
  const UpstreamSource upstream = GENERATE(UpstreamSource::random, UpstreamSource::mse,
                                           UpstreamSource::cross_entropy);
  CAPTURE(to_string(norm), to_string(placement), to_string(act), batch, width, to_string(upstream));
  Network<double> net(small_config(norm, placement, act, batch, width, upstream));
  check_few_skipped(check_every_gradient(net));
}

TEST_CASE("backward matches central differences without bias and with deeper networks", "[gradients]") {
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch, Normalization::per_sample);
  const Activation act = GENERATE(Activation::relu, Activation::tanh);
  CAPTURE(to_string(norm), to_string(act));
  NetworkConfig c = small_config(norm, Placement::after_activation, act, 4, 3, UpstreamSource::mse);
  c.bias = false;
  c.depth = 4;
  Network<double> net(c);
  const CheckTally tally = check_every_gradient(net);
  check_few_skipped(tally);
  CHECK(net.param_grads(1).bias.size() == 0);  // no bias, no bias gradient
}

TEST_CASE("residual connections' backward matches central differences for every alpha mode and norm",
          "[gradients][residual]") {
  // Residual none too: the same networks without residual connections pass alike (the sizes below are chosen
  // for the normalizations, not for the residual sums).
  Residual residual;
  ResidualScale scale;
  std::tie(residual, scale) = GENERATE(table<Residual, ResidualScale>(
      {{Residual::none, ResidualScale::one}, {Residual::every_layer, ResidualScale::one},
       {Residual::every_layer, ResidualScale::inv_sqrt_depth}, {Residual::every_layer, ResidualScale::trained},
       {Residual::every_second_layer, ResidualScale::one}, {Residual::every_second_layer, ResidualScale::inv_sqrt_depth},
       {Residual::every_second_layer, ResidualScale::trained}}));
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch, Normalization::per_sample);
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  if (norm == Normalization::none && placement == Placement::after_activation) return;  // the same network
  const Activation act = GENERATE(Activation::relu, Activation::tanh, Activation::selu);
  const Mode mode = GENERATE(Mode::train, Mode::eval);
  const UpstreamSource upstream = GENERATE(UpstreamSource::mse, UpstreamSource::cross_entropy);
  CAPTURE(to_string(residual), to_string(scale), to_string(norm), to_string(placement), to_string(act), to_string(mode),
          to_string(upstream));
  // 8 samples and 8 features: with 4 (or 5 features for the layer norm), a normalization after a ReLU over mostly dead units has third derivatives large enough that
  // the difference quotient's h^2 term alone (h = 1e-5) was 1e-5 relative on a few entries, behind the residual
  // sums (with h = 1e-6 every entry agreed within 1e-6; without residual connections too).
  NetworkConfig c = small_config(norm, placement, act, 8, 8, upstream);
  c.depth = 5;  // every_second_layer: residual layers 2 and 4 with plain ones between
  c.residual = residual, c.residual_scale = scale;
  c.mode = mode, c.warmup_batches = 3;
  Network<double> net(c);
  // The alpha tensors sit exactly in the residual layers, started at the mode's value.
  for (int l = 1; l <= c.depth; ++l) {
    CAPTURE(l);
    REQUIRE(net.has_residual(l) == has_residual_connection(c, l));
    REQUIRE(net.parameters(l).alpha.size() == (net.has_residual(l) ? 1 : 0));
    if (net.has_residual(l)) CHECK(net.parameters(l).alpha(0) == residual_alpha_at_init(c));
  }
  CHECK(net.has_residual(2) == (residual != Residual::none));
  CHECK(net.has_residual(3) == (residual == Residual::every_layer));
  check_few_skipped(check_every_gradient(net));
}

TEST_CASE("eval-mode batch norm backward matches central differences", "[gradients][batchnorm]") {
  // Eval mode: the running statistics (filled by warm-up batches) are constants, so the layer is affine.
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  const Activation act = GENERATE(Activation::relu, Activation::tanh, Activation::sigmoid);
  const int batch = GENERATE(2, 3, 16);
  const UpstreamSource upstream = GENERATE(UpstreamSource::random, UpstreamSource::cross_entropy);
  CAPTURE(to_string(placement), to_string(act), batch, to_string(upstream));
  NetworkConfig c = small_config(Normalization::batch, placement, act, batch, 5, upstream);
  c.mode = Mode::eval;
  c.warmup_batches = 3;
  Network<double> net(c);
  const Vector<double> running_mean = net.buffers(1).running_mean;
  check_few_skipped(check_every_gradient(net));
  // Eval-mode forward passes leave the running statistics alone.
  CHECK(net.buffers(1).running_mean == running_mean);
}

TEST_CASE("float gradients agree with double gradients within 1e-2 relative", "[gradients]") {
  // The same config in float and double: inputs and weights are the same draws rounded once, so the two
  // analytic gradients differ only by float rounding (about 1e-7 relative per operation).
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch, Normalization::per_sample);
  const Activation act = GENERATE(Activation::relu, Activation::tanh, Activation::sigmoid);
  const UpstreamSource upstream = GENERATE(UpstreamSource::random, UpstreamSource::mse,
                                           UpstreamSource::cross_entropy);
  CAPTURE(to_string(norm), to_string(act), to_string(upstream));
  NetworkConfig c = small_config(norm, Placement::after_activation, act, 32, 16, upstream);
  c.depth = 4, c.input_dim = 16;
  Network<double> d(c);
  Network<float> f(c);
  d.forward(), d.backward();
  f.forward(), f.backward();
  // Per entry: within 1e-2 relative, or 1e-4 of the tensor's largest magnitude for near-zero entries.
  auto agree = [](const Matrix<float>& single, const Matrix<double>& reference, const char* name) {
    CAPTURE(name);
    REQUIRE(single.rows() == reference.rows());
    REQUIRE(single.cols() == reference.cols());
    const double floor = 1e-4 * reference.cwiseAbs().maxCoeff();
    int bad = 0;
    for (Eigen::Index i = 0; i < reference.size(); ++i) {
      const double s = double(single.data()[i]), r = reference.data()[i];
      if (std::abs(s - r) > std::max(1e-2 * std::abs(r), floor)) {
        CAPTURE(i, s, r);
        CHECK_THAT(s, WithinRel(r, 1e-2) || WithinAbs(r, floor));
        if (++bad > 3) break;
      }
    }
    CHECK(bad == 0);
  };
  agree(f.dinput(), d.dinput(), "dL/dx");
  for (int l = 1; l <= c.depth; ++l) {
    CAPTURE(l);
    agree(f.param_grads(l).weight, d.param_grads(l).weight, "dL/dW");
    agree(Matrix<float>(f.param_grads(l).bias), Matrix<double>(d.param_grads(l).bias), "dL/db");
    if (norm != Normalization::none) {
      agree(Matrix<float>(f.param_grads(l).gamma), Matrix<double>(d.param_grads(l).gamma), "dL/dgamma");
      agree(Matrix<float>(f.param_grads(l).beta), Matrix<double>(d.param_grads(l).beta), "dL/dbeta");
    }
  }
  if (upstream == UpstreamSource::cross_entropy)
    agree(f.param_grads(f.depth() + 1).weight, d.param_grads(d.depth() + 1).weight, "dL/dW_out");
  CHECK_THAT(double(f.loss()), WithinRel(d.loss(), 1e-4));
}

TEST_CASE("a wrong gradient is caught by the check, entry by entry", "[gradients]") {
  // The check itself must be able to fail: compare_gradient (what check_gradient runs) against analytic
  // gradients that are wrong in chosen entries only (by far more than the tolerance).
  Network<double> net(small_config(Normalization::batch, Placement::before_activation, Activation::tanh, 3, 3,
                                   UpstreamSource::mse));
  net.forward();
  net.backward();
  const Matrix<double> right = net.param_grads(1).weight;
  CheckTally tally;
  SECTION("the right gradient passes every entry") {
    CHECK(compare_gradient(net, net.parameters(1).weight.data(), right, tally).empty());
    CHECK(tally.checked == right.size());
  }
  SECTION("one wrong entry among right ones, wherever it is, is found, and only it") {
    const double off = 1e-3 * right.cwiseAbs().maxCoeff();  // 1000x the tolerance of the largest entry
    for (Eigen::Index k = 0; k < right.size(); ++k) {
      CAPTURE(k);
      Matrix<double> wrong = right;
      wrong.data()[k] += off;
      const std::vector<Mismatch> found = compare_gradient(net, net.parameters(1).weight.data(), wrong, tally);
      REQUIRE(found.size() == 1);
      CHECK(found[0].index == k);
    }
  }
  SECTION("two wrong entries are both reported") {
    Matrix<double> wrong = right;
    wrong.data()[1] *= 1 + 1e-3;
    wrong.data()[wrong.size() - 1] = -wrong.data()[wrong.size() - 1];
    const std::vector<Mismatch> found = compare_gradient(net, net.parameters(1).weight.data(), wrong, tally);
    REQUIRE(found.size() == 2);
    CHECK(found[0].index == 1);
    CHECK(found[1].index == wrong.size() - 1);
  }
}
