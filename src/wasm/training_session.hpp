// Training on MNIST as JavaScript sees it: the second Embind class (JS must .delete() it; the JS layer's
// Training.free() does) and the free functions around it. Every call that can fail returns a result
// object (see conversions.hpp); a diverged step adds divergedAt, the step it stopped at.
//
// The data set is loaded once per module (mnist_data.hpp's loadMnist): every session started afterwards
// holds a reference to it.
#pragma once

#include <emscripten/val.h>

#include <memory>
#include <optional>

#include "training.hpp"

namespace layerscope::wasm {

// [{name, type, min, max, minOpen, maxOpen, choices, help, default}] of the training fields; the
// defaults are bn-paper-fig1's, where start() begins without a preset.
emscripten::val training_schema_to_js();
// [{name, title, description, config}], config holding every training and network field.
emscripten::val training_presets_to_js();

// trainable(network, training): {config, changes: [{field, from, to, why}]}: the network a reader built
// for the init-time view (any of its fields; defaults for the rest) as the classifier training trains
// (training_config.hpp trainable), with the training settings of `training` ({preset?, ...fields}).
emscripten::val trainable_to_js(const emscripten::val& network, const emscripten::val& training);

// [{name, title, a, b, aLabel, bLabel}]: the one-click pairs of training presets (training_pair_list).
emscripten::val training_pairs_to_js();
// The pair's two-sentence caption (training_config.hpp pair_caption) from its columns' history() objects.
emscripten::val pair_caption_to_js(const std::string& pair, const emscripten::val& history_a,
                                   const emscripten::val& history_b);

// Per-layer arrays below hold L + 1 entries, index l = layer l (index 0, the input, is NaN / zero counts).
class TrainingSession {
 public:
  // config: {preset?, ...training or network fields}. Starts from the preset (default bn-paper-fig1),
  // then sets every other key through set_training_field(name, String(value)), then validates, then makes
  // the core's step-0 report (the network as initialised; update ratios NaN), so a session always has one.
  emscripten::val start(const emscripten::val& config);
  // Up to n more steps; report: the last of them also makes a report (Trainer::step's report_last).
  // Value {stepsDone, finished}.
  emscripten::val step(int n, bool report);
  // The newest report: {step, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds, depth, bins,
  // <per-layer field>: Float64Array(L+1) ..., histogramCounts: Uint32Array((L+1) * bins)}; step 0 before
  // the first step.
  emscripten::val latest() const;
  // Every kept report as columns: {count, stride, capacity, depth, step, trainLoss, ...: Float64Array(count),
  // <per-layer field>: Float64Array(count * (L+1)) at [r * (L+1) + l]}.
  emscripten::val history() const;
  emscripten::val config() const;  // every training and network field
  // Array of strings: the network's config warnings (config_warnings: SELU off its fixed point), as
  // Run::warnings gives them, for the training view to show; the session trains anyway.
  emscripten::val warnings() const;
  // Report `index` of history() (-1: the newest): the summaries of every tensor kind of every layer of its
  // training batch, as Run::summaries packs them (figure.hpp; layer 0's dL/dx absent).
  emscripten::val summaries(int index) const;
  // Report `index`'s histograms of one tensor kind, redrawn from what the report kept (stats.hpp
  // KeptDistribution) on the figure's axes by the same rule and arguments as Run::histograms; counts are
  // a Float64Array (shares of the kept fine bins). Any display change redraws from the kept report.
  emscripten::val histograms(int index, const std::string& kind, int bins, const std::string& range, double lo,
                             double hi, const std::string& binning, double symlog_threshold,
                             double smallest_std) const;
  // Report `index`'s kept distributions as the Uint32Array a file carries beside its packed summaries
  // (kept_reports.hpp): a KeptReports draws them back exactly as histograms() and summaries() draw it.
  emscripten::val kept(int index) const;

 private:
  const Trainer<float>& trainer() const;
  const TrainingReport& report_at(int index) const;  // ConfigError("report") for an index out of range
  std::unique_ptr<Trainer<float>> trainer_;
  std::optional<TrainingDiverged> diverged_;
};

}  // namespace layerscope::wasm
