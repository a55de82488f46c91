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
// Relaxed SIMD (the wasm build layerscope_wasm_relaxed): a fused multiply-add needs no register for the
// product, so 8 x 6 tiles fit (12 accumulators, 2 of A, 1 broadcast): 48-51 GFLOP/s against 46-47 for
// 8 x 5, and about 40 for the SIMD128 build's mul + add (Node 20 --experimental-wasm-relaxed-simd).
#if defined(__AVX512F__)
#define LAYERSCOPE_GEMM_DEFAULTS 16, 3, 8
#elif defined(__wasm_relaxed_simd__)
#define LAYERSCOPE_GEMM_DEFAULTS 4, 2, 6
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


// C tile (MV kLanes rows x NR columns) = (accumulate ? C tile : 0) + A panel (MV kLanes x k) * B panel (k x NR).
// For each p the kernel reads MV kLanes consecutive floats at ap and NR consecutive floats at bp, then steps
// ap by a_step and bp by b_step: a packed panel has a_step = MV kLanes (b_step = NR), a panel read in place
// has the matrix's own stride. rows <= MV kLanes rows of the tile are real; the rest are A's zero padding.
// Every load is at a constant offset from one of two pointers.
// Each instance is its own non-inlined function: V8 optimizes a wasm function only between calls, so a
// hot loop must not sit inside a function that runs once.
// Vectors of 4, 8 or 16 floats, and the broadcast spelled out: `V{} + x` made the wasm kernels run at 26
// instead of 36-39 GFLOP/s.
template <int L> struct Lanes;
// madd(acc, a, b) = acc + a b. Relaxed SIMD's f32x4.relaxed_madd lets the engine fuse it (one FMA where
// the CPU has one) or round twice: either is within the float tolerance every product is tested to.
// Clang 14 (Emscripten 3.1.6) knows the instruction only by its prototype name, __builtin_wasm_fma_f32x4,
// and emits the prototype's opcode (0xfd 0xaf); src/wasm/relaxed_opcodes.mjs rewrites it after linking to
// the standard relaxed_madd (0xfd 0x105), which computes a * b + c of its operands (a, b, c) in order: the
// call below is written for that meaning.
template <> struct Lanes<4> {
  typedef float V __attribute__((vector_size(16)));
  static V splat(float x) { return V{x, x, x, x}; }
#if defined(__wasm_relaxed_simd__)
  static V madd(V acc, V a, V b) { return __builtin_wasm_fma_f32x4(a, b, acc); }
#else
  static V madd(V acc, V a, V b) { return acc + a * b; }
#endif
};
template <> struct Lanes<8> {
  typedef float V __attribute__((vector_size(32)));
  static V splat(float x) { return V{x, x, x, x, x, x, x, x}; }
  static V madd(V acc, V a, V b) { return acc + a * b; }
};
template <> struct Lanes<16> {
  typedef float V __attribute__((vector_size(64)));
  static V splat(float x) { return V{x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }
  static V madd(V acc, V a, V b) { return acc + a * b; }
};

template <int L, int MV, int NR>
__attribute__((noinline)) void micro_kernel(int k, const float* ap, std::ptrdiff_t a_step, const float* bp,
                                            std::ptrdiff_t b_step, float* c, std::ptrdiff_t ldc, int rows,
                                            bool accumulate) {
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
  for (const float* const a_end = ap + std::ptrdiff_t(k) * a_step; ap != a_end;) {
    V av[MV];
    for (int v = 0; v < MV; ++v) av[v] = load(ap + L * v);
    for (int j = 0; j < NR; ++j) {
      const float x = bp[j];
      const V bv = Lanes<L>::splat(x);
      for (int v = 0; v < MV; ++v) acc[v][j] = Lanes<L>::madd(acc[v][j], av[v], bv);
    }
    ap += a_step;
    bp += b_step;
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

using Kernel = void (*)(int, const float*, std::ptrdiff_t, const float*, std::ptrdiff_t, float*, std::ptrdiff_t, int, bool);

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
  // A is read in place where each p's panel rows already sit side by side (A stored column-major, a_row = 1:
  // W in W h, dz in dz h^T) and the panel is whole vectors (no padding to read past the matrix); otherwise
  // (W^T, the last rows of an odd height) the panel is packed. B is read in place where each p's tile
  // columns are neighbours (b_col = 1: h^T in dz h^T); a column-major B (h, dz) is packed tile by tile.
  // Reading in place saves the copies: about half of the 420k floats per layer that packing moved.
  const auto in_place = [&](const Panel& panel) { return a_row == 1 && panel.rows == panel.height(); };
  int packed_rows = 0;
  for (int i0 = 0; i0 < m;) {
    const Panel panel = panel_at(i0, m);
    if (!in_place(panel)) packed_rows += panel.height();
    i0 += panel.rows;
  }
  const bool b_in_place = b_col == 1;
  // Grow to the largest blocks once, then are reused: no allocation per product.
  static thread_local std::vector<float> packed, packed_b;
  packed.resize(std::size_t(packed_rows) * std::size_t(std::min(k, kDepthBlock)));
  if (!b_in_place) packed_b.resize(std::size_t(kTileCols) * std::size_t(std::min(k, kDepthBlock)));

  for (int p0 = 0; p0 < k; p0 += kDepthBlock) {
    const int kc = std::min(kDepthBlock, k - p0);
    // Pack the panels of A(:, p0 : p0 + kc) that are not read in place: for each p the panel's rows side
    // by side, zero padded.
    float* dst = packed.data();
    for (int i0 = 0; i0 < m;) {
      const Panel panel = panel_at(i0, m);
      const int rows = panel.rows, height = panel.height();
      if (!in_place(panel)) {
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
      const float* src = b + p0 * b_row + j0 * b_col;
      const float* bp = src;
      std::ptrdiff_t b_step = b_row;
      if (!b_in_place) {
        // Pack B(p0 : p0 + kc, j0 : j0 + cols): for each p the tile's columns side by side. p outer: the
        // writes stay sequential (strided writes were most of the packing time natively).
        float* out = packed_b.data();
        if (b_row == 1 && cols == kTileCols) {
          // The common case (B = h or dz, column-major, a whole tile): one pointer per column and a
          // compile-time trip count, so each p is kTileCols plain loads and stores.
          const float* column[kTileCols];
          for (int j = 0; j < kTileCols; ++j) column[j] = src + j * b_col;
          for (int p = 0; p < kc; ++p, out += kTileCols)
            for (int j = 0; j < kTileCols; ++j) out[j] = column[j][p];
        } else {
          for (int p = 0; p < kc; ++p, out += cols)
            for (int j = 0; j < cols; ++j) out[j] = src[p * b_row + j * b_col];
        }
        bp = packed_b.data();
        b_step = cols;
      }
      const float* ap = packed.data();
      for (int i0 = 0; i0 < m;) {
        const Panel panel = panel_at(i0, m);
        const auto& table = panel.lanes == kLanes ? kernels[std::size_t(panel.vectors - 1)]
                                                  : narrow_kernels[std::size_t(panel.vectors - 1)];
        const Kernel kernel = table[std::size_t(cols - 1)];
        float* ct = c + i0 + j0 * ldc;
        if (in_place(panel)) {
          kernel(kc, a + i0 + std::ptrdiff_t(p0) * a_col, a_col, bp, b_step, ct, ldc, panel.rows, accumulate);
        } else {
          kernel(kc, ap, panel.height(), bp, b_step, ct, ldc, panel.rows, accumulate);
          ap += std::size_t(panel.height()) * std::size_t(kc);
        }
        i0 += panel.rows;
      }
    }
  }
}

}  // namespace layerscope
