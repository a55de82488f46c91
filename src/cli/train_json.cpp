#include "train_json.hpp"

#include <cmath>
#include <cstdlib>

namespace layerscope::cli {

namespace {

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json numbers(const std::vector<double>& values) {
  Json out = Json::array();
  for (double v : values) out.push_back(number(v));
  return out;
}


}  // namespace

// Every field of the one table: the training fields, then the network's.
Json training_config_json(const TrainingConfig& config) { return fields_json(training_fields(), config); }

// probes.hpp's numbers (null when the run has probes off); NaN and Inf (a diverged point, a layer without
// a previous one) are null.
Json probes_json(const ProbeReport& p) {
  if (!p.present) return nullptr;
  Json layers = Json::array();
  for (size_t l = 0; l < p.layers.size(); ++l) {
    const LayerProbe& s = p.layers[l];
    layers.push_back(Json{{"layer", l},
                          {"shift_distance", number(s.shift_distance)},
                          {"shift_relative", number(s.shift_relative)},
                          {"shift_cosine", number(s.shift_cosine)},
                          {"effective_rank", number(s.effective_rank)}});
  }
  return Json{{"loss", number(p.loss)},
              {"gradient_norm", number(p.gradient_norm)},
              {"step_sizes", numbers(p.step_sizes)},
              {"losses", numbers(p.losses)},
              {"gradient_changes", numbers(p.gradient_changes)},
              {"loss_spread", number(p.loss_spread)},
              {"loss_spread_relative", number(p.loss_spread_relative)},
              {"predictiveness", number(p.predictiveness)},
              {"predictiveness_relative", number(p.predictiveness_relative)},
              {"effective_smoothness", number(p.effective_smoothness)},
              {"seconds", number(p.seconds)},
              {"layers", layers}};
}

Json training_report_json(const TrainingReport& r) {
  Json layers = Json::array();
  for (size_t l = 1; l < r.layers.size(); ++l) {
    const LayerTrainingStats& s = r.layers[l];
    layers.push_back(Json{{"layer", l},
                          {"pre_mean", number(s.pre_mean)},
                          {"pre_std", number(s.pre_std)},
                          {"pre_p15", number(s.pre_p15)},
                          {"pre_p50", number(s.pre_p50)},
                          {"pre_p85", number(s.pre_p85)},
                          {"unit_p15", number(s.unit_p15)},
                          {"unit_p50", number(s.unit_p50)},
                          {"unit_p85", number(s.unit_p85)},
                          {"activation_std", number(s.activation_std)},
                          {"dead_fraction", number(s.dead_fraction)},
                          {"saturated_fraction", number(s.saturated_fraction)},
                          {"nonfinite_fraction", number(s.nonfinite_fraction)},
                          {"doutput_std", number(s.doutput_std)},
                          {"dweight_std", number(s.dweight_std)},
                          {"update_ratio_log10", number(s.update_ratio_log10)},
                          {"histogram_lo", number(s.histogram_lo)},
                          {"histogram_hi", number(s.histogram_hi)},
                          {"histogram_counts", s.histogram_counts},
                          {"histogram_zero", s.histogram_zero},
                          {"histogram_nonfinite", s.histogram_nonfinite}});
  }
  return Json{{"step", r.step},
              {"train_loss", number(r.train_loss)},
              {"train_accuracy", number(r.train_accuracy)},
              {"test_loss", number(r.test_loss)},
              {"test_accuracy", number(r.test_accuracy)},
              {"seconds", number(r.seconds)},
              {"layers", layers},
              {"probes", probes_json(r.probes)}};
}

Json training_history_json(const TrainingHistory& history) {
  Json reports = Json::array();
  for (const TrainingReport& r : history.reports()) reports.push_back(training_report_json(r));
  return Json{{"stride", history.stride()}, {"capacity", history.capacity()}, {"reports", reports}};
}

}  // namespace layerscope::cli
