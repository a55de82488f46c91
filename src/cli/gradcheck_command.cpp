#include "gradcheck_command.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fields.hpp"
#include "gradcheck.hpp"
#include "json_output.hpp"
#include "options.hpp"

namespace layerscope::cli {

namespace {


std::string gradcheck_usage() {
  std::ostringstream out;
  out << "usage: layerscope gradcheck [--preset NAME] [--config FILE.json] [--FIELD VALUE ...]\n"
         "                            [--bn_backward correct|post] [--check_batch N] [--entries_per_tensor N]\n"
         "                            [--json FILE]\n\n"
         "Checks backward against central finite differences in double: per layer and kind (dL/dh, weight,\n"
         "bias, gamma, beta) the worst relative error of a seeded sample of entries. With no network setting\n"
         "it checks the page's default pair, blog-no-bn and xavier-bn. The network settings are those of\n"
         "`layerscope --help`, read the same way.\n\n"
      << gradcheck_method() << "\n\nCheck settings:\n";
  const GradcheckSettings defaults;
  for (const FieldSpec& spec : gradcheck_schema())
    out << "  --" << spec.name << " VALUE\n      " << spec.help << "\n      " << describe_allowed(spec)
        << "; default " << get_gradcheck_field(defaults, spec.name) << "\n";
  out << "  --json FILE\n      write every row as JSON\n\n"
         "Exit status: 0 every entry within the tolerance (" << gradcheck_tolerance << "), 1 one is not, 2 bad input.\n";
  return out.str();
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

void print_result(const std::string& name, const GradcheckResult& r, int full_batch) {
  const NetworkConfig& c = r.config;
  std::printf("%s: depth %d, width %d, normalization %s, activation %s, mode %s; first %d of %d samples; "
              "bn_backward %s%s\n",
              name.c_str(), c.depth, c.width, to_string(c.normalization), to_string(c.activation), to_string(c.mode),
              c.batch, full_batch, to_string(r.settings.bn_backward),
              r.settings.bn_backward == BnBackward::post && !r.post_backward_used
                  ? " (no normalization with batch statistics here: ours ran)" : "");
  std::printf("%5s  %-6s  %-14s  %7s  %7s\n", "layer", "kind", "worst rel. err", "entries", "skipped");
  for (const GradcheckRow& row : r.rows)
    std::printf("%5d  %-6s  %-9s %-4s  %7d  %7d\n", row.layer, row.kind == "h" ? "dL/dh" : row.kind.c_str(),
                number(row.worst).c_str(), row.worst <= r.tolerance ? "ok" : "FAIL", row.checked, row.skipped);
  std::printf("%s: worst %s, %s the tolerance %g\n\n", name.c_str(), number(r.worst).c_str(),
              r.passed() ? "within" : "OVER", r.tolerance);
}

Json result_json(const std::string& name, const GradcheckResult& r) {
  Json rows = Json::array();
  for (const GradcheckRow& row : r.rows)
    rows.push_back({{"layer", row.layer}, {"kind", row.kind}, {"worst", std::isfinite(row.worst) ? Json(row.worst) : Json()},
                    {"checked", row.checked}, {"skipped", row.skipped}, {"index", row.worst_index},
                    {"analytic", row.analytic}, {"numeric", row.numeric}, {"step", row.step}});
  Json settings = Json::object();
  for (const FieldSpec& spec : gradcheck_schema()) {  // numbers as numbers, as config_json writes the config
    const std::string text = get_gradcheck_field(r.settings, spec.name);
    settings[spec.name] = spec.type == FieldType::choice    ? Json(text)
                          : spec.type == FieldType::integer ? Json(std::stoll(text))
                                                            : Json(std::stod(text));
  }
  return {{"name", name}, {"config", config_json(r.config)}, {"settings", settings},
          {"post_backward_used", r.post_backward_used}, {"worst", std::isfinite(r.worst) ? Json(r.worst) : Json()},
          {"passed", r.passed()}, {"rows", rows}};
}

}  // namespace

int run_gradcheck(int argc, char** argv) {
  // The network's settings go to parse_options, the reader of every run's --preset, --config and field flags;
  // the check's own settings and --json are taken out here. args[0] stands for the program name.
  std::vector<char*> network_args = {argv[0]};
  std::vector<std::pair<std::string, std::string>> check_flags;
  std::string json_path;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(gradcheck_usage().c_str(), stdout);
      return 0;
    }
    const int first = i;
    std::string name, value;
    if (!next_flag(argc, argv, i, name, value))
      throw UsageError("unexpected argument '" + escape_for_message(arg) + "'; see layerscope gradcheck --help");
    if (name == "json") json_path = value;
    else if (gradcheck_fields().find(name)) check_flags.emplace_back(name, value);
    else if (name == "preset" || name == "config" || network_fields().find(name))
      network_args.insert(network_args.end(), argv + first, argv + i + 1);
    else
      throw UsageError("unknown option '" + escape_for_message(arg) + "' for gradcheck; see layerscope gradcheck --help");
  }
  GradcheckSettings settings;
  for (const auto& [name, value] : check_flags) set_gradcheck_field(settings, name, value);

  std::vector<std::pair<std::string, NetworkConfig>> configs;
  if (network_args.size() == 1) {
    for (const char* name : default_pair) configs.emplace_back(name, preset(name));
  } else {
    configs.emplace_back("config", parse_options(int(network_args.size()), network_args.data()).config);
  }

  // Every check first: bad input (a batch norm config cut to one sample) exits 2 before anything is printed.
  std::vector<GradcheckResult> results;
  for (const auto& [name, config] : configs) results.push_back(check_gradients(config, settings));
  std::printf("%s\n\n", gradcheck_method().c_str());
  double worst = 0;
  Json checks = Json::array();
  for (std::size_t k = 0; k < configs.size(); ++k) {
    const std::string& name = configs[k].first;
    const GradcheckResult& r = results[k];
    print_result(name, r, configs[k].second.batch);
    worst = std::max(worst, r.worst);
    checks.push_back(result_json(name, r));
  }
  if (!json_path.empty())
    write_json_file(json_path, {{"method", gradcheck_method()}, {"tolerance", gradcheck_tolerance},
                                {"worst", std::isfinite(worst) ? Json(worst) : Json()}, {"checks", checks}});
  std::printf("worst relative error: %s\n", number(worst).c_str());
  return worst <= gradcheck_tolerance ? 0 : 1;
}

}  // namespace layerscope::cli
