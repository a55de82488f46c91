// Compiled with -ffp-contract=off (see CMakeLists.txt): a fused multiply-add would round differently.
#include "rng.hpp"

#include <cmath>
#include <cstring>

namespace layerscope {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t stream_id) {
  // Mix the stream into the seed through one SplitMix64 step, then fill the state from that key.
  std::uint64_t key = seed ^ (stream_id * 0xD1B54A32D192ED03ull);
  splitmix64(key);
  for (auto& word : s_) word = splitmix64(key);
}

std::uint64_t Rng::next_u64() {
  // xoshiro256** 1.0
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return double(next_u64() >> 11) * 0x1.0p-53; }

std::uint32_t Rng::below(std::uint32_t n) {
  // Multiply-shift (Lemire): bias below 2^-32 * n, irrelevant for labels.
  return std::uint32_t(((next_u64() >> 32) * std::uint64_t(n)) >> 32);
}

double Rng::normal() {
  // Marsaglia polar method: for (u, v) uniform in the unit disc, s = u^2 + v^2,
  // u * sqrt(-2 ln s / s) and v * sqrt(-2 ln s / s) are two independent N(0,1) values.
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * portable_log(s) / s);  // sqrt is correctly rounded (IEEE 754)
  spare_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

double portable_log(double x) {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln x = e ln 2 + ln m and
  // ln m = 2 atanh(t) = 2 (t + t^3/3 + t^5/5 + ...), t = (m - 1)/(m + 1), |t| <= 0.1716.
  // Terms up to t^25 bring the truncation error below 1e-19 relative. Subnormal x never occurs here
  // (s >= 2^-104 in the polar method) but is scaled up to stay correct.
  int e = 0;
  if (x < 0x1.0p-1022) {
    x *= 0x1.0p54;
    e = -54;
  }
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  e += int((bits >> 52) & 0x7ff) - 1023;
  bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;  // m in [1, 2)
  double m;
  std::memcpy(&m, &bits, sizeof m);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const double t = (m - 1.0) / (m + 1.0);
  const double t2 = t * t;
  double series = 1.0 / 25.0;
  for (int k = 23; k >= 1; k -= 2) series = 1.0 / k + t2 * series;
  const double ln2_hi = 0.6931471803691238;      // ln 2 split so e * ln2_hi is exact for |e| < 2^11
  const double ln2_lo = 1.9082149292705877e-10;
  return (double(e) * ln2_hi + 2.0 * t * series) + double(e) * ln2_lo;
}

namespace {
// Where a draw becomes a value, for the fills from a generator and from a DrawCache alike (so both round
// the same): stddev z rounded once to Scalar, and U(-bound, bound) from u in [0, 1).
template <typename Scalar> Scalar scaled_normal(double z, double stddev) { return Scalar(stddev * z); }
template <typename Scalar> Scalar scaled_uniform(double u, double bound) { return Scalar(bound * (2.0 * u - 1.0)); }
}  // namespace

template <typename Scalar>
void fill_normal(Rng& rng, Scalar* out, std::size_t n, double stddev) {
  for (std::size_t i = 0; i < n; ++i) out[i] = scaled_normal<Scalar>(rng.normal(), stddev);
}

template <typename Scalar>
void fill_uniform(Rng& rng, Scalar* out, std::size_t n, double bound) {
  for (std::size_t i = 0; i < n; ++i) out[i] = scaled_uniform<Scalar>(rng.uniform(), bound);
}

DrawCache::DrawCache(std::size_t capacity) : capacity_(capacity) {}

const double* DrawCache::draws(Kind kind, std::uint64_t seed, std::uint64_t stream_id, std::size_t n) {
  if (n > capacity_) return nullptr;
  auto it = entries_.begin();
  while (it != entries_.end() && !(it->kind == kind && it->seed == seed && it->stream_id == stream_id)) ++it;
  if (it == entries_.end()) {
    entries_.push_front(Entry{kind, seed, stream_id, Rng(seed, stream_id), {}});
  } else if (it != entries_.begin()) {
    entries_.splice(entries_.begin(), entries_, it);  // most recently used first
  }
  Entry& entry = entries_.front();
  if (entry.values.size() < n) {  // extend the prefix from where the generator stopped
    held_ += n - entry.values.size();
    entry.values.reserve(n);
    while (entry.values.size() < n)
      entry.values.push_back(kind == Kind::normal ? entry.rng.normal() : entry.rng.uniform());
  }
  while (held_ > capacity_) {  // drop the least recently used (never the front, which fits on its own)
    held_ -= entries_.back().values.size();
    entries_.pop_back();
  }
  return entry.values.data();
}

// The first n draws of stream (seed, stream_id), each turned into a value: from the cache when it holds
// them, else from a fresh generator.
template <typename Scalar, typename Value>
void fill_drawn(DrawCache* cache, DrawCache::Kind kind, std::uint64_t seed, std::uint64_t stream_id, Scalar* out,
                std::size_t n, Value value) {
  if (const double* cached = cache ? cache->draws(kind, seed, stream_id, n) : nullptr) {
    for (std::size_t i = 0; i < n; ++i) out[i] = value(cached[i]);
    return;
  }
  Rng rng(seed, stream_id);
  for (std::size_t i = 0; i < n; ++i) out[i] = value(kind == DrawCache::Kind::normal ? rng.normal() : rng.uniform());
}

template <typename Scalar>
void fill_normal(DrawCache* cache, std::uint64_t seed, std::uint64_t stream_id, Scalar* out, std::size_t n,
                 double stddev) {
  fill_drawn(cache, DrawCache::Kind::normal, seed, stream_id, out, n,
             [stddev](double z) { return scaled_normal<Scalar>(z, stddev); });
}

template <typename Scalar>
void fill_uniform(DrawCache* cache, std::uint64_t seed, std::uint64_t stream_id, Scalar* out, std::size_t n,
                  double bound) {
  fill_drawn(cache, DrawCache::Kind::uniform, seed, stream_id, out, n,
             [bound](double u) { return scaled_uniform<Scalar>(u, bound); });
}

template void fill_normal<float>(DrawCache*, std::uint64_t, std::uint64_t, float*, std::size_t, double);
template void fill_normal<double>(DrawCache*, std::uint64_t, std::uint64_t, double*, std::size_t, double);
template void fill_uniform<float>(DrawCache*, std::uint64_t, std::uint64_t, float*, std::size_t, double);
template void fill_uniform<double>(DrawCache*, std::uint64_t, std::uint64_t, double*, std::size_t, double);
template void fill_normal<float>(Rng&, float*, std::size_t, double);
template void fill_normal<double>(Rng&, double*, std::size_t, double);
template void fill_uniform<float>(Rng&, float*, std::size_t, double);
template void fill_uniform<double>(Rng&, double*, std::size_t, double);

}  // namespace layerscope
