#include "report.hpp"

#include <algorithm>

namespace layerscope {

namespace {
const char* const kind_names[tensor_kind_count] = {"pre_activation", "activation", "output", "grad_output",
                                                   "grad_weight"};

SaturationBand saturation_for(Activation a) {
  if (a == Activation::tanh) return {true, -0.97, 0.97};
  if (a == Activation::sigmoid) return {true, 0.03, 0.97};
  return {};
}

template <typename S>
TensorRef<S> ref(const Matrix<S>& m) {
  return {m.data(), std::size_t(m.size()), int(m.rows()), int(m.cols())};
}
}  // namespace

const char* to_string(TensorKind kind) { return kind_names[int(kind)]; }

TensorKind tensor_kind_from_string(const std::string& name) {
  for (int k = 0; k < tensor_kind_count; ++k)
    if (name == kind_names[k]) return TensorKind(k);
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
    case TensorKind::grad_output:
      return net.gradients(layer).doutput.size() ? ref(net.gradients(layer).doutput) : TensorRef<S>{};
    case TensorKind::grad_weight:
      return net.gradients(layer).dweight.size() ? ref(net.gradients(layer).dweight) : TensorRef<S>{};
  }
  return {};
}

template <typename S>
RunReport summarize_network(const Network<S>& net, bool with_percentiles) {
  RunReport report;
  report.config = net.config();
  report.loss = net.loss();
  report.theory = theory_profile(net.config());
  report.layers.resize(size_t(net.depth()) + 1);
  const SaturationBand band = saturation_for(net.config().activation);
  for (int l = 0; l <= net.depth(); ++l) {
    LayerReport& lr = report.layers[size_t(l)];
    for (int k = 0; k < tensor_kind_count; ++k) {
      const TensorRef<S> t = tensor(net, TensorKind(k), l);
      if (!t.exists()) continue;
      lr.present[size_t(k)] = true;
      // The output is the activation itself unless normalized after it: summarize that tensor once.
      if (TensorKind(k) == TensorKind::output && l > 0 && t.data == tensor(net, TensorKind::activation, l).data) {
        lr.tensors[size_t(k)] = lr.tensors[size_t(TensorKind::activation)];
        continue;
      }
      lr.tensors[size_t(k)] = summarize(t.data, t.size, TensorKind(k) == TensorKind::activation ? band : SaturationBand{},
                                         with_percentiles);
    }
  }
  return report;
}

template <typename S>
RunReport run_and_summarize(Network<S>& net, bool with_percentiles) {
  net.forward();
  net.backward();
  return summarize_network(net, with_percentiles);
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
  std::vector<Histogram> out(report.layers.size());
  const auto shared = shared_range(report, kind);
  for (int l = 0; l <= net.depth(); ++l) {
    const TensorRef<S> t = tensor(net, kind, l);
    if (!t.exists()) continue;
    const TensorSummary& s = report.layers[size_t(l)][kind];
    HistogramSpec spec;
    spec.bins = bins;
    spec.binning = binning;
    spec.lo = range == RangeMode::shared ? shared.first : s.min;
    spec.hi = range == RangeMode::shared ? shared.second : s.max;
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
