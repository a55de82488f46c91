// One run of the network as JavaScript sees it: one of the module's two Embind classes, with
// TrainingSession (training_session.hpp). JS must .delete() it; the JS layer's Run.free() does. Every
// method that can fail returns a result object (see conversions.hpp).
#pragma once

#include <emscripten/val.h>

#include <memory>
#include <string>

#include "network.hpp"
#include "figure.hpp"
#include "report.hpp"

namespace layerscope::wasm {

class Run {
 public:
  // Validates the config, builds the network, runs forward + backward and summarizes every tensor.
  emscripten::val start(const emscripten::val& config, bool with_percentiles);

  emscripten::val config() const;  // the full config as a plain object
  double loss() const { return report_.loss; }
  int depth() const { return report_.config.depth; }
  // Float64Array of (L+1) * kinds * summary_stride (figure.hpp).
  emscripten::val summaries() const;
  // Float64Array of 5 * (L+1): variance_factor, pre_activation_std, output_std, doutput_std, dweight_std.
  emscripten::val theory() const;
  // Array of strings: the config's warnings (config_warnings: SELU off its fixed point), for the page to show.
  emscripten::val warnings() const;
  // Array(L+1) of {edges: Float64Array, counts: Uint32Array, zeros, outside, nonfinite} | null, and on the
  // array itself .axis = {lo, hi, symlogThreshold}: the figure's axis, by the core's one rule
  // (stats.hpp histogram_axis) from [lo, hi] (range "explicit" or "own": the union of the tensors' finite
  // ranges the figure shows, possibly over several runs; "shared": this run's layers) and smallest_std
  // (<= 0: this run's smallest). range "own" bins each layer over its own range, with the figure's
  // threshold when smallest_std > 0 is given, else each layer's own; binning: "linear" or "symlog";
  // symlog_threshold > 0 overrides the rule's threshold.
  emscripten::val histograms(const std::string& kind, int bins, const std::string& range, double lo, double hi,
                             const std::string& binning, double symlog_threshold, double smallest_std) const;
  // Float64Array(5): the exact p5, p15, p50, p85, p95 of one tensor.
  emscripten::val percentiles(const std::string& kind, int layer) const;

 private:
  const Network<float>& network() const;
  std::unique_ptr<Network<float>> net_;
  RunReport report_;
};

}  // namespace layerscope::wasm
