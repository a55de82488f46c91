// WRONG ON PURPOSE: the seed blog post's batch-norm backward, as the post wrote it, for the gradient check
// (gradcheck.hpp, bn_backward = post) to show its error next to ours. Nothing else may call it: training
// and the init-time runs always take layers.hpp's batchnorm_backward / samplenorm_backward. It is reached
// only through Network's post_normalization_backward_ switch, which only gradcheck.cpp sets.
//
// Layout as everywhere: features x samples, one column per sample. F = features, N = samples.
#pragma once

#include <cmath>

#include "layers.hpp"

namespace layerscope {

// The post's dL/dx, written from its code with the statistics over the columns (batch norm's axis):
//   mu = mean_n x,  var = mean_n (x - mu)^2,  std = sqrt(var)        (np.mean, np.var, np.std: no epsilon)
//   dxhat = dout * gamma
//   dvar  = sum_n dxhat (x - mu) (-1/2) var^(-3/2)                    (as the paper: right)
//   dmu   = sum_n dxhat (-1/std) + dvar (-2) (x - mu) / N             (WRONG: the second term is not summed
//                                                                      over n; the paper's sum_n (x - mu) = 0)
//   dx    = dxhat / std + dvar (-2) (x - mu) / N + dmu / N            (WRONG: -2 where the chain rule gives +2)
// Put together, with xhat = (x - mu)/std and means over n:
//   ours:  dx = (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) / std
//   post:  dx = (dxhat - mean(dxhat) + (1 + 1/N) xhat mean(dxhat xhat)) / std
// so the part through the variance enters with the wrong sign and 1/N too large.
template <typename S>
void post_batchnorm_backward_input(Matrix<S>& dinp, const Matrix<S>& dout, const Matrix<S>& inp,
                                   const Vector<S>& gamma) {
  // dinp, dout, inp: F x N; gamma: F (one per row)
  const S n = S(inp.cols());
  const Vector<S> mu = inp.rowwise().mean();
  const Matrix<S> centered = inp.colwise() - mu;
  const Vector<S> var = centered.rowwise().squaredNorm() / n;
  const Vector<S> stdev = var.array().sqrt();
  const Matrix<S> dxhat = gamma.asDiagonal() * dout;
  const Vector<S> dvar = (dxhat.cwiseProduct(centered).rowwise().sum().array() * S(-0.5) * var.array().pow(S(-1.5))).matrix();
  // term "variance" as the post wrote it, used twice: dvar (-2) (x - mu) / N, one value per entry
  const Matrix<S> through_var = (dvar * S(-2) / n).asDiagonal() * centered;
  const Matrix<S> dmu = (-(dxhat.rowwise().sum().array() / stdev.array())).matrix().replicate(1, inp.cols()) + through_var;
  dinp = stdev.cwiseInverse().asDiagonal() * dxhat + through_var + dmu / n;
}

// The post's dL/dgamma and dL/dbeta, per feature:
//   dgamma = dout * y  with y the layer's output (gamma xhat + beta), WRONG twice: y where the paper has xhat,
//            and left unsummed, one value per entry where gamma has one per feature. The check reads the
//            first sample's value as feature f's gradient: the one term of the sum over the batch it kept.
//   dbeta  = np.sum(dout): WRONG, summed over features and samples alike, one number given to every feature.
template <typename S>
void post_batchnorm_backward_parameters(Vector<S>& dgamma, Vector<S>& dbeta, const Matrix<S>& dout,
                                        const Matrix<S>& out) {
  // dgamma, dbeta: F; dout, out: F x N
  dgamma = dout.col(0).cwiseProduct(out.col(0));
  dbeta = Vector<S>::Constant(dout.rows(), dout.sum());
}

// The whole post backward for a normalization layer. Batch norm: the equations above over the samples, as
// the post meant them. Per-sample normalization: the same equations over the features of each sample, which
// is what the post's np.mean(h, axis=0) on a features x samples array literally computes.
template <typename S>
void post_normalization_backward(Normalization kind, Matrix<S>& dinp, Vector<S>& dgamma, Vector<S>& dbeta,
                                 const Matrix<S>& dout, const Matrix<S>& inp, const Matrix<S>& out,
                                 const Vector<S>& gamma) {
  // dinp, dout, inp, out: F x N; dgamma, dbeta, gamma: F
  if (kind == Normalization::per_sample) {
    // Transposed, the per-sample statistics are per row; the post's scalar gamma becomes gamma_f of each
    // entry, which the transposed call cannot take per row: apply it before (dxhat = dout gamma).
    const Matrix<S> dxhat_t = (gamma.asDiagonal() * dout).transpose();
    Matrix<S> dinp_t;
    post_batchnorm_backward_input(dinp_t, dxhat_t, Matrix<S>(inp.transpose()), Vector<S>(Vector<S>::Ones(dout.cols())));
    dinp = dinp_t.transpose();
  } else {
    post_batchnorm_backward_input(dinp, dout, inp, gamma);
  }
  post_batchnorm_backward_parameters(dgamma, dbeta, dout, out);
}

}  // namespace layerscope
