#include "training_session.hpp"

#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "conversions.hpp"
#include "figure.hpp"
#include "kept_reports.hpp"
#include "mnist_data.hpp"

namespace layerscope::wasm {

namespace {

using emscripten::val;

// guarded() plus the one failure that is not a bad setting: {ok: false, error, field: null, divergedAt}.
template <typename Fn>
val guarded_training(Fn&& fn) {
  try {
    return ok_result(fn());
  } catch (const TrainingDiverged& e) {
    val result = error_result(e.what(), "");
    result.set("divergedAt", double(e.step()));
    return result;
  } catch (...) {
    return guarded([]() -> val { throw; });  // rethrown inside guarded, which names it
  }
}

TrainingConfig training_config_from_js(const val& object) {
  // Read strictly and without running user code in C++ (conversions.hpp settings_from_js): undefined or
  // null gives the default preset, an array or a primitive is refused, a throwing value cannot leak.
  const std::vector<JsSetting> settings = settings_from_js(object);
  // A value with no text (an array, an object, ...) is refused in its field's own words; a name that is no
  // field gets set_training_field's unknown-setting message whatever the value.
  auto text_of = [](const JsSetting& s) -> std::string {
    if (s.text_ok || s.name == "preset") return s.text_ok ? s.text : "(" + s.got + ")";
    const Field<TrainingConfig>* field = training_fields().find(s.name);
    return field ? setting_text(s, field->spec) : "";
  };
  std::string preset_name = default_training_preset;
  for (const JsSetting& s : settings)
    if (s.name == "preset") preset_name = text_of(s);
  TrainingConfig config = training_preset(preset_name);
  for (const JsSetting& s : settings)
    if (s.name != "preset") set_training_field(config, s.name, text_of(s));
  validate_training(config);
  return config;
}

val training_config_to_js(const TrainingConfig& config) {
  val object = val::object();
  for (const Field<TrainingConfig>& field : training_fields().rows())
    object.set(field.spec.name, field_text_to_js(field.spec, get_training_field(config, field.spec.name)));
  return object;
}

// The per-layer numbers of a report, by their JS names.
struct LayerField {
  const char* name;
  double (*read)(const LayerTrainingStats&);
};

const LayerField layer_fields[] = {
    {"preMean", [](const LayerTrainingStats& s) { return s.pre_mean; }},
    {"preStd", [](const LayerTrainingStats& s) { return s.pre_std; }},
    {"preP15", [](const LayerTrainingStats& s) { return s.pre_p15; }},
    {"preP50", [](const LayerTrainingStats& s) { return s.pre_p50; }},
    {"preP85", [](const LayerTrainingStats& s) { return s.pre_p85; }},
    {"unitP15", [](const LayerTrainingStats& s) { return s.unit_p15; }},
    {"unitP50", [](const LayerTrainingStats& s) { return s.unit_p50; }},
    {"unitP85", [](const LayerTrainingStats& s) { return s.unit_p85; }},
    {"activationStd", [](const LayerTrainingStats& s) { return s.activation_std; }},
    {"deadFraction", [](const LayerTrainingStats& s) { return s.dead_fraction; }},
    {"saturatedFraction", [](const LayerTrainingStats& s) { return s.saturated_fraction; }},
    {"nonfiniteFraction", [](const LayerTrainingStats& s) { return s.nonfinite_fraction; }},
    {"doutputStd", [](const LayerTrainingStats& s) { return s.doutput_std; }},
    {"dweightStd", [](const LayerTrainingStats& s) { return s.dweight_std; }},
    {"updateRatioLog10", [](const LayerTrainingStats& s) { return s.update_ratio_log10; }},
    {"histogramLo", [](const LayerTrainingStats& s) { return s.histogram_lo; }},
    {"histogramHi", [](const LayerTrainingStats& s) { return s.histogram_hi; }},
    {"histogramZero", [](const LayerTrainingStats& s) { return double(s.histogram_zero); }},
    {"histogramNonfinite", [](const LayerTrainingStats& s) { return double(s.histogram_nonfinite); }},
};

// The report-wide numbers, by their JS names.
struct ReportField {
  const char* name;
  double (*read)(const TrainingReport&);
};

const ReportField report_fields[] = {
    {"step", [](const TrainingReport& r) { return double(r.step); }},
    {"trainLoss", [](const TrainingReport& r) { return r.train_loss; }},
    {"trainAccuracy", [](const TrainingReport& r) { return r.train_accuracy; }},
    {"testLoss", [](const TrainingReport& r) { return r.test_loss; }},
    {"testAccuracy", [](const TrainingReport& r) { return r.test_accuracy; }},
    {"seconds", [](const TrainingReport& r) { return r.seconds; }},
};

constexpr double no_layer = std::numeric_limits<double>::quiet_NaN();  // index 0: the input has no stats

// out[r * (L+1) + l] = the field of layer l in report r.
std::vector<double> layer_column(const std::vector<TrainingReport>& reports, const LayerField& field, int depth) {
  std::vector<double> out(reports.size() * std::size_t(depth + 1), no_layer);
  for (std::size_t r = 0; r < reports.size(); ++r) {
    const auto& layers = reports[r].layers;
    for (int l = 1; l <= depth && std::size_t(l) < layers.size(); ++l)
      out[r * std::size_t(depth + 1) + std::size_t(l)] = field.read(layers[std::size_t(l)]);
  }
  return out;
}

// The probes of the reports (probes.hpp), as columns: report-wide numbers [r], per layer 0..L+1
// [r * (L+2) + l], per step size [r * K + k]. NaN where a report has none (probes off, or not defined there).
val probes_to_js(const std::vector<TrainingReport>& reports, int depth, int step_count) {
  struct Wide {
    const char* name;
    double (*read)(const ProbeReport&);
  };
  static const Wide wide[] = {
      {"loss", [](const ProbeReport& p) { return p.loss; }},
      {"gradientNorm", [](const ProbeReport& p) { return p.gradient_norm; }},
      {"lossSpread", [](const ProbeReport& p) { return p.loss_spread; }},
      {"lossSpreadRelative", [](const ProbeReport& p) { return p.loss_spread_relative; }},
      {"predictiveness", [](const ProbeReport& p) { return p.predictiveness; }},
      {"predictivenessRelative", [](const ProbeReport& p) { return p.predictiveness_relative; }},
      {"effectiveSmoothness", [](const ProbeReport& p) { return p.effective_smoothness; }},
      {"seconds", [](const ProbeReport& p) { return p.seconds; }},
  };
  struct PerLayer {
    const char* name;
    double (*read)(const LayerProbe&);
  };
  static const PerLayer per_layer[] = {
      {"shiftDistance", [](const LayerProbe& l) { return l.shift_distance; }},
      {"shiftRelative", [](const LayerProbe& l) { return l.shift_relative; }},
      {"shiftCosine", [](const LayerProbe& l) { return l.shift_cosine; }},
      {"effectiveRank", [](const LayerProbe& l) { return l.effective_rank; }},
  };
  const std::size_t n = reports.size(), layers = std::size_t(depth + 2), steps = std::size_t(step_count);
  val out = val::object();
  out.set("layers", double(layers));
  out.set("stepCount", double(steps));
  for (const Wide& f : wide) {
    std::vector<double> column(n, no_layer);
    for (std::size_t r = 0; r < n; ++r)
      if (reports[r].probes.present) column[r] = f.read(reports[r].probes);
    out.set(f.name, copy_to_js(column));
  }
  for (const PerLayer& f : per_layer) {
    std::vector<double> column(n * layers, no_layer);
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t l = 0; l < layers && l < reports[r].probes.layers.size(); ++l)
        column[r * layers + l] = f.read(reports[r].probes.layers[l]);
    out.set(f.name, copy_to_js(column));
  }
  const std::pair<const char*, std::vector<double> ProbeReport::*> per_step[] = {
      {"stepSizes", &ProbeReport::step_sizes}, {"stepLosses", &ProbeReport::losses},
      {"gradientChanges", &ProbeReport::gradient_changes}};
  for (const auto& [name, member] : per_step) {
    std::vector<double> column(n * steps, no_layer);
    for (std::size_t r = 0; r < n; ++r) {
      const std::vector<double>& values = reports[r].probes.*member;
      for (std::size_t k = 0; k < steps && k < values.size(); ++k) column[r * steps + k] = values[k];
    }
    out.set(name, copy_to_js(column));
  }
  return out;
}

}  // namespace

val training_schema_to_js() {
  return guarded([] {
    const TrainingConfig defaults = training_preset(default_training_preset);
    return fields_to_js(training_schema(), [&](const FieldSpec& spec) {
      return field_text_to_js(spec, get_training_field(defaults, spec.name));
    });
  });
}

val training_presets_to_js() {
  return guarded([] {
    return preset_rows_to_js(training_preset_list(),
                             [](const std::string& name) { return training_config_to_js(training_preset(name)); });
  });
}

const Trainer<float>& TrainingSession::trainer() const {
  if (!trainer_) throw std::logic_error("training session: not started (start() failed or was not called)");
  return *trainer_;
}

val TrainingSession::start(const val& config) {
  return guarded([&] {
    trainer_.reset();
    diverged_.reset();
    const TrainingConfig parsed = training_config_from_js(config);
    trainer_ = std::make_unique<Trainer<float>>(parsed, loaded_mnist());
    // Step 0 at once: latest() and history() show the network as initialised before the first step.
    trainer_->report_step_zero();
    return val::undefined();
  });
}

val TrainingSession::step(int n, bool report) {
  return guarded_training([&] {
    trainer();
    if (diverged_) throw *diverged_;  // the trainer stopped there: every later call says so
    if (n < 0) throw ConfigError("n", "must be a number of steps from 0 (got " + std::to_string(n) + ")");
    try {
      trainer_->step(n, nullptr, report);
    } catch (const TrainingDiverged& e) {
      diverged_ = e;
      throw;
    }
    val progress = val::object();
    progress.set("stepsDone", double(trainer_->steps_done()));
    progress.set("finished", trainer_->finished());
    return progress;
  });
}

val TrainingSession::latest() const {
  return guarded([&] {
    const TrainingReport* report = trainer().latest();
    if (!report) return val::null();
    const int depth = trainer().config().network.depth;
    const int bins = trainer().config().histogram_bins;
    val out = val::object();
    for (const ReportField& f : report_fields) out.set(f.name, f.read(*report));
    out.set("depth", depth);
    out.set("bins", bins);
    const std::vector<TrainingReport> one{*report};
    for (const LayerField& f : layer_fields) out.set(f.name, copy_to_js(layer_column(one, f, depth)));
    // [l * bins + b]: bin b of layer l's histogram (layer 0 all zero).
    std::vector<std::uint32_t> counts(std::size_t(depth + 1) * std::size_t(bins), 0);
    for (int l = 1; l <= depth && std::size_t(l) < report->layers.size(); ++l) {
      const auto& c = report->layers[std::size_t(l)].histogram_counts;
      std::copy_n(c.begin(), std::min(c.size(), std::size_t(bins)), counts.begin() + std::ptrdiff_t(l) * bins);
    }
    out.set("histogramCounts", copy_to_js(counts));
    // With the training field `probes`: the probes of this report (probes_to_js's layout, one report).
    const TrainingConfig& c = trainer().config();
    out.set("probes", c.probes ? probes_to_js(one, depth, c.probe_steps) : val::null());
    return out;
  });
}

val TrainingSession::history() const {
  return guarded([&] {
    const TrainingHistory& history = trainer().history();
    const std::vector<TrainingReport>& reports = history.reports();
    const int depth = trainer().config().network.depth;
    val out = val::object();
    out.set("count", double(reports.size()));
    out.set("stride", double(history.stride()));
    out.set("capacity", double(history.capacity()));
    out.set("depth", depth);
    std::vector<double> column(reports.size());
    for (const ReportField& f : report_fields) {
      std::transform(reports.begin(), reports.end(), column.begin(), f.read);
      out.set(f.name, copy_to_js(column));
    }
    for (const LayerField& f : layer_fields) out.set(f.name, copy_to_js(layer_column(reports, f, depth)));
    const TrainingConfig& c = trainer().config();
    out.set("probes", c.probes ? probes_to_js(reports, depth, c.probe_steps) : val::null());
    return out;
  });
}

val TrainingSession::config() const {
  return guarded([&] { return training_config_to_js(trainer().config()); });
}

val TrainingSession::warnings() const {
  return guarded([&] { return strings_to_js(config_warnings(trainer().config().network)); });
}

const TrainingReport& TrainingSession::report_at(int index) const {
  const std::vector<TrainingReport>& reports = trainer().history().reports();
  if (index == -1) return reports.back();
  if (index < 0 || index >= int(reports.size()))
    throw ConfigError("report", "must be an index from 0 to " + std::to_string(reports.size() - 1) +
                                    " of the kept reports, or -1 for the newest (got " + std::to_string(index) + ")");
  return reports[std::size_t(index)];
}

val TrainingSession::summaries(int index) const {
  return guarded([&] { return summaries_to_js(report_at(index).tensors); });
}

val TrainingSession::histograms(int index, const std::string& kind, int bins, const std::string& range, double lo,
                                double hi, const std::string& binning, double symlog_threshold,
                                double smallest_std) const {
  return guarded([&] {
    return kept_histograms_to_js(report_at(index), kind, bins, range, lo, hi, binning, symlog_threshold, smallest_std);
  });
}

val TrainingSession::kept(int index) const {
  return guarded([&] { return kept_distributions_to_js(report_at(index)); });
}

val trainable_to_js(const val& network, const val& training) {
  return guarded([&] {
    // The reader's network, read as the init-time page's configs are (defaults for what it leaves out);
    // the training settings on the default training preset.
    NetworkConfig built;
    for (const JsSetting& s : settings_from_js(network)) {
      const Field<NetworkConfig>* field = network_fields().find(s.name);
      set_field(built, s.name, field ? setting_text(s, field->spec) : s.text);
    }
    TrainingConfig settings = training_config_from_js(training);
    std::vector<TrainingChange> changes;
    const TrainingConfig config = trainable(built, settings, &changes);
    val list = val::array();
    for (const TrainingChange& c : changes) {
      val row = val::object();
      row.set("field", c.field);
      row.set("from", c.from);
      row.set("to", c.to);
      row.set("why", c.why);
      list.call<void>("push", row);
    }
    val out = val::object();
    out.set("config", training_config_to_js(config));
    out.set("changes", list);
    return out;
  });
}

val training_pairs_to_js() {
  return guarded([] {
    val list = val::array();
    for (const TrainingPairInfo& p : training_pair_list()) {
      val row = val::object();
      row.set("name", p.name);
      row.set("title", p.title);
      row.set("a", p.a);
      row.set("b", p.b);
      row.set("aLabel", p.a_label);
      row.set("bLabel", p.b_label);
      row.set("probes", p.probes);
      list.call<void>("push", row);
    }
    return list;
  });
}

namespace {
// A history() object's steps, test accuracies and (where it has them) train accuracies as reports (the
// caption reads nothing else; a missing train accuracy is NaN, which the gap caption prints as nan).
std::vector<TrainingReport> caption_history(const val& history, const char* which) {
  auto is_array = [](const val& v) {
    return v.instanceof(val::global("Float64Array")) || val::global("Array").call<bool>("isArray", v);
  };
  const bool object = history.typeOf().as<std::string>() == "object" && !history.isNull();
  if (!object || !is_array(history["step"]) || !is_array(history["testAccuracy"]))
    throw ConfigError(which, "must be a training history ({step, testAccuracy, ...}: history())");
  const std::vector<double> steps = emscripten::convertJSArrayToNumberVector<double>(history["step"]);
  const std::vector<double> accuracy = emscripten::convertJSArrayToNumberVector<double>(history["testAccuracy"]);
  if (steps.size() != accuracy.size() || steps.empty())
    throw ConfigError(which, "must hold as many test accuracies as steps, at least one");
  std::vector<TrainingReport> reports(steps.size());
  std::vector<double> train(steps.size(), std::nan(""));
  if (is_array(history["trainAccuracy"])) {
    train = emscripten::convertJSArrayToNumberVector<double>(history["trainAccuracy"]);
    if (train.size() != steps.size()) throw ConfigError(which, "must hold as many train accuracies as steps");
  }
  for (std::size_t i = 0; i < steps.size(); ++i)
    reports[i].step = long(steps[i]), reports[i].test_accuracy = accuracy[i], reports[i].train_accuracy = train[i];
  return reports;
}
}  // namespace

val pair_caption_to_js(const std::string& pair, const val& history_a, const val& history_b) {
  return guarded([&] {
    const TrainingPairInfo& info = find_preset(training_pair_list(), pair);
    return val(pair_caption(info, caption_history(history_a, "historyA"), caption_history(history_b, "historyB")));
  });
}

}  // namespace layerscope::wasm
