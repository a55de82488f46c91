#include "train.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

#include "train_dump.hpp"
#include "train_json.hpp"
#include "train_options.hpp"

namespace layerscope::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Progress on stderr: a live line redrawn in place on a terminal, else one line per report (for logs).
class Progress {
 public:
  Progress(bool quiet, long steps) : steps_(steps) {
    live_ = !quiet && isatty(fileno(stderr));
    lines_ = !quiet && !live_;
  }

  void report(const TrainingReport& r, double elapsed) {
    loss_ = r.train_loss, accuracy_ = r.test_accuracy;
    if (lines_)
      std::fprintf(stderr, "step %ld/%ld  loss %.4f  test acc %.2f%%  %.0f steps/s\n", r.step, steps_, r.train_loss,
                   100 * r.test_accuracy, rate(r.step, elapsed));
    if (live_) draw(r.step, elapsed);
  }

  void tick(long done, double elapsed) {
    if (live_ && elapsed - drawn_at_ >= 0.1) draw(done, elapsed);
  }

  void finish() {
    if (live_ && drawn_at_ >= 0) std::fputs("\r\033[K", stderr);  // the summary replaces the line
  }

 private:
  static double rate(long done, double elapsed) { return elapsed > 0 ? double(done) / elapsed : 0; }

  void draw(long done, double elapsed) {
    const double per_second = rate(done, elapsed);
    const double left = per_second > 0 ? double(steps_ - done) / per_second : 0;
    std::fprintf(stderr, "\rstep %ld/%ld  %.0f steps/s  loss ", done, steps_, per_second);
    if (std::isnan(loss_)) std::fputs("-", stderr);
    else std::fprintf(stderr, "%.4f", loss_);
    if (std::isnan(accuracy_)) std::fputs("  test acc -", stderr);
    else std::fprintf(stderr, "  test acc %.2f%%", 100 * accuracy_);
    if (left < 90) std::fprintf(stderr, "  %.0f s left\033[K", left);
    else std::fprintf(stderr, "  %ld min %02ld s left\033[K", long(left) / 60, long(left) % 60);
    std::fflush(stderr);
    drawn_at_ = elapsed;
  }

  long steps_;
  bool live_ = false, lines_ = false;
  double loss_ = std::numeric_limits<double>::quiet_NaN(), accuracy_ = std::numeric_limits<double>::quiet_NaN();
  double drawn_at_ = -1;
};

// The probes of every kept report (probes.hpp), three lines each, as the JSON has them: what the page draws.
void print_probes(std::FILE* out, const TrainingHistory& history) {
  std::fputs("probes (on the batch the next step takes): loss, |g|, the step sizes' loss spread and gradient\n"
             "predictiveness (absolute, and relative to eta_max |g|^2 and |g|), effective smoothness; per layer i the\n"
             "covariate shift of dL/dW_i (||G - G'|| / ||G|| and cos) and the effective rank of h_l (l = 0: input)\n",
             out);
  auto value = [](double v) {
    char buf[32];
    if (std::isnan(v)) return std::string("-");
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return std::string(buf);
  };
  for (const TrainingReport& r : history.reports()) {
    const ProbeReport& p = r.probes;
    if (!p.present) continue;
    std::fprintf(out, "step %ld: loss %s  |g| %s  loss spread %s (rel %s)  predictiveness %s (rel %s)  smoothness %s\n",
                 r.step, value(p.loss).c_str(), value(p.gradient_norm).c_str(), value(p.loss_spread).c_str(),
                 value(p.loss_spread_relative).c_str(), value(p.predictiveness).c_str(),
                 value(p.predictiveness_relative).c_str(), value(p.effective_smoothness).c_str());
    std::string shift = "  shift rel/cos:", rank = "  effective rank:";
    for (size_t l = 0; l < p.layers.size(); ++l) {
      if (l >= 2)
        shift += " " + std::to_string(l) + ":" + value(p.layers[l].shift_relative) + "/" + value(p.layers[l].shift_cosine);
      if (l + 1 < p.layers.size()) rank += " " + std::to_string(l) + ":" + value(p.layers[l].effective_rank);
    }
    std::fprintf(out, "%s\n%s\n", shift.c_str(), rank.c_str());
  }
}

template <typename S>
int train(const TrainOptions& options, const std::shared_ptr<const MnistData>& data) {
  Trainer<S> trainer(options.config, data);
  if (!options.init_from.empty()) init_from_dump(trainer.network(), options.init_from);
  const long steps = options.config.steps;
  const int test_samples = options.config.test_samples;

  std::optional<TrainingDump<S>> dump;
  if (!options.dump_dir.empty()) {
    dump.emplace(options, *data);
    const auto [test_loss, test_accuracy] = trainer.evaluate(test_samples);
    dump->parameters(trainer.network(), 0, std::numeric_limits<double>::quiet_NaN(), test_loss, test_accuracy);
  }

  Progress progress(options.quiet, steps);
  const Clock::time_point start = Clock::now();
  const auto report_ready = [&](const TrainingReport& r) { progress.report(r, seconds_since(start)); };
  Json diverged;
  std::string diverged_message;
  try {
    while (!trainer.finished()) {
      if (dump) {
        // One step at a time: every batch is recorded, and a dump step notes the loss that step computed.
        const long next = trainer.steps_done() + 1;
        const bool dump_now = std::binary_search(options.dump_steps.begin(), options.dump_steps.end(), next);
        trainer.step(1, report_ready);
        dump->batch(trainer.last_batch_indices());
        if (dump_now) {
          const auto [test_loss, test_accuracy] = trainer.evaluate(test_samples);
          dump->parameters(trainer.network(), next, trainer.last_loss(), test_loss, test_accuracy);
        }
      } else {
        trainer.step(100, report_ready);  // chunks short enough for a live progress line
      }
      progress.tick(trainer.steps_done(), seconds_since(start));
    }
  } catch (const TrainingDiverged& e) {
    diverged = Json{{"step", e.step()}, {"message", e.what()}};
    diverged_message = e.what();
  }
  const double wall = seconds_since(start);
  progress.finish();

  const long done = trainer.steps_done();
  const double per_second = wall > 0 ? double(done) / wall : 0;
  Json final_json;
  if (diverged.is_null()) {
    // The last report is at the last step, on the same test images.
    const TrainingReport* last = trainer.latest();
    const auto [test_loss, test_accuracy] =
        last && last->step == done ? std::pair(last->test_loss, last->test_accuracy) : trainer.evaluate(test_samples);
    std::printf("%ld steps: test loss %.4f  test acc %.2f%% (%d test images)  %.0f steps/s  wall %.2f s\n", done,
                test_loss, 100 * test_accuracy, test_samples, per_second, wall);
    final_json = Json{{"steps", done},
                      {"test_loss", std::isfinite(test_loss) ? Json(test_loss) : Json(nullptr)},
                      {"test_accuracy", test_accuracy},
                      {"test_samples", test_samples},
                      {"steps_per_second", per_second},
                      {"wall_seconds", wall}};
  } else {
    final_json = Json{{"steps", done}, {"steps_per_second", per_second}, {"wall_seconds", wall}};
  }

  if (options.config.probes) print_probes(stdout, trainer.history());

  if (!options.json_path.empty()) {
    Json doc;
    doc["layerscope"] = 1;
    doc["kind"] = "training";
    doc["scalar"] = sizeof(S) == sizeof(float) ? "float" : "double";
    doc["preset"] = options.preset_name;
    doc["data"] = options.data_path;
    if (!options.init_from.empty()) doc["init_from"] = options.init_from;
    doc["config"] = training_config_json(options.config);
    doc["history"] = training_history_json(trainer.history());
    doc["final"] = final_json;
    if (!diverged.is_null()) doc["diverged"] = diverged;
    write_json_file(options.json_path, doc);
  }
  if (dump) dump->finish(done, diverged);
  if (!diverged_message.empty()) {
    std::fprintf(stderr, "layerscope: %s\n", diverged_message.c_str());
    return 3;
  }
  return 0;
}

}  // namespace

int run_train(int argc, char** argv) {
  const TrainOptions options = parse_train_options(argc, argv);
  if (options.help) {
    std::fputs(train_usage().c_str(), stdout);
    return 0;
  }
  const auto data = std::make_shared<const MnistData>(std::filesystem::is_directory(options.data_path)
                                                          ? load_mnist_idx(options.data_path)
                                                          : load_mnist_pack(options.data_path));
  return options.use_double ? train<double>(options, data) : train<float>(options, data);
}

}  // namespace layerscope::cli
