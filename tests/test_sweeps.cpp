// The sweeps' pieces the page runs one at a time (sweeps.hpp): a plan refuses a bad setting before any
// run; the whole sweep is exactly its plan's runs; the result names the largest rate that trains; both
// captions say what their numbers say.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "mnist_fixture.hpp"
#include "sweeps.hpp"

using namespace layerscope;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

SweepPoint trained(double rate, double accuracy) {
  SweepPoint p;
  p.rate = rate, p.final_train_loss = 1 - accuracy, p.test_loss = 1 - accuracy, p.test_accuracy = accuracy;
  return p;
}

SweepPoint diverged(double rate, long step) {
  SweepPoint p = trained(rate, std::numeric_limits<double>::quiet_NaN());
  p.diverged = true, p.diverged_step = step;
  return p;
}

}  // namespace

TEST_CASE("a sweep plan refuses a bad setting naming the field before any run", "[sweeps]") {
  SweepSettings s;
  s.steps = 0;
  CHECK_THROWS_WITH(sweep_plan(s), StartsWith("steps: must be an integer from 1"));
  s = SweepSettings{};
  s.decades = 4;  // the Figure 1 pair's 0.01 times 10^4 passes learning_rate's 10
  CHECK_THROWS_WITH(sweep_plan(s), StartsWith("decades: takes the rate to 100, over learning_rate's 10; at most 3"));
  const SweepPlan plan = sweep_plan(SweepSettings{});
  REQUIRE(plan.rates.size() == 8);
  CHECK(plan.rates.front() == Approx(1e-4).epsilon(1e-12));
  CHECK(plan.rates.back() == Approx(1).epsilon(1e-12));
  CHECK_THROWS_WITH(sweep_plan_point(plan, 2, 0, mnist()), StartsWith("column: must be 0 (A) or 1 (B)"));
  CHECK_THROWS_WITH(sweep_plan_point(plan, 0, 8, mnist()), StartsWith("index: must be a rate's index from 0 to 7"));
}

TEST_CASE("the result names the largest rate that trains and the caption says it in two sentences", "[sweeps]") {
  SweepSettings s;
  s.rates = 3;
  const SweepPlan plan = sweep_plan(s);  // 1e-4, 0.01, 1
  const SweepResult r = sweep_result(plan, {trained(1e-4, 0.2), trained(0.01, 0.8), diverged(1, 7)},
                                     {trained(1e-4, 0.6), trained(0.01, 0.9), trained(1, 0.95)});
  CHECK(r.a_largest == plan.rates[1]);  // rate 1 diverged; 1e-4 under trains_above 0.5
  CHECK(r.b_largest == plan.rates[2]);
  const std::string caption = sweep_caption(r);
  CHECK_THAT(caption, StartsWith("A (without batch norm) trains up to a learning rate of 0.01; B (with batch norm) trains "
                                 "up to a learning rate of 1, the top of the grid (a run trains when its loss stays finite "
                                 "and its test accuracy reaches 50% after 2000 steps)."));
  CHECK_THAT(caption, Contains(" The best test accuracy is 80.0% (at 0.01) for A and 95.0% (at 1) for B; 1 of the 3 rates "
                               "diverge for A, 0 for B."));
  const SweepResult none = sweep_result(plan, {diverged(1e-4, 1), diverged(0.01, 1), diverged(1, 1)},
                                        {trained(1e-4, 0.1), trained(0.01, 0.1), trained(1, 0.1)});
  CHECK(std::isnan(none.a_largest));
  CHECK_THAT(sweep_caption(none), Contains("A (without batch norm) trains at none of the 3 rates; B (with batch norm) trains at none"));
  CHECK_THAT(sweep_caption(none), Contains("none (every rate diverges) for A"));
}

TEST_CASE("the whole sweep is its plan's runs one at a time", "[sweeps][mnist]") {
  SweepSettings s;
  s.pair = 1;  // the post's pair
  s.steps = 12, s.rates = 2, s.decades = 1, s.test_samples = 100;
  const SweepResult whole = learning_rate_sweep(s, mnist());
  const SweepPlan plan = sweep_plan(s);
  for (int column = 0; column < 2; ++column)
    for (int k = 0; k < 2; ++k) {
      const SweepPoint one = sweep_plan_point(plan, column, k, mnist());
      const SweepPoint& in_whole = (column == 0 ? whole.a_points : whole.b_points)[size_t(k)];
      CAPTURE(column, k);
      CHECK(one.rate == in_whole.rate);
      CHECK(one.diverged == in_whole.diverged);
      if (!one.diverged) CHECK(one.final_train_loss == in_whole.final_train_loss);
      if (!one.diverged) CHECK(one.test_accuracy == in_whole.test_accuracy);
    }
}

TEST_CASE("the depth sweep's caption names the deepest growth and where theory and measurement part", "[sweeps]") {
  DepthSweepSettings s;
  s.min_depth = 2, s.max_depth = 12, s.points = 3, s.width = 30, s.batch = 64;
  const DepthSweepResult r = depth_sweep(s);
  const std::string caption = depth_sweep_caption(r);
  CHECK_THAT(caption, StartsWith("At depth 12 the gradient at the first layer, relative to the last layer's, is "));
  CHECK_THAT(caption, Contains("without batch norm (mean field: 0.707 a layer, 0.0221)"));  // sqrt(1/2)^11
  CHECK_THAT(caption, Contains("with batch norm before the ReLU (mean field: 1.211 a layer, 8.23)"));  // 1.21117^11 = 8.2276
  CHECK_THAT(caption, Contains(" Measurement and theory part (by more than a factor of 2) without batch norm "));
  for (int v = 0; v < depth_variant_count; ++v)
    CHECK_THAT(caption, Contains(r.parts_at[v] < 0 ? "nowhere up to depth 12" : "from depth " + std::to_string(r.parts_at[v])));
}
