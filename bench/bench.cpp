// layerscope_bench: how long one update of the page takes natively, piece by piece, for the post's
// configurations (20 layers x 100 features, 100 inputs, 1000 samples, float).
//
// Each measurement runs `reps` times after `warmup` untimed runs; the median is what is reported (the
// minimum too, as the noise floor). One thread: Eigen only parallelizes products under OpenMP.
//
// usage: layerscope_bench [--reps N]   (default 30)
#ifdef _OPENMP
#error "the benchmark measures one core: build without -fopenmp"
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "report.hpp"

#if defined(__FMA__)
#include <immintrin.h>
#endif

namespace {

using namespace layerscope;

struct Timing {
  double median_ms, min_ms;
};

Timing measure(int reps, const std::function<void()>& work) {
  constexpr int warmup = 3;
  for (int i = 0; i < warmup; ++i) work();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  const double median = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
  return {median, ms.front()};
}

void print(const std::string& config, const std::string& what, Timing t) {
  std::printf("%-12s %-48s %9.3f %9.3f\n", config.c_str(), what.c_str(), t.median_ms, t.min_ms);
}

volatile double sink = 0;  // keeps results alive so no measured work is optimized away

// Times each piece of one update for a preset; returns the forward + backward median.
double bench_preset(const std::string& name, int reps) {
  const NetworkConfig config = preset(name);
  Network<float> net(config);
  print(name, "forward", measure(reps, [&] { net.forward(); sink = sink + net.output(config.depth)(0, 0); }));
  const Timing forward_backward = measure(reps, [&] {
    net.forward();
    net.backward();
    sink = sink + net.dinput()(0, 0);
  });
  print(name, "forward + backward", forward_backward);
  print(name, "statistics with percentiles (summarize_network)",
        measure(reps, [&] { sink = sink + summarize_network(net, true).loss; }));
  print(name, "statistics without percentiles",
        measure(reps, [&] { sink = sink + summarize_network(net, false).loss; }));
  print(name, "run + statistics (run_and_summarize)",
        measure(reps, [&] { sink = sink + run_and_summarize(net, false).loss; }));
  const RunReport report = summarize_network(net, true);
  print(name, "histograms, 5 kinds x 64 bins, own range", measure(reps, [&] {
          for (int k = 0; k < tensor_kind_count; ++k)
            sink = sink + double(layer_histograms(net, report, TensorKind(k), 64, RangeMode::own, Binning::linear)[1].counts[0]);
        }));
  print(name, "histograms, 5 kinds x 64 bins, shared symlog", measure(reps, [&] {
          for (int k = 0; k < tensor_kind_count; ++k)
            sink = sink + double(layer_histograms(net, report, TensorKind(k), 64, RangeMode::shared, Binning::symlog)[1].counts[0]);
        }));
  print(name, "whole update (run, stats, histograms)", measure(reps, [&] {
          const RunReport r = run_and_summarize(net, true);
          for (int k = 0; k < tensor_kind_count; ++k)
            sink = sink + double(layer_histograms(net, r, TensorKind(k), 64, RangeMode::own, Binning::linear)[1].counts[0]);
        }));
  return forward_backward.median_ms;
}

// The most 4-float (128-bit) multiply-adds this core retires: 12 independent accumulator chains, enough
// to cover the FMA latency on both ports, and no memory traffic. The ceiling for any 128-bit code, wasm
// SIMD included, against which bench/wasm-bench.mjs's product rates can be read. Needs FMA (-march).
double fma128_peak_gflops() {
#if defined(__FMA__)
  const __m128 b = _mm_set1_ps(0.999f), a = _mm_set1_ps(1.0f);
  constexpr int chains = 12;
  const auto run = [&](long steps) {
    __m128 c[chains];
    for (int k = 0; k < chains; ++k) c[k] = _mm_set1_ps(float(k));
    for (long i = 0; i < steps; ++i)
      for (int k = 0; k < chains; ++k) c[k] = _mm_fmadd_ps(c[k], b, a);  // c = c b + a: stays finite
    __m128 total = c[0];
    for (int k = 1; k < chains; ++k) total = _mm_add_ps(total, c[k]);
    sink = sink + double(_mm_cvtss_f32(total));
  };
  constexpr long steps = 20000000;
  const Timing t = measure(5, [&] { run(steps); });
  return double(steps) * chains * 4 * 2 / (t.min_ms * 1e6);
#else
  return 0;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 30;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: layerscope_bench [--reps N]\n");
      return 2;
    }
  }
  std::printf("layerscope_bench: float, one thread, %d repetitions after 3 warm-up runs (milliseconds)\n", reps);
  std::printf("%-12s %-48s %9s %9s\n", "config", "measurement", "median", "min");
  const double bn = bench_preset("blog-bn", reps);
  const double no_bn = bench_preset("blog-no-bn", reps);
  const double peak = fma128_peak_gflops();
  if (peak > 0) std::printf("128-bit FMA peak, one core: %.1f GFLOP/s (4-float vectors, as wasm SIMD)\n", peak);
  std::printf("forward+backward median %.2f ms blog-bn, %.2f ms blog-no-bn (target <= 20 ms native one core)\n",
              bn, no_bn);
  return 0;
}
