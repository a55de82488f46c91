// Normalization invariants, through the network: batch norm standardizes each feature (row) over the
// batch in train mode and applies the running statistics in eval mode; per-sample normalization
// standardizes each sample (column) over its features.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "network.hpp"
#include "rng.hpp"

using namespace layerscope;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

NetworkConfig normalized_config(Normalization norm, Placement placement, Activation act) {
  NetworkConfig c;
  c.depth = 3, c.width = 8, c.input_dim = 6, c.batch = 16;
  c.init = InitScheme::he_normal;
  c.activation = act;
  c.normalization = norm, c.placement = placement;
  c.upstream = UpstreamSource::mse;
  c.seed = 5;
  return c;
}

// What the normalization of layer l sees: z_l when placed before the activation, a_l = f(z_l) after.
const Matrix<double>& normalization_input(const Network<double>& net, int l) {
  return net.config().placement == Placement::before_activation ? net.activations(l).linear_out
                                                                 : net.activations(l).activation_out;
}

Vector<double> row_variance(const Matrix<double>& m) {  // biased, over the columns
  const Vector<double> mean = m.rowwise().mean();
  return (m.colwise() - mean).rowwise().squaredNorm() / double(m.cols());
}

void randomize_gamma_beta(Network<double>& net) {
  Rng rng(99, 1);
  for (int l = 1; l <= net.depth(); ++l) {
    for (Eigen::Index i = 0; i < net.parameters(l).gamma.size(); ++i) {
      net.parameters(l).gamma(i) = 1.0 + 0.5 * rng.normal();
      net.parameters(l).beta(i) = rng.normal();
    }
  }
}

}  // namespace

TEST_CASE("batch norm output has zero mean and unit variance per feature in train mode", "[batchnorm]") {
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  const Activation act = GENERATE(Activation::relu, Activation::tanh, Activation::linear);
  const double eps = GENERATE(0.0, 1e-5);
  CAPTURE(to_string(placement), to_string(act), eps);
  NetworkConfig c = normalized_config(Normalization::batch, placement, act);
  c.epsilon = eps;
  Network<double> net(c);
  net.forward();
  for (int l = 1; l <= c.depth; ++l) {
    CAPTURE(l);
    const Matrix<double> xhat = net.normalized(l);
    const Vector<double> input_var = row_variance(normalization_input(net, l));
    for (int i = 0; i < c.width; ++i) {
      CAPTURE(i);
      CHECK_THAT(xhat.row(i).mean(), WithinAbs(0.0, 1e-12));
      // Biased variance of xhat = var / (var + eps): exactly 1 for eps = 0.
      const double expected = input_var(i) / (input_var(i) + eps);
      CHECK_THAT(row_variance(xhat)(i), WithinRel(expected, 1e-10));
      CHECK(expected > 0.9);  // the inputs are far from constant, so eps barely matters
    }
    // With gamma = 1, beta = 0 (the initial values) the layer output is xhat itself.
    CHECK(net.activations(l).norm_out.isApprox(xhat, 1e-15));
  }
  SECTION("gamma and beta set each feature's std and mean") {
    randomize_gamma_beta(net);
    net.forward();
    for (int l = 1; l <= c.depth; ++l) {
      const Matrix<double>& out = net.activations(l).norm_out;
      const Vector<double> input_var = row_variance(normalization_input(net, l));
      const Vector<double> out_var = row_variance(out);
      for (int i = 0; i < c.width; ++i) {
        CAPTURE(l, i);
        const double gamma = net.parameters(l).gamma(i), beta = net.parameters(l).beta(i);
        CHECK_THAT(out.row(i).mean(), WithinAbs(beta, 1e-12));
        CHECK_THAT(out_var(i), WithinRel(gamma * gamma * input_var(i) / (input_var(i) + eps), 1e-10));
      }
    }
  }
}

TEST_CASE("batch norm gradient sums to zero over the batch for each feature", "[batchnorm]") {
  // dL/dx = rstd (dxhat - mean_n dxhat - xhat var/(var+eps) mean_n(dxhat xhat)): its row sums vanish
  // (shifting a feature does not change the output). With eps = 0 it is also orthogonal to xhat row by
  // row (nor does scaling it); with eps > 0 that dot product is rstd gamma dgamma eps/(var+eps), not 0.
  const Activation act = GENERATE(Activation::relu, Activation::sigmoid);
  const UpstreamSource upstream = GENERATE(UpstreamSource::random, UpstreamSource::cross_entropy);
  const int batch = GENERATE(2, 5, 64);
  const double eps = GENERATE(0.0, 1e-5);
  CAPTURE(to_string(act), to_string(upstream), batch, eps);
  NetworkConfig c = normalized_config(Normalization::batch, Placement::before_activation, act);
  c.upstream = upstream, c.batch = batch, c.upstream_scale = 1, c.epsilon = eps;
  Network<double> net(c);
  randomize_gamma_beta(net);
  net.forward();
  net.backward();
  for (int l = 1; l <= c.depth; ++l) {
    CAPTURE(l);
    const Matrix<double> dz = net.linear_gradient(l);  // dL/d(batch norm input)
    const Matrix<double> xhat = net.normalized(l);
    REQUIRE(dz.cwiseAbs().maxCoeff() > 0);
    for (int i = 0; i < c.width; ++i) {
      CAPTURE(i);
      // The size of the terms that cancel: |dL/dp| rstd |gamma|, with |dL/dp| <= |dL/dh| (|f'| <= 1).
      const double term = net.doutput(l).row(i).cwiseAbs().maxCoeff() * net.activations(l).batch_rstd(i) *
                          std::abs(net.parameters(l).gamma(i));
      const double tolerance = 1e-12 * batch * term;
      CHECK_THAT(dz.row(i).sum(), WithinAbs(0.0, tolerance));
      if (eps == 0) CHECK_THAT(dz.row(i).dot(xhat.row(i)), WithinAbs(0.0, tolerance));
    }
  }
  SECTION("placed after the activation, dL/da sums to zero as well") {
    // With a linear activation dL/dz = dL/da, the gradient at the normalization's input.
    NetworkConfig after = c;
    after.placement = Placement::after_activation, after.activation = Activation::linear;
    Network<double> net_after(after);
    net_after.forward();
    net_after.backward();
    const Matrix<double> da = net_after.linear_gradient(2);
    for (int i = 0; i < after.width; ++i) {
      const double term = net_after.doutput(2).row(i).cwiseAbs().maxCoeff() *
                          net_after.activations(2).batch_rstd(i);  // gamma = 1
      CHECK_THAT(da.row(i).sum(), WithinAbs(0.0, 1e-12 * batch * term));
    }
  }
}

TEST_CASE("ReLU then batch norm backward in one pass equals the two steps apart", "[batchnorm]") {
  // The post's layer (a = relu(z), h = bn(a), train mode) runs the ReLU's backward inside batch norm's
  // pass, with its mask read off a. A leaky ReLU of slope 0 is the same function but takes the general
  // path (batch norm's backward into dL/da, then the activation's), so the two must agree to rounding.
  const int batch = GENERATE(2, 16, 200);
  CAPTURE(batch);
  NetworkConfig fused = normalized_config(Normalization::batch, Placement::after_activation, Activation::relu);
  fused.batch = batch, fused.upstream = UpstreamSource::random, fused.upstream_scale = 1;
  NetworkConfig apart = fused;
  apart.activation = Activation::leaky_relu, apart.leaky_slope = 0;
  Network<double> a(fused), b(apart);
  for (Network<double>* net : {&a, &b}) {
    randomize_gamma_beta(*net);
    net->forward();
    net->backward();
  }
  // The top layer, where both start from the same dL/dh_L. dx is a difference of terms of size
  // |dL/dh| rstd |gamma| that cancel (almost entirely with 2 samples), so rounding is measured against that.
  const int L = fused.depth;
  const double term = a.doutput(L).cwiseAbs().maxCoeff() *
                      (a.activations(L).batch_rstd.array() * a.parameters(L).gamma.array().abs()).maxCoeff();
  const Matrix<double> dz_fused = a.linear_gradient(L), dz_apart = b.linear_gradient(L);
  REQUIRE(dz_apart.cwiseAbs().maxCoeff() > 0);
  CHECK((dz_fused.array() == 0).count() == (dz_apart.array() == 0).count());  // the same dead units
  CHECK((dz_fused - dz_apart).cwiseAbs().maxCoeff() <= 1e-13 * term);
  const double h_max = a.output(L - 1).cwiseAbs().maxCoeff();
  CHECK((a.param_grads(L).weight - b.param_grads(L).weight).cwiseAbs().maxCoeff() <= 1e-13 * term * batch * h_max);
  CHECK(a.param_grads(L).gamma.isApprox(b.param_grads(L).gamma, 1e-14));
  CHECK(a.param_grads(L).beta.isApprox(b.param_grads(L).beta, 1e-14));
}

TEST_CASE("train-mode forward updates the running statistics with momentum", "[batchnorm]") {
  const double momentum = GENERATE(0.1, 0.5, 1.0);
  CAPTURE(momentum);
  NetworkConfig c = normalized_config(Normalization::batch, Placement::after_activation, Activation::relu);
  c.momentum = momentum;
  Network<double> net(c);
  for (int l = 1; l <= c.depth; ++l) {  // PyTorch's starting values
    CHECK(net.buffers(l).running_mean.isZero(0));
    CHECK(net.buffers(l).running_var.isOnes(0));
  }
  // Two passes on the same input: running <- (1 - m) running + m batch, with the unbiased variance
  // N/(N-1) var (hand-computed from the normalization's input).
  Vector<double> mean_expected[4], var_expected[4];
  for (int l = 1; l <= c.depth; ++l) mean_expected[l] = Vector<double>::Zero(c.width), var_expected[l] = Vector<double>::Ones(c.width);
  for (int pass = 0; pass < 2; ++pass) {
    net.forward();
    for (int l = 1; l <= c.depth; ++l) {
      const Matrix<double>& inp = normalization_input(net, l);
      const Vector<double> batch_mean = inp.rowwise().mean();
      const Vector<double> unbiased = row_variance(inp) * double(c.batch) / double(c.batch - 1);
      mean_expected[l] = (1 - momentum) * mean_expected[l] + momentum * batch_mean;
      var_expected[l] = (1 - momentum) * var_expected[l] + momentum * unbiased;
    }
  }
  for (int l = 1; l <= c.depth; ++l) {
    CAPTURE(l);
    for (int i = 0; i < c.width; ++i) {
      CAPTURE(i);
      CHECK_THAT(net.buffers(l).running_mean(i), WithinRel(mean_expected[l](i), 1e-12));
      CHECK_THAT(net.buffers(l).running_var(i), WithinRel(var_expected[l](i), 1e-12));
    }
  }
}

TEST_CASE("eval-mode batch norm applies the running statistics", "[batchnorm]") {
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  const int warmup = GENERATE(0, 1, 5);
  CAPTURE(to_string(placement), warmup);
  NetworkConfig c = normalized_config(Normalization::batch, placement, Activation::tanh);
  c.mode = Mode::eval;
  c.warmup_batches = warmup;
  Network<double> net(c);
  randomize_gamma_beta(net);
  if (warmup > 0) CHECK_FALSE(net.buffers(1).running_mean.isZero(0));  // warm-up moved them
  const Vector<double> running_mean = net.buffers(1).running_mean;
  net.forward();
  for (int l = 1; l <= c.depth; ++l) {
    CAPTURE(l);
    const LayerParameters<double>& p = net.parameters(l);
    const BatchNormBuffers<double>& running = net.buffers(l);
    const Matrix<double>& inp = normalization_input(net, l);
    const Matrix<double>& out = net.activations(l).norm_out;
    for (int i = 0; i < c.width; ++i) {
      for (int n = 0; n < c.batch; ++n) {
        // By hand: gamma (x - running_mean) / sqrt(running_var + eps) + beta.
        const double expected =
            p.gamma(i) * (inp(i, n) - running.running_mean(i)) / std::sqrt(running.running_var(i) + c.epsilon) + p.beta(i);
        if (std::abs(out(i, n) - expected) > 1e-12 * (1 + std::abs(expected))) {
          CAPTURE(i, n);
          CHECK_THAT(out(i, n), WithinAbs(expected, 1e-12 * (1 + std::abs(expected))));
        }
      }
    }
    // So the batch's own statistics are not used: the rows are not standardized.
    CHECK(std::abs(net.normalized(l).row(0).mean()) > 1e-6);
  }
  CHECK(net.buffers(1).running_mean == running_mean);  // eval forward does not update them
}

TEST_CASE("per-sample normalization standardizes each sample over its features", "[batchnorm]") {
  const Placement placement = GENERATE(Placement::before_activation, Placement::after_activation);
  const Activation act = GENERATE(Activation::relu, Activation::sigmoid);
  CAPTURE(to_string(placement), to_string(act));
  // epsilon stays 1e-5: with 0, a sample whose 8 ReLU outputs are all 0 would normalize to 0/0 = NaN.
  NetworkConfig c = normalized_config(Normalization::per_sample, placement, act);
  c.bias = true;
  Network<double> net(c);
  net.forward();
  net.backward();
  for (int l = 1; l <= c.depth; ++l) {
    CAPTURE(l);
    const Matrix<double> xhat = net.normalized(l);
    const Matrix<double> inp = normalization_input(net, l).transpose();  // samples as rows
    const Vector<double> input_var = row_variance(inp);
    const Vector<double> xhat_var = row_variance(xhat.transpose());
    int standardized = 0;
    for (int n = 0; n < c.batch; ++n) {
      CAPTURE(n, input_var(n));
      CHECK_THAT(xhat.col(n).mean(), WithinAbs(0.0, 1e-12));
      // Variance var / (var + eps); exactly 0 for a sample whose inputs are all equal (all dead).
      CHECK_THAT(xhat_var(n), WithinRel(input_var(n) / (input_var(n) + c.epsilon), 1e-10));
      standardized += xhat_var(n) > 0.99;
    }
    CHECK(standardized >= c.batch / 2);
    // Its gradient at the input sums to zero over each sample's features (before: at z, that is dlinear).
    if (placement == Placement::before_activation) {
      const Matrix<double> dz = net.linear_gradient(l);
      for (int n = 0; n < c.batch; ++n)
        CHECK_THAT(dz.col(n).sum(), WithinAbs(0.0, 1e-12 * (1 + dz.cwiseAbs().maxCoeff())));
    }
    // And it does not standardize the features over the batch.
    CHECK(std::abs(xhat.row(0).mean()) > 1e-6);
  }
}

// NaN is never hidden as zero (PyTorch's behaviour, torch.relu and its threshold_backward: relu(NaN) = NaN,
// and the gradient is zeroed only where the output is <= 0, so it flows through a NaN).
TEST_CASE("ReLU keeps NaN forward and backward, alone and inside batch norm's one-pass backward", "[batchnorm]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Matrix<double> z(2, 3);
  z << nan, -1.0, 2.0,
       0.0, -0.0, nan;
  SECTION("forward: NaN stays NaN, negatives and both zeros become +0") {
    Matrix<double> a;
    activation_forward(a, z, Activation::relu, 0.0);
    CHECK(std::isnan(a(0, 0)));
    CHECK(std::isnan(a(1, 2)));
    CHECK(a(0, 1) == 0);
    CHECK(a(0, 2) == 2);
    CHECK(a(1, 0) == 0);
    CHECK(a(1, 1) == 0);
    CHECK_FALSE(std::signbit(a(1, 1)));
    Matrix<double> leaky;
    activation_forward(leaky, z, Activation::leaky_relu, 0.1);
    CHECK(std::isnan(leaky(0, 0)));
    CHECK(leaky(0, 1) == -0.1);
  }
  SECTION("backward: the gradient passes where the input is NaN or positive, 0 where it is <= 0") {
    const Matrix<double> dout = Matrix<double>::Constant(2, 3, 3.0);
    Matrix<double> a, dz;
    activation_forward(a, z, Activation::relu, 0.0);
    activation_backward(dz, dout, z, a, Activation::relu, 0.0);
    Matrix<double> expected(2, 3);
    expected << 3, 0, 3,
                0, 0, 3;
    CHECK(dz == expected);
    // Batch norm after the ReLU reads the mask off a = relu(z); in one pass it must agree with the two
    // steps apart (the mask of activation_backward) entry by entry, NaN columns included.
    Matrix<double> x(2, 4);
    x << 1.0, nan, -2.0, 0.5,
         -1.0, 3.0, 0.0, 2.0;
    Matrix<double> relu_x;
    activation_forward(relu_x, x, Activation::relu, 0.0);
    Matrix<double> bn_out, dx_one, dx_bn, dx_two;
    Vector<double> mean, var, rstd, dgamma, dbeta;
    const Vector<double> gamma = Vector<double>::Constant(2, 1.5), beta = Vector<double>::Zero(2);
    batchnorm_forward(bn_out, mean, var, rstd, relu_x, gamma, beta, 1e-5);
    const Matrix<double> dbn = Matrix<double>::Constant(2, 4, 1.0);
    batchnorm_backward(dx_one, dgamma, dbeta, dbn, relu_x, mean, rstd, gamma, ThenThrough::relu_of_input);
    batchnorm_backward(dx_bn, dgamma, dbeta, dbn, relu_x, mean, rstd, gamma);
    activation_backward(dx_two, dx_bn, x, relu_x, Activation::relu, 0.0);
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      CAPTURE(i);
      const double one = dx_one.data()[i], two = dx_two.data()[i];
      CHECK(((std::isnan(one) && std::isnan(two)) || one == two));
    }
    // The masked entries (x <= 0) are exactly 0 in both; row 0 (with its NaN) is NaN wherever not masked.
    CHECK(dx_one(0, 2) == 0);
    CHECK(dx_one(1, 0) == 0);
    CHECK(dx_one(1, 2) == 0);
    CHECK(std::isnan(dx_one(0, 1)));
  }
}

TEST_CASE("a network whose input is NaN reports NaN, not dead units", "[batchnorm]") {
  NetworkConfig c = normalized_config(Normalization::none, Placement::after_activation, Activation::relu);
  c.input_scale = 1.0;
  Network<double> net(c);
  net.input().setConstant(std::numeric_limits<double>::quiet_NaN());
  net.forward();
  // Before the fix relu(NaN) was 0: 100% dead units and std 0, with no NaN anywhere in the activations.
  CHECK(net.activations(1).activation_out.array().isNaN().all());
  CHECK(net.output(c.depth).array().isNaN().all());
}

TEST_CASE("every activation keeps NaN, in float and in double", "[batchnorm]") {
  // NaN in, NaN out, for every nonlinearity (PyTorch's behaviour for each): a vectorized or approximated
  // activation (the float sigmoid, say) must not turn NaN into a number.
  const Activation kind = GENERATE(Activation::relu, Activation::leaky_relu, Activation::tanh, Activation::sigmoid,
                                   Activation::linear);
  CAPTURE(to_string(kind));
  SECTION("float, a whole vector's worth and a tail") {
    Matrix<float> x = Matrix<float>::Constant(3, 7, 0.5f), y;
    x(0, 0) = x(2, 6) = x(1, 3) = std::numeric_limits<float>::quiet_NaN();
    activation_forward(y, x, kind, 0.01f);
    CHECK(std::isnan(y(0, 0)));
    CHECK(std::isnan(y(1, 3)));
    CHECK(std::isnan(y(2, 6)));
    CHECK(std::isfinite(y(0, 1)));
  }
  SECTION("double") {
    Matrix<double> x = Matrix<double>::Constant(2, 5, -0.5), y;
    x(1, 4) = std::numeric_limits<double>::quiet_NaN();
    activation_forward(y, x, kind, 0.01);
    CHECK(std::isnan(y(1, 4)));
    CHECK(std::isfinite(y(0, 0)));
  }
}
