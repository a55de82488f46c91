// Determinism: the same seed gives bit-identical inputs, weights, outputs and gradients; other seeds
// differ; each consumer draws from its own stream.
#include <catch2/catch.hpp>

#include <algorithm>

#include "network.hpp"
#include "rng.hpp"

using namespace layerscope;

namespace {

NetworkConfig determinism_config(std::uint64_t seed) {
  NetworkConfig c;
  c.depth = 4, c.width = 16, c.input_dim = 12, c.batch = 32;
  c.normalization = Normalization::batch;
  c.upstream = UpstreamSource::cross_entropy;
  c.seed = seed;
  return c;
}

template <typename S>
bool bit_identical(const Matrix<S>& a, const Matrix<S>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::equal(a.data(), a.data() + a.size(), b.data());
}

}  // namespace

TEMPLATE_TEST_CASE("two networks with the same seed are bit-identical", "[determinism]", float, double) {
  Network<TestType> a(determinism_config(42)), b(determinism_config(42));
  CHECK(bit_identical(a.input(), b.input()));
  CHECK(a.labels() == b.labels());
  // layers 1..L and, with cross-entropy, the output layer L+1
  for (int l = 1; l <= a.parameter_layers(); ++l) CHECK(bit_identical(a.parameters(l).weight, b.parameters(l).weight));
  a.forward(), a.backward();
  b.forward(), b.backward();
  CHECK(a.loss() == b.loss());
  CHECK(bit_identical(a.dinput(), b.dinput()));
  for (int l = 1; l <= a.depth(); ++l) {
    CAPTURE(l);
    CHECK(bit_identical(a.output(l), b.output(l)));
    CHECK(bit_identical(a.param_grads(l).weight, b.param_grads(l).weight));
  }
}

TEST_CASE("different seeds give different inputs, weights and outputs", "[determinism]") {
  Network<float> a(determinism_config(1)), b(determinism_config(2));
  CHECK_FALSE(bit_identical(a.input(), b.input()));
  CHECK_FALSE(bit_identical(a.parameters(1).weight, b.parameters(1).weight));
  a.forward(), b.forward();
  CHECK_FALSE(bit_identical(a.output(a.depth()), b.output(b.depth())));
  CHECK(a.loss() != b.loss());
}

TEST_CASE("the input is the first normals of the seed's input stream", "[determinism]") {
  // Storage order (column-major: sample 0's features first) and the pinned first normals of seed 1,
  // stream 1 (see test_rng.cpp): -0.30600705524406646, 0.0360814645023469.
  NetworkConfig c = determinism_config(1);
  c.input_scale = 2.0;
  Network<double> net(c);
  CHECK(net.input()(0, 0) == 2.0 * -0x1.3959e9da79602p-2);
  CHECK(net.input()(1, 0) == 2.0 * 0x1.279450c0f08e9p-5);
  SECTION("float inputs are the same draws rounded once") {
    Network<float> single(c);
    CHECK(bit_identical(Matrix<float>(net.input().cast<float>()), single.input()));
  }
}

TEST_CASE("changing the depth changes neither the input nor the first layers' weights", "[determinism]") {
  NetworkConfig shallow = determinism_config(7), deep = shallow;
  deep.depth = 9;
  Network<float> a(shallow), b(deep);
  CHECK(bit_identical(a.input(), b.input()));
  for (int l = 1; l <= shallow.depth; ++l) CHECK(bit_identical(a.parameters(l).weight, b.parameters(l).weight));
  // And each layer has a stream of its own: layers 2 and 3 (same shape) get different weights.
  CHECK_FALSE(bit_identical(a.parameters(2).weight, a.parameters(3).weight));
}

TEST_CASE("a network built through a draw cache is bit-identical to one built without", "[determinism]") {
  // One cache across networks that share streams in every way the page changes a setting: the same
  // config again (all hits), a deeper and wider one (prefixes extended), another scheme (uniform draws of
  // the same weight streams), another upstream (MSE targets) and another seed (new streams).
  DrawCache cache;
  NetworkConfig base = determinism_config(5);
  NetworkConfig wider = base, uniform = base, mse = base, reseeded = base;
  wider.depth = 6, wider.width = 24, wider.batch = 40;
  uniform.init = InitScheme::he_uniform;
  mse.upstream = UpstreamSource::mse;
  reseeded.seed = 6;
  for (const NetworkConfig& c : {base, base, wider, base, uniform, mse, reseeded, wider}) {
    CAPTURE(c.seed, c.depth, c.width, c.batch, int(c.init), int(c.upstream));
    Network<float> cached(c, &cache), fresh(c);
    CHECK(bit_identical(cached.input(), fresh.input()));
    CHECK(bit_identical(cached.upstream(), fresh.upstream()));
    CHECK(cached.labels() == fresh.labels());
    for (int l = 1; l <= cached.parameter_layers(); ++l)
      CHECK(bit_identical(cached.parameters(l).weight, fresh.parameters(l).weight));
  }
  CHECK(cache.held() > 0);
}
