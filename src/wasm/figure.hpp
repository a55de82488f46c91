// What a run's views draw, in the form JavaScript takes, for the init-time Run and the TrainingSession
// alike: the packed summaries of every tensor of every layer, and the histograms of one tensor kind on the
// figure's axes (the core's one axis rule, stats.hpp histogram_axis).
#pragma once

#include <emscripten/val.h>

#include <functional>
#include <string>
#include <vector>

#include "report.hpp"
#include "stats.hpp"

namespace layerscope::wasm {

// Per (layer, kind) the summaries are packed as summary_stride doubles:
//   present, count, finite, nan, inf, zeros, saturated, mean, std, min, max, has_percentiles, p5..p95
// at index (layer * tensor_kind_count + kind) * summary_stride. Counts stay exact in a double (< 2^53).
constexpr int summary_stride = 12 + summary_percentile_count;
// The stride as a function, as Embind registers functions, not constants (every module that hands out
// packed summaries registers it as summaryStride).
inline int summary_stride_value() { return summary_stride; }
// Float64Array of layers.size() * kinds * summary_stride.
emscripten::val summaries_to_js(const std::vector<LayerReport>& layers);

// The display of one histogram figure as the page asks for it (Run::histograms' arguments), checked:
// ConfigError naming the argument otherwise.
struct FigureRequest {
  TensorKind kind;
  int bins;
  std::string range;  // "own" | "shared" | "explicit"
  double lo, hi;
  Binning binning;
  double symlog_threshold, smallest_std;
};
FigureRequest figure_request(const std::string& kind, int bins, const std::string& range, double lo, double hi,
                             const std::string& binning, double symlog_threshold, double smallest_std);

// Array(L+1) of {edges, counts, zeros, outside, nonfinite} | null, and .axis = {lo, hi, symlogThreshold}
// (see Run::histograms). `bin(l, spec)` draws layer l's tensor on spec (false: the layer has none).
using LayerBinner = std::function<bool(int layer, const HistogramSpec& spec, emscripten::val& row)>;
emscripten::val histograms_to_js(const std::vector<LayerReport>& layers, const FigureRequest& request,
                                 const LayerBinner& bin);

}  // namespace layerscope::wasm
