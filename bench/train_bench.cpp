// layerscope_train_bench: milliseconds per training step of the batch-norm paper's Figure 1 network
// (784-100-100-100-10, sigmoid, batch 60) with and without batch norm, natively, one thread.
//
// Two figures per net: the step alone (forward, backward, optimizer; no reports), and a run as the
// preset does it (a report with a 10,000-image test evaluation every 500 steps), per step.
//
// usage: layerscope_train_bench [--steps N] [--data PATH]   (default 2000, dist/data/mnist-binary.bin)
#ifdef _OPENMP
#error "the benchmark measures one core: build without -fopenmp"
#endif

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "training.hpp"

namespace {

using namespace layerscope;

double ms_per_step(const TrainingConfig& config, std::shared_ptr<const MnistData> data) {
  Trainer<float> trainer(config, data);
  trainer.step(50);  // warm-up: first touches of every buffer
  const auto start = std::chrono::steady_clock::now();
  const long done = trainer.step(config.steps);
  return 1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / double(done);
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 2000;
  std::string path = "dist/data/mnist-binary.bin";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--steps")) steps = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--data")) path = argv[i + 1];
  }
  try {
    auto data = std::make_shared<const MnistData>(load_mnist_pack(path));
    std::printf("%-24s %14s %22s\n", "native, float", "step (ms)", "with reports (ms/step)");
    for (const char* name : {"bn-paper-fig1-baseline", "bn-paper-fig1"}) {
      TrainingConfig c = training_preset(name);
      c.steps = steps + 50;
      c.log_every = 1000000;  // no report inside the timed steps
      const double bare = ms_per_step(c, data);
      c.log_every = 500;
      const double reported = ms_per_step(c, data);
      std::printf("%-24s %14.3f %22.3f\n", name, bare, reported);
      std::printf("RESULT {\"build\":\"native\",\"preset\":\"%s\",\"ms_per_step\":%.4f,\"ms_per_step_with_reports\":%.4f}\n",
                  name, bare, reported);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "layerscope_train_bench: %s\n", e.what());
    return 2;
  }
  return 0;
}
