#include "config.hpp"

#include "fields.hpp"
#include "theory.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>

namespace layerscope {

namespace {

const std::vector<std::string> init_names = {"normal", "xavier_normal", "xavier_uniform",
                                             "he_normal", "he_uniform", "lecun_normal"};
const std::vector<std::string> activation_names = {"relu", "leaky_relu", "tanh", "sigmoid", "linear", "selu"};
const std::vector<std::string> normalization_names = {"none", "batch", "per_sample"};
const std::vector<std::string> placement_names = {"before", "after"};
const std::vector<std::string> residual_names = {"none", "every_layer", "every_second_layer"};
const std::vector<std::string> residual_scale_names = {"one", "inv_sqrt_depth", "trained"};
const std::vector<std::string> mode_names = {"train", "eval"};
const std::vector<std::string> upstream_names = {"random", "mse", "cross_entropy"};

// Largest integer a JavaScript number holds exactly: seeds travel through URLs and JS objects.
constexpr double max_seed = 9007199254740991.0;  // 2^53 - 1

using NC = NetworkConfig;

}  // namespace

// The network's fields, in the order the CLI's --help, the JSON and the page list them.
const FieldTable<NetworkConfig>& network_fields() {
  static const FieldTable<NetworkConfig> table({
      integer_field("depth", &NC::depth, 1, 100, "number of hidden layers L"),
      integer_field("width", &NC::width, 1, 1024, "features per hidden layer"),
      integer_field("input_dim", &NC::input_dim, 1, 1024, "features of the input x"),
      integer_field("batch", &NC::batch, 1, 4096, "samples per batch N (at least 2 with batch norm)"),
      real_field("input_scale", &NC::input_scale, 0, true, 1e6, "the input is input_scale * N(0,1)"),
      choice_field("init", &NC::init, init_names, "weight initialisation scheme"),
      real_field("init_scale", &NC::init_scale, 0, true, 1e6, "standard deviation of the 'normal' scheme"),
      real_field("gain", &NC::gain, 0, true, 100, "multiplies the initialisation's standard deviation"),
      choice_field("activation", &NC::activation, activation_names,
                   "nonlinearity after each layer (selu: self-normalizing with lecun_normal weights, Klambauer et al. 2017)"),
      real_field("leaky_slope", &NC::leaky_slope, 0, false, 1, "slope of leaky_relu for negative inputs"),
      with_aliases(choice_field("normalization", &NC::normalization, normalization_names,
                                "batch: batch norm, each feature over the batch; per_sample: layer norm, each sample "
                                "over its features (also read as `layer`; with epsilon and per-feature gamma, "
                                "beta; the post's had no epsilon, scalar ones)"),
                   {"", "", "layer"}),
      choice_field("placement", &NC::placement, placement_names,
                   "normalize before the activation (the paper) or after it (the post)"),
      choice_field("residual", &NC::residual, residual_names,
                   "residual connections h_l = h_{l-1} + alpha g_l(h_{l-1}) on layers 2..L or on the even ones "
                   "(layer 1 changes the width, so it has none)"),
      choice_field("residual_scale", &NC::residual_scale, residual_scale_names,
                   "the residual branch's scale alpha: 1, 1/sqrt(depth), or one learned scalar per layer started "
                   "at 0 (SkipInit)"),
      real_field("epsilon", &NC::epsilon, 0, false, 1, "added to the variance before the square root"),
      real_field("momentum", &NC::momentum, 0, true, 1, "weight of each batch in the running statistics"),
      boolean_field("bn_noise", &NC::bn_noise,
                    "batch norm + noise: train-mode outputs scaled and shifted by noise that moves every step"),
      real_field("bn_noise_mean", &NC::bn_noise_mean, 0, false, 2,
                 "bn_noise: the noise's means are drawn each step from 1 + U(-m, m) (scale) and U(-m, m) (shift)"),
      real_field("bn_noise_std", &NC::bn_noise_std, 0, false, 2,
                 "bn_noise: the noise's standard deviations are drawn each step from U(0, s)"),
      choice_field("mode", &NC::mode, mode_names, "train: batch statistics; eval: running statistics"),
      integer_field("warmup_batches", &NC::warmup_batches, 0, 1000,
                    "eval mode: train-mode batches run first to fill the running statistics"),
      boolean_field("bias", &NC::bias, "add a learnable bias (initialised to 0) to each linear layer"),
      choice_field("upstream", &NC::upstream, upstream_names, "where dL/dh of the last layer comes from"),
      real_field("upstream_scale", &NC::upstream_scale, 0, true, 1e6,
                 "random upstream: dL/dh_L = upstream_scale * N(0,1)"),
      integer_field("classes", &NC::classes, 2, 1024, "cross_entropy: number of classes of the output layer"),
      integer_field("seed", &NC::seed, 0, max_seed, "seed of every random number of the run"),
  });
  return table;
}

std::string format_number(double v) {
  // Shortest text that reads back to the same double; whole numbers in plain digits ("100", not "1e+02").
  char buf[32];
  if (v == std::floor(v) && std::abs(v) < 1e16) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

namespace {

// A value as a message shows it: escaped, and cut after 40 bytes (never inside an escape).
std::string quoted(const std::string& s) {
  std::string shown = s.size() > 40 ? escape_for_message(s.substr(0, 40)) + "..." : escape_for_message(s);
  return "'" + shown + "'";
}

bool in_range(const FieldSpec& s, double v) {
  bool above_min = s.min_open ? v > s.min : v >= s.min;
  bool below_max = s.max_open ? v < s.max : v <= s.max;
  return above_min && below_max;
}

void check_value(const FieldSpec& s, double v) {
  if (!std::isfinite(v) || !in_range(s, v) || (s.type == FieldType::integer && v != std::floor(v)))
    throw ConfigError(s.name, "must be " + describe_allowed(s) + " (got " + format_number(v) + ")");
}

}  // namespace

const FieldSpec& field_spec(const std::string& name) { return network_fields().at(name).spec; }

std::string escape_for_message(const std::string& text) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const unsigned char next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c == '\\') out += "\\\\";
    else if (c == '\0') out += "\\0";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
    else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {  // UTF-8 of a C1 control (0x9b is a terminal's CSI)
      out += std::string("\\u00") + hex[next >> 4] + hex[next & 15];
      ++i;
    } else out += char(c);
  }
  return out;
}

std::string field_for_message(const std::string& field) {
  return field.size() > 60 ? escape_for_message(field.substr(0, 60)) + "..." : escape_for_message(field);
}

bool is_decimal_number(const std::string& t) {
  // [+-]? (digits (. digits?)? | . digits) ([eE] [+-]? digits)?, over every byte of t (a NUL is a byte
  // like any other here, and not a digit). strtod alone reads hex, inf, nan and leading whitespace, and
  // a C string stops at the first NUL: "3\0junk" would read as 3.
  std::size_t i = 0;
  const std::size_t n = t.size();
  auto digits = [&] {
    const std::size_t start = i;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
    return i - start;
  };
  if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
  const std::size_t whole = digits();
  std::size_t fraction = 0;
  if (i < n && t[i] == '.') {
    ++i;
    fraction = digits();
  }
  if (whole == 0 && fraction == 0) return false;
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == n;
}

const std::vector<FieldSpec>& config_schema() {
  static const std::vector<FieldSpec> specs = network_fields().schema();
  return specs;
}

std::string describe_allowed(const FieldSpec& s) {
  switch (s.type) {
    case FieldType::choice: {
      std::string list;
      for (const auto& c : s.choices) list += (list.empty() ? "" : ", ") + c;
      for (size_t i = 0; i < s.aliases.size(); ++i)
        if (!s.aliases[i].empty()) list += " (" + s.aliases[i] + " is " + s.choices[i] + ")";
      return "one of: " + list;
    }
    case FieldType::boolean:
      return "true or false";
    case FieldType::integer:
      return "an integer from " + format_number(s.min) + " to " + format_number(s.max);
    case FieldType::real: {
      std::string lo = s.min_open ? "greater than " : "at least ";
      std::string hi = s.max_open ? " and below " : " and at most ";
      return "a number " + lo + format_number(s.min) + hi + format_number(s.max);
    }
  }
  return "";
}

double parse_field_value(const FieldSpec& s, const std::string& value) {
  const std::string& name = s.name;
  double v = 0;
  if (s.type == FieldType::choice) {
    size_t i = 0;
    while (i < s.choices.size() && s.choices[i] != value && (i >= s.aliases.size() || s.aliases[i] != value)) ++i;
    if (i == s.choices.size())
      throw ConfigError(name, "must be " + describe_allowed(s) + " (got " + quoted(value) + ")");
    v = double(i);
  } else if (s.type == FieldType::boolean) {
    // true/false, or a number equal to 1 or 0 (config.hpp: JSON's 0.0 and JavaScript's -0 are 0 too).
    const double number = is_decimal_number(value) ? std::strtod(value.c_str(), nullptr) : -1;
    if (value == "true" || number == 1) v = 1;
    else if (value == "false" || number == 0) v = 0;
    else throw ConfigError(name, "must be " + describe_allowed(s) + " (got " + quoted(value) + ")");
  } else {
    // The grammar first, over the whole std::string (so an embedded NUL counts); then strtod, which on text
    // of that grammar reads every byte. Out of range for a double: +-inf or 0, which check_value refuses or
    // the range takes.
    if (!is_decimal_number(value))
      throw ConfigError(name, "must be " + describe_allowed(s) + " (got " + quoted(value) + ")");
    v = std::strtod(value.c_str(), nullptr);
    if (v == 0) v = 0;  // -0 is stored as 0: one zero, whatever the text
    check_value(s, v);
  }
  return v;
}

void check_field_value(const FieldSpec& spec, double value) { check_value(spec, value); }

std::string format_field_value(const FieldSpec& spec, double v) {
  switch (spec.type) {
    case FieldType::choice: return spec.choices[size_t(v)];
    case FieldType::boolean: return v != 0 ? "true" : "false";
    default: return format_number(v);
  }
}

void set_field(NetworkConfig& config, const std::string& name, const std::string& value) {
  network_fields().set(config, name, value);
}

std::string get_field(const NetworkConfig& config, const std::string& name) {
  return network_fields().get(config, name);
}

double estimated_bytes(const NetworkConfig& c, int scalar_bytes) {
  const double F = c.width, N = c.batch, I = c.input_dim, L = c.depth;
  const bool norm = c.normalization != Normalization::none;
  // Kept per layer (network.hpp), F x N matrices: linear output z, activation output, dL/dh; with
  // normalization also its output gamma xhat + beta (xhat itself is recomputed, not kept). Plus the weights
  // and their gradient.
  // A residual connection keeps one more, h = h_{l-1} + alpha g (counted on every layer: an upper estimate);
  // bn_noise keeps its scale and shift (two more F x N per layer).
  const bool residual = c.residual != Residual::none;
  const double per_layer = F * N * (3 + (norm ? 1 : 0) + (residual ? 1 : 0) + (c.bn_noise ? 2 : 0)) + F * F * 2;
  const double fixed = I * N * 3    // input, its gradient, warm-up input
                       // upstream / targets, the shared dL/dz buffer, backward scratch, up to three F x N
                       // temporaries (eval-mode and per-sample xhat, dxhat), and a residual branch's dL/dg
                       + F * N * (residual ? 7 : 6)
                       + F * I * 2 + c.classes * (F + N) * 2;  // layer 1's weights beyond F x F; output layer
  // The statistics need no copy of a tensor: the order statistics gather only a few buckets.
  return (per_layer * L + fixed) * scalar_bytes;
}

std::vector<std::string> config_warnings(const NetworkConfig& c) {
  std::vector<std::string> out;
  if (c.activation == Activation::selu) {
    // SELU's fixed point (selu.hpp) holds when each pre-activation has variance 1 for inputs of second moment
    // 1: fan_in times the weight variance must be 1 (lecun_normal, gain 1). Layer 1 and the hidden layers
    // each have their fans.
    const double first = c.input_dim * weight_variance(c, c.input_dim, c.width);
    const double hidden = c.width * weight_variance(c, c.width, c.width);
    const bool off_first = std::abs(first - 1) > 0.01, off_hidden = c.depth > 1 && std::abs(hidden - 1) > 0.01;
    if (off_first || off_hidden) {
      const double factor = off_hidden ? hidden : first;
      out.push_back(std::string("init: selu keeps mean 0 and variance 1 only with weights of variance 1/fan_in "
                                "(lecun_normal, gain 1); with ") + to_string(c.init) + " and gain " +
                    format_number(c.gain) + ", fan_in x variance is " + format_number(std::round(factor * 1e4) / 1e4) +
                    (off_hidden ? "" : " in layer 1") +
                    ", so the activations drift from that fixed point layer by layer");
    }
  }
  return out;
}

void validate(const NetworkConfig& c) {
  network_fields().check_ranges(c);
  if (c.normalization == Normalization::batch && c.batch < 2)
    throw ConfigError("batch", "must be at least 2 with batch norm: the variance of one sample is 0 "
                               "(got " + format_number(c.batch) + ")");
  if (c.bn_noise && c.normalization != Normalization::batch)
    throw ConfigError("bn_noise", "needs normalization batch: the noise follows each batch norm (normalization is " +
                                      std::string(to_string(c.normalization)) + ")");
  if (c.normalization == Normalization::per_sample && c.width < 2)
    throw ConfigError("width", "must be at least 2 with per-sample normalization: the variance of one "
                               "feature is 0 (got " + format_number(c.width) + ")");
  if (c.residual != Residual::none && c.depth < 2)
    throw ConfigError("residual", "needs depth of at least 2: layer 1 maps input_dim features to width and has no "
                                  "residual connection, so a network of 1 layer has none; use residual none (got "
                                  "residual " + std::string(to_string(c.residual)) + " with depth " +
                                      format_number(c.depth) + ")");
  // Budgeted at float size: the page and the tool run in float; double runs are for gradient checks.
  double bytes = estimated_bytes(c, 4);
  if (bytes > memory_budget_bytes) {
    char msg[200];
    std::snprintf(msg, sizeof msg,
                  "this run would need about %.0f MB, over the %.0f MB budget; reduce depth, width or "
                  "batch (depth x width x batch is %.0f)",
                  bytes / 1048576.0, memory_budget_bytes / 1048576.0,
                  double(c.depth) * c.width * c.batch);
    throw ConfigError("batch", msg);
  }
  const WorkEstimate work = estimated_flops(c);
  if (work.total() > work_budget_flops) {
    // Named after the larger part: the warm-up (eval mode) or the run itself.
    const bool warmup_dominates = work.warmup > work.run;
    char msg[320];
    std::snprintf(msg, sizeof msg,
                  "this run would do about %.0f GFLOP (%.0f of them in %d warm-up batches), over the %.0f "
                  "GFLOP budget that keeps a run to a few seconds; reduce %s",
                  work.total() / 1e9, work.warmup / 1e9, c.warmup_batches, work_budget_flops / 1e9,
                  warmup_dominates ? "warmup_batches (or depth, width or batch)" : "depth, width or batch");
    throw ConfigError(warmup_dominates ? "warmup_batches" : "batch", msg);
  }
}

WorkEstimate estimated_flops(const NetworkConfig& c) {
  const double F = c.width, N = c.batch, I = c.input_dim, L = c.depth;
  // Products: layer 1 maps I to F features, the others F to F; each costs 2 F I_l N forward (out = W inp)
  // and twice that backward (dL/dW and dL/dinp).
  const double forward_products = 2 * F * N * (I + (L - 1) * F);
  // Element-wise passes per layer (activation, normalization, their backward, the statistics): a few tens
  // of operations per entry; 40 is above what any path here does.
  const double elementwise = 40 * F * N * L;
  const double output = c.upstream == UpstreamSource::cross_entropy ? 6.0 * c.classes * F * N : 0;
  WorkEstimate w;
  w.run = 3 * forward_products + elementwise + output;
  if (c.mode == Mode::eval && c.normalization == Normalization::batch)
    w.warmup = double(c.warmup_batches) * (forward_products + elementwise / 2);
  return w;
}

// Each preset once: its name, its words and what it sets on top of the defaults (the post's shapes:
// 20 x 100, input 100, 1000 samples, Xavier normal, ReLU, no normalization, upstream 100 N(0,1)).
const std::vector<PresetInfo>& preset_list() {
  // The post's batch-norm code: N(0,1) x 0.01 weights, batch norm after each ReLU, upstream 0.01 N(0,1).
  auto post_bn_setup = [](NetworkConfig& c) {
    c.init = InitScheme::normal_scaled;
    c.init_scale = 0.01;
    c.normalization = Normalization::batch;
    c.placement = Placement::after_activation;
    c.upstream_scale = 0.01;
  };
  auto cures_depth50 = [](NetworkConfig& c) { c.depth = 50; };
  // cures-plain with one cure: a preset's apply that sets depth 50, then the cure.
  auto cured = [cures_depth50](void (*cure)(NetworkConfig&)) {
    return [cures_depth50, cure](NetworkConfig& c) {
      cures_depth50(c);
      cure(c);
    };
  };
  static const std::vector<PresetInfo> list = {
      {"blog-no-bn", "Xavier init, ReLU, no normalization (the post's first setup)",
       "20 ReLU layers of 100, Xavier normal weights, 1000 samples, upstream gradient 100 N(0,1). The "
       "variance of the activations halves per layer (fan_in x 2/(fan_in+fan_out) / 2), so their std "
       "falls by 1/sqrt(2) a layer, to about 1e-3 at layer 20.",
       [](NetworkConfig&) {}},
      {"xavier-bn", "Xavier init, ReLU, batch norm after each ReLU",
       "Exactly blog-no-bn plus batch norm over the batch after each ReLU (the post's placement): the "
       "same Xavier normal weights, input and upstream 100 N(0,1); nothing else differs.",
       [](NetworkConfig& c) { c.normalization = Normalization::batch; }},
      {"blog-bn", "The post's batch-norm setup (also a different init and upstream)",
       "The post's figures with batch norm: batch norm after each ReLU over the batch, but also N(0,1) x "
       "0.01 weights and upstream 0.01 N(0,1) instead of Xavier and 100, so against blog-no-bn three "
       "things change at once, not only batch norm.",
       post_bn_setup},
      {"blog-as-written", "The post's code, normalization axis as written",
       "Like blog-bn, but each sample is normalized over its features (axis 0), with no epsilon.",
       [post_bn_setup](NetworkConfig& c) {
         post_bn_setup(c);
         c.normalization = Normalization::per_sample;
         c.epsilon = 0;
       }},
      {"blog-small-init", "The post's 0.01 init without batch norm",
       "N(0,1) x 0.01 weights and ReLU without normalization: the variance shrinks 200x per layer "
       "(100 x 1e-4 / 2), so the std shrinks about 14x (sqrt(200)).",
       [](NetworkConfig& c) {
         c.init = InitScheme::normal_scaled;
         c.init_scale = 0.01;
       }},
      {"he-relu", "He init with ReLU",
       "He normal weights keep the variance of ReLU layers constant without any normalization.",
       [](NetworkConfig& c) { c.init = InitScheme::he_normal; }},
      {"tanh-xavier", "tanh with Xavier init",
       "Xavier normal weights with tanh: the variance decays slowly; watch saturation.",
       [](NetworkConfig& c) { c.activation = Activation::tanh; }},
      {"bn-before-relu", "Batch norm before ReLU (the paper)",
       "Normalize the linear output, then apply ReLU: half of each layer is exactly zero.",
       [](NetworkConfig& c) {
         c.init = InitScheme::normal_scaled;
         c.normalization = Normalization::batch;
         c.placement = Placement::before_activation;
         c.upstream_scale = 0.01;
       }},
      // "Four cures at depth 50": blog-no-bn at 50 layers, then the same network with one cure each.
      {"cures-plain", "Depth 50, no cure: Xavier init, ReLU, no normalization",
       "blog-no-bn at 50 layers of 100: the std of the activations falls by 1/sqrt(2) a layer, to about 3e-8 at "
       "layer 50, and dL/dh by as much on its way back. The same network as cures-batch-norm, cures-layer-norm, "
       "cures-residual and cures-selu without their cure.",
       cures_depth50},
      {"cures-batch-norm", "Depth 50, cure 1: batch norm after each ReLU",
       "cures-plain with batch norm after each ReLU: each feature over the batch, every layer's output at std 1.",
       cured([](NetworkConfig& c) { c.normalization = Normalization::batch; })},
      {"cures-layer-norm", "Depth 50, cure 2: layer norm after each ReLU",
       "cures-plain with a layer norm after each ReLU (normalization per_sample: each sample over its features, "
       "with epsilon and per-feature gamma and beta): no batch statistics, the same at any batch size.",
       cured([](NetworkConfig& c) { c.normalization = Normalization::per_sample; })},
      {"cures-residual", "Depth 50, cure 3: residual connections scaled by 1/sqrt(50)",
       "cures-plain with h_l = h_{l-1} + g_l / sqrt(50) on layers 2..50: the identity path carries the signal "
       "and the gradient through every layer, and the 1/sqrt(depth) scale keeps the 49 branches' sum from "
       "growing (with scale 1 its variance grows by half a layer).",
       cured([](NetworkConfig& c) { c.residual = Residual::every_layer, c.residual_scale = ResidualScale::inv_sqrt_depth; })},
      {"cures-selu", "Depth 50, cure 4: SELU with LeCun normal init",
       "cures-plain with SELU in place of ReLU and LeCun normal weights (variance 1/fan_in): mean 0 and "
       "variance 1 are its fixed point, so every layer's output stays near std 1 without any normalization.",
       cured([](NetworkConfig& c) { c.activation = Activation::selu, c.init = InitScheme::lecun_normal; })},
  };
  return list;
}

NetworkConfig preset(const std::string& name) {
  NetworkConfig c;
  find_preset(preset_list(), name).apply(c);
  return c;
}

void throw_unknown_preset(const std::vector<std::string>& names, const std::string& name) {
  std::string known;
  for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("preset", "must be one of: " + known + " (got " + quoted(name) + ")");
}

const char* to_string(InitScheme v) { return init_names[size_t(v)].c_str(); }
const char* to_string(Activation v) { return activation_names[size_t(v)].c_str(); }
const char* to_string(Normalization v) { return normalization_names[size_t(v)].c_str(); }
const char* to_string(Placement v) { return placement_names[size_t(v)].c_str(); }
const char* to_string(Mode v) { return mode_names[size_t(v)].c_str(); }
const char* to_string(UpstreamSource v) { return upstream_names[size_t(v)].c_str(); }
const char* to_string(Residual v) { return residual_names[size_t(v)].c_str(); }
const char* to_string(ResidualScale v) { return residual_scale_names[size_t(v)].c_str(); }

}  // namespace layerscope
