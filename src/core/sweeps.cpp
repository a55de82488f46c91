#include "sweeps.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <limits>

#include "fields.hpp"
#include "network.hpp"
#include "trainer.hpp"

namespace layerscope {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> pair_names() {
  std::vector<std::string> names;
  for (const TrainingPairInfo& p : training_pair_list()) names.push_back(p.name);
  return names;
}

std::vector<std::string> init_names() {
  std::vector<std::string> names;
  for (int k = 0; k <= int(InitScheme::lecun_normal); ++k) names.push_back(to_string(InitScheme(k)));
  return names;
}

using SS = SweepSettings;
using DS = DepthSweepSettings;

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Learning-rate sweep

const FieldTable<SweepSettings>& sweep_fields() {
  static const FieldTable<SweepSettings> table({
      choice_field("pair", &SS::pair, pair_names(), "the training pair whose A and B are swept"),
      integer_field("steps", &SS::steps, 1, 100000, "training steps of each run"),
      integer_field("rates", &SS::rates, 2, 32, "learning rates, log-spaced around the pair's own"),
      real_field("decades", &SS::decades, 0, true, 6, "decades of rate on each side of the pair's own"),
      integer_field("test_samples", &SS::test_samples, 1, 10000, "test images each run is evaluated on"),
      real_field("trains_above", &SS::trains_above, 0, false, 1,
                 "test accuracy from which a run that did not diverge counts as training"),
  });
  return table;
}

const std::vector<FieldSpec>& sweep_schema() {
  static const std::vector<FieldSpec> specs = sweep_fields().schema();
  return specs;
}

void set_sweep_field(SweepSettings& s, const std::string& name, const std::string& value) { sweep_fields().set(s, name, value); }
std::string get_sweep_field(const SweepSettings& s, const std::string& name) { return sweep_fields().get(s, name); }

std::vector<double> sweep_rates(double base_rate, int count, double decades) {
  std::vector<double> rates;
  for (int k = 0; k < count; ++k)
    rates.push_back(base_rate * std::pow(10.0, decades * (count > 1 ? 2.0 * k / (count - 1) - 1 : 0.0)));
  return rates;
}

SweepPoint sweep_point(TrainingConfig config, double rate, int steps, int test_samples,
                       const std::shared_ptr<const MnistData>& data) {
  const auto start = std::chrono::steady_clock::now();
  config.learning_rate = rate;
  config.steps = steps;
  config.log_every = steps;  // one report, at the end: step 0's and the last evaluation only
  config.test_samples = test_samples;
  config.probes = false;
  SweepPoint p;
  p.rate = rate;
  p.final_train_loss = p.test_loss = p.test_accuracy = nan;
  Trainer<float> trainer(config, data);  // validates
  const long tail = std::min(100, steps);
  try {
    trainer.step(steps - tail);
    double sum = 0;
    for (long s = 0; s < tail; ++s) {
      trainer.step(1);
      sum += trainer.last_loss();
    }
    p.final_train_loss = sum / double(tail);
    const TrainingReport* last = trainer.latest();
    p.test_loss = last->test_loss, p.test_accuracy = last->test_accuracy;
    if (!std::isfinite(p.test_loss)) p.diverged = true, p.diverged_step = steps;  // finite batches, a NaN test
  } catch (const TrainingDiverged& e) {
    p.diverged = true, p.diverged_step = e.step();
  }
  if (p.diverged) p.final_train_loss = p.test_loss = p.test_accuracy = nan;
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return p;
}

SweepPlan sweep_plan(const SweepSettings& settings) {
  sweep_fields().check_ranges(settings);
  SweepPlan plan;
  plan.settings = settings;
  plan.pair = training_pair_list()[size_t(settings.pair)];
  plan.a = training_preset(plan.pair.a), plan.b = training_preset(plan.pair.b);
  plan.rates = sweep_rates(plan.a.learning_rate, settings.rates, settings.decades);
  const double top = training_fields().at("learning_rate").spec.max;
  if (plan.rates.back() > top * (1 + 1e-12))
    throw ConfigError("decades", "takes the rate to " + format_number(plan.rates.back()) + ", over learning_rate's " +
                                     format_number(top) + "; at most " +
                                     format_number(std::floor(100 * std::log10(top / plan.a.learning_rate)) / 100) +
                                     " for this pair (its rate is " + format_number(plan.a.learning_rate) + ")");
  for (double& rate : plan.rates) rate = std::min(rate, top);  // 10^3 * 0.01 may round a hair above 10
  return plan;
}

SweepPoint sweep_plan_point(const SweepPlan& plan, int column, int index, const std::shared_ptr<const MnistData>& data) {
  if (column != 0 && column != 1) throw ConfigError("column", "must be 0 (A) or 1 (B) (got " + std::to_string(column) + ")");
  if (index < 0 || index >= int(plan.rates.size()))
    throw ConfigError("index", "must be a rate's index from 0 to " + std::to_string(plan.rates.size() - 1) + " (got " +
                                   std::to_string(index) + ")");
  return sweep_point(column == 0 ? plan.a : plan.b, plan.rates[size_t(index)], plan.settings.steps,
                     plan.settings.test_samples, data);
}

SweepResult sweep_result(const SweepPlan& plan, std::vector<SweepPoint> a_points, std::vector<SweepPoint> b_points) {
  SweepResult r;
  r.settings = plan.settings;
  r.pair = plan.pair.name, r.a = plan.pair.a, r.b = plan.pair.b;
  r.a_label = plan.pair.a_label, r.b_label = plan.pair.b_label;
  r.a_points = std::move(a_points), r.b_points = std::move(b_points);
  // A run trains when it did not diverge and reached trains_above on the test set.
  auto largest = [&](const std::vector<SweepPoint>& points) {
    double rate = nan;
    for (const SweepPoint& p : points)
      if (!p.diverged && p.test_accuracy >= plan.settings.trains_above) rate = std::isnan(rate) ? p.rate : std::max(rate, p.rate);
    return rate;
  };
  r.a_largest = largest(r.a_points), r.b_largest = largest(r.b_points);
  return r;
}

SweepResult learning_rate_sweep(const SweepSettings& settings, const std::shared_ptr<const MnistData>& data,
                                const std::function<void(int, int)>& progress) {
  const SweepPlan plan = sweep_plan(settings);
  std::vector<SweepPoint> points[2];
  const int total = 2 * int(plan.rates.size());
  int done = 0;
  for (int k = 0; k < int(plan.rates.size()); ++k) {
    for (int column = 0; column < 2; ++column) {
      points[column].push_back(sweep_plan_point(plan, column, k, data));
      if (progress) progress(++done, total);
    }
  }
  return sweep_result(plan, std::move(points[0]), std::move(points[1]));
}

namespace {

std::string printed(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string printed(const char* format, ...) {
  va_list args, again;
  va_start(args, format);
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string text(size_t(std::max(n, 0)), '\0');
  std::vsnprintf(text.data(), text.size() + 1, format, again);  // C++17: data() is writable, and ends in a NUL
  va_end(again);
  return text;
}

}  // namespace

std::string sweep_caption(const SweepResult& r) {
  const double top = r.a_points.empty() ? nan : r.a_points.back().rate;
  // "up to a learning rate of 0.268" / "at none of the 8 rates"; the top of the grid is said, since the
  // column may train above it too.
  auto largest = [&](double rate) {
    if (std::isnan(rate)) return printed("at none of the %zu rates", r.a_points.size());
    return printed("up to a learning rate of %.3g%s", rate, rate == top ? ", the top of the grid" : "");
  };
  auto best = [](const std::vector<SweepPoint>& points) {
    const SweepPoint* b = nullptr;
    for (const SweepPoint& p : points)
      if (!p.diverged && (!b || p.test_accuracy > b->test_accuracy)) b = &p;
    return b ? printed("%.1f%% (at %.3g)", 100 * b->test_accuracy, b->rate) : std::string("none (every rate diverges)");
  };
  int diverged_a = 0, diverged_b = 0;
  for (const SweepPoint& p : r.a_points) diverged_a += p.diverged;
  for (const SweepPoint& p : r.b_points) diverged_b += p.diverged;
  return printed("A (%s) trains %s; B (%s) trains %s (a run trains when its loss stays finite and its test accuracy "
                 "reaches %.0f%% after %d steps).",
                 r.a_label.c_str(), largest(r.a_largest).c_str(), r.b_label.c_str(), largest(r.b_largest).c_str(),
                 100 * r.settings.trains_above, r.settings.steps) +
         printed(" The best test accuracy is %s for A and %s for B; %d of the %zu rates diverge for A, %d for B.",
                 best(r.a_points).c_str(), best(r.b_points).c_str(), diverged_a, r.a_points.size(), diverged_b);
}

// ---------------------------------------------------------------------------------------------------
// Depth sweep

const char* to_string(DepthVariant v) {
  static const char* const names[] = {"none", "bn_before", "bn_after"};
  return names[int(v)];
}

const FieldTable<DepthSweepSettings>& depth_sweep_fields() {
  static const FieldTable<DepthSweepSettings> table({
      integer_field("min_depth", &DS::min_depth, 2, 100, "the shallowest network"),
      integer_field("max_depth", &DS::max_depth, 2, 100, "the deepest network"),
      integer_field("points", &DS::points, 1, 99, "depths, log-spaced from min_depth to max_depth"),
      integer_field("width", &DS::width, 2, 1024, "features per layer"),
      integer_field("batch", &DS::batch, 2, 4096, "samples (batch norm's statistics are over them)"),
      choice_field("init", &DS::init, init_names(), "weight initialisation of every network"),
      integer_field("seed", &DS::seed, 0, 9007199254740991.0, "seed of every random number"),
  });
  return table;
}

const std::vector<FieldSpec>& depth_sweep_schema() {
  static const std::vector<FieldSpec> specs = depth_sweep_fields().schema();
  return specs;
}

void set_depth_sweep_field(DepthSweepSettings& s, const std::string& name, const std::string& value) {
  depth_sweep_fields().set(s, name, value);
}
std::string get_depth_sweep_field(const DepthSweepSettings& s, const std::string& name) {
  return depth_sweep_fields().get(s, name);
}

double depth_sweep_rate(DepthVariant variant, InitScheme init, int width) {
  // sigma_w^2 = fan_in * Var(w) for a square layer (fan_in = fan_out = width).
  const double n = width;
  double sigma2 = 1;
  switch (init) {
    case InitScheme::normal_scaled: sigma2 = n * 0.01 * 0.01; break;  // the 'normal' scheme at its default scale
    case InitScheme::xavier_normal:
    case InitScheme::xavier_uniform: sigma2 = 1; break;
    case InitScheme::he_normal:
    case InitScheme::he_uniform: sigma2 = 2; break;
    case InitScheme::lecun_normal: sigma2 = 1; break;
  }
  const double pi = 3.141592653589793;
  return variant == DepthVariant::none ? std::sqrt(sigma2 / 2) : std::sqrt(pi / (pi - 1));
}

std::vector<int> depth_sweep_depths(int min_depth, int max_depth, int points) {
  std::vector<int> depths;
  for (int k = 0; k < points; ++k) {
    const double t = points > 1 ? double(k) / (points - 1) : 0;
    const int d = int(std::lround(min_depth * std::pow(double(max_depth) / min_depth, t)));
    if (depths.empty() || d > depths.back()) depths.push_back(d);
  }
  return depths;
}

DepthSweepResult depth_sweep(const DepthSweepSettings& s, const std::function<void(int, int)>& progress) {
  depth_sweep_fields().check_ranges(s);
  if (s.max_depth < s.min_depth)
    throw ConfigError("max_depth", "must be at least min_depth " + format_number(s.min_depth) + " (got " +
                                       format_number(s.max_depth) + ")");
  DepthSweepResult r;
  r.settings = s;
  for (int v = 0; v < depth_variant_count; ++v) {
    r.rate[v] = depth_sweep_rate(DepthVariant(v), s.init, s.width);
    r.parts_at[v] = -1;
  }
  const std::vector<int> depths = depth_sweep_depths(s.min_depth, s.max_depth, s.points);
  int done = 0;
  for (int depth : depths) {
    DepthPoint p;
    p.depth = depth;
    for (int v = 0; v < depth_variant_count; ++v) {
      NetworkConfig c;  // the post's: input 100 x N(0,1), ReLU, no bias, random upstream
      c.depth = depth, c.width = s.width, c.input_dim = s.width, c.batch = s.batch;
      c.init = s.init, c.seed = s.seed, c.activation = Activation::relu, c.upstream_scale = 1;
      c.normalization = v == int(DepthVariant::none) ? Normalization::none : Normalization::batch;
      c.placement = v == int(DepthVariant::bn_before) ? Placement::before_activation : Placement::after_activation;
      Network<float> net(c);
      net.forward();
      net.backward();
      const double first = net.doutput(1).template cast<double>().norm(), last = net.doutput(depth).template cast<double>().norm();
      p.growth[v] = first / last;
      p.predicted[v] = std::pow(r.rate[v], depth - 1);
      p.first_weight_gradient[v] = net.param_grads(1).weight.template cast<double>().norm();
      if (r.parts_at[v] < 0 && !(std::abs(std::log(p.growth[v] / p.predicted[v])) <= std::log(2.0))) r.parts_at[v] = depth;
      if (progress) progress(++done, int(depths.size()) * depth_variant_count);
    }
    r.points.push_back(p);
  }
  return r;
}

namespace {

// 3 significant digits, in exponent form ("9.7e7") outside 0.01..10^4.
std::string short_number(double v) {
  if (!std::isfinite(v)) return v != v ? "NaN" : v > 0 ? "infinity" : "-infinity";
  if (v == 0 || (std::abs(v) >= 0.01 && std::abs(v) < 1e4)) return printed("%.3g", v);
  const int exponent = int(std::floor(std::log10(std::abs(v))));
  return printed("%.2ge%d", v / std::pow(10.0, exponent), exponent);
}

const char* depth_variant_words(int v) {
  static const char* const words[] = {"without batch norm", "with batch norm before the ReLU", "with batch norm after the ReLU"};
  return words[v];
}

}  // namespace

std::string depth_sweep_caption(const DepthSweepResult& r) {
  if (r.points.empty()) return "";
  const DepthPoint& deepest = r.points.back();
  std::string growth;
  for (int v = 0; v < depth_variant_count; ++v)
    growth += printed("%s%s %s (mean field: %.3f a layer, %s)", v == 0 ? "" : v + 1 < depth_variant_count ? "; " : "; and ",
                      short_number(deepest.growth[v]).c_str(), depth_variant_words(v), r.rate[v],
                      short_number(deepest.predicted[v]).c_str());
  std::string parts;
  for (int v = 0; v < depth_variant_count; ++v)
    parts += printed("%s%s %s", v == 0 ? "" : v + 1 < depth_variant_count ? ", " : " and ", depth_variant_words(v),
                     r.parts_at[v] < 0 ? printed("nowhere up to depth %d", deepest.depth).c_str()
                                       : printed("from depth %d", r.parts_at[v]).c_str());
  return printed("At depth %d the gradient at the first layer, relative to the last layer's, is ", deepest.depth) +
         growth + "." + " Measurement and theory part (by more than a factor of 2) " + parts + ".";
}

}  // namespace layerscope
