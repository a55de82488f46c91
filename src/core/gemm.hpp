// A small single-precision matrix product for the shapes this project runs (100 x 100 times 100 x 1000),
// written for WebAssembly SIMD128, where Eigen 3.4 has no packet math (docs/toolchain.md). The same source
// compiles natively (GCC/Clang vector extensions), which is how the tests check it.
//
// Layout: column-major throughout, as the rest of the core (features x samples, one column per sample).
//   C (m x n) = A (m x k) * B (k x n), C overwritten.
//   A(i, p) = a[i * a_row + p * a_col]   (a_row = 1, a_col = lda: A as stored; a_row = lda, a_col = 1: A^T)
//   B(p, j) = b[p * b_row + j * b_col]   (same convention)
// A and B are read in place where their strides already give the kernel's layout (A column-major, B^T
// column-major) and copied into packed panels otherwise (gemm.cpp).
#pragma once

#include <cstddef>

namespace layerscope {

void gemm_f32(int m, int n, int k, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b,
              std::ptrdiff_t b_row, std::ptrdiff_t b_col, float* c, std::ptrdiff_t ldc);

}  // namespace layerscope
