#include "sweep_command.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fields.hpp"
#include "json_output.hpp"
#include "options.hpp"
#include "sweeps.hpp"

namespace layerscope::cli {

namespace {

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

// --FIELD VALUE flags of `table` into `settings`, plus the tool's own: --json, --data, --quiet, --help.
struct ToolFlags {
  std::string json_path, data_path = "dist/data/mnist-binary.bin";
  bool quiet = false, help = false;
};
template <typename Config>
ToolFlags parse(int argc, char** argv, const FieldTable<Config>& table, Config& settings, const char* command,
                bool takes_data) {
  ToolFlags tool;
  std::vector<std::pair<std::string, std::string>> flags;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      tool.help = true;
      continue;
    }
    if (arg == "--quiet") {
      tool.quiet = true;
      continue;
    }
    std::string name, value;
    if (!next_flag(argc, argv, i, name, value))
      throw UsageError("unexpected argument '" + escape_for_message(arg) + "'; see layerscope " + command + " --help");
    if (name == "json") tool.json_path = value;
    else if (takes_data && name == "data") tool.data_path = value;
    else if (table.find(name)) flags.emplace_back(name, value);
    else throw UsageError("unknown option '" + escape_for_message(arg) + "' for " + command + "; see layerscope " +
                          command + " --help");
  }
  for (const auto& [name, value] : flags) table.set(settings, name, value);
  table.check_ranges(settings);
  return tool;
}

template <typename Config>
std::string field_help(const FieldTable<Config>& table, const Config& defaults) {
  std::ostringstream out;
  for (const Field<Config>& f : table.rows())
    out << "  --" << f.spec.name << " VALUE\n      " << f.spec.help << "\n      " << describe_allowed(f.spec)
        << "; default " << table.get(defaults, f.spec.name) << "\n";
  return out.str();
}

void progress_line(bool quiet, int done, int total) {
  if (quiet) return;
  std::fprintf(stderr, "%d/%d runs\n", done, total);
}

std::string cell(const SweepPoint& p) {
  char buf[64];
  if (p.diverged) std::snprintf(buf, sizeof buf, "diverged at step %ld", p.diverged_step);
  else std::snprintf(buf, sizeof buf, "%.4f  %6.2f%%", p.final_train_loss, 100 * p.test_accuracy);
  return buf;
}

Json point_json(const SweepPoint& p) {
  return Json{{"rate", p.rate},
              {"diverged", p.diverged},
              {"diverged_step", p.diverged ? Json(p.diverged_step) : Json(nullptr)},
              {"final_train_loss", number(p.final_train_loss)},
              {"test_loss", number(p.test_loss)},
              {"test_accuracy", number(p.test_accuracy)},
              {"seconds", p.seconds}};
}

}  // namespace

int run_sweep(int argc, char** argv) {
  SweepSettings settings;
  const ToolFlags tool = parse(argc, argv, sweep_fields(), settings, "sweep", true);
  if (tool.help) {
    std::ostringstream out;
    out << "usage: layerscope sweep [--FIELD VALUE ...] [--data PATH] [--json FILE] [--quiet]\n\n"
           "Trains A and B of a training pair for `steps` steps at each of `rates` learning rates, log-spaced over\n"
           "`decades` decades on each side of the pair's own rate (from A's preset), from the presets' seed, and\n"
           "prints per rate the mean training loss of the last 100 steps and the test accuracy; a run whose loss\n"
           "stops being finite is marked diverged (null in the JSON). Ends with the largest rate each column\n"
           "trains at (not diverged, test accuracy at least trains_above).\n\nSettings:\n"
        << field_help(sweep_fields(), SweepSettings{})
        << "\nTool options:\n  --data PATH   the MNIST pack (default dist/data/mnist-binary.bin) or a directory of IDX files\n"
           "  --json FILE   write the settings, every point and the caption as JSON\n  --quiet       no progress on stderr\n"
           "\nPairs:\n";
    for (const TrainingPairInfo& p : training_pair_list()) out << "  " << p.name << ": " << p.title << "\n";
    std::fputs(out.str().c_str(), stdout);
    return 0;
  }
  const auto data = std::make_shared<const MnistData>(std::filesystem::is_directory(tool.data_path)
                                                          ? load_mnist_idx(tool.data_path)
                                                          : load_mnist_pack(tool.data_path));
  const SweepResult r = learning_rate_sweep(settings, data, [&](int done, int total) { progress_line(tool.quiet, done, total); });
  std::printf("learning-rate sweep of %s: A = %s (%s), B = %s (%s), %d steps each\n", r.pair.c_str(), r.a.c_str(),
              r.a_label.c_str(), r.b.c_str(), r.b_label.c_str(), settings.steps);
  std::printf("%12s  %-26s  %-26s\n", "rate", "A: loss  test acc", "B: loss  test acc");
  for (size_t k = 0; k < r.a_points.size(); ++k)
    std::printf("%12.4g  %-26s  %-26s\n", r.a_points[k].rate, cell(r.a_points[k]).c_str(), cell(r.b_points[k]).c_str());
  const std::string caption = sweep_caption(r);
  std::printf("%s\n", caption.c_str());
  if (!tool.json_path.empty()) {
    Json a = Json::array(), b = Json::array();
    for (const SweepPoint& p : r.a_points) a.push_back(point_json(p));
    for (const SweepPoint& p : r.b_points) b.push_back(point_json(p));
    write_json_file(tool.json_path, Json{{"layerscope", 1},
                                         {"kind", "learning_rate_sweep"},
                                         {"settings", fields_json(sweep_fields(), settings)},
                                         {"pair", r.pair},
                                         {"a", Json{{"preset", r.a}, {"label", r.a_label}, {"points", a},
                                                    {"largest_training_rate", number(r.a_largest)}}},
                                         {"b", Json{{"preset", r.b}, {"label", r.b_label}, {"points", b},
                                                    {"largest_training_rate", number(r.b_largest)}}},
                                         {"caption", caption}});
  }
  return 0;
}

int run_depth_sweep(int argc, char** argv) {
  DepthSweepSettings settings;
  const ToolFlags tool = parse(argc, argv, depth_sweep_fields(), settings, "depth-sweep", false);
  if (tool.help) {
    std::ostringstream out;
    out << "usage: layerscope depth-sweep [--FIELD VALUE ...] [--json FILE] [--quiet]\n\n"
           "ReLU networks at initialisation (input N(0,1), no bias, a random upstream dL/dh_L ~ N(0,1), train mode)\n"
           "at depths log-spaced from min_depth to max_depth, without batch norm, with it before and after each\n"
           "ReLU: the gradient's growth from the last layer to the first, ||dL/dh_1|| / ||dL/dh_L||, against the\n"
           "mean-field prediction rate^(L-1) (sweeps.hpp derives each rate), and the first depth where the two\n"
           "differ by more than a factor of 2.\n\nSettings:\n"
        << field_help(depth_sweep_fields(), DepthSweepSettings{})
        << "\nTool options:\n  --json FILE   write the settings, the rates, every point and the caption as JSON\n  --quiet       no progress\n";
    std::fputs(out.str().c_str(), stdout);
    return 0;
  }
  const DepthSweepResult r = depth_sweep(settings, [&](int done, int total) {
    if (!tool.quiet && done % depth_variant_count == 0) std::fprintf(stderr, "%d/%d networks\n", done, total);
  });
  std::printf("gradient growth ||dL/dh_1|| / ||dL/dh_L|| at initialisation: width %d, batch %d, init %s, seed %llu\n",
              settings.width, settings.batch, to_string(settings.init), (unsigned long long)settings.seed);
  std::printf("mean-field rate per layer: none %.4f, bn_before %.4f, bn_after %.4f\n", r.rate[0], r.rate[1], r.rate[2]);
  std::printf("%5s  %-24s  %-24s  %-24s\n", "depth", "none: measured / theory", "bn_before: measured / theory",
              "bn_after: measured / theory");
  for (const DepthPoint& p : r.points) {
    std::printf("%5d", p.depth);
    for (int v = 0; v < depth_variant_count; ++v) std::printf("  %10.4g / %-11.4g", p.growth[v], p.predicted[v]);
    std::printf("\n");
  }
  for (int v = 0; v < depth_variant_count; ++v) {
    if (r.parts_at[v] < 0)
      std::printf("%s: measurement within a factor of 2 of theory at every depth\n", to_string(DepthVariant(v)));
    else
      std::printf("%s: measurement and theory part (more than a factor of 2) from depth %d\n", to_string(DepthVariant(v)),
                  r.parts_at[v]);
  }
  const std::string caption = depth_sweep_caption(r);
  std::printf("%s\n", caption.c_str());
  if (!tool.json_path.empty()) {
    Json variants = Json::array();
    for (int v = 0; v < depth_variant_count; ++v) {
      Json points = Json::array();
      for (const DepthPoint& p : r.points)
        points.push_back(Json{{"depth", p.depth},
                              {"growth", number(p.growth[v])},
                              {"predicted", number(p.predicted[v])},
                              {"first_weight_gradient", number(p.first_weight_gradient[v])}});
      variants.push_back(Json{{"variant", to_string(DepthVariant(v))},
                              {"rate", r.rate[v]},
                              {"parts_at", r.parts_at[v] < 0 ? Json(nullptr) : Json(r.parts_at[v])},
                              {"points", points}});
    }
    write_json_file(tool.json_path, Json{{"layerscope", 1},
                                         {"kind", "depth_sweep"},
                                         {"settings", fields_json(depth_sweep_fields(), settings)},
                                         {"variants", variants},
                                         {"caption", caption}});
  }
  return 0;
}

}  // namespace layerscope::cli
