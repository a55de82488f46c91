// The hand-written matrix product (gemm.cpp) against a naive triple loop in double, over odd shapes that
// hit every edge of its register tiles (rows not a multiple of 4 or of the panel height, columns not a
// multiple of the tile width, K across the depth-block boundary) and the three stridings the layers use.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gemm.hpp"
#include "rng.hpp"

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
