// Configuration: every bad value is rejected with a message naming the field; presets validate; every
// schema field round-trips through get_field/set_field.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "config.hpp"

using namespace layerscope;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

// Runs `action`, which must throw ConfigError for `field`; returns the message for further checks.
template <typename Action>
std::string config_error_of(Action action, const std::string& field) {
  try {
    action();
  } catch (const ConfigError& e) {
    CHECK(e.field() == field);
    CHECK_THAT(e.what(), StartsWith(field + ": "));
    return e.what();
  }
  FAIL("no ConfigError was thrown for " << field);
  return "";
}

std::string set_error(const std::string& field, const std::string& value) {
  NetworkConfig c;
  return config_error_of([&] { set_field(c, field, value); }, field);
}

std::string validate_error(const NetworkConfig& c, const std::string& field) {
  return config_error_of([&] { validate(c); }, field);
}

}  // namespace

TEST_CASE("the default configuration validates", "[config]") {
  CHECK_NOTHROW(validate(NetworkConfig{}));
}

TEST_CASE("depth outside 1..100 is rejected naming depth", "[config]") {
  SECTION("through set_field") {
    CHECK_THAT(set_error("depth", "0"), Contains("depth: must be an integer from 1 to 100 (got 0)"));
    CHECK_THAT(set_error("depth", "101"), Contains("an integer from 1 to 100 (got 101)"));
  }
  SECTION("through validate") {
    NetworkConfig c;
    c.depth = 0;
    CHECK_THAT(validate_error(c, "depth"), Contains("(got 0)"));
    c.depth = 101;
    CHECK_THAT(validate_error(c, "depth"), Contains("(got 101)"));
  }
}

TEST_CASE("width 0 is rejected naming width", "[config]") {
  CHECK_THAT(set_error("width", "0"), Contains("an integer from 1 to 1024 (got 0)"));
  NetworkConfig c;
  c.width = 0;
  validate_error(c, "width");
}

TEST_CASE("batch 1 with batch norm is rejected naming batch", "[config]") {
  NetworkConfig c;
  c.batch = 1;
  CHECK_NOTHROW(validate(c));  // without normalization one sample is fine
  c.normalization = Normalization::batch;
  CHECK_THAT(validate_error(c, "batch"), Contains("at least 2 with batch norm") && Contains("(got 1)"));
}

TEST_CASE("negative, zero or NaN input_scale is rejected naming input_scale", "[config]") {
  const std::string value = GENERATE(as<std::string>{}, "-1", "0", "nan", "NaN", "inf", "-inf");
  CAPTURE(value);
  CHECK_THAT(set_error("input_scale", value), Contains("a number greater than 0 and at most 1000000"));
  SECTION("validate rejects the stored value too") {
    NetworkConfig c;
    c.input_scale = std::nan("");
    CHECK_THAT(validate_error(c, "input_scale"), Contains("(got nan)"));
  }
}

TEST_CASE("an unknown field name is rejected and the known names are listed", "[config]") {
  NetworkConfig c;
  const std::string message = config_error_of([&] { set_field(c, "detph", "3"); }, "detph");
  CHECK_THAT(message, Contains("unknown setting") && Contains("depth") && Contains("seed"));
  CHECK_THROWS_AS(get_field(c, "detph"), ConfigError);
}

TEST_CASE("an unknown choice is rejected with the allowed choices", "[config]") {
  CHECK_THAT(set_error("activation", "swish"),
             Contains("one of: relu, leaky_relu, tanh, sigmoid, linear, selu (got 'swish')"));
  CHECK_THAT(set_error("normalization", "layernorm"), Contains("one of: none, batch, per_sample (layer is per_sample)"));
  CHECK_THAT(set_error("bias", "yes"), Contains("true or false (got 'yes')"));
}

TEST_CASE("text that is not a whole number is rejected", "[config]") {
  const std::string value = GENERATE(as<std::string>{}, "abc", "12abc", "", " 12", "12 ", "0x");
  CAPTURE(value);
  CHECK_THAT(set_error("depth", value), Contains("an integer from 1 to 100 (got '"));
  CHECK_THAT(set_error("input_scale", value), Contains("(got '"));
}

TEST_CASE("a non-integer depth is rejected", "[config]") {
  CHECK_THAT(set_error("depth", "2.5"), Contains("an integer from 1 to 100 (got 2.5)"));
  CHECK_THAT(set_error("seed", "1.5"), Contains("(got 1.5)"));
}

TEST_CASE("a rejected value leaves the field unchanged", "[config]") {
  NetworkConfig c;
  c.depth = 7;
  CHECK_THROWS_AS(set_field(c, "depth", "0"), ConfigError);
  CHECK(c.depth == 7);
}

TEST_CASE("a run over the memory budget is rejected with its size in MB", "[config]") {
  NetworkConfig c;
  c.depth = 100, c.width = 1024, c.batch = 4096;
  // Hand estimate (config.cpp's formula, float): per layer 1024*4096*3 + 1024^2*2 scalars, 100 layers,
  // about 1.5e9 bytes = well over the 512 MB budget.
  CHECK(estimated_bytes(c, 4) > memory_budget_bytes);
  const std::string message = validate_error(c, "batch");
  CHECK_THAT(message, Contains(" MB") && Contains("512 MB budget") && Contains("depth x width x batch"));
  SECTION("the blog configuration fits easily") {
    CHECK(estimated_bytes(NetworkConfig{}, 4) < memory_budget_bytes / 10);
  }
}

TEST_CASE("an unknown preset is rejected naming preset", "[config]") {
  const std::string message = config_error_of([] { preset("blog-nope"); }, "preset");
  CHECK_THAT(message, Contains("blog-bn") && Contains("(got 'blog-nope')"));
}

TEST_CASE("every preset validates", "[config]") {
  REQUIRE(preset_list().size() >= 7);
  for (const PresetInfo& info : preset_list()) {
    CAPTURE(info.name);
    CHECK(!info.title.empty());
    CHECK_NOTHROW(validate(preset(info.name)));
  }
  SECTION("presets set what their descriptions say") {
    CHECK(preset("blog-bn").normalization == Normalization::batch);
    CHECK(preset("blog-as-written").normalization == Normalization::per_sample);
    CHECK(preset("blog-as-written").epsilon == 0);
    CHECK(preset("bn-before-relu").placement == Placement::before_activation);
    CHECK(preset("he-relu").init == InitScheme::he_normal);
  }
}

TEST_CASE("every schema field round-trips through get_field and set_field", "[config]") {
  // A config with every field away from its default, so a field that reads or writes the wrong member
  // shows up.
  NetworkConfig source;
  source.depth = 37, source.width = 513, source.input_dim = 77, source.batch = 999;
  source.input_scale = 0.1, source.init = InitScheme::he_uniform, source.init_scale = 1.0 / 3.0;
  source.gain = 1.4142135623730951, source.activation = Activation::sigmoid, source.leaky_slope = 0.2;
  source.normalization = Normalization::per_sample, source.placement = Placement::before_activation;
  source.epsilon = 1e-7, source.momentum = 0.3, source.mode = Mode::eval, source.warmup_batches = 5;
  source.bias = true, source.upstream = UpstreamSource::cross_entropy, source.upstream_scale = 2.5e-3;
  source.classes = 17, source.seed = 9007199254740991ull;
  source.residual = Residual::every_second_layer, source.residual_scale = ResidualScale::trained;
  source.bn_noise = true, source.bn_noise_mean = 1.25, source.bn_noise_std = 0.75;

  NetworkConfig copy;
  for (const FieldSpec& spec : config_schema()) {
    CAPTURE(spec.name);
    const std::string text = get_field(source, spec.name);
    CAPTURE(text);
    REQUIRE_NOTHROW(set_field(copy, spec.name, text));
    CHECK(get_field(copy, spec.name) == text);
    CHECK(get_field(NetworkConfig{}, spec.name) != text);  // the field really moved away from the default
  }
  CHECK(copy.depth == 37);
  CHECK(copy.input_scale == 0.1);
  CHECK(copy.init_scale == 1.0 / 3.0);
  CHECK(copy.gain == 1.4142135623730951);
  CHECK(copy.activation == Activation::sigmoid);
  CHECK(copy.seed == 9007199254740991ull);
  CHECK(copy.bias);
  CHECK(copy.residual == Residual::every_second_layer);
  CHECK(copy.residual_scale == ResidualScale::trained);
  CHECK(config_schema().size() == 26);
  CHECK(copy.bn_noise);
}

TEST_CASE("describe_allowed words each field type", "[config]") {
  for (const FieldSpec& spec : config_schema()) {
    CAPTURE(spec.name);
    const std::string words = describe_allowed(spec);
    switch (spec.type) {
      case FieldType::integer: CHECK_THAT(words, StartsWith("an integer from ")); break;
      case FieldType::real: CHECK_THAT(words, StartsWith("a number ")); break;
      case FieldType::choice: CHECK_THAT(words, StartsWith("one of: ")); break;
      case FieldType::boolean: CHECK(words == "true or false"); break;
    }
  }
}

// ---- One number grammar for every route (config.hpp): what strtod alone would have taken.

TEST_CASE("numbers must be plain decimals: hex, inf, whitespace, control characters and NUL are refused",
          "[config]") {
  using namespace std::string_literals;
  // Each of these strtod reads as a number (or a number followed by junk it cannot see past a NUL).
  const std::string value = GENERATE(as<std::string>{}, "0x10", "0x1p3", "\r7", "7\r", "\t7", "7\n", " 7",
                                     "3\0junk"s, "7\0"s, "inf", "infinity", "nan", "1e", "+", ".", "e5", "1e+",
                                     "\x1b[2J7");
  CAPTURE(value);
  CHECK_FALSE(is_decimal_number(value));
  CHECK_THAT(set_error("depth", value), Contains("an integer from 1 to 100 (got '"));
  CHECK_THAT(set_error("epsilon", value), Contains("a number at least 0 and at most 1 (got '"));
}

TEST_CASE("plain decimals in every spelling are taken", "[config]") {
  const auto [text, expected] = GENERATE(table<std::string, double>({{"7", 7}, {"+7", 7}, {"7.", 7},
                                                                     {"7.0", 7}, {"7e0", 7}, {"70E-1", 7}}));
  CAPTURE(text);
  CHECK(is_decimal_number(text));
  NetworkConfig c;
  set_field(c, "depth", text);
  CHECK(c.depth == int(expected));
  set_field(c, "input_scale", "." + std::string("5"));
  CHECK(c.input_scale == 0.5);
}

TEST_CASE("a negative zero is stored as 0 and bias takes any number equal to 0 or 1", "[config]") {
  NetworkConfig c;
  set_field(c, "epsilon", "-0.0");
  CHECK(c.epsilon == 0);
  CHECK_FALSE(std::signbit(c.epsilon));
  CHECK(get_field(c, "epsilon") == "0");
  // bias: the same numbers from a flag, a JSON file (%.17g of 0.0 and -0.0 is "0", "-0") and JS (String(-0)
  // is "0"): all false; 1 and 1.0 true.
  for (const char* text : {"0", "0.0", "-0.0", "-0", "false"}) {
    CAPTURE(text);
    c.bias = true;
    set_field(c, "bias", text);
    CHECK_FALSE(c.bias);
  }
  for (const char* text : {"1", "1.0", "1e0", "true"}) {
    CAPTURE(text);
    c.bias = false;
    set_field(c, "bias", text);
    CHECK(c.bias);
  }
  for (const char* text : {"2", "0.5", "yes", "True", " 1", "0x1"}) {
    CAPTURE(text);
    CHECK_THAT(set_error("bias", text), Contains("must be true or false (got '"));
  }
}

TEST_CASE("names and values with control characters are escaped in the message", "[config]") {
  using namespace std::string_literals;
  NetworkConfig c;
  SECTION("a field name with a NUL keeps its whole message") {
    try {
      set_field(c, "\0depth"s, "3");
      FAIL("no ConfigError");
    } catch (const ConfigError& e) {
      CHECK(e.field() == "\0depth"s);
      CHECK_THAT(e.what(), StartsWith("\\0depth: unknown setting; known settings are: depth"));
    }
  }
  SECTION("a value with an escape sequence, a CR, a C1 CSI and a backslash") {
    const std::string message = set_error("activation", "\x1b[31mred\rx\xc2\x9b\\");
    CHECK_THAT(message, Contains("(got '\\x1b[31mred\\rx\\u009b\\\\')"));
    for (char ch : message) CHECK((static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f));
  }
}

TEST_CASE("an empty preset name is refused, not taken as no preset", "[config]") {
  CHECK_THAT(config_error_of([] { preset(""); }, "preset"), Contains("(got '')"));
}

// ---- The work budget (config.hpp work_budget_flops).

TEST_CASE("the work estimate counts the products and the warm-up", "[config]") {
  // Hand count for blog-bn (20 x 100, input 100, 1000 samples): forward products 2 F N (I + 19 F)
  // = 2 * 100 * 1000 * 2000 = 4e8, three times that with backward = 1.2e9, plus 40 F N L = 8e7 element-wise.
  const NetworkConfig bn = preset("blog-bn");
  CHECK_THAT(estimated_flops(bn).run, Catch::Matchers::WithinRel(1.28e9, 1e-12));
  CHECK(estimated_flops(bn).warmup == 0);  // train mode: no warm-up
  NetworkConfig eval = bn;
  eval.mode = Mode::eval;  // 30 warm-up batches of forward only: 30 * (4e8 + 4e7)
  CHECK_THAT(estimated_flops(eval).warmup, Catch::Matchers::WithinRel(30 * 4.4e8, 1e-12));
  CHECK_NOTHROW(validate(eval));
}

TEST_CASE("a run over the work budget is refused naming what to reduce", "[config]") {
  SECTION("1000 warm-up batches at the default sizes (26 s natively before the budget)") {
    NetworkConfig c = preset("blog-bn");
    c.mode = Mode::eval, c.warmup_batches = 1000;
    const std::string message = validate_error(c, "warmup_batches");
    CHECK_THAT(message, Contains("about 441 GFLOP") && Contains("64 GFLOP budget") &&
                            Contains("reduce warmup_batches"));
    c.warmup_batches = 100;  // 45 GFLOP: within
    CHECK_NOTHROW(validate(c));
  }
  SECTION("width 1024 and batch 4096: within the memory budget at depth 4, not within the work budget") {
    NetworkConfig c;
    c.depth = 4, c.width = 1024, c.batch = 4096;
    CHECK(estimated_bytes(c, 4) < memory_budget_bytes);
    CHECK_THAT(validate_error(c, "batch"), Contains("GFLOP budget") && Contains("reduce depth, width or batch"));
    c.depth = 2;
    CHECK_NOTHROW(validate(c));
  }
}

TEST_CASE("a very long field name is cut in the message but kept whole in field()", "[config]") {
  const std::string name(100000, 'k');
  NetworkConfig c;
  try {
    set_field(c, name, "1");
    FAIL("no ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.field() == name);
    CHECK_THAT(e.what(), StartsWith(std::string(60, 'k') + "...: unknown setting"));
    CHECK(std::string(e.what()).size() < 1000);
  }
}

TEST_CASE("a residual setting the network cannot take is refused naming residual", "[config][residual]") {
  NetworkConfig c;
  c.residual = Residual::every_layer;
  CHECK_NOTHROW(validate(c));
  c.depth = 1;  // layer 1 maps input_dim to width: a 1-layer network has no layer that can add its input
  CHECK_THAT(validate_error(c, "residual"),
             Contains("needs depth of at least 2") && Contains("(got residual every_layer with depth 1)"));
  c.residual = Residual::none;
  CHECK_NOTHROW(validate(c));
  CHECK_THAT(set_error("residual", "every_third_layer"),
             Contains("residual: must be one of: none, every_layer, every_second_layer (got 'every_third_layer')"));
  CHECK_THAT(set_error("residual_scale", "0.5"),
             Contains("residual_scale: must be one of: one, inv_sqrt_depth, trained (got '0.5')"));
}

TEST_CASE("SELU with weights off its fixed point warns naming init and runs", "[config][selu]") {
  NetworkConfig c = preset("cures-selu");
  CHECK(config_warnings(c).empty());
  c.input_dim = 100;
  c.init = InitScheme::xavier_normal;  // 2/(100+100) = 1/100 = LeCun's variance when the fans are equal
  CHECK(config_warnings(c).empty());
  c.init = InitScheme::he_normal;
  const std::vector<std::string> warnings = config_warnings(c);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], StartsWith("init: selu keeps mean 0 and variance 1 only with weights of variance 1/fan_in") &&
                              Contains("with he_normal and gain 1, fan_in x variance is 2"));
  CHECK_NOTHROW(validate(c));  // a warning, not a refusal
  c.init = InitScheme::lecun_normal, c.gain = 1.5;
  REQUIRE(config_warnings(c).size() == 1);
  CHECK_THAT(config_warnings(c)[0], Contains("fan_in x variance is 2.25"));
  c.gain = 1, c.activation = Activation::relu, c.init = InitScheme::he_normal;
  CHECK(config_warnings(c).empty());  // only SELU has a fixed point to break
}

TEST_CASE("per_sample normalization is described as a layer norm", "[config]") {
  CHECK_THAT(field_spec("normalization").help, Contains("per_sample: layer norm"));
  CHECK_THAT(field_spec("residual_scale").help, Contains("SkipInit"));
}
