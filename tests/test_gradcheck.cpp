// The gradient check anyone can run (gradcheck.hpp) and the post's wrong batch-norm backward it can show
// (post_batchnorm.hpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>

#include "gradcheck.hpp"
#include "post_batchnorm.hpp"

using namespace layerscope;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// Small enough for every combination, deep enough that dL/dh passes through layers of every kind.
NetworkConfig small_config(Normalization norm, Placement placement, Activation act, Mode mode) {
  NetworkConfig c;
  c.depth = 3, c.width = 6, c.input_dim = 5, c.batch = 12;
  c.init = InitScheme::he_normal;
  c.activation = act, c.leaky_slope = 0.1;
  c.normalization = norm, c.placement = placement;
  c.mode = mode, c.warmup_batches = 3;
  c.bias = true;
  c.upstream_scale = 1.0;
  c.seed = 7;
  return c;
}

// The kinds a layer's rows must hold: dL/dh for 0..L, then the parameter table's tensors.
std::set<std::string> kinds_of(const GradcheckResult& r, int layer) {
  std::set<std::string> kinds;
  for (const GradcheckRow& row : r.rows)
    if (row.layer == layer) kinds.insert(row.kind);
  return kinds;
}

// Every row compared something and is within the tolerance, and so is the whole check.
void check_every_row_passes(const GradcheckResult& r) {
  CAPTURE(r.worst);
  for (const GradcheckRow& row : r.rows) {
    CAPTURE(row.layer, row.kind, row.checked, row.skipped, row.analytic, row.numeric);
    CHECK(row.checked > 0);
    CHECK(row.worst <= gradcheck_tolerance);
  }
  CHECK(r.passed());
}

}  // namespace

TEST_CASE("our backward passes the gradient check for every normalization, placement, activation and mode",
          "[gradcheck]") {
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch, Normalization::per_sample);
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  if (norm == Normalization::none && placement == Placement::after_activation) return;  // the same network
  const Activation act = GENERATE(Activation::relu, Activation::leaky_relu, Activation::tanh, Activation::sigmoid,
                                  Activation::linear, Activation::selu);
  const Mode mode = GENERATE(Mode::train, Mode::eval);
  const UpstreamSource upstream = GENERATE(UpstreamSource::random, UpstreamSource::mse, UpstreamSource::cross_entropy);
  CAPTURE(to_string(norm), to_string(placement), to_string(act), to_string(mode), to_string(upstream));
  NetworkConfig c = small_config(norm, placement, act, mode);
  c.upstream = upstream, c.classes = 3;
  const GradcheckResult r = check_gradients(c);
  check_every_row_passes(r);
  CHECK_FALSE(r.post_backward_used);
  // Every layer's every kind is there: dL/dx and dL/dh_l, weight and bias, gamma and beta with a normalization,
  // and the cross-entropy output layer as layer L+1.
  const std::set<std::string> with_norm = {"h", "weight", "bias", "gamma", "beta"}, without = {"h", "weight", "bias"};
  CHECK(kinds_of(r, 0) == std::set<std::string>{"h"});
  for (int l = 1; l <= c.depth; ++l) CHECK(kinds_of(r, l) == (norm == Normalization::none ? without : with_norm));
  if (upstream == UpstreamSource::cross_entropy)
    CHECK(kinds_of(r, c.depth + 1) == std::set<std::string>{"weight", "bias"});
  else
    CHECK(kinds_of(r, c.depth + 1).empty());
}

TEST_CASE("residual networks pass the check with an alpha row in every residual layer", "[gradcheck][residual]") {
  const Residual residual = GENERATE(Residual::every_layer, Residual::every_second_layer);
  const ResidualScale scale = GENERATE(ResidualScale::one, ResidualScale::inv_sqrt_depth, ResidualScale::trained);
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch, Normalization::per_sample);
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  if (norm == Normalization::none && placement == Placement::after_activation) return;  // the same network
  const Activation act = GENERATE(Activation::relu, Activation::tanh, Activation::selu);
  const Mode mode = GENERATE(Mode::train, Mode::eval);
  const UpstreamSource upstream = GENERATE(UpstreamSource::random, UpstreamSource::cross_entropy);
  CAPTURE(to_string(residual), to_string(scale), to_string(norm), to_string(placement), to_string(act),
          to_string(mode), to_string(upstream));
  NetworkConfig c = small_config(norm, placement, act, mode);
  c.depth = 4, c.residual = residual, c.residual_scale = scale;
  c.upstream = upstream, c.classes = 3;
  const GradcheckResult r = check_gradients(c);
  check_every_row_passes(r);
  for (int l = 1; l <= c.depth; ++l) {
    CAPTURE(l);
    CHECK(kinds_of(r, l).count("alpha") == (has_residual_connection(c, l) ? 1u : 0u));
  }
}

TEST_CASE("batch norm + noise passes the gradient check for every placement activation and loss", "[gradcheck][noise]") {
  // The noise of one step is fixed through the forward passes of the check (its tails draw the same noise
  // for the same layers: Network::set_noise_step), so its backward is checked like any layer's.
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  const Activation act = GENERATE(Activation::relu, Activation::tanh, Activation::sigmoid, Activation::linear);
  const UpstreamSource upstream = GENERATE(UpstreamSource::random, UpstreamSource::mse, UpstreamSource::cross_entropy);
  const double spread = GENERATE(0.0, 0.5, 2.0);  // bn_noise_mean and bn_noise_std
  CAPTURE(to_string(placement), to_string(act), to_string(upstream), spread);
  NetworkConfig c = small_config(Normalization::batch, placement, act, Mode::train);
  c.upstream = upstream, c.classes = 3;
  c.bn_noise = true, c.bn_noise_mean = spread, c.bn_noise_std = spread;
  const GradcheckResult r = check_gradients(c);
  for (const GradcheckRow& row : r.rows) {
    CAPTURE(row.layer, row.kind, row.checked, row.skipped, row.analytic, row.numeric);
    CHECK(row.checked > 0);
    CHECK(row.worst <= gradcheck_tolerance);
  }
  CHECK(r.passed());
}

TEST_CASE("the default pair passes the check on its first 16 samples", "[gradcheck]") {
  const std::string name = GENERATE("blog-no-bn", "xavier-bn");
  CAPTURE(name);
  const GradcheckResult r = check_gradients(preset(name));
  CHECK(r.config.batch == 16);
  CHECK(r.config.depth == 20);
  CHECK(r.rows.size() == (name == "blog-no-bn" ? 41u : 81u));  // h of layers 0..20, and 1 or 3 tensors of 1..20
  CHECK(r.passed());
}

TEST_CASE("the post's batch-norm backward is flagged wherever it runs, and only there", "[gradcheck][post]") {
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch, Normalization::per_sample);
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  const Activation act = GENERATE(Activation::relu, Activation::tanh);
  const Mode mode = GENERATE(Mode::train, Mode::eval);
  CAPTURE(to_string(norm), to_string(placement), to_string(act), to_string(mode));
  GradcheckSettings post;
  post.bn_backward = BnBackward::post;
  const GradcheckResult r = check_gradients(small_config(norm, placement, act, mode), post);
  CAPTURE(r.worst);
  // The post has no eval mode (its statistics are the batch's): eval-mode batch norm keeps ours.
  const bool replaced = norm == Normalization::per_sample || (norm == Normalization::batch && mode == Mode::train);
  CHECK(r.post_backward_used == replaced);
  if (!replaced) {
    CHECK(r.passed());
    return;
  }
  CHECK_FALSE(r.passed());
  // Far beyond the tolerance, not a rounding matter: the error is of the order of the gradient itself.
  CHECK(r.worst > 0.1);
  // Its dL/dgamma is wrong in every layer (one sample's term, at y instead of xhat).
  for (const GradcheckRow& row : r.rows)
    if (row.kind == "gamma") {
      CAPTURE(row.layer);
      CHECK(row.worst > gradcheck_tolerance);
    }
}

TEST_CASE("the post's batch-norm dL/dx is off by the amount worked out by hand", "[gradcheck][post]") {
  // One feature, four samples x = (-1, -1, 1, 1): mu = 0, var = 1 (biased, no epsilon), xhat = x; dL/dy =
  // (1, 0, 0, 0), gamma = 1. By hand, following the post's lines one by one:
  //   dvar = sum dxhat (x - mu) (-1/2) var^(-3/2) = 1 * (-1) * (-1/2) = 1/2
  //   dmu  = -sum dxhat / std + dvar (-2) (x - mu)/4 = -1 - (x - mu)/4 = (-3/4, -3/4, -5/4, -5/4)
  //   dx   = dxhat / std + dvar (-2) (x - mu)/4 + dmu / 4
  //        = (1, 0, 0, 0) + (1/4, 1/4, -1/4, -1/4) + (-3/16, -3/16, -5/16, -5/16)
  //        = (17/16, 1/16, -9/16, -9/16)
  // and by the paper (dmu = -1, the +2 sign): dx = (1, 0, 0, 0) + (-1/4, -1/4, 1/4, 1/4) - 1/4 = (1/2, -1/2, 0, 0).
  // So the difference is 9/16 in every entry, and the worst relative error |post - ours| / max(|post|, |ours|)
  // is entry 2's: (9/16) / (1/2) = 112.5%.
  Matrix<double> x(1, 4), dout(1, 4);
  x << -1, -1, 1, 1;
  dout << 1, 0, 0, 0;
  const Vector<double> gamma = Vector<double>::Ones(1), beta = Vector<double>::Zero(1);
  Matrix<double> post_dx;
  post_batchnorm_backward_input(post_dx, dout, x, gamma);
  CHECK_THAT(post_dx(0), WithinRel(17.0 / 16, 1e-15));
  CHECK_THAT(post_dx(1), WithinRel(1.0 / 16, 1e-15));
  CHECK_THAT(post_dx(2), WithinRel(-9.0 / 16, 1e-15));
  CHECK_THAT(post_dx(3), WithinRel(-9.0 / 16, 1e-15));

  // Ours on the same case (epsilon 0, so the two see the same statistics) gives the paper's values.
  Matrix<double> y, ours_dx;
  Vector<double> mean, var, rstd, dgamma, dbeta;
  batchnorm_forward(y, mean, var, rstd, x, gamma, beta, 0.0);
  batchnorm_backward(ours_dx, dgamma, dbeta, dout, x, mean, rstd, gamma);
  CHECK_THAT(ours_dx(0), WithinAbs(0.5, 1e-15));
  CHECK_THAT(ours_dx(1), WithinAbs(-0.5, 1e-15));
  CHECK_THAT(ours_dx(2), WithinAbs(0.0, 1e-15));
  CHECK_THAT(ours_dx(3), WithinAbs(0.0, 1e-15));

  double worst = 0;
  for (int n = 0; n < 4; ++n)
    worst = std::max(worst, std::abs(post_dx(n) - ours_dx(n)) / std::max(std::abs(post_dx(n)), std::abs(ours_dx(n))));
  CHECK_THAT(worst, WithinRel(1.125, 1e-12));

  // Its parameter gradients, by hand: dgamma keeps sample 1's dout y = 1 * (-1) = -1 where the sum of dout xhat
  // is also -1 here (gamma 1, beta 0: y = xhat), and dbeta = sum dout = 1 as it should: on one feature only
  // the dL/dx error shows.
  Vector<double> post_dgamma, post_dbeta;
  post_batchnorm_backward_parameters(post_dgamma, post_dbeta, dout, y);
  CHECK_THAT(post_dgamma(0), WithinAbs(dgamma(0), 1e-15));
  CHECK_THAT(post_dbeta(0), WithinAbs(dbeta(0), 1e-15));
}

TEST_CASE("the check's batch is the first samples of the config's batch", "[gradcheck]") {
  // The RNG fills the input and the upstream gradient column by column, so a smaller batch draws the first
  // columns of the larger one: what the check runs is the column's network on its first samples.
  NetworkConfig big = small_config(Normalization::batch, Placement::after_activation, Activation::relu, Mode::train);
  big.batch = 40;
  NetworkConfig cut = big;
  cut.batch = 12;
  const Network<double> a(big), b(cut);
  CHECK(a.input().leftCols(12) == b.input());
  CHECK(a.upstream().leftCols(12) == b.upstream());
  CHECK(a.parameters(2).weight == b.parameters(2).weight);
}

TEST_CASE("the check's settings are read by the config's rules and name the field", "[gradcheck]") {
  GradcheckSettings s;
  set_gradcheck_field(s, "bn_backward", "post");
  set_gradcheck_field(s, "check_batch", "16");
  set_gradcheck_field(s, "entries_per_tensor", "5");
  CHECK(s.bn_backward == BnBackward::post);
  CHECK(get_gradcheck_field(s, "check_batch") == "16");
  CHECK(get_gradcheck_field(s, "entries_per_tensor") == "5");
  CHECK_THROWS_WITH(set_gradcheck_field(s, "bn_backward", "paper"), Catch::Contains("bn_backward: must be one of"));
  CHECK_THROWS_WITH(set_gradcheck_field(s, "check_batch", "0"), Catch::StartsWith("check_batch: "));
  CHECK_THROWS_WITH(set_gradcheck_field(s, "entries", "3"), Catch::StartsWith("entries: unknown setting"));
  // A batch-norm config cut to one sample is refused, naming the setting that cut it and the config's rule.
  s.check_batch = 1;
  CHECK_THROWS_WITH(check_gradients(preset("xavier-bn"), s),
                    Catch::StartsWith("check_batch: ") && Catch::Contains("batch: must be at least 2 with batch norm"));
}
