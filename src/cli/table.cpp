#include "table.hpp"

namespace layerscope::cli {

namespace {

constexpr int column_width = 12;

// %.3e of a summary field, or "-" when the layer has no such tensor.
void print_cell(std::FILE* out, const LayerReport& lr, TensorKind kind, double (*field)(const TensorSummary&)) {
  if (!lr.present[size_t(kind)]) std::fprintf(out, " %*s", column_width, "-");
  else std::fprintf(out, " %*.3e", column_width, field(lr[kind]));
}

double std_of(const TensorSummary& s) { return s.std; }
double dead_percent(const TensorSummary& s) { return 100 * s.zero_fraction(); }
double saturated_percent(const TensorSummary& s) { return 100 * s.saturated_fraction(); }

}  // namespace

std::string config_line(const NetworkConfig& config, const char* scalar) {
  std::string line = std::string("layerscope scalar=") + scalar;
  for (const FieldSpec& spec : config_schema()) line += " " + spec.name + "=" + get_field(config, spec.name);
  return line;
}

void print_table(std::FILE* out, const RunReport& report, const char* scalar) {
  std::fprintf(out, "%s\n", config_line(report.config, scalar).c_str());
  std::fprintf(out, "%5s %*s %*s %*s %*s %*s %*s\n", "layer", column_width, "std(h)", column_width, "std(dL/dh)",
               column_width, "std(dL/dW)", column_width, "dead %", column_width, "saturated %", column_width,
               "NaN/Inf");
  for (size_t l = 0; l < report.layers.size(); ++l) {
    const LayerReport& lr = report.layers[l];
    std::fprintf(out, "%5zu", l);
    print_cell(out, lr, TensorKind::output, std_of);
    print_cell(out, lr, TensorKind::grad_output, std_of);
    print_cell(out, lr, TensorKind::grad_weight, std_of);
    print_cell(out, lr, TensorKind::activation, dead_percent);
    print_cell(out, lr, TensorKind::activation, saturated_percent);
    // Count each distinct tensor once: h_l may be the activation itself (config.hpp output_is_activation).
    const bool output_is_activation = l > 0 && layerscope::output_is_activation(report.config, l);
    unsigned long long nonfinite = 0;
    for (int k = 0; k < tensor_kind_count; ++k) {
      if (!lr.present[size_t(k)] || (TensorKind(k) == TensorKind::output && output_is_activation)) continue;
      nonfinite += lr.tensors[size_t(k)].nan_count + lr.tensors[size_t(k)].inf_count;
    }
    std::fprintf(out, " %*llu\n", column_width, nonfinite);
  }
  std::fprintf(out, "loss %.6e\n", report.loss);
}

}  // namespace layerscope::cli
