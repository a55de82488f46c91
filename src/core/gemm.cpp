#include "gemm.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

// Register blocking: a tile of (kPanelVectors x 4) rows by kTileCols columns of C lives in vector
// registers while the K loop runs; each step loads one packed column piece of A and broadcasts one value of
// B per tile column (v128.load32_splat in wasm). V8 on x86-64 (Node 20) keeps about 13 vectors in
// registers: measured for the blog's 100 x 100 x 1000 products, 8 x 5 runs at 36-37 GFLOP/s, 8 x 4 at 35,
// 12 x 4, 16 x 3 and 8 x 6 spill and drop to 26, and unrolling the K loop makes it worse (V8's register
// allocator). Eigen's SSE path compiled to wasm: about 22.
#ifndef LAYERSCOPE_GEMM_PANEL_VECTORS
#define LAYERSCOPE_GEMM_PANEL_VECTORS 2
#endif
#ifndef LAYERSCOPE_GEMM_TILE_COLS
#define LAYERSCOPE_GEMM_TILE_COLS 5
#endif

namespace layerscope {
namespace {

typedef float f32x4 __attribute__((vector_size(16)));

constexpr int kPanelVectors = LAYERSCOPE_GEMM_PANEL_VECTORS;
constexpr int kPanelRows = 4 * kPanelVectors;
constexpr int kTileCols = LAYERSCOPE_GEMM_TILE_COLS;
// K is cut into blocks so that a packed panel block of A and the B values it meets stay in L1.
constexpr int kDepthBlock = 256;

inline f32x4 load(const float* p) {
  f32x4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, f32x4 v) { std::memcpy(p, &v, sizeof v); }

// C tile (4 MV rows x NR columns) = (accumulate ? C tile : 0) + A panel (4 MV x k, packed: 4 MV floats per
// p) * B panel (k x NR, packed: NR floats per p). rows <= 4 MV rows of the tile are real; the rest are A's
// zero padding. Both panels packed means every load is at a constant offset from one of two pointers.
// Each instance is its own non-inlined function: V8 optimizes a wasm function only between calls, so a
// hot loop must not sit inside a function that runs once.
template <int MV, int NR>
__attribute__((noinline)) void micro_kernel(int k, const float* ap, const float* bp, float* c, std::ptrdiff_t ldc,
                                            int rows, bool accumulate) {
  f32x4 acc[MV][NR];
  for (int v = 0; v < MV; ++v)
    for (int j = 0; j < NR; ++j) acc[v][j] = f32x4{0, 0, 0, 0};
  for (int p = 0; p < k; ++p) {
    f32x4 av[MV];
    for (int v = 0; v < MV; ++v) av[v] = load(ap + 4 * v);
    for (int j = 0; j < NR; ++j) {
      const float x = bp[j];
      const f32x4 bv = {x, x, x, x};
      for (int v = 0; v < MV; ++v) acc[v][j] += av[v] * bv;
    }
    ap += 4 * MV;
    bp += NR;
  }
  if (rows == 4 * MV) {
    for (int j = 0; j < NR; ++j)
      for (int v = 0; v < MV; ++v) {
        float* cp = c + j * ldc + 4 * v;
        store(cp, accumulate ? load(cp) + acc[v][j] : acc[v][j]);
      }
    return;
  }
  float tile[4 * MV];
  for (int j = 0; j < NR; ++j) {
    for (int v = 0; v < MV; ++v) store(tile + 4 * v, acc[v][j]);
    float* cp = c + j * ldc;
    for (int i = 0; i < rows; ++i) cp[i] = accumulate ? cp[i] + tile[i] : tile[i];
  }
}

using Kernel = void (*)(int, const float*, const float*, float*, std::ptrdiff_t, int, bool);

template <int MV, int... NR>
constexpr auto kernel_row(std::integer_sequence<int, NR...>) {
  return std::array<Kernel, sizeof...(NR)>{&micro_kernel<MV, NR + 1>...};
}
template <int... MV>
constexpr auto kernel_table(std::integer_sequence<int, MV...>) {
  return std::array<std::array<Kernel, kTileCols>, sizeof...(MV)>{
      kernel_row<MV + 1>(std::make_integer_sequence<int, kTileCols>())...};
}
// kernels[mv - 1][nr - 1]
const auto kernels = kernel_table(std::make_integer_sequence<int, kPanelVectors>());

}  // namespace

void gemm_f32(int m, int n, int k, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b,
              std::ptrdiff_t b_row, std::ptrdiff_t b_col, float* c, std::ptrdiff_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (int j = 0; j < n; ++j) std::fill(c + j * ldc, c + j * ldc + m, 0.0f);
    return;
  }
  // Panels of kPanelRows rows; the last one holds the remaining rows rounded up to a whole vector.
  const int full_panels = m / kPanelRows;
  const int tail_rows = m - full_panels * kPanelRows;
  const int tail_vectors = (tail_rows + 3) / 4;
  const int padded_rows = full_panels * kPanelRows + 4 * tail_vectors;
  // Grow to the largest blocks once, then are reused: no allocation per product.
  static thread_local std::vector<float> packed, packed_b;
  packed.resize(std::size_t(padded_rows) * std::size_t(std::min(k, kDepthBlock)));
  packed_b.resize(std::size_t(kTileCols) * std::size_t(std::min(k, kDepthBlock)));

  for (int p0 = 0; p0 < k; p0 += kDepthBlock) {
    const int kc = std::min(kDepthBlock, k - p0);
    // Pack A(:, p0 : p0 + kc): panel by panel, for each p the panel's rows side by side, zero padded.
    float* dst = packed.data();
    for (int i0 = 0; i0 < m; i0 += kPanelRows) {
      const int rows = std::min(kPanelRows, m - i0), height = i0 + kPanelRows <= m ? kPanelRows : 4 * tail_vectors;
      for (int p = 0; p < kc; ++p) {
        const float* src = a + i0 * a_row + (p0 + p) * a_col;
        int i = 0;
        if (a_row == 1)
          for (; i < rows; ++i) dst[i] = src[i];
        else
          for (; i < rows; ++i) dst[i] = src[i * a_row];
        for (; i < height; ++i) dst[i] = 0.0f;
        dst += height;
      }
    }
    const bool accumulate = p0 > 0;
    for (int j0 = 0; j0 < n; j0 += kTileCols) {
      const int cols = std::min(kTileCols, n - j0);
      // Pack B(p0 : p0 + kc, j0 : j0 + cols): for each p the tile's columns side by side.
      const float* src = b + p0 * b_row + j0 * b_col;
      float* bp = packed_b.data();
      if (b_col == 1)
        for (int p = 0; p < kc; ++p, bp += cols)
          for (int j = 0; j < cols; ++j) bp[j] = src[p * b_row + j];
      else
        for (int j = 0; j < cols; ++j)
          for (int p = 0; p < kc; ++p) packed_b[std::size_t(p * cols + j)] = src[p * b_row + j * b_col];
      const float* ap = packed.data();
      for (int i0 = 0; i0 < m; i0 += kPanelRows) {
        const int rows = std::min(kPanelRows, m - i0);
        const int mv = (rows + 3) / 4;
        kernels[std::size_t(mv - 1)][std::size_t(cols - 1)](kc, ap, packed_b.data(), c + i0 + j0 * ldc, ldc, rows,
                                                            accumulate);
        ap += std::size_t(4 * mv) * std::size_t(kc);
      }
    }
  }
}

}  // namespace layerscope
