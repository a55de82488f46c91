// Run reports: which tensors each layer has, summaries that agree with the tensors, histograms per layer.
#include <catch2/catch.hpp>

#include <numeric>

#include "report.hpp"

using namespace layerscope;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

NetworkConfig report_config(Normalization norm, Activation act) {
  NetworkConfig c;
  c.depth = 5, c.width = 64, c.input_dim = 32, c.batch = 128;
  c.normalization = norm, c.activation = act;
  return c;
}

}  // namespace

TEST_CASE("a report has every tensor except layer 0's pre-activation, activation and weight gradient", "[report]") {
  Network<float> net(report_config(Normalization::none, Activation::relu));
  const RunReport report = run_and_summarize(net);
  REQUIRE(report.layers.size() == 6);
  const LayerReport& input = report.layers[0];
  CHECK(input.present[size_t(TensorKind::output)]);
  CHECK(input.present[size_t(TensorKind::grad_output)]);
  CHECK_FALSE(input.present[size_t(TensorKind::pre_activation)]);
  CHECK_FALSE(input.present[size_t(TensorKind::activation)]);
  CHECK_FALSE(input.present[size_t(TensorKind::grad_weight)]);
  for (int l = 1; l <= 5; ++l)
    for (int k = 0; k < tensor_kind_count; ++k) CHECK(report.layers[size_t(l)].present[size_t(k)]);
  CHECK(input[TensorKind::output].count == 32u * 128u);
  CHECK(report.layers[1][TensorKind::grad_weight].count == 64u * 32u);
  CHECK(report.loss == net.loss());
}

TEST_CASE("report summaries agree with the network's tensors", "[report]") {
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch);
  const Activation act = GENERATE(Activation::relu, Activation::tanh);
  CAPTURE(to_string(norm), to_string(act));
  Network<double> net(report_config(norm, act));
  const RunReport report = run_and_summarize(net);
  for (int l = 1; l <= net.depth(); ++l) {
    CAPTURE(l);
    const Matrix<double>& a = net.activations(l).activation_out;
    const TensorSummary& s = report.layers[size_t(l)][TensorKind::activation];
    CHECK_THAT(s.mean, WithinAbs(a.mean(), 1e-12));
    CHECK(s.max == a.maxCoeff());
    const std::uint64_t zeros = std::uint64_t((a.array() == 0).count());
    CHECK(s.zero_count == zeros);
    if (act == Activation::relu) {
      // About half of the ReLU inputs are negative (binomial over 8192 entries, but correlated within a
      // layer: 0.35..0.65 is a loose band).
      CHECK(s.zero_fraction() > 0.35);
      CHECK(s.zero_fraction() < 0.65);
    }
    const TensorSummary& g = report.layers[size_t(l)][TensorKind::grad_weight];
    CHECK_THAT(g.std * g.std + g.mean * g.mean,
               WithinRel(net.param_grads(l).weight.squaredNorm() / double(net.param_grads(l).weight.size()), 1e-9));
  }
}

TEST_CASE("summaries taken during the run equal summaries taken after it", "[report]") {
  // run_and_summarize summarizes each tensor as soon as it is written (Network's LayerReady calls);
  // summarize_network reads them all after the run. Same tensors, same function: equal to the bit.
  const Normalization norm = GENERATE(Normalization::none, Normalization::batch, Normalization::per_sample);
  const Activation act = GENERATE(Activation::relu, Activation::tanh);
  const UpstreamSource upstream = GENERATE(UpstreamSource::random, UpstreamSource::cross_entropy);
  const bool with_percentiles = GENERATE(false, true);
  CAPTURE(to_string(norm), to_string(act), to_string(upstream), with_percentiles);
  NetworkConfig c = report_config(norm, act);
  c.upstream = upstream;
  Network<float> during_net(c), after_net(c);
  const RunReport during = run_and_summarize(during_net, with_percentiles);
  after_net.forward();
  after_net.backward();
  const RunReport after = summarize_network(after_net, with_percentiles);
  CHECK(during.loss == after.loss);
  REQUIRE(during.layers.size() == after.layers.size());
  int compared = 0;
  for (size_t l = 0; l < after.layers.size(); ++l) {
    for (int k = 0; k < tensor_kind_count; ++k) {
      CAPTURE(l, to_string(TensorKind(k)));
      const size_t kind = size_t(k);
      REQUIRE(during.layers[l].present[kind] == after.layers[l].present[kind]);
      if (!after.layers[l].present[kind]) continue;
      const TensorSummary &x = during.layers[l].tensors[kind], &y = after.layers[l].tensors[kind];
      CHECK(x.count == y.count);
      CHECK(x.zero_count == y.zero_count);
      CHECK(x.saturated_count == y.saturated_count);
      CHECK(x.mean == y.mean);
      CHECK(x.std == y.std);
      CHECK(x.min == y.min);
      CHECK(x.max == y.max);
      CHECK(x.has_percentiles == with_percentiles);
      for (int q = 0; q < summary_percentile_count; ++q) CHECK(x.percentiles[q] == y.percentiles[q]);
      ++compared;
    }
  }
  // Every layer: output and dL/dh; layers 1..L also pre-activation, activation and dL/dW.
  CHECK(compared == 2 + 5 * c.depth);
}

TEST_CASE("layer histograms count every entry of each layer", "[report]") {
  const RangeMode range = GENERATE(RangeMode::own, RangeMode::shared);
  const Binning binning = GENERATE(Binning::linear, Binning::symlog);
  const TensorKind kind = GENERATE(TensorKind::pre_activation, TensorKind::activation, TensorKind::grad_output);
  CAPTURE(int(range), int(binning), to_string(kind));
  Network<float> net(report_config(Normalization::batch, Activation::relu));
  const RunReport report = run_and_summarize(net);
  const std::vector<Histogram> histograms = layer_histograms(net, report, kind, 32, range, binning);
  REQUIRE(histograms.size() == report.layers.size());
  for (int l = 0; l <= net.depth(); ++l) {
    CAPTURE(l);
    const Histogram& h = histograms[size_t(l)];
    if (!report.layers[size_t(l)].present[size_t(kind)]) {
      CHECK(h.counts.empty());
      continue;
    }
    const std::uint64_t binned = std::accumulate(h.counts.begin(), h.counts.end(), std::uint64_t(0));
    CHECK(binned + h.zero_count + h.outside_count + h.nonfinite_count == report.layers[size_t(l)][kind].count);
    CHECK(h.outside_count == 0);  // own and shared ranges both cover every layer's values
  }
}

TEST_CASE("tensor names round-trip and unknown names are rejected", "[report]") {
  for (int k = 0; k < tensor_kind_count; ++k) CHECK(tensor_kind_from_string(to_string(TensorKind(k))) == TensorKind(k));
  try {
    tensor_kind_from_string("weights");
    FAIL("no ConfigError for an unknown tensor name");
  } catch (const ConfigError& e) {
    CHECK(e.field() == "tensor");
    CHECK_THAT(e.what(), Catch::Matchers::Contains("(got 'weights')"));
  }
}
