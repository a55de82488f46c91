#include "gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

#include "fields.hpp"
#include "rng.hpp"

namespace layerscope {

namespace {

const std::vector<std::string> bn_backward_names = {"correct", "post"};

using GS = GradcheckSettings;

// Where f' jumps at 0: ReLU, leaky ReLU, and SELU (lambda on the right, lambda alpha on the left).
bool has_kinks(const NetworkConfig& c) {
  return c.activation == Activation::relu || c.activation == Activation::leaky_relu ||
         c.activation == Activation::selu;
}

// The side of its kink every activation input is on: a ReLU kink is crossed between two passes when they differ.
std::vector<bool> kink_side(const Network<double>& net) {
  std::vector<bool> side;
  for (int l = 1; l <= net.depth(); ++l) {
    const Matrix<double>& p = net.pre_activation(l);
    for (Eigen::Index i = 0; i < p.size(); ++i) side.push_back(p.data()[i] > 0);
  }
  return side;
}

double rms(const double* values, Eigen::Index n) {
  double sum = 0;
  for (Eigen::Index i = 0; i < n; ++i) sum += values[i] * values[i];
  return n ? std::sqrt(sum / double(n)) : 0;
}

// Layers first..L of `net` as a network of their own, whose input is h_{first-1}: perturbing that input or its
// layer 1 recomputes only what the perturbation changes. first = L + 1 makes the identity layer h = I h_L (exact
// in floating point: one product by 1 and sums of zeros), so that h_L can be perturbed in front of the loss.
// Weights, biases, gamma, beta, alpha, running statistics and the cross-entropy output layer are net's; the input
// width, the upstream gradient, the MSE targets and the labels are drawn from the same seed and streams as
// net's (the same values). Built in train mode, so no warm-up runs: its forward passes take net's mode.
Network<double> tail_network(const Network<double>& net, int first, DrawCache& draws) {
  const NetworkConfig& c = net.config();
  NetworkConfig t = c;
  t.mode = Mode::train;
  // Residual layers are the ones with an alpha (Network::has_residual): the tail's come with the parameters
  // copied below, at their own positions, so its config asks for none (its layer 1 may be net's layer 4).
  t.residual = Residual::none;
  t.input_dim = first == 1 ? c.input_dim : c.width;
  const bool identity = first > c.depth;
  if (identity) {
    t.depth = 1, t.activation = Activation::linear, t.normalization = Normalization::none, t.bias = false;
    t.bn_noise = false;
  } else {
    t.depth = c.depth - first + 1;
  }
  Network<double> tail(t, &draws);
  tail.set_noise_step(net.noise_step(), first - 1);  // bn_noise: the same noise in its layers as in net's
  tail.input() = net.output(first - 1);
  if (identity) {
    tail.parameters(1).weight.setIdentity();
  } else {
    for (int k = 1; k <= t.depth; ++k) {
      tail.parameters(k) = net.parameters(first - 1 + k);
      tail.buffers(k) = net.buffers(first - 1 + k);
    }
  }
  if (c.upstream == UpstreamSource::cross_entropy) tail.parameters(t.depth + 1) = net.parameters(c.depth + 1);
  return tail;
}

// The sum of the magnitudes of the loss's terms: what the rounding of a loss evaluation is proportional to.
// The random upstream's loss sum G h_L cancels (a sum of terms of both signs); MSE and cross-entropy add
// positive terms only.
double loss_magnitude(const Network<double>& net) {
  if (net.config().upstream == UpstreamSource::random)
    return net.upstream().cwiseProduct(net.output(net.depth())).cwiseAbs().sum();
  return std::abs(net.loss());
}

// One tensor's check: a seeded sample of its entries, each moved in `tail` (values: the tensor there) and
// compared with `analytic` (the same tensor's gradient from the whole network's backward).
struct TensorCheck {
  Network<double>& tail;
  Mode mode;
  double loss_terms;
  int entries;
  Rng& rng;

  GradcheckRow operator()(int layer, const std::string& kind, double* values, const double* analytic,
                          Eigen::Index n, double fallback_scale) {
    GradcheckRow row;
    row.layer = layer, row.kind = kind;
    double scale = rms(values, n);
    if (!(scale > 0)) scale = fallback_scale > 0 ? fallback_scale : 1.0;
    const double h = gradcheck_step * scale;
    row.step = h;
    // The difference quotient's rounding noise is about 2^-52 loss_terms / h: an entry below floor in both
    // values is judged against the floor, not against itself.
    const double floor = gradcheck_floor_noise * std::numeric_limits<double>::epsilon() * loss_terms / h;
    // Candidates: every entry when the tensor is small, else distinct seeded indices, up to 4x the entries
    // asked for so that entries skipped at a kink are replaced.
    std::vector<Eigen::Index> candidates;
    if (n <= entries) {
      for (Eigen::Index i = 0; i < n; ++i) candidates.push_back(i);
    } else {
      while (Eigen::Index(candidates.size()) < std::min<Eigen::Index>(n, 4 * Eigen::Index(entries))) {
        const Eigen::Index i = Eigen::Index(rng.below(std::uint32_t(n)));
        if (std::find(candidates.begin(), candidates.end(), i) == candidates.end()) candidates.push_back(i);
      }
    }
    for (const Eigen::Index i : candidates) {
      if (row.checked == entries) break;
      const CentralDifference cd = central_difference(tail, values + i, h, mode);
      if (cd.crossed_kink) {
        ++row.skipped;
        continue;
      }
      ++row.checked;
      const double a = analytic[i];
      // Equal values agree whatever the floor (0 and 0 in a network whose loss is 0, with a floor of 0).
      const double difference = std::abs(a - cd.numeric);
      double error = difference == 0 ? 0 : difference / std::max({std::abs(a), std::abs(cd.numeric), floor});
      if (std::isnan(error)) error = std::numeric_limits<double>::infinity();
      if (row.worst_index < 0 || error > row.worst) {
        row.worst = error, row.worst_index = long(i), row.analytic = a, row.numeric = cd.numeric;
      }
    }
    // A tensor none of whose entries could be compared has not passed.
    if (row.checked == 0) row.worst = std::numeric_limits<double>::infinity();
    return row;
  }
};

}  // namespace

const std::string& gradcheck_method() {
  static const std::string text = [] {
    char buf[640];
    std::snprintf(buf, sizeof buf,
                  "Each sampled entry is moved by +-h (%g times its tensor's root mean square) and the loss "
                  "recomputed in double from that layer on, so the central difference (L(+h) - L(-h)) / 2h "
                  "estimates the gradient to within about h^2, and is compared with what backward computed. The "
                  "relative error of an entry is |a - n| / max(|a|, |n|, floor), with a floor of %g times the "
                  "rounding noise of the difference, so that an entry that is zero in both does not count as "
                  "100%% wrong; the tolerance is %g.",
                  gradcheck_step, gradcheck_floor_noise, gradcheck_tolerance);
    return std::string(buf);
  }();
  return text;
}

const char* to_string(BnBackward b) { return bn_backward_names[std::size_t(b)].c_str(); }

// The check's own settings: one table of fields.hpp, as the network's and the training's.
const FieldTable<GradcheckSettings>& gradcheck_fields() {
  static const FieldTable<GradcheckSettings> table({
      choice_field("bn_backward", &GS::bn_backward, bn_backward_names,
                   "the normalization backward checked: ours, or the seed post's (wrong on purpose)"),
      integer_field("check_batch", &GS::check_batch, 1, 10000, "samples the check runs: the first of the batch"),
      integer_field("entries_per_tensor", &GS::entries_per_tensor, 1, 10000, "entries checked per tensor and layer"),
  });
  return table;
}

const std::vector<FieldSpec>& gradcheck_schema() {
  static const std::vector<FieldSpec> specs = gradcheck_fields().schema();
  return specs;
}

const FieldSpec& gradcheck_field_spec(const std::string& name) { return gradcheck_fields().at(name).spec; }

void set_gradcheck_field(GradcheckSettings& settings, const std::string& name, const std::string& value) {
  gradcheck_fields().set(settings, name, value);
}

std::string get_gradcheck_field(const GradcheckSettings& settings, const std::string& name) {
  return gradcheck_fields().get(settings, name);
}

void use_post_normalization_backward(Network<double>& net) { net.post_normalization_backward_ = true; }

CentralDifference central_difference(Network<double>& net, double* v, double h, Mode mode) {
  const bool kinks = has_kinks(net.config());
  const double original = *v;
  const double plus = original + h, minus = original - h;
  *v = plus;
  net.forward(net.input(), mode);
  const double loss_plus = net.loss();
  std::vector<bool> side_plus;
  if (kinks) side_plus = kink_side(net);
  *v = minus;
  net.forward(net.input(), mode);
  const double loss_minus = net.loss();
  *v = original;
  CentralDifference cd;
  cd.crossed_kink = kinks && kink_side(net) != side_plus;
  cd.numeric = (loss_plus - loss_minus) / (plus - minus);  // the step as represented, not 2h
  return cd;
}

GradcheckResult check_gradients(const NetworkConfig& config, const GradcheckSettings& settings) {
  gradcheck_fields().check_ranges(settings);
  validate(config);
  GradcheckResult result;
  result.settings = settings;
  result.config = config;
  result.config.batch = std::min(config.batch, settings.check_batch);
  try {
    validate(result.config);  // batch norm needs 2 samples
  } catch (const ConfigError& e) {
    throw ConfigError("check_batch", "the check's batch of " + std::to_string(result.config.batch) +
                                         " samples is refused: " + e.what());
  }

  Network<double> net(result.config);
  const NetworkConfig& c = net.config();
  const Mode mode = c.mode;
  if (settings.bn_backward == BnBackward::post) {
    use_post_normalization_backward(net);
    result.post_backward_used = c.normalization == Normalization::per_sample ||
                                (c.normalization == Normalization::batch && mode == Mode::train);
  }
  net.forward();
  net.backward();

  DrawCache draws;
  Rng rng(c.seed, stream::gradcheck);
  const double loss_terms = loss_magnitude(net);
  // Tail l holds layers l..L and has input h_{l-1}: it checks layer l's parameters and dL/dh_{l-1}. Tail L+1
  // (the identity layer) checks dL/dh_L and the cross-entropy output layer's parameters. Rows are kept per
  // layer, dL/dh first, then the parameter table's order.
  std::vector<std::vector<GradcheckRow>> by_layer(std::size_t(net.parameter_layers()) + 1);
  for (int l = 1; l <= c.depth + 1; ++l) {
    Network<double> tail = tail_network(net, l, draws);
    TensorCheck check{tail, mode, loss_terms, settings.entries_per_tensor, rng};
    const int tail_layer = l > c.depth ? 2 : 1;  // where layer l's parameters sit in the tail
    const int last = l > c.depth ? net.parameter_layers() : l;
    for (int p = l; p <= last && p <= net.parameter_layers(); ++p) {
      const double fallback = p > c.depth ? rms(net.logits().data(), net.logits().size())
                                          : rms(net.output(p).data(), net.output(p).size());
      for_each_tensor([&](ParameterKind kind, auto& values, const auto& gradient) {
        by_layer[std::size_t(p)].push_back(check(p, to_string(kind), values.data(), gradient.data(), values.size(), fallback));
      }, tail.parameters(tail_layer), net.param_grads(p));
    }
    const Matrix<double>& dh = net.doutput(l - 1);
    std::vector<GradcheckRow>& rows = by_layer[std::size_t(l - 1)];
    rows.insert(rows.begin(), check(l - 1, "h", tail.input().data(), dh.data(), dh.size(), 0.0));
  }
  for (const std::vector<GradcheckRow>& rows : by_layer)
    for (const GradcheckRow& row : rows) {
      result.rows.push_back(row);
      result.worst = std::max(result.worst, row.worst);
    }
  return result;
}

}  // namespace layerscope
