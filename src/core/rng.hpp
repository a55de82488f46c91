// Layerscope's own random numbers, identical on every platform and compiler.
//
// Why not <random>: std::normal_distribution is implementation-defined, and libstdc++ (native) and libc++
// (Emscripten) produce different numbers for the same engine. Same seed, same numbers is a promise here,
// so the generator and the normal transform are ours:
// - bits: xoshiro256** 1.0 (Blackman & Vigna, 2018), its 256-bit state filled by SplitMix64 from the
//   seed and a stream number (so inputs, each layer's weights and the upstream gradient have streams of
//   their own and changing the depth does not change the input);
// - uniform doubles: the top 53 bits times 2^-53, in [0, 1);
// - normals: Marsaglia's polar method, with a logarithm of our own built from +, -, *, / only (IEEE
//   exact operations, compiled without FMA contraction), so no libm difference can leak in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <vector>

namespace layerscope {

// Stream numbers: each consumer of random numbers draws from its own stream of the run's seed.
namespace stream {
constexpr std::uint64_t input = 1;
constexpr std::uint64_t upstream = 2;     // random dL/dh_L, or MSE targets, or class labels
constexpr std::uint64_t warmup = 3;       // eval mode: the batches that fill running statistics
constexpr std::uint64_t output_layer = 4; // cross-entropy output weights
constexpr std::uint64_t batches = 5;      // training: the order of the training images
constexpr std::uint64_t gradcheck = 6;    // the entries the gradient check samples
constexpr std::uint64_t weights(int layer) { return 0x100000000ull + std::uint64_t(layer); }
// bn_noise: the noise of `layer` at training step `step`, a stream of its own, so that any forward pass of
// that step (the run's, a probe's copy, the gradient check's tail) draws the same noise.
constexpr std::uint64_t bn_noise(long step, int layer) {
  return (std::uint64_t(2) << 56) | (std::uint64_t(step) << 12) | std::uint64_t(layer);
}
}  // namespace stream

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream_id);
  std::uint64_t next_u64();
  double uniform();                   // [0, 1)
  double normal();                    // N(0, 1)
  std::uint32_t below(std::uint32_t n);  // uniform integer in [0, n)

 private:
  std::uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0;
};

// ln(x) for finite x > 0 from basic arithmetic only: bit-identical everywhere (within 2 ulp of the true
// value, checked against std::log in the tests).
double portable_log(double x);

// out[i] = stddev * N(0,1), in order i = 0..n-1, computed in double and rounded once to Scalar.
template <typename Scalar>
void fill_normal(Rng& rng, Scalar* out, std::size_t n, double stddev);
// out[i] = U(-bound, bound).
template <typename Scalar>
void fill_uniform(Rng& rng, Scalar* out, std::size_t n, double bound);

// Draws remembered from one network to the next. The first n values of a stream are the same whatever n
// is, so the cache keeps, per (seed, stream, distribution), the longest prefix drawn so far and the
// generator's state after it. The page builds a new network on every change of a setting, and drawing
// is most of that (400k normals, blog-bn's input, weights and upstream gradient: about 9 ms in wasm); with
// the cache only a new seed, or a stream longer than before, draws again. The values are the very doubles
// the generator returns, so a network built through the cache is bit-identical to one built without.
// Bounded: once the values held pass `capacity`, the least recently used streams are dropped.
class DrawCache {
 public:
  enum class Kind { normal, uniform };  // Rng::normal() or Rng::uniform()
  explicit DrawCache(std::size_t capacity = std::size_t(1) << 20);  // values (doubles): 8 MiB
  // The first n draws of stream (seed, stream_id); valid until the next call. n > capacity: nullptr.
  const double* draws(Kind kind, std::uint64_t seed, std::uint64_t stream_id, std::size_t n);
  std::size_t held() const { return held_; }  // values in the cache

 private:
  struct Entry {
    Kind kind;
    std::uint64_t seed, stream_id;
    Rng rng;  // the state after values.size() draws
    std::vector<double> values;
  };
  std::size_t capacity_, held_ = 0;
  std::list<Entry> entries_;  // most recently used first
};

// fill_normal / fill_uniform of a fresh Rng(seed, stream_id), through the cache when there is one.
template <typename Scalar>
void fill_normal(DrawCache* cache, std::uint64_t seed, std::uint64_t stream_id, Scalar* out, std::size_t n,
                 double stddev);
template <typename Scalar>
void fill_uniform(DrawCache* cache, std::uint64_t seed, std::uint64_t stream_id, Scalar* out, std::size_t n,
                  double bound);

}  // namespace layerscope
