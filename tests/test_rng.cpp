// Random numbers: xoshiro256** seeded through SplitMix64 exactly as rng.hpp/rng.cpp document, polar
// normals, and the portable logarithm.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "rng.hpp"

using namespace layerscope;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// An independent reference, written from the published algorithms (Vigna's splitmix64.c and
// xoshiro256starstar.c, https://prng.di.unimi.it/) and rng.cpp's documented seeding:
// key = seed ^ (stream * 0xD1B54A32D192ED03); one SplitMix64 output is discarded; the next four fill s[0..3].
struct ReferenceXoshiro {
  std::uint64_t s[4];
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  static std::uint64_t rotl(const std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  ReferenceXoshiro(std::uint64_t seed, std::uint64_t stream_id) {
    std::uint64_t key = seed ^ (stream_id * 0xD1B54A32D192ED03ull);
    splitmix64(key);
    for (auto& word : s) word = splitmix64(key);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  // Marsaglia's polar method with the library's std::log: agrees with Rng::normal to rounding.
  bool has_spare = false;
  double spare = 0;
  double normal() {
    if (has_spare) {
      has_spare = false;
      return spare;
    }
    double u, v, s2;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s2 = u * u + v * v;
    } while (s2 >= 1.0 || s2 == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s2) / s2);
    spare = v * factor;
    has_spare = true;
    return u * factor;
  }
};

// Distance in units in the last place between two finite doubles of the same sign.
std::int64_t ulp_distance(double a, double b) {
  if (a == b) return 0;
  std::int64_t ia, ib;
  std::memcpy(&ia, &a, sizeof a);
  std::memcpy(&ib, &b, sizeof b);
  if ((ia < 0) != (ib < 0)) return INT64_MAX;
  return ia > ib ? ia - ib : ib - ia;
}

}  // namespace

TEST_CASE("the reference SplitMix64 matches its published first outputs", "[rng]") {
  // splitmix64.c seeded with 0: 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f (the values
  // commonly quoted as test vectors for Vigna's reference code).
  std::uint64_t x = 0;
  CHECK(ReferenceXoshiro::splitmix64(x) == 0xe220a8397b1dcdafull);
  CHECK(ReferenceXoshiro::splitmix64(x) == 0x6e789e6aa1b965f4ull);
  CHECK(ReferenceXoshiro::splitmix64(x) == 0x06c45d188009454full);
}

TEST_CASE("the generator's first values for seed 1, stream 1 are pinned", "[rng]") {
  // Produced by this implementation (Rng(1, 1)) once and cross-checked against ReferenceXoshiro above,
  // the published xoshiro256** algorithm with the seeding rng.cpp documents.
  SECTION("the first four 64-bit outputs") {
    Rng rng(1, 1);
    const std::uint64_t expected[4] = {0x03dcc20952818737ull, 0x8ea31bbd3bb4e14cull, 0xf4205de16c4f5c9eull, 0xd0c59f246be3350aull};
    for (std::uint64_t e : expected) CHECK(rng.next_u64() == e);
  }
  SECTION("the first four normals") {
    Rng rng(1, 1);
    // -0.30600, 0.036081, 0.93801, -0.74891 (hex floats: exact bits)
    const double expected[4] = {-0x1.3959e9da79602p-2, 0x1.279450c0f08e9p-5, 0x1.e04257194d4f8p-1, -0x1.7f715ea810954p-1};
    for (double e : expected) CHECK(rng.normal() == e);
  }
}

TEST_CASE("the generator agrees with the reference xoshiro256** for many seeds and streams", "[rng]") {
  const std::uint64_t seed = GENERATE(0ull, 1ull, 2ull, 42ull, 9007199254740991ull);
  const std::uint64_t stream_id = GENERATE(stream::input, stream::upstream, stream::warmup,
                                           stream::output_layer, stream::weights(1), stream::weights(100));
  CAPTURE(seed, stream_id);
  Rng rng(seed, stream_id);
  ReferenceXoshiro reference(seed, stream_id);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t got = rng.next_u64(), want = reference.next();
    if (got != want) {
      CAPTURE(i);
      REQUIRE(got == want);
    }
  }
  SECTION("normals agree with a std::log polar method to rounding") {
    Rng a(seed, stream_id);
    ReferenceXoshiro b(seed, stream_id);
    for (int i = 0; i < 1000; ++i) {
      const double got = a.normal(), want = b.normal();
      if (std::abs(got - want) > 1e-13 * std::abs(want) + 1e-300) {
        CAPTURE(i, got, want);
        REQUIRE_THAT(got, WithinRel(want, 1e-13));
      }
    }
  }
}

TEST_CASE("the same seed gives the same numbers and other seeds or streams differ", "[rng]") {
  Rng a(7, stream::input), b(7, stream::input), other_seed(8, stream::input), other_stream(7, stream::upstream);
  int same_seed_equal = 0, other_seed_equal = 0, other_stream_equal = 0;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next_u64();
    same_seed_equal += x == b.next_u64();
    other_seed_equal += x == other_seed.next_u64();
    other_stream_equal += x == other_stream.next_u64();
  }
  CHECK(same_seed_equal == 100);
  CHECK(other_seed_equal == 0);
  CHECK(other_stream_equal == 0);
}

TEST_CASE("portable_log is within 2 ulp of std::log", "[rng]") {
  std::vector<double> xs = {1.0, 2.0, 0.5, 0.7071067811865476, 1.4142135623730951, 1.4142135623730950,
                            std::nextafter(1.0, 2.0), std::nextafter(1.0, 0.0), 0x1.0p-1022, 0x1.0p-1074,
                            1e-300, 1e300, 0.1, 10.0, 2.718281828459045, 0x1.fffffffffffffp1023};
  // Log-spaced over the whole range of normal doubles, and uniform draws like the polar method's s.
  for (int i = 0; i <= 20000; ++i) xs.push_back(std::pow(10.0, -307.0 + 615.0 * i / 20000.0));
  Rng rng(3, 99);
  for (int i = 0; i < 100000; ++i) xs.push_back(rng.uniform() + 0x1.0p-60);
  std::int64_t worst = 0;
  double worst_x = 0;
  for (double x : xs) {
    const std::int64_t d = ulp_distance(portable_log(x), std::log(x));
    if (d > worst) worst = d, worst_x = x;
  }
  CAPTURE(worst_x, portable_log(worst_x), std::log(worst_x));
  CHECK(worst <= 2);
  CHECK(portable_log(1.0) == 0.0);
}

TEST_CASE("normals have mean 0 and variance 1 over 1e5 draws", "[rng]") {
  const std::uint64_t seed = GENERATE(1ull, 12345ull);
  CAPTURE(seed);
  Rng rng(seed, stream::input);
  const int n = 100000;
  double sum = 0, squares = 0, fourth = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    sum += x, squares += x * x, fourth += x * x * x * x;
  }
  const double mean = sum / n, variance = squares / n - mean * mean;
  // Standard errors: mean 1/sqrt(n) = 0.0032; variance sqrt(2/n) = 0.0045; E[x^4] = 3, sd sqrt(96/n) = 0.031.
  // Tolerances are 5 standard errors.
  CHECK_THAT(mean, WithinAbs(0.0, 0.016));
  CHECK_THAT(variance, WithinAbs(1.0, 0.023));
  CHECK_THAT(fourth / n, WithinAbs(3.0, 0.16));
}

TEST_CASE("uniforms lie between 0 and 1 and below(n) stays below n", "[rng]") {
  Rng rng(5, 6);
  double sum = 0;
  int counts[7] = {};
  for (int i = 0; i < 70000; ++i) {
    const double u = rng.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    const std::uint32_t k = rng.below(7);
    REQUIRE(k < 7u);
    ++counts[k];
  }
  CHECK_THAT(sum / 70000, WithinAbs(0.5, 0.006));  // sd sqrt(1/12/70000) = 0.0011
  for (int c : counts) CHECK_THAT(double(c), WithinAbs(10000.0, 500.0));  // sd ~93
}

TEST_CASE("fill_normal rounds the same double draws once to float", "[rng]") {
  std::vector<double> d(100);
  std::vector<float> f(100);
  Rng a(11, 1), b(11, 1);
  fill_normal(a, d.data(), d.size(), 0.5);
  fill_normal(b, f.data(), f.size(), 0.5);
  for (std::size_t i = 0; i < d.size(); ++i) CHECK(f[i] == float(d[i]));
}

TEST_CASE("a draw cache hands out the generator's own values, and stays within its capacity", "[rng]") {
  const auto reference = [](DrawCache::Kind kind, std::uint64_t seed, std::uint64_t stream_id, std::size_t n) {
    Rng rng(seed, stream_id);
    std::vector<double> v(n);
    for (double& x : v) x = kind == DrawCache::Kind::normal ? rng.normal() : rng.uniform();
    return v;
  };
  const auto same = [](const double* got, const std::vector<double>& want) {
    return got && std::equal(want.begin(), want.end(), got);
  };
  DrawCache cache(1000);
  SECTION("a prefix, then a longer stream (an odd length splits a pair of polar normals), then the prefix") {
    CHECK(same(cache.draws(DrawCache::Kind::normal, 3, 1, 7), reference(DrawCache::Kind::normal, 3, 1, 7)));
    CHECK(same(cache.draws(DrawCache::Kind::normal, 3, 1, 500), reference(DrawCache::Kind::normal, 3, 1, 500)));
    CHECK(same(cache.draws(DrawCache::Kind::normal, 3, 1, 20), reference(DrawCache::Kind::normal, 3, 1, 20)));
    CHECK(cache.held() == 500);
  }
  SECTION("normals and uniforms of one stream, and other streams and seeds, are kept apart") {
    CHECK(same(cache.draws(DrawCache::Kind::uniform, 3, 1, 50), reference(DrawCache::Kind::uniform, 3, 1, 50)));
    CHECK(same(cache.draws(DrawCache::Kind::normal, 3, 1, 50), reference(DrawCache::Kind::normal, 3, 1, 50)));
    CHECK(same(cache.draws(DrawCache::Kind::normal, 3, 2, 50), reference(DrawCache::Kind::normal, 3, 2, 50)));
    CHECK(same(cache.draws(DrawCache::Kind::normal, 4, 1, 50), reference(DrawCache::Kind::normal, 4, 1, 50)));
    CHECK(cache.held() == 200);
  }
  SECTION("past the capacity the least recently used streams go, and come back right") {
    for (std::uint64_t s = 0; s < 5; ++s) cache.draws(DrawCache::Kind::normal, 9, s, 300);
    CHECK(cache.held() <= 1000);
    CHECK(same(cache.draws(DrawCache::Kind::normal, 9, 0, 300), reference(DrawCache::Kind::normal, 9, 0, 300)));
    CHECK(same(cache.draws(DrawCache::Kind::normal, 9, 4, 300), reference(DrawCache::Kind::normal, 9, 4, 300)));
    CHECK(cache.held() <= 1000);
  }
  SECTION("a stream longer than the whole cache is not cached") {
    CHECK(cache.draws(DrawCache::Kind::normal, 3, 1, 1001) == nullptr);
    CHECK(cache.held() == 0);
    std::vector<float> out(1001);
    fill_normal(&cache, 3, 1, out.data(), out.size(), 2.0);  // falls back to drawing directly
    const std::vector<double> want = reference(DrawCache::Kind::normal, 3, 1, 1001);
    CHECK(out[1000] == float(2.0 * want[1000]));
  }
}
