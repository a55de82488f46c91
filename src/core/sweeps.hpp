// Two experiments of issue 21 that run many networks: the learning-rate sweep of a training pair, and the
// depth sweep of batch norm's gradient explosion at initialisation. Their settings are tables of fields
// (fields.hpp) like every other group, so a bad value is refused naming the field before anything runs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "mnist.hpp"
#include "training_config.hpp"

namespace layerscope {

template <typename Config> class FieldTable;

// ---------------------------------------------------------------------------------------------------
// Learning-rate sweep: A and B of a training pair (training_pair_list) trained for `steps` steps at each of
// `rates` learning rates, log-spaced over `decades` decades on each side of the pair's own rate (A's).

struct SweepSettings {
  int pair = 0;                // index into training_pair_list(): default the Figure 1 pair
  int steps = 2000;
  int rates = 8;
  double decades = 2;
  int test_samples = 10000;
  double trains_above = 0.5;   // a run "trains" when it has not diverged and its test accuracy is at least this
};
const FieldTable<SweepSettings>& sweep_fields();
const std::vector<FieldSpec>& sweep_schema();
void set_sweep_field(SweepSettings& settings, const std::string& name, const std::string& value);
std::string get_sweep_field(const SweepSettings& settings, const std::string& name);

// The rates: lr0 * 10^(decades (2k/(K-1) - 1)), k = 0..K-1.
std::vector<double> sweep_rates(double base_rate, int count, double decades);

struct SweepPoint {
  double rate = 0;
  bool diverged = false;       // the loss stopped being finite (then the numbers below are NaN)
  long diverged_step = -1;
  double final_train_loss;     // mean of the last min(100, steps) steps' batch losses
  double test_loss, test_accuracy;
  double seconds = 0;
};
struct SweepResult {
  SweepSettings settings;
  std::string pair, a, b, a_label, b_label;
  std::vector<SweepPoint> a_points, b_points;
  // The largest rate at which each column trains (see trains_above); NaN when it trains at none.
  double a_largest, b_largest;
};
// One point: `config` (a training preset) at `rate` for `steps` steps, evaluated on `test_samples` images.
SweepPoint sweep_point(TrainingConfig config, double rate, int steps, int test_samples,
                       const std::shared_ptr<const MnistData>& data);

// The runs of a sweep before any of them: the pair, its two presets and the rates. Validates the settings
// (a bad one is refused naming the field), so the page can refuse before it starts a worker, and each
// worker runs its share of the runs one at a time (sweep_plan_point), showing progress and stopping
// between runs.
struct SweepPlan {
  SweepSettings settings;
  TrainingPairInfo pair;
  TrainingConfig a, b;
  std::vector<double> rates;
};
SweepPlan sweep_plan(const SweepSettings& settings);
// Column 0 (A) or 1 (B) of the plan at rates[index].
SweepPoint sweep_plan_point(const SweepPlan& plan, int column, int index, const std::shared_ptr<const MnistData>& data);
// The result of a plan from its runs (each column's points in the plan's rate order): the largest rate
// each column trains at.
SweepResult sweep_result(const SweepPlan& plan, std::vector<SweepPoint> a_points, std::vector<SweepPoint> b_points);
// The whole sweep, A then B at each rate; progress(done, total) after each run. Validates first.
SweepResult learning_rate_sweep(const SweepSettings& settings, const std::shared_ptr<const MnistData>& data,
                                const std::function<void(int, int)>& progress = nullptr);
// Two sentences: the largest rate each column trains at (and whether that is the top of the grid); the
// best test accuracy of each and how many rates diverge.
std::string sweep_caption(const SweepResult& result);

// ---------------------------------------------------------------------------------------------------
// Depth sweep: ReLU networks of `width` at depths log-spaced from min_depth to max_depth, without batch
// norm, with it before and with it after each ReLU, at initialisation (train mode, batch statistics, a
// random upstream gradient dL/dh_L ~ N(0, 1)): the gradient's growth from the last layer to the first,
// ||dL/dh_1|| / ||dL/dh_L||, against the mean-field prediction rate^(L-1) (depth_sweep_rate).

enum class DepthVariant { none, bn_before, bn_after };
const char* to_string(DepthVariant);
constexpr int depth_variant_count = 3;

struct DepthSweepSettings {
  int min_depth = 2, max_depth = 100, points = 10;
  int width = 100, batch = 256;
  InitScheme init = InitScheme::xavier_normal;
  std::uint64_t seed = 1;
};
const FieldTable<DepthSweepSettings>& depth_sweep_fields();
const std::vector<FieldSpec>& depth_sweep_schema();
void set_depth_sweep_field(DepthSweepSettings& settings, const std::string& name, const std::string& value);
std::string get_depth_sweep_field(const DepthSweepSettings& settings, const std::string& name);

// The per-layer rate of ||dL/dh||, derived in mean field (infinite width and batch, the features of a
// layer uncorrelated over the batch), for weights of variance sigma_w^2 / fan_in:
//  - no normalization: dL/dh_{l-1} = W^T (relu'(z) * dL/dh_l); relu' passes half the entries, so the squared
//    norm is multiplied by sigma_w^2 / 2 a layer: rate sqrt(sigma_w^2 / 2) (Xavier, sigma_w^2 = 1: 0.707;
//    He, 2: 1).
//  - batch norm before the ReLU: backward divides by the batch std of z = W h, whose variance is
//    sigma_w^2 Var(relu(N(0,1))) = sigma_w^2 (pi - 1) / (2 pi) since h = relu of a standardized input; with
//    the ReLU's half and W^T's sigma_w^2 the squared norm grows by pi / (pi - 1) a layer, independent of
//    sigma_w: rate sqrt(pi / (pi - 1)) = 1.2112.
//  - batch norm after the ReLU: z = W h with h standardized, a = relu(z) has variance
//    sigma_w^2 (pi - 1) / (2 pi); the same three factors: the same rate, 1.2112.
// Batch norm's projections (the mean and xhat directions of each feature over the batch) take 2 of N
// directions out: a factor (1 - 2/N) on the squared norm, about 0.99 at N = 256, left out of the rate.
double depth_sweep_rate(DepthVariant variant, InitScheme init, int width);

struct DepthPoint {
  int depth = 0;
  double growth[depth_variant_count];   // ||dL/dh_1|| / ||dL/dh_L||, measured
  double predicted[depth_variant_count];  // rate^(L-1)
  double first_weight_gradient[depth_variant_count];  // ||dL/dW_1||
};
struct DepthSweepResult {
  DepthSweepSettings settings;
  double rate[depth_variant_count];
  std::vector<DepthPoint> points;
  // The first depth where measurement and theory differ by more than a factor of 2, or -1.
  int parts_at[depth_variant_count];
};
std::vector<int> depth_sweep_depths(int min_depth, int max_depth, int points);
DepthSweepResult depth_sweep(const DepthSweepSettings& settings, const std::function<void(int, int)>& progress = nullptr);
// Two sentences: the growth at the deepest network of each variant against its rate's prediction; where
// measurement and theory part (more than a factor of 2), per variant.
std::string depth_sweep_caption(const DepthSweepResult& result);

}  // namespace layerscope
