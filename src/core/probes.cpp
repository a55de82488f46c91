#include "probes.hpp"

#include <chrono>
#include <cmath>
#include <limits>

namespace layerscope {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The largest of a and b, NaN when either is: a diverged point is never hidden by a finite one.
double max_or_nan(double a, double b) { return std::isnan(a) || std::isnan(b) ? nan : std::max(a, b); }

// theta <- theta - eta * grads for every parameter of layer l.
template <typename S>
void step_layer(Network<S>& net, int l, const LayerParameters<S>& grads, double eta) {
  for_each_tensor([&](ParameterKind, auto& parameter, const auto& gradient) { parameter -= S(eta) * gradient; },
                  net.parameters(l), grads);
}

// The eigenvalues of the symmetric matrix a (n x n), by cyclic Jacobi rotations: each rotation
// A <- J^T A J zeroes one off-diagonal pair (p, q) with tan = t, the smaller root of t^2 + 2 theta t - 1 = 0,
// theta = (a_qq - a_pp) / (2 a_pq); sweeps over every pair until the off-diagonal mass is at rounding level.
// A dozen lines instead of Eigen's eigensolver, which added about 30 KB gzipped to the wasm download.
// O(n^3) a sweep, about ten sweeps: n is min(width, batch), 60 for the training presets.
Vector<double> symmetric_eigenvalues(Matrix<double> a) {
  const Eigen::Index n = a.rows();
  for (int sweep = 0; sweep < 60; ++sweep) {
    const double total = a.squaredNorm(), diagonal = a.diagonal().squaredNorm();
    if (total - diagonal <= 1e-30 * total) break;
    for (Eigen::Index p = 0; p + 1 < n; ++p)
      for (Eigen::Index q = p + 1; q < n; ++q) {
        const double apq = a(p, q);
        if (apq == 0) continue;
        const double theta = (a(q, q) - a(p, p)) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (Eigen::Index k = 0; k < n; ++k) {  // columns p, q: A J
          const double akp = a(k, p), akq = a(k, q);
          a(k, p) = c * akp - s * akq, a(k, q) = s * akp + c * akq;
        }
        for (Eigen::Index k = 0; k < n; ++k) {  // rows p, q: J^T (A J)
          const double apk = a(p, k), aqk = a(q, k);
          a(p, k) = c * apk - s * aqk, a(q, k) = s * apk + c * aqk;
        }
      }
  }
  return a.diagonal();
}

template <typename S>
void forward_backward(Network<S>& net, const Matrix<S>& x, const std::vector<int>& labels) {
  net.forward(x, Mode::train);
  net.backward(labels, false);
}

}  // namespace

std::vector<double> probe_step_sizes(double learning_rate, int steps, double span) {
  // eta_k = lr * span^(2k/(K-1) - 1), k = 0..K-1: lr / span, ..., lr * span (lr itself when K is odd).
  std::vector<double> etas;
  for (int k = 0; k < steps; ++k)
    etas.push_back(learning_rate * std::pow(span, steps > 1 ? 2.0 * k / (steps - 1) - 1 : 0.0));
  return etas;
}

template <typename S>
std::vector<double> flat_gradient(Network<S>& net) {
  std::vector<double> g;
  net.for_each_parameter([&](int, ParameterKind, S*, S* gradient, size_t n) {
    for (size_t i = 0; i < n; ++i) g.push_back(double(gradient[i]));
  });
  return g;
}

template <typename S>
double effective_rank(const Matrix<S>& h) {
  // h: rows x columns. sigma_k^2 are the eigenvalues of h^T h (columns x columns) or h h^T, the smaller.
  if (h.size() == 0) return nan;
  const Matrix<double> d = h.template cast<double>();
  if (!d.allFinite()) return nan;
  const Matrix<double> gram = d.cols() <= d.rows() ? Matrix<double>(d.transpose() * d) : Matrix<double>(d * d.transpose());
  // Eigenvalues at rounding level (below n * 2^-52 of the largest, negative ones included) are 0: a
  // singular value at 1e-8 of the largest is not resolved by a Gram matrix in double.
  Vector<double> lambda = symmetric_eigenvalues(gram);
  const double floor = double(lambda.size()) * std::numeric_limits<double>::epsilon() * lambda.maxCoeff();
  lambda = (lambda.array() <= floor).select(0.0, lambda);
  const Vector<double> sigma = lambda.cwiseSqrt();
  const double total = sigma.sum();
  if (!(total > 0)) return 0;
  double entropy = 0;  // -sum p ln p, with 0 ln 0 = 0
  for (Eigen::Index k = 0; k < sigma.size(); ++k) {
    const double p = sigma(k) / total;
    if (p > 0) entropy -= p * std::log(p);
  }
  return std::exp(entropy);
}

template <typename S>
ProbeReport measure_probes(const Network<S>& net, const Matrix<S>& x, const std::vector<int>& labels,
                           const TrainingConfig& config, long noise_step) {
  const auto start = std::chrono::steady_clock::now();
  const int L = net.depth(), P = net.parameter_layers();
  const double lr = config.learning_rate;
  ProbeReport r;
  r.present = true;
  r.layers.assign(size_t(P) + 1, LayerProbe{nan, nan, nan, nan});

  // theta: the loss, every gradient, and the rank of every layer's output on the batch.
  Network<S> base = net;
  base.set_noise_step(noise_step);
  forward_backward(base, x, labels);
  r.loss = base.loss(labels);
  for (int l = 0; l <= L; ++l) r.layers[size_t(l)].effective_rank = effective_rank(base.output(l));
  std::vector<LayerParameters<S>> grads(size_t(P) + 1);
  for (int l = 1; l <= P; ++l) grads[size_t(l)] = base.param_grads(l);
  const std::vector<double> g = flat_gradient(base);
  double g_squared = 0;
  for (double v : g) g_squared += v * v;
  r.gradient_norm = std::sqrt(g_squared);

  // 1. Covariate shift: layers 1..i-1 step one at a time, on one copy; after each, layer i's gradient.
  Network<S> moved = net;
  moved.set_noise_step(noise_step);
  for (int i = 2; i <= P; ++i) {
    step_layer(moved, i - 1, grads[size_t(i - 1)], lr);
    forward_backward(moved, x, labels);
    const Matrix<double> before = grads[size_t(i)].weight.template cast<double>();
    const Matrix<double> after = moved.param_grads(i).weight.template cast<double>();
    const double norm_before = before.norm(), norm_after = after.norm();
    LayerProbe& out = r.layers[size_t(i)];
    out.shift_distance = (before - after).norm();
    out.shift_relative = out.shift_distance / norm_before;  // NaN (0/0) or Inf when G_i is 0: not a number to draw
    out.shift_cosine = before.cwiseProduct(after).sum() / (norm_before * norm_after);
  }

  // 2. Smoothness: theta - eta_k g for each step size, from theta each time.
  r.step_sizes = probe_step_sizes(lr, config.probe_steps, config.probe_span);
  double lowest = r.loss, highest = r.loss;
  for (double eta : r.step_sizes) {
    for (int l = 1; l <= P; ++l) {
      moved.parameters(l) = net.parameters(l);
      step_layer(moved, l, grads[size_t(l)], eta);
    }
    forward_backward(moved, x, labels);
    const double loss = moved.loss(labels);
    const std::vector<double> gk = flat_gradient(moved);
    double change = 0;
    for (size_t i = 0; i < g.size(); ++i) change += (g[i] - gk[i]) * (g[i] - gk[i]);
    change = std::sqrt(change);
    r.losses.push_back(loss);
    r.gradient_changes.push_back(change);
    lowest = std::isnan(loss) ? nan : std::min(lowest, loss);
    highest = max_or_nan(highest, loss);
    r.predictiveness = max_or_nan(r.predictiveness, change);
    r.effective_smoothness = max_or_nan(r.effective_smoothness, change / (eta * r.gradient_norm));
  }
  r.loss_spread = highest - lowest;
  const double eta_max = r.step_sizes.empty() ? 0 : r.step_sizes.back();
  r.loss_spread_relative = r.loss_spread / (eta_max * g_squared);
  r.predictiveness_relative = r.predictiveness / r.gradient_norm;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

template ProbeReport measure_probes(const Network<float>&, const Matrix<float>&, const std::vector<int>&,
                                    const TrainingConfig&, long);
template ProbeReport measure_probes(const Network<double>&, const Matrix<double>&, const std::vector<int>&,
                                    const TrainingConfig&, long);
template double effective_rank(const Matrix<float>&);
template double effective_rank(const Matrix<double>&);
template std::vector<double> flat_gradient(Network<float>&);
template std::vector<double> flat_gradient(Network<double>&);

}  // namespace layerscope
