// The gradient check anyone can run (issue 22): backward() of a double network against central finite
// differences of its own loss, on a seeded sample of the entries of every parameter kind of every layer and
// of every dL/dh_l, reported per layer and kind as the worst relative error.
//
// The method, in two sentences, is gradcheck_method() below (the CLI prints it, the page shows it).
//
// What is checked is the config's network on its first `check_batch` samples: the same weights, the same
// input columns and upstream gradient (the RNG draws those column by column, so a smaller batch draws the
// first columns of the larger one), the same loss. Each checked entry costs two forward passes of the
// layers after it, so the full batch of 1000 would not fit the page's 2 s (README, "Gradient check").
// Batch norm then normalizes over those samples; in eval mode its running statistics are warmed up on
// batches of that size. dL/dh_l is checked by perturbing h_l itself in a network made of layers l+1..L.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"
#include "network.hpp"

namespace layerscope {

enum class BnBackward {
  correct,  // ours: layers.hpp
  post,     // the seed post's, wrong on purpose (post_batchnorm.hpp), to show its error
};

struct GradcheckSettings {
  BnBackward bn_backward = BnBackward::correct;
  int check_batch = 16;        // samples: the first of the config's batch (all of them when it has fewer)
  int entries_per_tensor = 3;  // entries checked per tensor (its sample; all when it has fewer)
};

// The settings' table (fields.hpp, as network_fields() for the network): names, ranges, help.
// set_gradcheck_field reads one by the rules of set_field and throws ConfigError naming the field for a bad
// value or an unknown name.
template <typename Config> class FieldTable;
const FieldTable<GradcheckSettings>& gradcheck_fields();
const std::vector<FieldSpec>& gradcheck_schema();
// The setting of that name; ConfigError(name, "unknown setting; known settings are: ...") for any other.
const FieldSpec& gradcheck_field_spec(const std::string& name);
void set_gradcheck_field(GradcheckSettings& settings, const std::string& name, const std::string& value);
std::string get_gradcheck_field(const GradcheckSettings& settings, const std::string& name);
const char* to_string(BnBackward);

// Each sampled entry theta is moved by +-h and the loss recomputed from that layer on, so (L(theta + h) -
// L(theta - h)) / 2h estimates dL/dtheta to within about h^2, and is compared with what backward() computed.
// An entry's relative error is |a - n| / max(|a|, |n|, floor), where the floor (1e5 times the rounding noise
// of the difference quotient) keeps an entry that is zero in both from counting as 100% wrong.
// The verdict's bound on every entry's relative error, and the finite difference's relative step: entry
// theta of tensor T moves by h = step * rms(T) (by step * rms of the layer's output for a tensor of zeros,
// as biases and betas start): a fixed h would be huge for the 1e-20 activations of a 0.01 init.
constexpr double gradcheck_tolerance = 1e-4;
constexpr double gradcheck_step = 1e-6;
// The floor of the relative error, in units of the difference quotient's rounding noise
// (2^-52 * sum of the loss's terms' magnitudes / h).
constexpr double gradcheck_floor_noise = 1e5;
// Those two sentences, with the constants above written in.
const std::string& gradcheck_method();

// One layer and kind: the worst of its checked entries.
struct GradcheckRow {
  int layer = 0;     // 0..L for dL/dh (0: dL/dx), 1..L for parameters, L+1: the cross-entropy output layer
  std::string kind;  // to_string(ParameterKind) (weight, bias, gamma, beta), or "h" for dL/dh_layer
  int checked = 0;   // entries compared
  int skipped = 0;   // entries whose +-h crossed a ReLU kink (the difference quotient means nothing there)
  double worst = 0;  // worst relative error (infinity for a NaN)
  long worst_index = -1;  // that entry's index in storage order, its analytic and numeric values, its step
  double analytic = 0, numeric = 0, step = 0;
};

struct GradcheckResult {
  NetworkConfig config;  // the network checked: the given config with batch cut to check_batch
  GradcheckSettings settings;
  std::vector<GradcheckRow> rows;  // layer by layer from 0; in each layer h, then the parameter table's order
  double worst = 0;                // over every row
  bool post_backward_used = false; // bn_backward = post replaced a normalization's backward somewhere
  double tolerance = gradcheck_tolerance;
  bool passed() const { return worst <= tolerance; }
};

// Validates the config (ConfigError) and checks it. Deterministic: the same config and settings give the
// same sample and, up to the products' rounding, the same numbers on every platform.
GradcheckResult check_gradients(const NetworkConfig& config, const GradcheckSettings& settings = {});

// The central difference (L(v + h) - L(v - h)) / 2h of `net`'s loss along the value *v (an entry of its
// input or of a parameter), run forward in `mode`; *v is restored. crossed_kink: some ReLU input changed
// sides between the two passes. tests/test_gradients.cpp's per-entry check uses it too.
struct CentralDifference {
  double numeric = 0;
  bool crossed_kink = false;
};
CentralDifference central_difference(Network<double>& net, double* v, double h, Mode mode);

// Gives the network the post's normalization backward (see Network). For bn_backward = post only.
void use_post_normalization_backward(Network<double>& net);

}  // namespace layerscope
