// Forward/backward pairs of the network's building blocks.
//
// Layout, everywhere: a layer's activations are a matrix of features x samples, one column per sample
// (as in the post). Letters: F = features of this layer, I = features of its input, N = samples.
// A gradient is `d` + the name of what it is the gradient of: dout = dL/d(out).
// Argument order: outputs, cache, inputs, parameters, settings.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <type_traits>

#include "config.hpp"
#include "gemm.hpp"
#include "selu.hpp"
#include "sigmoid.hpp"

namespace layerscope {

template <typename S> using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <typename S> using Vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <typename S> using RowVector = Eigen::Matrix<S, 1, Eigen::Dynamic>;

// Float products go through gemm_f32 in WebAssembly (Eigen 3.4 has no wasm packet math, docs/toolchain.md)
// and natively with AVX-512 (where Eigen's dz h^T product lags the other two); the README's Speed section
// and bench/ give the figures. Elsewhere, and for double, Eigen; LAYERSCOPE_GEMM forces gemm_f32.
#if defined(__wasm_simd128__) || defined(__AVX512F__) || defined(LAYERSCOPE_GEMM)
template <typename S> constexpr bool products_use_gemm = std::is_same_v<S, float>;
#else
template <typename S> constexpr bool products_use_gemm = false;
#endif

// ---------------------------------------------------------------------------------------------------
// Linear map: out = W inp (+ b)

template <typename S>
void linear_forward(Matrix<S>& out, const Matrix<S>& inp, const Matrix<S>& weight, const Vector<S>* bias) {
  // out: F x N, inp: I x N, weight: F x I, bias: F (or null)
  if constexpr (products_use_gemm<S>) {
    out.resize(weight.rows(), inp.cols());
    gemm_f32(int(out.rows()), int(out.cols()), int(inp.rows()), weight.data(), 1, weight.rows(), inp.data(), 1,
             inp.rows(), out.data(), out.rows());
  } else {
    out.noalias() = weight * inp;
  }
  if (bias) out.colwise() += *bias;
}

template <typename S>
void linear_backward(Matrix<S>* dinp, Matrix<S>& dweight, Vector<S>* dbias, const Matrix<S>& dout,
                     const Matrix<S>& inp, const Matrix<S>& weight) {
  // dinp: I x N (null when not wanted), dweight: F x I, dbias: F, dout: F x N
  // dL/dW = dL/dout * inp^T
  if constexpr (products_use_gemm<S>) {  // inp^T(n, i) = inp[i + n I]: B read along rows
    dweight.resize(dout.rows(), inp.rows());
    gemm_f32(int(dweight.rows()), int(dweight.cols()), int(dout.cols()), dout.data(), 1, dout.rows(), inp.data(),
             inp.rows(), 1, dweight.data(), dweight.rows());
  } else {
    dweight.noalias() = dout * inp.transpose();
  }
  // dL/db = sum over samples of dL/dout
  if (dbias) *dbias = dout.rowwise().sum();
  // dL/dinp = W^T * dL/dout
  if (!dinp) return;
  if constexpr (products_use_gemm<S>) {  // W^T(i, f) = W[f + i F]: packed once per call
    dinp->resize(weight.cols(), dout.cols());
    gemm_f32(int(dinp->rows()), int(dinp->cols()), int(dout.rows()), weight.data(), weight.rows(), 1, dout.data(),
             1, dout.rows(), dinp->data(), dinp->rows());
  } else {
    dinp->noalias() = weight.transpose() * dout;
  }
}

// ---------------------------------------------------------------------------------------------------
// Softmax cross-entropy head: logits = W_out h + b_out, L = -1/N sum_j log softmax(logits_j)[y_j]
// The classifier's output layer and its loss as one pair (the network's layer L+1). Its products run on
// Eigen in every build: they are C = classes (10) rows tall, below gemm_f32's tile, and a cost of about
// 1% of a training step.

template <typename S>
void cross_entropy_forward(Matrix<S>& logits, const Matrix<S>& inp, const Matrix<S>& weight, const Vector<S>& bias) {
  // logits: C x N, inp: F x N (h_L), weight: C x F, bias: C
  logits.noalias() = weight * inp;
  logits.colwise() += bias;
}

// The mean loss of forward's logits, in double whatever S is: per column, log-sum-exp about its largest
// logit (no overflow) minus the label's logit.
template <typename S>
double cross_entropy_loss(const Matrix<S>& logits, const std::vector<int>& labels) {
  // logits: C x N, labels: N, each in 0..C-1
  const Matrix<double> z = logits.template cast<double>();
  double total = 0;
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    const double top = z.col(j).maxCoeff();
    const double log_sum_exp = top + std::log((z.col(j).array() - top).exp().sum());
    total += log_sum_exp - z(labels[size_t(j)], j);
  }
  return total / double(z.cols());
}

template <typename S>
void cross_entropy_backward(Matrix<S>& dinp, Matrix<S>& dweight, Vector<S>& dbias, const Matrix<S>& logits,
                            const std::vector<int>& labels, const Matrix<S>& inp, const Matrix<S>& weight) {
  // dinp: F x N (dL/dh_L), dweight: C x F, dbias: C, logits: C x N, inp: F x N, weight: C x F
  const Eigen::Index columns = logits.cols();
  if (Eigen::Index(labels.size()) != columns)
    throw ConfigError("labels", "need one label per sample (" + std::to_string(columns) + "), got " +
                                    std::to_string(labels.size()));
  // dL/dlogits = (softmax(logits) - onehot(label)) / N, the softmax about each column's largest logit
  Matrix<S> dlogits = logits;
  for (Eigen::Index j = 0; j < columns; ++j) {
    auto col = dlogits.col(j);
    col = (col.array() - col.maxCoeff()).exp();
    col /= col.sum();
    col(labels[size_t(j)]) -= S(1);
  }
  dlogits /= S(columns);
  // dL/db_out = sum over samples of dL/dlogits
  dbias = dlogits.rowwise().sum();
  // dL/dW_out = dL/dlogits h^T
  dweight.noalias() = dlogits * inp.transpose();
  // dL/dh_L = W_out^T dL/dlogits
  dinp.noalias() = weight.transpose() * dlogits;
}

// ---------------------------------------------------------------------------------------------------
// Elementwise activation: out = f(inp)

template <typename S>
void activation_forward(Matrix<S>& out, const Matrix<S>& inp, Activation kind, S leaky_slope) {
  // out, inp: F x N. The piecewise-linear ones as flat loops over the storage: Eigen's select() compiles
  // to scalar branches in wasm (about 0.6 ms per 100 x 1000 matrix); these loops become vector selects.
  const Eigen::Index size = inp.size();
  switch (kind) {
    case Activation::relu: {
      out.resize(inp.rows(), inp.cols());
      const S* x = inp.data();
      S* y = out.data();
      // max(x, 0) that keeps NaN, as PyTorch's relu does: written "not x <= 0" so NaN (for which every
      // comparison is false) takes the x side. "x > 0 ? x : 0" would turn a NaN layer into zeros, shown as
      // dead units with std 0. -0 maps to +0.
      for (Eigen::Index i = 0; i < size; ++i) y[i] = !(x[i] <= S(0)) ? x[i] : S(0);
      break;
    }
    case Activation::leaky_relu: {
      out.resize(inp.rows(), inp.cols());
      const S* x = inp.data();
      S* y = out.data();
      for (Eigen::Index i = 0; i < size; ++i) y[i] = x[i] > S(0) ? x[i] : leaky_slope * x[i];  // NaN: slope NaN
      break;
    }
    case Activation::tanh: out = inp.array().tanh(); break;
    case Activation::sigmoid:  // float: sigmoid.hpp (Eigen's exp is slow in wasm); double: Eigen's exp
      if constexpr (std::is_same_v<S, float>) {
        out.resize(inp.rows(), inp.cols());
        sigmoid_f32(out.data(), inp.data(), std::size_t(size));
      } else {
        out = (S(1) + (-inp.array()).exp()).inverse();
      }
      break;
    case Activation::linear: out = inp; break;
    case Activation::selu:  // selu.hpp; float: selu_f32 (vectorized exp), double: Eigen's expm1
      if constexpr (std::is_same_v<S, float>) {
        out.resize(inp.rows(), inp.cols());
        selu_f32(out.data(), inp.data(), std::size_t(size));
      } else {
        out = (inp.array() > S(0))
                  .select(S(selu_lambda) * inp.array(), S(selu_lambda * selu_alpha) * inp.array().expm1());
      }
      break;
  }
}

template <typename S>
void activation_backward(Matrix<S>& dinp, const Matrix<S>& dout, const Matrix<S>& inp, const Matrix<S>& out,
                         Activation kind, S leaky_slope) {
  // dinp, dout, inp, out: F x N. dL/dinp = dL/dout * f'(inp), with f' written through out where cheaper.
  const Eigen::Index size = inp.size();
  switch (kind) {
    case Activation::relu: {  // f' = 0 where inp <= 0, else 1: PyTorch's threshold_backward, so 0 at exactly 0
      // and a NaN input passes its gradient through (its output is NaN too, and so is what flows back)
      dinp.resize(inp.rows(), inp.cols());
      const S *x = inp.data(), *d = dout.data();
      S* di = dinp.data();
      for (Eigen::Index i = 0; i < size; ++i) {
        const S through = d[i];  // loaded unconditionally, so the choice is a vector select, not a branch
        di[i] = !(x[i] <= S(0)) ? through : S(0);
      }
      break;
    }
    case Activation::leaky_relu: {  // f' = 1 where inp > 0, else slope (NaN: slope, as PyTorch; the output is NaN)
      dinp.resize(inp.rows(), inp.cols());
      const S *x = inp.data(), *d = dout.data();
      S* di = dinp.data();
      for (Eigen::Index i = 0; i < size; ++i) {
        const S through = d[i];
        di[i] = x[i] > S(0) ? through : leaky_slope * through;
      }
      break;
    }
    case Activation::tanh:  // f' = 1 - tanh^2
      dinp = dout.array() * (S(1) - out.array().square());
      break;
    case Activation::sigmoid:  // f' = s (1 - s)
      dinp = dout.array() * out.array() * (S(1) - out.array());
      break;
    case Activation::linear: dinp = dout; break;
    case Activation::selu: {  // f' = lambda where inp > 0, else lambda alpha e^inp = out + lambda alpha
      dinp.resize(inp.rows(), inp.cols());
      if constexpr (std::is_same_v<S, float>) {  // selu.hpp: vectorized
        selu_backward_f32(dinp.data(), dout.data(), inp.data(), out.data(), std::size_t(size));
      } else {
        const S *x = inp.data(), *y = out.data(), *d = dout.data();
        S* di = dinp.data();
        const S lambda = S(selu_lambda), lambda_alpha = S(selu_lambda * selu_alpha);
        for (Eigen::Index i = 0; i < size; ++i) di[i] = d[i] * (x[i] > S(0) ? lambda : y[i] + lambda_alpha);
      }
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Batch norm (Ioffe & Szegedy 2015, Algorithm 1): each feature (row) over the N samples (columns).
//   mu = 1/N sum_n x_n,  var = 1/N sum_n (x_n - mu)^2 (biased),  xhat = (x - mu) / sqrt(var + eps),
//   out = gamma * xhat + beta, with one gamma and one beta per feature.
// xhat is not kept: backward recomputes it from the input and the two statistics, (x - mu) rstd, the same
// float expression as forward, so the same values. Writing an F x N matrix per layer costs more than
// recomputing it: by the time backward reads it, that memory has left the cache.

// One column (sample) of batch norm's output, out = (x - mu) rstd gamma + beta. A function of its own with
// __restrict pointers, so the compilers vectorize it (inlined into the column loop, GCC 12 left it scalar).
template <typename S>
void batchnorm_normalize_column(S* __restrict out, const S* __restrict inp, const S* __restrict mean,
                                const S* __restrict rstd, const S* __restrict gamma, const S* __restrict beta,
                                Eigen::Index F) {
  for (Eigen::Index f = 0; f < F; ++f) {
    const S normalized = (inp[f] - mean[f]) * rstd[f];
    out[f] = normalized * gamma[f] + beta[f];
  }
}

// out[f] += in[f] for one column (a function of its own with __restrict pointers, as above).
template <typename T, typename S>
void add_column(T* __restrict out, const S* __restrict in, Eigen::Index F) {
  for (Eigen::Index f = 0; f < F; ++f) out[f] += T(in[f]);
}
// out[f] += (in[f] - center[f])^2 for one column.
template <typename S>
void add_squares_about(S* __restrict out, const S* __restrict in, const S* __restrict center, Eigen::Index F) {
  for (Eigen::Index f = 0; f < F; ++f) {
    const S d = in[f] - center[f];
    out[f] += d * d;
  }
}

// One column of batch norm backward's two sums: dbeta += dout, dgamma += dout xhat with xhat = (x - mu) rstd.
// Per-column functions with __restrict pointers, as batchnorm_normalize_column: written as loops over
// pointers declared once for the whole matrix, the wasm build did not vectorize them.
template <typename S>
void batchnorm_backward_sums_column(S* __restrict dbeta, S* __restrict dgamma, const S* __restrict dout,
                                    const S* __restrict inp, const S* __restrict mean, const S* __restrict rstd,
                                    Eigen::Index F) {
  for (Eigen::Index f = 0; f < F; ++f) {
    dbeta[f] += dout[f];
    dgamma[f] += dout[f] * ((inp[f] - mean[f]) * rstd[f]);
  }
}
// One column of dx = dout t1 + xhat t2 + t3 (the three terms below), and with ThroughRelu 0 where inp <= 0
// (the same test as activation_backward's relu: a NaN input lets dx through).
template <bool ThroughRelu, typename S>
void batchnorm_backward_column(S* __restrict dinp, const S* __restrict dout, const S* __restrict inp,
                               const S* __restrict mean, const S* __restrict rstd, const S* __restrict t1,
                               const S* __restrict t2, const S* __restrict t3, Eigen::Index F) {
  for (Eigen::Index f = 0; f < F; ++f) {
    const S dx = dout[f] * t1[f] + ((inp[f] - mean[f]) * rstd[f]) * t2[f] + t3[f];
    if constexpr (ThroughRelu)
      dinp[f] = !(inp[f] <= S(0)) ? dx : S(0);  // computed unconditionally: a vector select, not a branch
    else
      dinp[f] = dx;
  }
}

// What batch norm's backward continues through: nothing more, or the ReLU that produced its input
// (placement after the activation). inp = relu(z) is <= 0 exactly where z is (and NaN exactly where z is),
// so the ReLU's derivative (0 where z <= 0, else 1) can be read off inp, in the same pass, without reading z.
enum class ThenThrough { nothing, relu_of_input };

// xhat = (inp - mean) rstd, per feature: what batch norm normalizes to, as a whole matrix. Train-mode forward
// and backward compute it column by column instead; eval mode (batchnorm_forward_eval/_backward_eval) and
// Network::normalized() (for the views and the dump) use this.
template <typename S>
void batchnorm_normalized(Matrix<S>& xhat, const Matrix<S>& inp, const Vector<S>& mean, const Vector<S>& rstd) {
  xhat = rstd.asDiagonal() * (inp.colwise() - mean);
}

template <typename S>
void batchnorm_forward(Matrix<S>& out, Vector<S>& mean, Vector<S>& var, Vector<S>& rstd, const Matrix<S>& inp,
                       const Vector<S>& gamma, const Vector<S>& beta, S eps) {
  // out, inp: F x N; mean, var (biased), rstd (1/sqrt(var + eps)), gamma, beta: F
  // Every statistic is a sum over the columns: the loops walk the columns in storage order and accumulate
  // all F features at once (contiguous, vectorized), instead of one strided row at a time.
  const Eigen::Index F = inp.rows(), N = inp.cols();
  // Sums in S over blocks of 16 samples, added into double per block: a float sum over the whole batch
  // (sequential, 1000 terms) puts enough error into mean and var to move the gradients by a percent against
  // the double run (tests/test_batchnorm.cpp checks float against double). Summing all of it in double costs
  // twice the time in wasm, where a double vector holds 2 values.
  constexpr Eigen::Index block = 16;
  Vector<double> sum = Vector<double>::Zero(F), sq = Vector<double>::Zero(F);
  Vector<S> partial(F);
  for (Eigen::Index j0 = 0; j0 < N; j0 += block) {
    partial.setZero();
    for (Eigen::Index j = j0; j < std::min(N, j0 + block); ++j) add_column(partial.data(), inp.col(j).data(), F);
    add_column(sum.data(), partial.data(), F);
  }
  mean = (sum / double(N)).template cast<S>();
  for (Eigen::Index j0 = 0; j0 < N; j0 += block) {  // two passes: no cancellation of sum x^2 - N mu^2
    partial.setZero();
    for (Eigen::Index j = j0; j < std::min(N, j0 + block); ++j)
      add_squares_about(partial.data(), inp.col(j).data(), mean.data(), F);
    add_column(sq.data(), partial.data(), F);
  }
  var = (sq / double(N)).template cast<S>();
  rstd = (var.array() + eps).rsqrt();
  out.resize(F, N);
  for (Eigen::Index j = 0; j < N; ++j)
    batchnorm_normalize_column(out.col(j).data(), inp.col(j).data(), mean.data(), rstd.data(), gamma.data(),
                               beta.data(), F);
}

template <typename S>
void batchnorm_backward(Matrix<S>& dinp, Vector<S>& dgamma, Vector<S>& dbeta, const Matrix<S>& dout,
                        const Matrix<S>& inp, const Vector<S>& mean, const Vector<S>& rstd, const Vector<S>& gamma,
                        ThenThrough then = ThenThrough::nothing) {
  // dinp, dout, inp: F x N; dgamma, dbeta, mean, rstd, gamma: F. The paper's backward equations, per
  // feature, with dxhat = dout * gamma and (x - mu) = xhat / rstd:
  //   dvar = sum_n dxhat (x - mu) * (-1/2) (var + eps)^(-3/2)      = -1/2 rstd^2 sum_n dxhat xhat
  //   dmu  = sum_n dxhat * (-rstd) + dvar * (-2/N) sum_n (x - mu)   = -rstd sum_n dxhat  (sum_n (x - mu) = 0)
  //   dx   = dxhat rstd + dvar 2 (x - mu)/N + dmu / N
  //   dgamma = sum_n dout xhat,  dbeta = sum_n dout
  // The two sums over the batch that dvar and dmu need are gamma dgamma and gamma dbeta, so two row
  // reductions and one pass over the output do it all. With then = relu_of_input, dinp is dL/dz of the
  // ReLU before: dx where inp > 0, else 0.
  const Eigen::Index F = dout.rows(), N = dout.cols();
  const S n = S(N);
  // Both sums over the batch in one pass over the columns (all F features at once).
  dbeta.setZero(F);
  dgamma.setZero(F);
  for (Eigen::Index j = 0; j < N; ++j)
    batchnorm_backward_sums_column(dbeta.data(), dgamma.data(), dout.col(j).data(), inp.col(j).data(),
                                   mean.data(), rstd.data(), F);
  const Vector<S> dvar = S(-0.5) * rstd.array().square() * gamma.array() * dgamma.array();
  const Vector<S> dmu = -(rstd.array() * gamma.array() * dbeta.array()).matrix();
  const Vector<S> through_xhat = gamma.cwiseProduct(rstd);                       // term 1: dxhat rstd
  const Vector<S> through_var = (S(2) / n) * dvar.cwiseQuotient(rstd);           // term 2: dvar 2 (x - mu)/N
  const Vector<S> through_mean = dmu / n;                                        // term 3: dmu / N
  dinp.resize(F, N);
  // Two direct calls, not one through a function pointer chosen up front: an indirect call per column
  // keeps the compiler from specializing the loop (slower in wasm).
  for (Eigen::Index j = 0; j < N; ++j) {
    if (then == ThenThrough::relu_of_input)
      batchnorm_backward_column<true>(dinp.col(j).data(), dout.col(j).data(), inp.col(j).data(), mean.data(),
                                      rstd.data(), through_xhat.data(), through_var.data(), through_mean.data(), F);
    else
      batchnorm_backward_column<false>(dinp.col(j).data(), dout.col(j).data(), inp.col(j).data(), mean.data(),
                                       rstd.data(), through_xhat.data(), through_var.data(), through_mean.data(), F);
  }
}

// Eval mode: the running statistics replace the batch's, so the layer is a fixed affine map per feature.
template <typename S>
void batchnorm_forward_eval(Matrix<S>& out, Vector<S>& rstd, const Matrix<S>& inp, const Vector<S>& gamma,
                            const Vector<S>& beta, const Vector<S>& running_mean, const Vector<S>& running_var,
                            S eps) {
  rstd = (running_var.array() + eps).rsqrt();
  Matrix<S> xhat;
  batchnorm_normalized(xhat, inp, running_mean, rstd);
  out = (xhat.array().colwise() * gamma.array()).colwise() + beta.array();
}

// Eval mode backward: out = gamma * rstd * (x - running_mean) + beta is affine in x.
template <typename S>
void batchnorm_backward_eval(Matrix<S>& dinp, Vector<S>& dgamma, Vector<S>& dbeta, const Matrix<S>& dout,
                             const Matrix<S>& inp, const Vector<S>& running_mean, const Vector<S>& rstd,
                             const Vector<S>& gamma) {
  Matrix<S> xhat;
  batchnorm_normalized(xhat, inp, running_mean, rstd);
  dinp = gamma.cwiseProduct(rstd).asDiagonal() * dout;
  dgamma = dout.cwiseProduct(xhat).rowwise().sum();
  dbeta = dout.rowwise().sum();
}

// ---------------------------------------------------------------------------------------------------
// Noise after batch norm ("batch norm + noise", config.hpp bn_noise): out = scale * inp + shift, entry by
// entry, with scale and shift drawn by the network (Network::draw_noise) and held fixed through backward.

template <typename S>
void noise_forward(Matrix<S>& out, const Matrix<S>& inp, const Matrix<S>& scale, const Matrix<S>& shift) {
  // out, inp, scale, shift: F x N. out may be inp (in place).
  out = scale.cwiseProduct(inp) + shift;
}

template <typename S>
void noise_backward(Matrix<S>& dinp, const Matrix<S>& dout, const Matrix<S>& scale) {
  // dinp, dout, scale: F x N. d(out)/d(inp) = scale, entry by entry; the noise itself has no gradient.
  dinp = scale.cwiseProduct(dout);
}

// ---------------------------------------------------------------------------------------------------
// Per-sample normalization (a layer norm): each sample (column) over its F features (rows). This is what
// the post's `np.mean(h, axis=0)` on a features x samples array computes. Its gamma and beta are per
// feature like batch norm's, so the two differ only in the axis of the statistics.

// xhat = (inp - mean) rstd, per sample. Like batch norm, forward and backward do not keep it.
template <typename S>
void samplenorm_normalized(Matrix<S>& xhat, const Matrix<S>& inp, const RowVector<S>& mean,
                           const RowVector<S>& rstd) {
  xhat = (inp.rowwise() - mean) * rstd.asDiagonal();
}

template <typename S>
void samplenorm_forward(Matrix<S>& out, RowVector<S>& mean, RowVector<S>& rstd, const Matrix<S>& inp,
                        const Vector<S>& gamma, const Vector<S>& beta, S eps) {
  // out, inp: F x N; mean, rstd: N (one per sample); gamma, beta: F
  const S f = S(inp.rows());
  mean = inp.colwise().sum() / f;
  const Matrix<S> centered = inp.rowwise() - mean;  // once, for the variance and for xhat
  const RowVector<S> var = centered.colwise().squaredNorm() / f;
  rstd = (var.array() + eps).rsqrt();
  out = ((centered * rstd.asDiagonal()).array().colwise() * gamma.array()).colwise() + beta.array();
}

template <typename S>
void samplenorm_backward(Matrix<S>& dinp, Vector<S>& dgamma, Vector<S>& dbeta, const Matrix<S>& dout,
                         const Matrix<S>& inp, const RowVector<S>& mean, const RowVector<S>& rstd,
                         const Vector<S>& gamma) {
  // The batch norm equations with the sums over the F features of each sample instead of over samples:
  //   dxhat = dout * gamma;  dx = rstd (dxhat - mean_f(dxhat) - xhat mean_f(dxhat xhat))
  const S f = S(dout.rows());
  Matrix<S> xhat;
  samplenorm_normalized(xhat, inp, mean, rstd);
  const Matrix<S> dxhat = gamma.asDiagonal() * dout;
  const RowVector<S> mean_dxhat = dxhat.colwise().sum() / f;                  // through the mean
  const RowVector<S> mean_dxhat_xhat = dxhat.cwiseProduct(xhat).colwise().sum() / f;  // through the variance
  dinp = ((dxhat.rowwise() - mean_dxhat) - xhat * mean_dxhat_xhat.asDiagonal()) * rstd.asDiagonal();
  dgamma = dout.cwiseProduct(xhat).rowwise().sum();
  dbeta = dout.rowwise().sum();
}

}  // namespace layerscope
