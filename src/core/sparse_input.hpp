// Layer 1 of a network whose input is mostly zeros: binarized MNIST has about 19% of its pixels on, and
// layer 1 (784 x 100 of the Figure 1 net) carries about 70% of a training step's multiply-adds.
//
// Layout as everywhere: x is I x N, one column per sample; W is F x I; dz = dL/dz is F x N.
//   forward:  z(:, n) = sum_j W(:, j) x(j, n)     over the j with x(j, n) != 0
//   backward: dW(:, j) = sum_n dz(:, n) x(j, n)   over the n with x(j, n) != 0    (dW = dz x^T)
// Both are sums of whole columns (of W, of dz) picked by the nonzeros, so the work is nnz(x) * F instead
// of I * N * F. dL/dx = W^T dz is not sparse and training never needs it (Network::backward skips it).
// A zero x(j, n) contributes nothing even where W(:, j) is not finite: a sparse product cannot see 0 * inf.
//
// Summation order: the sums run over j (forward) and n (backward) in increasing order, one sequential sum
// per output, the same code in every build. For inputs of 0 and 1 every product is exact, so dW equals
// gemm_f32's dz h^T (which also sums over n in order) bit for bit, and z differs from it only in how the
// 784 terms are grouped (gemm_f32 adds them in blocks of 256).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <Eigen/Core>

namespace layerscope {

// The nonzeros of an I x N matrix, by column (for the forward sum) and, built on demand, by row (for dW).
template <typename S>
struct SparseInput {
  int rows = 0, cols = 0;
  bool unit_values = true;             // every nonzero is exactly 1 (binary images): no multiplies needed
  std::vector<int> column_start;       // cols + 1: the nonzeros of column n are [column_start[n], column_start[n+1])
  std::vector<int> row_of;             // nnz: their rows, increasing within a column
  std::vector<S> column_value;         // nnz
  std::vector<int> row_start;          // rows + 1, by_rows() only: row j's nonzeros
  std::vector<int> column_of;          // nnz: their columns, increasing within a row
  std::vector<S> row_value;            // nnz
  int nonzeros() const { return column_start.empty() ? 0 : column_start.back(); }
};

// The sparse path pays only where it beats the dense product. bench/train_bench.cpp's layer-1 table
// (784 x 100, batch 60, zeros placed at random, native AVX-512, CPU time) has them even near 0.7 zeros
// (198 against 209 us) and sparse 1.4x faster at 0.81; in wasm the dense product is about twice as slow
// relative to native, so 0.75 errs on the dense side there. Binarized MNIST batches have about 0.86.
constexpr double sparse_input_min_zero_fraction = 0.75;

namespace sparse_detail {

// Bytes per vector: 16 in wasm SIMD128 (and plain SSE), 32 with AVX. Written with vector types: given a
// plain loop over the rows, GCC 12 vectorized over the nonzeros instead (gathers and spills: 4x slower).
#if defined(__AVX__)
constexpr int vector_bytes = 32;
#else
constexpr int vector_bytes = 16;
#endif

// out[0..NV lanes) = sum_k column(index[k])[...] * value[k] (+ bias[...]), columns `ld` apart, the first at
// m: NV vectors of rows at a time, so that the accumulators stay in registers while the nonzeros stream
// by. The bias comes last, as linear_forward adds it after the product. Each instance is its own
// non-inlined function (V8 optimizes a wasm function only between its calls).
template <int NV, int VB, bool Unit, typename S>
__attribute__((noinline)) void add_columns_block(S* __restrict out, const S* __restrict m, std::ptrdiff_t ld,
                                                 const int* __restrict index, const S* __restrict value, int count,
                                                 const S* __restrict bias) {
  typedef S V __attribute__((vector_size(VB)));
  constexpr int L = int(sizeof(V) / sizeof(S));
  const auto load = [](const S* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  V acc[NV];
  for (int v = 0; v < NV; ++v) acc[v] = V{};
  for (int k = 0; k < count; ++k) {
    const S* __restrict col = m + std::ptrdiff_t(index[k]) * ld;
    if constexpr (Unit) {
      for (int v = 0; v < NV; ++v) acc[v] += load(col + L * v);
    } else {
      const S x = value[k];
      V splat;
      for (int t = 0; t < L; ++t) splat[t] = x;
      for (int v = 0; v < NV; ++v) acc[v] += load(col + L * v) * splat;
    }
  }
  if (bias)
    for (int v = 0; v < NV; ++v) acc[v] += load(bias + L * v);
  for (int v = 0; v < NV; ++v) std::memcpy(out + L * v, &acc[v], sizeof(V));
}

// One row (the last rows of a height that is not a multiple of the vector).
template <bool Unit, typename S>
__attribute__((noinline)) void add_columns_row(S* __restrict out, const S* __restrict m, std::ptrdiff_t ld,
                                               const int* __restrict index, const S* __restrict value, int count,
                                               const S* __restrict bias) {
  S acc = 0;
  for (int k = 0; k < count; ++k) acc += Unit ? m[std::ptrdiff_t(index[k]) * ld] : m[std::ptrdiff_t(index[k]) * ld] * value[k];
  *out = bias ? acc + *bias : acc;
}

// One output column of `rows` rows: blocks of 8, 4, 2, 1 vectors, a 16-byte vector where wider ones
// leave rows, then one row at a time (a scalar pass over every nonzero: to be left for the last 1-3 rows).
template <bool Unit, typename S>
void add_columns(S* out, const S* m, std::ptrdiff_t ld, int rows, const int* index, const S* value, int count,
                 const S* bias) {
  constexpr int L = vector_bytes / int(sizeof(S)), L16 = 16 / int(sizeof(S));
  constexpr int VB = vector_bytes;
  int i = 0;
  const auto at = [&](int row) { return bias ? bias + row : nullptr; };
  for (; i + 8 * L <= rows; i += 8 * L) add_columns_block<8, VB, Unit>(out + i, m + i, ld, index, value, count, at(i));
  if (i + 4 * L <= rows) add_columns_block<4, VB, Unit>(out + i, m + i, ld, index, value, count, at(i)), i += 4 * L;
  if (i + 2 * L <= rows) add_columns_block<2, VB, Unit>(out + i, m + i, ld, index, value, count, at(i)), i += 2 * L;
  if (i + L <= rows) add_columns_block<1, VB, Unit>(out + i, m + i, ld, index, value, count, at(i)), i += L;
  for (; i + L16 <= rows; i += L16) add_columns_block<1, 16, Unit>(out + i, m + i, ld, index, value, count, at(i));
  for (; i < rows; ++i) add_columns_row<Unit>(out + i, m + i, ld, index, value, count, at(i));
}

// x != 0 on the bits: the magnitude bits (all but the sign: -0 is zero too) are not all 0. Integer tests
// vectorize; a float compare also has to rule out NaN (GCC 12: ucomiss, setp, cmov per entry, 3x slower).
template <typename S> struct SameSizeInt;
template <> struct SameSizeInt<float> { using type = std::uint32_t; };
template <> struct SameSizeInt<double> { using type = std::uint64_t; };
template <typename S>
inline typename SameSizeInt<S>::type magnitude_bits(const S* p) {
  typename SameSizeInt<S>::type bits;
  std::memcpy(&bits, p, sizeof bits);
  return bits << 1;
}

// How many entries of x[0..n) are not zero (a flat pass the compiler vectorizes).
template <typename S>
__attribute__((noinline)) std::ptrdiff_t count_nonzeros(const S* __restrict x, std::ptrdiff_t n) {
  std::ptrdiff_t count = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) count += magnitude_bits(x + i) != 0;
  return count;
}

// Appends the nonzeros of one column to rows/values from position k; returns the new end. Groups of 4
// entries: an all-zero group (most of an MNIST image's border) is skipped after one test, the others are
// written branch-free (each entry stored, kept by advancing k). Measured natively on MNIST batches: 23 us
// per 784 x 60 batch, against 34-40 for groups of 8 or 16 or for walking the set bits of a mask.
template <typename S>
__attribute__((noinline)) int gather_column(int* __restrict rows, S* __restrict values, int k,
                                            const S* __restrict x, int n) {
  constexpr int G = 4;
  int i = 0;
  for (; i + G <= n; i += G) {
    typename SameSizeInt<S>::type any = 0;
    for (int t = 0; t < G; ++t) any |= magnitude_bits(x + i + t);
    if (!any) continue;
    for (int t = 0; t < G; ++t) {
      rows[k] = i + t;
      values[k] = x[i + t];
      k += magnitude_bits(x + i + t) != 0;
    }
  }
  for (; i < n; ++i) {
    rows[k] = i;
    values[k] = x[i];
    k += magnitude_bits(x + i) != 0;
  }
  return k;
}

}  // namespace sparse_detail

// Fills `out` with the nonzeros of x (by column) and returns true when at least `min_zero_fraction` of
// x's entries are zero; otherwise returns false and leaves `out` empty. An empty x counts as dense.
template <typename S>
bool gather_sparse_input(SparseInput<S>& out, const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& x,
                         double min_zero_fraction = sparse_input_min_zero_fraction) {
  const std::ptrdiff_t size = x.size();
  out.rows = int(x.rows()), out.cols = int(x.cols());
  out.column_start.clear();
  out.row_start.clear();
  if (size == 0) return false;
  const std::ptrdiff_t nnz = sparse_detail::count_nonzeros(x.data(), size);
  if (double(size - nnz) < min_zero_fraction * double(size)) return false;
  // Room for one entry past the last nonzero (gather_column writes each entry before it decides to keep it).
  out.row_of.resize(std::size_t(nnz) + 1);
  out.column_value.resize(std::size_t(nnz) + 1);
  out.column_start.resize(std::size_t(out.cols) + 1);
  int k = 0;
  for (int n = 0; n < out.cols; ++n) {
    out.column_start[std::size_t(n)] = k;
    k = sparse_detail::gather_column(out.row_of.data(), out.column_value.data(), k, x.data() + std::ptrdiff_t(n) * out.rows,
                                     out.rows);
  }
  out.column_start[std::size_t(out.cols)] = k;
  out.unit_values = std::all_of(out.column_value.begin(), out.column_value.begin() + k, [](S v) { return v == S(1); });
  return true;
}

// The same nonzeros by row (a counting sort of the column lists): what dW = dz x^T sums over.
template <typename S>
void sparse_input_by_rows(SparseInput<S>& s) {
  const int nnz = s.nonzeros();
  s.row_start.assign(std::size_t(s.rows) + 1, 0);
  for (int k = 0; k < nnz; ++k) ++s.row_start[std::size_t(s.row_of[std::size_t(k)]) + 1];
  for (int j = 0; j < s.rows; ++j) s.row_start[std::size_t(j) + 1] += s.row_start[std::size_t(j)];
  s.column_of.resize(std::size_t(nnz));
  s.row_value.resize(std::size_t(nnz));
  std::vector<int> next(s.row_start.begin(), s.row_start.end() - 1);
  for (int n = 0; n < s.cols; ++n)  // columns in order: each row's list comes out increasing in n
    for (int k = s.column_start[std::size_t(n)]; k < s.column_start[std::size_t(n) + 1]; ++k) {
      const int at = next[std::size_t(s.row_of[std::size_t(k)])]++;
      s.column_of[std::size_t(at)] = n;
      s.row_value[std::size_t(at)] = s.column_value[std::size_t(k)];
    }
}

template <typename S>
void sparse_linear_forward(Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& out, const SparseInput<S>& x,
                           const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& weight,
                           const Eigen::Matrix<S, Eigen::Dynamic, 1>* bias) {
  // out: F x N, x: I x N (sparse), weight: F x I, bias: F (or null)
  // z(:, n) = b + sum over x(j, n) != 0 of W(:, j) x(j, n)
  const int F = int(weight.rows());
  out.resize(F, x.cols);
  const S* b = bias ? bias->data() : nullptr;
  for (int n = 0; n < x.cols; ++n) {
    const int begin = x.column_start[std::size_t(n)], count = x.column_start[std::size_t(n) + 1] - begin;
    S* column = out.data() + std::ptrdiff_t(n) * F;
    if (x.unit_values)
      sparse_detail::add_columns<true>(column, weight.data(), F, F, x.row_of.data() + begin, x.column_value.data() + begin, count, b);
    else
      sparse_detail::add_columns<false>(column, weight.data(), F, F, x.row_of.data() + begin, x.column_value.data() + begin, count, b);
  }
}

template <typename S>
void sparse_linear_backward_weight(Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& dweight,
                                   const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& dout,
                                   const SparseInput<S>& x) {
  // dweight: F x I, dout: F x N, x: I x N with its by-row lists (sparse_input_by_rows)
  // dL/dW = dL/dz x^T: dW(:, j) = sum over x(j, n) != 0 of dz(:, n) x(j, n); 0 for a row of x all zero
  const int F = int(dout.rows());
  dweight.resize(F, x.rows);
  for (int j = 0; j < x.rows; ++j) {
    const int begin = x.row_start[std::size_t(j)], count = x.row_start[std::size_t(j) + 1] - begin;
    S* column = dweight.data() + std::ptrdiff_t(j) * F;
    if (count == 0)
      std::fill(column, column + F, S(0));
    else if (x.unit_values)
      sparse_detail::add_columns<true>(column, dout.data(), F, F, x.column_of.data() + begin, x.row_value.data() + begin, count, static_cast<const S*>(nullptr));
    else
      sparse_detail::add_columns<false>(column, dout.data(), F, F, x.column_of.data() + begin, x.row_value.data() + begin, count, static_cast<const S*>(nullptr));
  }
}

}  // namespace layerscope
