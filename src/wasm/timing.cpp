#include "timing.hpp"

#include <emscripten.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "conversions.hpp"
#include "report.hpp"

namespace layerscope::wasm {

namespace {

volatile double sink = 0;  // keeps results alive so no measured work is optimized away

// Each piece in its own non-inlined call: V8 does not tier up a function while it runs (docs/toolchain.md).
__attribute__((noinline)) double median_ms(int reps, const std::function<void()>& work) {
  for (int i = 0; i < 3; ++i) work();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const double start = emscripten_get_now();
    work();
    ms.push_back(emscripten_get_now() - start);
  }
  std::sort(ms.begin(), ms.end());
  const std::size_t n = ms.size();
  return n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
}

}  // namespace

val time_update_pieces(const val& js_config, int reps) {
  return guarded([&] {
    const NetworkConfig config = config_from_js(js_config);
    reps = std::max(1, std::min(reps, 1000));
    Network<float> net(config);
    val out = val::object();
    out.set("forward", median_ms(reps, [&] { net.forward(); sink = sink + net.output(config.depth)(0, 0); }));
    out.set("forwardBackward", median_ms(reps, [&] {
              net.forward();
              net.backward();
              sink = sink + net.dinput()(0, 0);
            }));
    out.set("statsWithPercentiles", median_ms(reps, [&] { sink = sink + summarize_network(net, true).loss; }));
    out.set("statsWithoutPercentiles", median_ms(reps, [&] { sink = sink + summarize_network(net, false).loss; }));
    // What the page runs on every update: forward, backward and the summaries taken while the tensors are
    // written (run_and_summarize), less than the pieces above added up.
    out.set("runAndSummarize", median_ms(reps, [&] { sink = sink + run_and_summarize(net, false).loss; }));
    const RunReport report = summarize_network(net, true);
    out.set("histograms", median_ms(reps, [&] {
              for (int k = 0; k < tensor_kind_count; ++k)
                sink = sink + double(layer_histograms(net, report, TensorKind(k), 64, RangeMode::own, Binning::linear)[1].counts[0]);
            }));
    return out;
  });
}

}  // namespace layerscope::wasm
