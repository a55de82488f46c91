// Layerscope network configuration: what one run computes.
//
// Every field has one entry in a declarative table (config_schema()), and every way of setting a field
// (command-line flag, JSON file, JavaScript object, URL parameter) goes through set_field(), so all of
// them accept the same names and values and reject bad ones with the same message.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace layerscope {

// Text from outside (a field name, a value) made safe to print inside a message: control characters
// (NUL, CR, ESC, ..., DEL, and the C1 controls U+0080..U+009F) become escapes such as \0, \r, \x1b or
// \u009b, and a backslash becomes \\, so a message is one line that cannot rewrite a terminal and never
// stops early at a NUL.
std::string escape_for_message(const std::string& text);
// A field name as a message starts with it: escaped, and cut after 60 bytes ("..." then), so a 100 kB key
// from a JS object does not make a 100 kB message.
std::string field_for_message(const std::string& field);

// Thrown for any bad configuration. what() names the field and what is allowed, e.g.
// "depth: must be an integer from 1 to 100 (got 0)". The field name in what() is escaped and cut
// (field_for_message); field() is the name as given.
class ConfigError : public std::invalid_argument {
 public:
  ConfigError(const std::string& field, const std::string& message)
      : std::invalid_argument(field_for_message(field) + ": " + message), field_(field) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

enum class InitScheme {
  normal_scaled,   // N(0,1) * init_scale (the post's BN code: 0.01)
  xavier_normal,   // N(0, 2/(fan_in+fan_out)) (the post's first code)
  xavier_uniform,  // U(-a, a), a = sqrt(6/(fan_in+fan_out))
  he_normal,       // N(0, 2/fan_in)
  he_uniform,      // U(-a, a), a = sqrt(6/fan_in)
  lecun_normal,    // N(0, 1/fan_in)
};
enum class Activation { relu, leaky_relu, tanh, sigmoid, linear, selu };
enum class Normalization {
  none,
  batch,       // each feature (row) over the samples of the batch (columns): batch norm
  per_sample,  // each sample (column) over its features (rows): a layer norm (Ba et al. 2016), the post's axis
};
// Residual connections (residual.hpp): which layers add their input back, h_l = h_{l-1} + alpha g_l(h_{l-1}).
// Layer 1 never does (it maps input_dim features to width).
enum class Residual {
  none,
  every_layer,         // layers 2..L
  every_second_layer,  // the even layers 2, 4, 6, ...
};
// The branch's scale alpha: fixed at 1 or 1/sqrt(depth), or a learned scalar per layer started at 0 (SkipInit).
enum class ResidualScale { one, inv_sqrt_depth, trained };
enum class Placement { before_activation, after_activation };
enum class Mode { train, eval };
enum class UpstreamSource {
  random,         // dL/dh_L = upstream_scale * N(0,1), the post's "random incoming grad"
  mse,            // L = 1/(2N) sum (h_L - t)^2 with targets t ~ N(0,1)
  cross_entropy,  // L = -1/N sum log softmax(W_out h_L)[label], labels uniform over `classes`
};

struct NetworkConfig {
  int depth = 20;         // L hidden layers
  int width = 100;        // features per hidden layer
  int input_dim = 100;    // features of the input x = h_0
  int batch = 1000;       // samples N (columns)
  double input_scale = 1.0;  // x ~ input_scale * N(0,1)
  InitScheme init = InitScheme::xavier_normal;
  double init_scale = 0.01;  // std for normal_scaled
  double gain = 1.0;         // multiplies every scheme's std (or bound)
  Activation activation = Activation::relu;
  double leaky_slope = 0.01;
  Normalization normalization = Normalization::none;
  Placement placement = Placement::after_activation;
  Residual residual = Residual::none;
  ResidualScale residual_scale = ResidualScale::one;
  double epsilon = 1e-5;
  double momentum = 0.1;        // running <- (1-momentum) running + momentum batch
  // "Batch norm + noise" (Santurkar et al. 2018, section 2): in train mode each batch norm output y becomes
  // c * y + d, c and d drawn afresh for every entry (feature and sample) from N(mu_c, s_c^2) and
  // N(mu_d, s_d^2), whose own parameters are drawn for every layer at every training step:
  // mu_c ~ 1 + U(-bn_noise_mean, bn_noise_mean), mu_d ~ U(-bn_noise_mean, bn_noise_mean),
  // s_c, s_d ~ U(0, bn_noise_std). Layers.hpp noise_forward/backward; Network::set_noise_step.
  bool bn_noise = false;
  double bn_noise_mean = 0.5;
  double bn_noise_std = 0.5;
  Mode mode = Mode::train;
  int warmup_batches = 30;      // eval mode: train-mode batches that fill the running statistics
  bool bias = false;
  UpstreamSource upstream = UpstreamSource::random;
  double upstream_scale = 100.0;
  int classes = 10;             // cross_entropy only
  std::uint64_t seed = 1;
};

enum class FieldType { integer, real, choice, boolean };

// One row of the declarative table. For numbers: [min, max] with min_open/max_open marking an excluded
// end. For choices: the accepted names.
struct FieldSpec {
  std::string name;
  FieldType type;
  double min = 0, max = 0;
  bool min_open = false, max_open = false;
  std::vector<std::string> choices;
  // Another name each choice is read by ("" for none; empty when the field has no aliases): accepted
  // wherever the field is set (flag, JSON, URL, JS object) and stored as that choice, which is what every
  // writer writes. normalization's `layer` is `per_sample` (a layer norm), the name old URLs and dumps carry.
  std::vector<std::string> aliases;
  std::string help;
};

template <typename Config> class FieldTable;
// The network's fields as one table (fields.hpp): every route of a value goes through it.
const FieldTable<NetworkConfig>& network_fields();
const std::vector<FieldSpec>& config_schema();  // network_fields()'s specs
// The field of that name; ConfigError(name, "unknown setting; known settings are: ...") for any other.
const FieldSpec& field_spec(const std::string& name);

// The one rule set for values given as text, whatever their route (flag, JSON file, JS object, URL):
//   integer, real: a plain decimal number, [+-]digits[.digits][(e|E)[+-]digits] or [+-].digits[...], and
//                  nothing else: no whitespace or control characters around it, no NUL inside, no hex
//                  (0x10, 0x1p3), no inf or nan. Integers also take a whole number in this form ("7.0",
//                  "7e0"). A negative zero is stored as 0.
//   boolean:       true or false, or a number in the form above equal to 1 or 0 ("1", "0", "0.0", "-0.0":
//                  JSON and JavaScript cannot tell 0 from 0.0 or -0 apart from their text, so none is special).
//   choice:        one of the names, exactly, or one of the field's aliases (stored as the name it stands for).
// Parses `value` as the field's type, checks its range and stores it. Throws ConfigError naming the field.
void set_field(NetworkConfig& config, const std::string& name, const std::string& value);
// Whether text is a number of the grammar above (the check alone, before any range).
bool is_decimal_number(const std::string& text);
// The field's value in the same text form set_field accepts (numbers round-trip exactly).
std::string get_field(const NetworkConfig& config, const std::string& name);
// The rules behind set_field, for other tables of fields (the training settings): parses `value` as the
// spec's type and checks its range, returning the value as a double (choices: their index; booleans 0/1),
// or throws ConfigError naming the field. format_field_value is the inverse, as get_field writes it.
double parse_field_value(const FieldSpec& spec, const std::string& value);
void check_field_value(const FieldSpec& spec, double value);
std::string format_field_value(const FieldSpec& spec, double value);

// A number as messages and get_field write it: the shortest text that reads back to the same double,
// whole numbers in plain digits ("100", not "1e+02").
std::string format_number(double value);

// What the field allows, in words: "an integer from 1 to 100", "one of: relu, tanh, ...".
std::string describe_allowed(const FieldSpec& spec);

// Whether a layer's output h_l is its activation a_l itself: yes unless normalized after the activation
// (network.hpp: placement after gives h_l = norm(a_l)). The one statement of that rule: the network's
// output(), the summaries (which summarize that tensor once) and the CLI table (which counts its NaN once).
// With a residual connection (residual.hpp) that tensor is the branch g_l and h_l = h_{l-1} + alpha g_l is
// another: output_is_activation(c, l) says it per layer.
inline bool branch_output_is_activation(const NetworkConfig& c) {
  return c.normalization == Normalization::none || c.placement == Placement::before_activation;
}
// Whether layer l (1..L) has a residual connection (residual.hpp): layers 2..L, or the even ones.
inline bool has_residual_connection(const NetworkConfig& c, int l) {
  if (l < 2 || l > c.depth) return false;
  return c.residual == Residual::every_layer || (c.residual == Residual::every_second_layer && l % 2 == 0);
}
inline bool output_is_activation(const NetworkConfig& c, int l) {
  return branch_output_is_activation(c) && !has_residual_connection(c, l);
}

// What the config can run but a reader should know: today, SELU with weights that break its fixed point
// (weight variance times fan_in not 1, so the activations drift from mean 0 and variance 1 layer by layer).
// Warnings, not refusals: a learner may want to see it break. Empty when there is nothing to say. The run's
// report carries them (RunReport::warnings), the CLI prints them, the page shows them.
std::vector<std::string> config_warnings(const NetworkConfig& config);

// Range checks of every field plus the checks across fields (batch >= 2 with batch norm), the memory
// budget and the work budget. Throws ConfigError; call before any allocation.
void validate(const NetworkConfig& config);

// Bytes a run of this config allocates (parameters, cached activations, gradients, scratch), for the
// budget check. An upper estimate; `scalar_bytes` is 4 for float, 8 for double.
double estimated_bytes(const NetworkConfig& config, int scalar_bytes);
constexpr double memory_budget_bytes = 512.0 * 1024 * 1024;

// Floating-point operations one run of this config does (an upper estimate): the matrix products of
// forward and backward, the element-wise passes, and in eval mode with batch norm the warm-up's
// warmup_batches forward passes. Split so the budget's message can say which part to reduce.
struct WorkEstimate {
  double run = 0;     // forward + backward of the batch
  double warmup = 0;  // the warm-up batches (0 unless eval mode with batch norm)
  double total() const { return run + warmup; }
};
WorkEstimate estimated_flops(const NetworkConfig& config);
// The work one run may do: 64 GFLOP, a few seconds in the browser and natively (the README's "Validation
// and fuzzing" gives the measured times). The default blog-bn run is 1.28 GFLOP, eval mode with its 30
// warm-up batches about 14; without a bound, warmup_batches = 1000 at the default sizes took 26 s natively.
constexpr double work_budget_flops = 64e9;

// Named starting points, each written once in its table (config.cpp): its name, title, description and
// what it sets on top of the defaults. preset() throws ConfigError("preset", ...) for unknown names.
struct PresetInfo {
  std::string name;
  std::string title;
  std::string description;
  std::function<void(NetworkConfig&)> apply;
};
const std::vector<PresetInfo>& preset_list();
NetworkConfig preset(const std::string& name);

// The pair the page opens with, column A and column B: fair, as B is exactly A plus batch norm.
inline const char* const default_pair[2] = {"blog-no-bn", "xavier-bn"};

// The row of that name in a preset table (the network's, the training's): ConfigError("preset", "must be
// one of: ... (got '...')") for any other name.
[[noreturn]] void throw_unknown_preset(const std::vector<std::string>& names, const std::string& name);
template <typename Row>
const Row& find_preset(const std::vector<Row>& rows, const std::string& name) {
  for (const Row& row : rows)
    if (row.name == name) return row;
  std::vector<std::string> names;
  for (const Row& row : rows) names.push_back(row.name);
  throw_unknown_preset(names, name);
}

const char* to_string(InitScheme);
const char* to_string(Activation);
const char* to_string(Normalization);
const char* to_string(Placement);
const char* to_string(Mode);
const char* to_string(UpstreamSource);
const char* to_string(Residual);
const char* to_string(ResidualScale);

}  // namespace layerscope
