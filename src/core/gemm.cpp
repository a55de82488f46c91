#include "gemm.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

// Register blocking: a tile of (kPanelVectors x kLanes) rows by kTileCols columns of C lives in vector
// registers while the K loop runs; each step loads one packed column piece of A and broadcasts one value of
// B per tile column (v128.load32_splat in wasm).
// WebAssembly SIMD128 (and plain SSE): V8 on x86-64 (Node 20) uses xmm0-14 (xmm15 is its scratch). Measured
// on the blog's 100 x 100 x 1000 products: 8 x 5 tiles run at 36-37 GFLOP/s (41-42 with the loop below
// running on the A pointer), 8 x 4 at 35, while 12 x 4, 16 x 3 and 8 x 6 spill and drop to 26. V8 adds a
// stack check and two address zero-extensions to every iteration (about 35 instructions for 80 flops);
// unrolling the K loop, in C++ or in hand-written wasm, only made V8 hoist all the loads and spill (32-34).
// Eigen's SSE path compiled to wasm: about 22.
// AVX-512 (32 registers of 16 floats): 48 x 8 and 64 x 6 tiles run at 79-83 GFLOP/s natively on all three
// products, where Eigen gives 80 for W h and W^T dz but 51-54 for dz h^T.
#if defined(__AVX512F__)
#define LAYERSCOPE_GEMM_DEFAULTS 16, 3, 8
#elif defined(__AVX__)
#define LAYERSCOPE_GEMM_DEFAULTS 8, 3, 4
#else
#define LAYERSCOPE_GEMM_DEFAULTS 4, 2, 5
#endif
#ifndef LAYERSCOPE_GEMM_SHAPE  // lanes per vector, vectors per panel (tile rows / lanes), tile columns
#define LAYERSCOPE_GEMM_SHAPE LAYERSCOPE_GEMM_DEFAULTS
#endif

namespace layerscope {
namespace {

constexpr int kShape[3] = {LAYERSCOPE_GEMM_SHAPE};
constexpr int kLanes = kShape[0];  // floats per vector: 4 in wasm SIMD128

constexpr int kPanelVectors = kShape[1];
constexpr int kPanelRows = kLanes * kPanelVectors;
constexpr int kTileCols = kShape[2];
// K is cut into blocks so that a packed panel block of A and the B values it meets stay in L1.
constexpr int kDepthBlock = 256;


// C tile (MV kLanes rows x NR columns) = (accumulate ? C tile : 0) + A panel (MV kLanes x k, packed: MV kLanes
// floats per p) * B panel (k x NR, packed: NR floats per p). rows <= MV kLanes rows of the tile are real; the
// rest are A's zero padding. Both panels packed means every load is at a constant offset from one of two pointers.
// Each instance is its own non-inlined function: V8 optimizes a wasm function only between calls, so a
// hot loop must not sit inside a function that runs once.
// Vectors of 4, 8 or 16 floats, and the broadcast spelled out: `V{} + x` made the wasm kernels run at 26
// instead of 36-39 GFLOP/s.
template <int L> struct Lanes;
template <> struct Lanes<4> {
  typedef float V __attribute__((vector_size(16)));
  static V splat(float x) { return V{x, x, x, x}; }
};
template <> struct Lanes<8> {
  typedef float V __attribute__((vector_size(32)));
  static V splat(float x) { return V{x, x, x, x, x, x, x, x}; }
};
template <> struct Lanes<16> {
  typedef float V __attribute__((vector_size(64)));
  static V splat(float x) { return V{x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }
};

template <int L, int MV, int NR>
__attribute__((noinline)) void micro_kernel(int k, const float* ap, const float* bp, float* c, std::ptrdiff_t ldc,
                                            int rows, bool accumulate) {
  typedef typename Lanes<L>::V V;
  // Unaligned vector loads and stores (memcpy compiles to one instruction).
  const auto load = [](const float* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  const auto store = [](float* p, V v) { std::memcpy(p, &v, sizeof v); };
  V acc[MV][NR];
  for (int v = 0; v < MV; ++v)
    for (int j = 0; j < NR; ++j) acc[v][j] = V{};
  // The loop runs until ap reaches its end rather than on a counter: one induction variable fewer in
  // V8's loop (which also checks the stack and zero-extends each address every iteration): 39.7 -> 41.6
  // GFLOP/s on W h in Node 20.
  for (const float* const a_end = ap + std::ptrdiff_t(k) * L * MV; ap != a_end;) {
    V av[MV];
    for (int v = 0; v < MV; ++v) av[v] = load(ap + L * v);
    for (int j = 0; j < NR; ++j) {
      const float x = bp[j];
      const V bv = Lanes<L>::splat(x);
      for (int v = 0; v < MV; ++v) acc[v][j] += av[v] * bv;
    }
    ap += L * MV;
    bp += NR;
  }
  if (rows == L * MV) {
    for (int j = 0; j < NR; ++j)
      for (int v = 0; v < MV; ++v) {
        float* cp = c + j * ldc + L * v;
        store(cp, accumulate ? load(cp) + acc[v][j] : acc[v][j]);
      }
    return;
  }
  float tile[L * MV];
  for (int j = 0; j < NR; ++j) {
    for (int v = 0; v < MV; ++v) store(tile + L * v, acc[v][j]);
    float* cp = c + j * ldc;
    for (int i = 0; i < rows; ++i) cp[i] = accumulate ? cp[i] + tile[i] : tile[i];
  }
}

using Kernel = void (*)(int, const float*, const float*, float*, std::ptrdiff_t, int, bool);

template <int L, int MV, int... NR>
constexpr auto kernel_row(std::integer_sequence<int, NR...>) {
  return std::array<Kernel, sizeof...(NR)>{&micro_kernel<L, MV, NR + 1>...};
}
template <int L, int... MV>
constexpr auto kernel_table(std::integer_sequence<int, MV...>) {
  return std::array<std::array<Kernel, kTileCols>, sizeof...(MV)>{
      kernel_row<L, MV + 1>(std::make_integer_sequence<int, kTileCols>())...};
}
// kernels[mv - 1][nr - 1]: whole vectors of kLanes; narrow_kernels: 4-float vectors for the last rows when
// kLanes is wider (100 rows = 2 x 48 + 4: a 16-float tail would compute 16 rows for 4).
const auto kernels = kernel_table<kLanes>(std::make_integer_sequence<int, kPanelVectors>());
const auto narrow_kernels = kernel_table<4>(std::make_integer_sequence<int, kLanes / 4>());

// The row panel starting at row i0 of m: full panels of kPanelRows, then whole kLanes vectors, then the
// last rows (fewer than kLanes) in 4-float vectors, zero padded to a multiple of 4.
struct Panel {
  int rows, lanes, vectors;
  int height() const { return lanes * vectors; }
};
Panel panel_at(int i0, int m) {
  const int left = m - i0;
  if (left >= kPanelRows) return {kPanelRows, kLanes, kPanelVectors};
  if (left >= kLanes) return {left / kLanes * kLanes, kLanes, left / kLanes};
  return {left, 4, (left + 3) / 4};
}

}  // namespace

void gemm_f32(int m, int n, int k, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b,
              std::ptrdiff_t b_row, std::ptrdiff_t b_col, float* c, std::ptrdiff_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (int j = 0; j < n; ++j) std::fill(c + j * ldc, c + j * ldc + m, 0.0f);
    return;
  }
  int padded_rows = 0;
  for (int i0 = 0; i0 < m;) {
    const Panel panel = panel_at(i0, m);
    padded_rows += panel.height();
    i0 += panel.rows;
  }
  // Grow to the largest blocks once, then are reused: no allocation per product.
  static thread_local std::vector<float> packed, packed_b;
  packed.resize(std::size_t(padded_rows) * std::size_t(std::min(k, kDepthBlock)));
  packed_b.resize(std::size_t(kTileCols) * std::size_t(std::min(k, kDepthBlock)));

  for (int p0 = 0; p0 < k; p0 += kDepthBlock) {
    const int kc = std::min(kDepthBlock, k - p0);
    // Pack A(:, p0 : p0 + kc): panel by panel, for each p the panel's rows side by side, zero padded.
    float* dst = packed.data();
    for (int i0 = 0; i0 < m;) {
      const Panel panel = panel_at(i0, m);
      const int rows = panel.rows, height = panel.height();
      if (a_row == 1 && rows == kPanelRows) {
        // A as stored (dz in the dL/dW product: 100 x 1000), a whole panel: each p is one fixed-size copy
        // (vector loads and stores), not a loop over a run-time row count.
        for (int p = 0; p < kc; ++p, dst += kPanelRows)
          std::memcpy(dst, a + i0 + std::ptrdiff_t(p0 + p) * a_col, sizeof(float) * kPanelRows);
      } else {
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
      i0 += rows;
    }
    const bool accumulate = p0 > 0;
    for (int j0 = 0; j0 < n; j0 += kTileCols) {
      const int cols = std::min(kTileCols, n - j0);
      // Pack B(p0 : p0 + kc, j0 : j0 + cols): for each p the tile's columns side by side.
      const float* src = b + p0 * b_row + j0 * b_col;
      float* bp = packed_b.data();
      // p outer: the writes stay sequential (strided writes were most of the packing time natively).
      if (b_row == 1 && cols == kTileCols) {
        // The common case (B = h or dz, column-major, a whole tile): one pointer per column and a
        // compile-time trip count, so each p is kTileCols plain loads and stores.
        const float* column[kTileCols];
        for (int j = 0; j < kTileCols; ++j) column[j] = src + j * b_col;
        for (int p = 0; p < kc; ++p, bp += kTileCols)
          for (int j = 0; j < kTileCols; ++j) bp[j] = column[j][p];
      } else if (b_col == 1 && cols == kTileCols) {
        // B = h^T (the dL/dW product): each p's tile columns are kTileCols neighbours in memory.
        for (int p = 0; p < kc; ++p, bp += kTileCols, src += b_row)
          for (int j = 0; j < kTileCols; ++j) bp[j] = src[j];
      } else {
        for (int p = 0; p < kc; ++p, bp += cols)
          for (int j = 0; j < cols; ++j) bp[j] = src[p * b_row + j * b_col];
      }
      const float* ap = packed.data();
      for (int i0 = 0; i0 < m;) {
        const Panel panel = panel_at(i0, m);
        const auto& table = panel.lanes == kLanes ? kernels[std::size_t(panel.vectors - 1)]
                                                  : narrow_kernels[std::size_t(panel.vectors - 1)];
        table[std::size_t(cols - 1)](kc, ap, packed_b.data(), c + i0 + j0 * ldc, ldc, panel.rows, accumulate);
        ap += std::size_t(panel.height()) * std::size_t(kc);
        i0 += panel.rows;
      }
    }
  }
}

}  // namespace layerscope
