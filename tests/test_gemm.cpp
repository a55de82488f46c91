// The hand-written matrix product (gemm.cpp) against a naive triple loop in double, over odd shapes that
// hit every edge of its register tiles (rows not a multiple of 4 or of the panel height, columns not a
// multiple of the tile width, K across the depth-block boundary) and the three stridings the layers use.
// Then layer 1's sparse products (sparse_input.hpp) against the same kind of naive loop.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "gemm.hpp"
#include "rng.hpp"
#include "sigmoid.hpp"
#include "sparse_input.hpp"

using namespace layerscope;

namespace {

// C = A B with A(i, p) = a[i * a_row + p * a_col], B(p, j) = b[p * b_row + j * b_col], C column-major.
void naive_product(std::vector<double>& c, int m, int n, int k, const std::vector<float>& a, std::ptrdiff_t a_row,
                   std::ptrdiff_t a_col, const std::vector<float>& b, std::ptrdiff_t b_row, std::ptrdiff_t b_col) {
  c.assign(std::size_t(m) * std::size_t(n), 0.0);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      double sum = 0;
      for (int p = 0; p < k; ++p) sum += double(a[std::size_t(i * a_row + p * a_col)]) * b[std::size_t(p * b_row + j * b_col)];
      c[std::size_t(i + j * m)] = sum;
    }
}

// Largest |gemm - naive| relative to the sum of |terms| of that entry (the bound float rounding obeys).
double largest_relative_error(int m, int n, int k, bool a_transposed, bool b_transposed, std::uint64_t seed) {
  Rng rng(seed, 1);
  std::vector<float> a(std::size_t(m) * std::size_t(k)), b(std::size_t(k) * std::size_t(n));
  fill_normal(rng, a.data(), a.size(), 1.0);
  fill_normal(rng, b.data(), b.size(), 1.0);
  // Stored column-major as A (m x k) or as A^T (k x m); B (k x n) or B^T (n x k).
  const std::ptrdiff_t a_row = a_transposed ? k : 1, a_col = a_transposed ? 1 : m;
  const std::ptrdiff_t b_row = b_transposed ? n : 1, b_col = b_transposed ? 1 : k;
  const std::ptrdiff_t ldc = m + 3;  // C inside a taller array: the padding rows must stay untouched
  std::vector<float> c(std::size_t(ldc) * std::size_t(n), -7.0f);
  gemm_f32(m, n, k, a.data(), a_row, a_col, b.data(), b_row, b_col, c.data(), ldc);
  std::vector<double> reference;
  naive_product(reference, m, n, k, a, a_row, a_col, b, b_row, b_col);
  double worst = 0;
  for (int j = 0; j < n; ++j) {
    for (int i = m; i < ldc; ++i)
      if (c[std::size_t(i + j * ldc)] != -7.0f) return INFINITY;
    for (int i = 0; i < m; ++i) {
      double magnitude = 0;
      for (int p = 0; p < k; ++p)
        magnitude += std::abs(double(a[std::size_t(i * a_row + p * a_col)]) * b[std::size_t(p * b_row + j * b_col)]);
      const double error = std::abs(double(c[std::size_t(i + j * ldc)]) - reference[std::size_t(i + j * m)]);
      worst = std::max(worst, error / std::max(magnitude, 1e-30));
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("gemm matches a naive triple loop on odd shapes", "[gemm]") {
  const int m = GENERATE(1, 2, 3, 4, 5, 7, 11, 12, 13, 16, 17, 24, 25, 31, 37);
  const int n = GENERATE(1, 2, 3, 4, 5, 6, 9, 17, 37);
  const int k = GENERATE(1, 2, 3, 8, 13, 50);
  CAPTURE(m, n, k);
  // float rounding of a length-k sum: at most about k * 2^-24 relative to the sum of |terms|.
  const double tolerance = (k + 2) * 6e-8;
  CHECK(largest_relative_error(m, n, k, false, false, 1) <= tolerance);  // W h (forward)
  CHECK(largest_relative_error(m, n, k, true, false, 2) <= tolerance);   // W^T dz (dL/dinp)
  CHECK(largest_relative_error(m, n, k, false, true, 3) <= tolerance);   // dz h^T (dL/dW)
}

TEST_CASE("gemm is exact across depth blocks and the blog's shapes", "[gemm]") {
  // K = 1000 crosses the 256-deep blocks, so partial products are accumulated into C.
  const int m = GENERATE(100, 101), n = GENERATE(100, 103), k = GENERATE(100, 257, 1000);
  CAPTURE(m, n, k);
  const double tolerance = (k + 2) * 6e-8;
  CHECK(largest_relative_error(m, n, k, false, false, 4) <= tolerance);
  CHECK(largest_relative_error(m, n, k, true, false, 5) <= tolerance);
  CHECK(largest_relative_error(m, n, k, false, true, 6) <= tolerance);
}

TEST_CASE("gemm with an empty depth writes zeros", "[gemm]") {
  std::vector<float> c(6, 5.0f);
  const float dummy = 1.0f;
  gemm_f32(2, 3, 0, &dummy, 1, 2, &dummy, 1, 0, c.data(), 2);
  for (float x : c) CHECK(x == 0.0f);
}

// ---------------------------------------------------------------------------------------------------
// Sparse layer 1: z = W x and dW = dz x^T summed over the nonzeros of x only.

namespace {

using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using VectorF = Eigen::Matrix<float, Eigen::Dynamic, 1>;

// An I x N input whose entries are zero with probability `zero_fraction`, else 1 (binary) or N(0, 1).
MatrixF sparse_matrix(int rows, int cols, double zero_fraction, bool binary, std::uint64_t seed) {
  Rng rng(seed, 7);
  MatrixF x(rows, cols);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const bool zero = rng.uniform() < zero_fraction;
    x.data()[i] = zero ? 0.0f : binary ? 1.0f : float(rng.normal());
  }
  return x;
}

MatrixF normal_matrix(int rows, int cols, std::uint64_t seed) {
  Rng rng(seed, 8);
  MatrixF m(rows, cols);
  fill_normal(rng, m.data(), std::size_t(m.size()), 1.0);
  return m;
}

// Largest |got - sum_p a(i,p) b(p,j)| over the entries, relative to that entry's sum of |terms|.
double largest_error(const MatrixF& got, const MatrixF& a, const MatrixF& b, const VectorF* bias) {
  double worst = 0;
  for (Eigen::Index j = 0; j < got.cols(); ++j)
    for (Eigen::Index i = 0; i < got.rows(); ++i) {
      double sum = bias ? double((*bias)(i)) : 0.0, magnitude = bias ? std::abs(double((*bias)(i))) : 0.0;
      for (Eigen::Index p = 0; p < a.cols(); ++p) {
        sum += double(a(i, p)) * double(b(p, j));
        magnitude += std::abs(double(a(i, p)) * double(b(p, j)));
      }
      worst = std::max(worst, std::abs(double(got(i, j)) - sum) / std::max(magnitude, 1e-30));
    }
  return worst;
}

}  // namespace

TEST_CASE("the sparse layer-1 products equal the dense ones to float rounding", "[gemm][sparse]") {
  // F covers every row block of the kernel (32, 16, 8, 4, single rows) and their mixes: 100 = 3 x 32 + 4.
  const int F = GENERATE(1, 3, 4, 7, 16, 37, 100);
  const int I = GENERATE(9, 784);
  const int N = GENERATE(1, 5, 60);
  const bool binary = GENERATE(true, false);
  CAPTURE(F, I, N, binary);
  const MatrixF x = sparse_matrix(I, N, 0.8, binary, std::uint64_t(F * 1000 + I + N));
  const MatrixF w = normal_matrix(F, I, 11), dz = normal_matrix(F, N, 12);
  const VectorF bias = normal_matrix(F, 1, 13);
  SparseInput<float> s;
  REQUIRE(gather_sparse_input(s, x, 0.0));  // whatever its zeros (a 9 x 1 draw may have few)
  CHECK(s.unit_values == binary);
  CHECK(s.nonzeros() == int((x.array() != 0.0f).count()));
  const double tolerance = (I + 2) * 6e-8;  // a float sum of at most I terms (as gemm_f32's test)

  MatrixF z;
  sparse_linear_forward(z, s, w, static_cast<const VectorF*>(nullptr));
  REQUIRE(z.rows() == F);
  REQUIRE(z.cols() == N);
  CHECK(largest_error(z, w, x, nullptr) <= tolerance);
  sparse_linear_forward(z, s, w, &bias);
  CHECK(largest_error(z, w, x, &bias) <= tolerance);

  sparse_input_by_rows(s);
  MatrixF dw;
  sparse_linear_backward_weight(dw, dz, s);
  REQUIRE(dw.rows() == F);
  REQUIRE(dw.cols() == I);
  const MatrixF xt = x.transpose();
  CHECK(largest_error(dw, dz, xt, nullptr) <= (N + 2) * 6e-8);
}

TEST_CASE("the sparse product is chosen by the measured fraction of zeros", "[gemm][sparse]") {
  SparseInput<float> s;
  // Binary MNIST-like input (81% zeros) and anything at or above the threshold: sparse.
  CHECK(gather_sparse_input(s, sparse_matrix(784, 60, 0.81, true, 1)));
  CHECK(gather_sparse_input(s, MatrixF(MatrixF::Zero(10, 4))));
  CHECK(s.nonzeros() == 0);
  // 75 zeros of 100 sit on the threshold (0.75: sparse); one fewer, a quarter, or a Gaussian input is dense.
  REQUIRE(sparse_input_min_zero_fraction == 0.75);
  MatrixF edge = MatrixF::Ones(10, 10);
  edge.leftCols(7).setZero();
  edge.col(7).head(5).setZero();
  CHECK(gather_sparse_input(s, edge));
  edge(0, 0) = 1.0f;
  CHECK_FALSE(gather_sparse_input(s, edge));
  CHECK(s.column_start.empty());
  CHECK_FALSE(gather_sparse_input(s, sparse_matrix(784, 60, 0.25, false, 2)));
  CHECK_FALSE(gather_sparse_input(s, normal_matrix(100, 1000, 3)));
  CHECK_FALSE(gather_sparse_input(s, MatrixF(0, 0)));
}

// ---------------------------------------------------------------------------------------------------
// The float sigmoid (sigmoid.hpp) against 1 / (1 + exp(-x)) in double.

TEST_CASE("the float sigmoid is within a few ulp of the double one, and keeps NaN", "[gemm][sigmoid]") {
  std::vector<float> x;
  for (float v = -100.0f; v <= 100.0f; v += 0.0137f) x.push_back(v);
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 87.0f, -87.0f, 88.0f, -88.0f, 89.0f, -89.0f, 1e30f, -1e30f, INFINITY, -INFINITY})
    x.push_back(v);
  std::vector<float> s(x.size());
  sigmoid_f32(s.data(), x.data(), x.size());
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double exact = 1.0 / (1.0 + std::exp(-double(x[i])));
    CAPTURE(x[i], s[i], exact);
    REQUIRE(std::isfinite(s[i]));
    if (exact < 1e-37) {  // past the clamp: below any normal float's reach, and never negative
      CHECK(s[i] >= 0.0f);
      CHECK(s[i] < 1e-37f);
      continue;
    }
    worst = std::max(worst, std::abs(double(s[i]) - exact) / exact);
  }
  // float's unit roundoff is 6e-8: a few roundings of the exponential, the sum and the quotient.
  CHECK(worst < 4e-7);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  float out = 0;
  sigmoid_f32(&out, &nan, 1);
  CHECK(std::isnan(out));
}
