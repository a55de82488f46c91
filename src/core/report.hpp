// One run summarized: every tracked tensor of every layer, as the page and the command-line tool see it.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "network.hpp"
#include "stats.hpp"
#include "theory.hpp"

namespace layerscope {

// The tensors the statistics track, per layer l = 0..L. Layer 0 (the input x = h_0) has only
// `output` (x itself) and `grad_output` (dL/dx).
enum class TensorKind {
  pre_activation,  // p_l, what goes into the activation function
  activation,      // a_l = f(p_l); dead (exact zero) and saturated fractions are read here
  output,          // h_l, the layer's output (= a_l unless normalized after the activation)
  grad_output,     // dL/dh_l
  grad_weight,     // dL/dW_l
};
constexpr int tensor_kind_count = 5;
const char* to_string(TensorKind kind);
// Throws ConfigError("tensor", ...) for an unknown name.
TensorKind tensor_kind_from_string(const std::string& name);

// Where the activation's values count as saturated (tanh, sigmoid); disabled for the others.
SaturationBand saturation_for(Activation activation);

template <typename S>
struct TensorRef {
  const S* data = nullptr;
  std::size_t size = 0;
  int rows = 0, cols = 0;
  bool exists() const { return data != nullptr; }
};

// The tensor of that kind at layer l, or an empty ref where it does not exist (layer 0 pre-activation).
// Valid until the network runs again.
template <typename S>
TensorRef<S> tensor(const Network<S>& net, TensorKind kind, int layer);

struct LayerReport {
  std::array<bool, tensor_kind_count> present{};
  std::array<TensorSummary, tensor_kind_count> tensors{};
  const TensorSummary& operator[](TensorKind k) const { return tensors[size_t(k)]; }
};

struct RunReport {
  NetworkConfig config;
  double loss = 0;
  std::vector<LayerReport> layers;  // 0..L
  TheoryProfile theory;
  std::vector<std::string> warnings;  // config_warnings(config): what the run can do but a reader should know
};

// Runs forward and backward once and summarizes everything.
// with_percentiles = false leaves the summaries' percentiles out (see summarize()).
template <typename S>
RunReport run_and_summarize(Network<S>& net, bool with_percentiles = true);

// Summaries only (the network has already run).
template <typename S>
RunReport summarize_network(const Network<S>& net, bool with_percentiles = true);

enum class RangeMode {
  own,     // each layer's histogram spans that layer's own [min, max]
  shared,  // every layer's histogram spans the [min, max] over all layers of this tensor
};

// Histograms of one tensor kind for every layer that has it (empty Histogram where it does not), on the
// axis histogram_axis() gives: shared over the layers, or each layer's own.
template <typename S>
std::vector<Histogram> layer_histograms(const Network<S>& net, const RunReport& report, TensorKind kind,
                                        int bins, RangeMode range, Binning binning);

// The [min, max] over all layers of a tensor kind (finite values only); {0, 0} when there are none.
std::pair<double, double> shared_range(const RunReport& report, TensorKind kind);
// The smallest positive finite std over all layers of a tensor kind; 0 when there is none.
double smallest_std(const RunReport& report, TensorKind kind);

}  // namespace layerscope
