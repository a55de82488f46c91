#include "report.hpp"
#include "tensor_kinds.hpp"

#include <algorithm>
#include <cmath>

namespace layerscope {

namespace {
// The tensor kinds in TensorKind's order: the name (config fields, the CLI, the wasm API) and the words
// the page shows for it (tensor_kinds.hpp).
struct KindRow {
  const char* name;
  TensorKindWords words;
};
const KindRow kinds[tensor_kind_count] = {
    {"pre_activation", {"pre-activation p", "p", "pre-activations p", true}},
    {"activation", {"activation f(p)", "f(p)", "activations f(p)", true}},
    {"output", {"layer output h", "h", "outputs h", true}},
    {"grad_output", {"gradient dL/dh", "dL/dh", "gradients dL/dh", false}},
    {"grad_weight", {"gradient dL/dW", "dL/dW", "weight gradients dL/dW", false}},
};

template <typename S>
TensorRef<S> ref(const Matrix<S>& m) {
  return {m.data(), std::size_t(m.size()), int(m.rows()), int(m.cols())};
}
}  // namespace

SaturationBand saturation_for(Activation a) {
  if (a == Activation::tanh) return {true, -0.97, 0.97};
  if (a == Activation::sigmoid) return {true, 0.03, 0.97};
  return {};
}

const char* to_string(TensorKind kind) { return kinds[int(kind)].name; }

const TensorKindWords& tensor_kind_words(TensorKind kind) { return kinds[int(kind)].words; }

TensorKind tensor_kind_from_string(const std::string& name) {
  for (int k = 0; k < tensor_kind_count; ++k)
    if (name == kinds[k].name) return TensorKind(k);
  throw ConfigError("tensor", "must be one of: pre_activation, activation, output, grad_output, grad_weight "
                              "(got '" + name + "')");
}

template <typename S>
TensorRef<S> tensor(const Network<S>& net, TensorKind kind, int layer) {
  if (layer < 0 || layer > net.depth()) return {};
  if (layer == 0) {
    if (kind == TensorKind::output) return ref(net.input());
    if (kind == TensorKind::grad_output && net.dinput().size()) return ref(net.dinput());
    return {};
  }
  switch (kind) {
    case TensorKind::pre_activation: return ref(net.pre_activation(layer));
    case TensorKind::activation: return ref(net.activations(layer).activation_out);
    case TensorKind::output: return ref(net.output(layer));
    case TensorKind::grad_output: return net.doutput(layer).size() ? ref(net.doutput(layer)) : TensorRef<S>{};
    case TensorKind::grad_weight:
      return net.param_grads(layer).weight.size() ? ref(net.param_grads(layer).weight) : TensorRef<S>{};
  }
  return {};
}

namespace {

// The report with its config, theory and empty layers; loss and summaries are filled in afterwards.
template <typename S>
RunReport empty_report(const Network<S>& net) {
  RunReport report;
  report.config = net.config();
  report.theory = theory_profile(net.config());
  report.warnings = config_warnings(net.config());
  report.layers.resize(size_t(net.depth()) + 1);
  return report;
}

// Summarizes the tensor of that kind at layer l into the report, if it exists.
template <typename S>
void summarize_into(RunReport& report, const Network<S>& net, TensorKind kind, int l, bool with_percentiles) {
  const TensorRef<S> t = tensor(net, kind, l);
  if (!t.exists()) return;
  LayerReport& lr = report.layers[size_t(l)];
  lr.present[size_t(kind)] = true;
  // The output may be the activation itself (output_is_activation): summarize that tensor once.
  if (kind == TensorKind::output && l > 0 && output_is_activation(net.config(), l)) {
    lr.tensors[size_t(kind)] = lr.tensors[size_t(TensorKind::activation)];
    return;
  }
  const SaturationBand band = kind == TensorKind::activation ? saturation_for(net.config().activation)
                                                             : SaturationBand{};
  lr.tensors[size_t(kind)] = summarize(t.data, t.size, band, with_percentiles);
}

constexpr TensorKind forward_kinds[] = {TensorKind::pre_activation, TensorKind::activation, TensorKind::output};

}  // namespace

template <typename S>
RunReport summarize_network(const Network<S>& net, bool with_percentiles) {
  RunReport report = empty_report(net);
  report.loss = net.loss();
  for (int l = 0; l <= net.depth(); ++l)
    for (int k = 0; k < tensor_kind_count; ++k) summarize_into(report, net, TensorKind(k), l, with_percentiles);
  return report;
}

template <typename S>
RunReport run_and_summarize(Network<S>& net, bool with_percentiles) {
  // The same summaries as summarize_network after the run, each taken as soon as its tensor is written:
  // a layer's tensors are then still in the core's cache, where after the run all 20 layers' 32 MB had to
  // come back from memory (in wasm a cold summary took 72 us against 25 in cache).
  RunReport report = empty_report(net);
  net.forward([&](int l) {
    for (const TensorKind kind : forward_kinds) summarize_into(report, net, kind, l, with_percentiles);
  });
  net.backward([&](int l) {
    summarize_into(report, net, TensorKind::grad_output, l, with_percentiles);
    if (l < net.depth()) summarize_into(report, net, TensorKind::grad_weight, l + 1, with_percentiles);
  });
  report.loss = net.loss();
  return report;
}

double smallest_std(const RunReport& report, TensorKind kind) {
  double smallest = 0;
  for (const LayerReport& lr : report.layers) {
    if (!lr.present[size_t(kind)]) continue;
    const double s = lr[kind].std;
    if (s > 0 && std::isfinite(s) && (smallest == 0 || s < smallest)) smallest = s;
  }
  return smallest;
}

std::pair<double, double> shared_range(const RunReport& report, TensorKind kind) {
  bool any = false;
  double lo = 0, hi = 0;
  for (const LayerReport& lr : report.layers) {
    if (!lr.present[size_t(kind)]) continue;
    const TensorSummary& s = lr[kind];
    if (s.finite_count == 0) continue;
    lo = any ? std::min(lo, s.min) : s.min;
    hi = any ? std::max(hi, s.max) : s.max;
    any = true;
  }
  return {lo, hi};
}

template <typename S>
std::vector<Histogram> layer_histograms(const Network<S>& net, const RunReport& report, TensorKind kind, int bins,
                                        RangeMode range, Binning binning) {
  // The page's rule (histogram_axis): shared, one axis and one threshold for all layers; own, each layer
  // its own, from its own range and std.
  std::vector<Histogram> out(report.layers.size());
  const auto shared = shared_range(report, kind);
  const HistogramAxis shared_axis = histogram_axis(shared.first, shared.second, smallest_std(report, kind));
  for (int l = 0; l <= net.depth(); ++l) {
    const TensorRef<S> t = tensor(net, kind, l);
    if (!t.exists()) continue;
    const TensorSummary& s = report.layers[size_t(l)][kind];
    const HistogramAxis axis = range == RangeMode::shared ? shared_axis
                               : s.finite_count ? histogram_axis(s.min, s.max, s.std)
                                                : histogram_axis(1, 0, 0);
    HistogramSpec spec;
    spec.bins = bins;
    spec.binning = binning;
    spec.lo = axis.lo, spec.hi = axis.hi, spec.symlog_threshold = axis.symlog_threshold;
    out[size_t(l)] = histogram(t.data, t.size, spec);
  }
  return out;
}

template TensorRef<float> tensor(const Network<float>&, TensorKind, int);
template TensorRef<double> tensor(const Network<double>&, TensorKind, int);
template RunReport summarize_network(const Network<float>&, bool);
template RunReport summarize_network(const Network<double>&, bool);
template RunReport run_and_summarize(Network<float>&, bool);
template RunReport run_and_summarize(Network<double>&, bool);
template std::vector<Histogram> layer_histograms(const Network<float>&, const RunReport&, TensorKind, int, RangeMode,
                                                 Binning);
template std::vector<Histogram> layer_histograms(const Network<double>&, const RunReport&, TensorKind, int, RangeMode,
                                                 Binning);

}  // namespace layerscope
