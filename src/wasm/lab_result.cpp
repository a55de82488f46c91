#include "lab_result.hpp"

#include <string>
#include <vector>

#include "fields.hpp"
#include "mnist_data.hpp"
#include "sweeps.hpp"

namespace layerscope::wasm {

namespace {

// Settings of either sweep from a JS object, through its table's own rule (set_field's parse and range).
template <typename Settings>
Settings settings_from(const FieldTable<Settings>& table, const val& object) {
  Settings settings;
  for (const JsSetting& setting : settings_from_js(object))
    table.set(settings, setting.name, setting_text(setting, table.at(setting.name).spec));
  return settings;
}

template <typename Settings>
val settings_to_js(const FieldTable<Settings>& table, const Settings& settings) {
  val out = val::object();
  for (const FieldSpec& spec : table.schema()) out.set(spec.name, field_text_to_js(spec, table.get(settings, spec.name)));
  return out;
}

template <typename Settings>
val schema_of(const FieldTable<Settings>& table) {
  const Settings defaults;
  return fields_to_js(table.schema(), [&](const FieldSpec& spec) { return field_text_to_js(spec, table.get(defaults, spec.name)); });
}

val nullable(double v, bool present) { return present ? val(v) : val::null(); }

val point_to_js(const SweepPoint& p) {
  val out = val::object();
  out.set("rate", p.rate);
  out.set("diverged", p.diverged);
  out.set("divergedStep", nullable(double(p.diverged_step), p.diverged));
  out.set("finalTrainLoss", p.final_train_loss);
  out.set("testLoss", p.test_loss);
  out.set("testAccuracy", p.test_accuracy);
  out.set("seconds", p.seconds);
  return out;
}

// A column's points as sweep_point_to_js wrote them, one per rate of the plan.
std::vector<SweepPoint> points_from_js(const SweepPlan& plan, const val& array, const char* name) {
  if (!array.isArray() || array["length"].as<size_t>() != plan.rates.size())
    throw ConfigError(name, "must be an array of one run per rate (" + std::to_string(plan.rates.size()) + ")");
  std::vector<SweepPoint> points;
  for (size_t k = 0; k < plan.rates.size(); ++k) {
    const val p = array[k];
    SweepPoint point;
    point.rate = plan.rates[k];
    point.diverged = p["diverged"].as<bool>();
    point.diverged_step = point.diverged ? long(p["divergedStep"].as<double>()) : -1;
    point.final_train_loss = p["finalTrainLoss"].as<double>();
    point.test_loss = p["testLoss"].as<double>();
    point.test_accuracy = p["testAccuracy"].as<double>();
    point.seconds = p["seconds"].as<double>();
    points.push_back(point);
  }
  return points;
}

val array_of(const double (&values)[depth_variant_count]) {
  val out = val::array();
  for (double v : values) out.call<void>("push", v);
  return out;
}

}  // namespace

val sweep_schema_to_js() { return schema_of(sweep_fields()); }
val depth_sweep_schema_to_js() { return schema_of(depth_sweep_fields()); }

val sweep_plan_to_js(const val& settings) {
  const SweepPlan plan = sweep_plan(settings_from(sweep_fields(), settings));
  val out = val::object();
  out.set("settings", settings_to_js(sweep_fields(), plan.settings));
  out.set("pair", plan.pair.name);
  out.set("a", plan.pair.a);
  out.set("b", plan.pair.b);
  out.set("aLabel", plan.pair.a_label);
  out.set("bLabel", plan.pair.b_label);
  out.set("rates", copy_to_js(plan.rates));
  return out;
}

val sweep_point_to_js(const val& settings, int column, int index) {
  const SweepPlan plan = sweep_plan(settings_from(sweep_fields(), settings));
  return point_to_js(sweep_plan_point(plan, column, index, loaded_mnist()));
}

val sweep_result_to_js(const val& settings, const val& a_points, const val& b_points) {
  const SweepPlan plan = sweep_plan(settings_from(sweep_fields(), settings));
  const SweepResult r = sweep_result(plan, points_from_js(plan, a_points, "a_points"), points_from_js(plan, b_points, "b_points"));
  val out = val::object();
  out.set("aLargest", r.a_largest);
  out.set("bLargest", r.b_largest);
  out.set("caption", sweep_caption(r));
  return out;
}

val depth_sweep_to_js(const val& settings, const val& progress) {
  const bool report = progress.typeOf().as<std::string>() == "function";
  const DepthSweepResult r = depth_sweep(settings_from(depth_sweep_fields(), settings), [&](int done, int total) {
    if (report) progress(done, total);
  });
  val variants = val::array(), parts = val::array(), points = val::array();
  for (int v = 0; v < depth_variant_count; ++v) {
    variants.call<void>("push", std::string(to_string(DepthVariant(v))));
    parts.call<void>("push", nullable(r.parts_at[v], r.parts_at[v] >= 0));
  }
  for (const DepthPoint& p : r.points) {
    val point = val::object();
    point.set("depth", p.depth);
    point.set("growth", array_of(p.growth));
    point.set("predicted", array_of(p.predicted));
    point.set("firstWeightGradient", array_of(p.first_weight_gradient));
    points.call<void>("push", point);
  }
  val out = val::object();
  out.set("settings", settings_to_js(depth_sweep_fields(), r.settings));
  out.set("variants", variants);
  out.set("rates", array_of(r.rate));
  out.set("partsAt", parts);
  out.set("points", points);
  out.set("caption", depth_sweep_caption(r));
  return out;
}

}  // namespace layerscope::wasm
