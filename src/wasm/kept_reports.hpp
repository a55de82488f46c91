// A training run's kept reports as a file carries them (issue 20, "Open a saved run"): the arrays a live
// session's summaries() and kept() give of one report, and the class that takes them back and draws them as the live
// session does (TrainingSession::summaries, ::histograms), by the core's one redraw rule (stats.hpp).
//
// The arrays of one report:
//   summaries      Float64Array, figure.hpp's packed summaries of every tensor kind of layers 0..L (the
//                  training batch's, as TrainingSession::summaries gives them).
//   distributions  Uint32Array: for every (layer, kind) whose summary is present, in that order (layer
//                  by layer, kinds as tensor_kinds orders them), the linear then the symlog kept fine
//                  histogram, each kept_fine_bins counts then its zeros, outside and non-finite counts.
//                  The fine bins' edges follow from the summary (stats.hpp kept_spec), so they do not travel.
#pragma once

#include <emscripten/val.h>

#include <vector>

#include "training.hpp"

namespace layerscope::wasm {

// The numbers kept_distribution_values packs per tensor: two binnings of kept_fine_bins + 3.
constexpr int kept_values_per_tensor = 2 * (kept_fine_bins + 3);

// The distributions of one report, as above (its summaries: TrainingSession::summaries).
emscripten::val kept_distributions_to_js(const TrainingReport& report);

// Redraws a report's kept distributions of one kind on the figure's axes: TrainingSession::histograms'
// answer, for a live report and a read-back one alike.
emscripten::val kept_histograms_to_js(const TrainingReport& report, const std::string& kind, int bins,
                                      const std::string& range, double lo, double hi, const std::string& binning,
                                      double symlog_threshold, double smallest_std);

// Registered in the saved-run module only (saved_bindings.cpp): the main module has no use for it.
class KeptReports {
 public:
  // One report from a file's arrays (TrainingSession::summaries and ::kept): its index here. ConfigError
  // naming "summaries" or "distributions" and what is allowed for arrays that are not such a report's.
  emscripten::val add(const emscripten::val& summaries, const emscripten::val& distributions);
  // As TrainingSession::summaries and ::histograms, for report `index` of those added.
  emscripten::val summaries(int index) const;
  emscripten::val histograms(int index, const std::string& kind, int bins, const std::string& range, double lo,
                             double hi, const std::string& binning, double symlog_threshold,
                             double smallest_std) const;

 private:
  const TrainingReport& at(int index) const;
  std::vector<TrainingReport> reports_;
};

}  // namespace layerscope::wasm
