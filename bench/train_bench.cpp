// layerscope_train_bench: milliseconds per training step of the batch-norm paper's Figure 1 network
// (784-100-100-100-10, sigmoid, batch 60) with and without batch norm, natively, one thread.
//
// Per net: the step alone (forward, backward, optimizer; no reports), a run as the preset does it (a
// report with a 10,000-image test evaluation every 500 steps), the same with the probes of issue 21
// (probes.hpp; --no-probes skips it) and what a report's probes keep, and where a bare step's time goes (batch
// unpacking, forward, loss, backward, optimizer). Then layer 1 alone (784 x 100, batch 60), dense
// against sparse, over the fraction of zeros in its input: where the sparse product starts to pay
// (sparse_input_min_zero_fraction in src/core/sparse_input.hpp).
//
// Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), best of --reps runs: on a loaded machine
// wall time also counts the time other processes hold the core; CPU time much less so.
//
// usage: layerscope_train_bench [--steps N] [--reps R] [--data PATH] [--presets a,b] [--no-kernels] [--no-probes]
//        (default 2000 steps, 3 reps, dist/data/mnist-binary.bin, the two Figure 1 nets)
// Every figure is also printed as a line `RESULT {json}` for bench/train-compare.mjs.
// The last column, "x first", is each net's bare step time over the first preset's: with
// --presets cures-plain,cures-residual,cures-skipinit,cures-selu it is what residual connections and SELU
// cost against the same 50-layer network without them (issue 22's 10% budget; the README's "Training speed").
#ifdef _OPENMP
#error "the benchmark measures one core: build without -fopenmp"
#endif

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "sparse_input.hpp"
#include "training.hpp"

namespace {

using namespace layerscope;

double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// ms per step of `steps` steps after a 50-step warm-up (first touches of every buffer).
double ms_per_step(const TrainingConfig& config, std::shared_ptr<const MnistData> data, long steps) {
  Trainer<float> trainer(config, data);
  trainer.step(50);
  const double start = cpu_seconds();
  const long done = trainer.step(steps);
  return 1e3 * (cpu_seconds() - start) / double(done);
}

// Where a bare step's time goes: the trainer's step, piece by piece (the same calls as Trainer::step).
struct Pieces {
  double batch = 0, forward = 0, loss = 0, backward = 0, optimizer = 0;
};
Pieces step_pieces(const TrainingConfig& config, const MnistData& data, int steps) {
  Network<float> net(config.network);
  Optimizer<float> optimizer(config);
  BatchSampler sampler(config.network.seed, data.train.count, config.network.batch);
  Matrix<float> x;
  std::vector<int> labels;
  Pieces total;
  for (int s = 0; s < steps + 50; ++s) {
    const bool timed = s >= 50;
    double t0 = cpu_seconds();
    const std::vector<int>& indices = sampler.next();
    labels.resize(indices.size());
    for (size_t j = 0; j < indices.size(); ++j) labels[j] = data.train.labels[size_t(indices[j])];
    fill_images(x, data.train, indices.data(), int(indices.size()));
    double t1 = cpu_seconds();
    net.forward(x, Mode::train);
    double t2 = cpu_seconds();
    const double loss = net.loss(labels) + net.accuracy(labels);
    double t3 = cpu_seconds();
    net.backward(labels, false);
    double t4 = cpu_seconds();
    optimizer.step(net, false);
    double t5 = cpu_seconds();
    if (loss != loss) std::fprintf(stderr, "diverged\n");
    if (timed) {
      total.batch += t1 - t0, total.forward += t2 - t1, total.loss += t3 - t2, total.backward += t4 - t3;
      total.optimizer += t5 - t4;
    }
  }
  const double scale = 1e3 / steps;
  return {total.batch * scale, total.forward * scale, total.loss * scale, total.backward * scale,
          total.optimizer * scale};
}

// Layer 1 of the Figure 1 net alone, forward and dL/dW: dense (linear_forward, linear_backward's dW
// without dL/dx) against sparse (gathering the nonzeros, both sums) on inputs with the given fraction of
// zeros (each entry 0 or 1).
void layer1_kernels(int reps) {
  const int I = 784, F = 100, N = 60;
  Rng rng(1, 99);
  Matrix<float> w(F, I), dz(F, N), z, dw;
  fill_normal(rng, w.data(), size_t(w.size()), 0.01);
  fill_normal(rng, dz.data(), size_t(dz.size()), 1.0);
  std::printf("\nlayer 1 alone (784 x 100, batch 60), forward + dL/dW, us (CPU), best of %d x 200\n", reps);
  std::printf("%-14s %10s %10s %8s\n", "zero fraction", "dense", "sparse", "ratio");
  for (const double zeros : {0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.81, 0.9}) {
    Matrix<float> x(I, N);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform() < zeros ? 0.0f : 1.0f;
    double dense = 1e30, sparse = 1e30;
    SparseInput<float> s;
    for (int r = 0; r < reps; ++r) {
      double t0 = cpu_seconds();
      for (int k = 0; k < 200; ++k) {
        linear_forward(z, x, w, static_cast<const Vector<float>*>(nullptr));
        linear_backward(static_cast<Matrix<float>*>(nullptr), dw, static_cast<Vector<float>*>(nullptr), dz, x, w);
      }
      double t1 = cpu_seconds();
      for (int k = 0; k < 200; ++k) {
        gather_sparse_input(s, x, 0.0);
        sparse_linear_forward(z, s, w, static_cast<const Vector<float>*>(nullptr));
        sparse_input_by_rows(s);
        sparse_linear_backward_weight(dw, dz, s);
      }
      double t2 = cpu_seconds();
      dense = std::min(dense, (t1 - t0) / 200 * 1e6);
      sparse = std::min(sparse, (t2 - t1) / 200 * 1e6);
    }
    std::printf("%-14.2f %10.1f %10.1f %8.2f\n", zeros, dense, sparse, dense / sparse);
    std::printf("RESULT {\"build\":\"native\",\"kernel\":\"layer1\",\"zero_fraction\":%.2f,\"dense_us\":%.2f,\"sparse_us\":%.2f}\n",
                zeros, dense, sparse);
  }
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 2000, reps = 3;
  bool kernels = true, probes = true;
  std::string path = "dist/data/mnist-binary.bin";
  std::vector<std::string> presets = {"bn-paper-fig1-baseline", "bn-paper-fig1"};
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--no-kernels")) kernels = false;
    else if (!std::strcmp(argv[i], "--no-probes")) probes = false;
    else if (!std::strcmp(argv[i], "--steps") && has_value) steps = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--reps") && has_value) reps = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--data") && has_value) path = argv[++i];
    else if (!std::strcmp(argv[i], "--presets") && has_value) presets = split(argv[++i]);
    else {
      std::fprintf(stderr, "layerscope_train_bench: unknown argument '%s' (see the usage line in bench/train_bench.cpp)\n", argv[i]);
      return 2;
    }
  }
  try {
    auto data = std::make_shared<const MnistData>(load_mnist_pack(path));
    std::printf("native, float, %d steps, CPU ms per step, best of %d\n", steps, reps);
    std::printf("%-24s %10s %14s %8s   %s\n", "", "step", "with reports", "x first",
                "step: batch + forward + loss + backward + optimizer");
    double first_bare = 0;
    // The reps go round the presets (a, b, c, a, b, c, ...), so that a change in the machine's load hits every
    // preset alike; each keeps its best.
    const size_t count = presets.size();
    std::vector<double> bare(count, 1e30), reported(count, 1e30), probed(count, 1e30), best_sum(count, 1e30);
    std::vector<Pieces> best(count);
    for (int r = 0; r < reps; ++r) {
      for (size_t i = 0; i < count; ++i) {
        TrainingConfig c = training_preset(presets[i]);
        c.steps = steps + 51;   // the timed steps end before the last step's report
        c.log_every = 1000000;  // no report inside the timed steps
        bare[i] = std::min(bare[i], ms_per_step(c, data, steps));
        c.steps = steps + 50;
        c.log_every = training_preset(presets[i]).log_every;
        reported[i] = std::min(reported[i], ms_per_step(c, data, steps));
        const Pieces p = step_pieces(c, *data, std::min(steps, 1000));
        const double sum = p.batch + p.forward + p.loss + p.backward + p.optimizer;
        if (sum < best_sum[i]) best_sum[i] = sum, best[i] = p;
        if (probes) {  // the same run with the probes at every report
          c.probes = true;
          probed[i] = std::min(probed[i], ms_per_step(c, data, steps));
        }
      }
    }
    for (size_t i = 0; i < count; ++i) {
      const char* name = presets[i].c_str();
      const Pieces& b = best[i];
      if (first_bare == 0) first_bare = bare[i];
      std::printf("%-24s %10.3f %14.3f %8.3f   %.3f + %.3f + %.3f + %.3f + %.3f\n", name, bare[i], reported[i],
                  bare[i] / first_bare, b.batch, b.forward, b.loss, b.backward, b.optimizer);
      if (probes) {
        // What the probes of one report keep (the ProbeReport and its vectors' contents), and their overhead
        // over "with reports" (timed in the round above).
        TrainingConfig c = training_preset(presets[i]);
        c.probes = true;
        Trainer<float> one(c, data);
        one.step(1);
        const ProbeReport& p = one.history().reports().front().probes;
        const double kept = sizeof(ProbeReport) + p.layers.size() * sizeof(LayerProbe) +
                            (p.step_sizes.size() + p.losses.size() + p.gradient_changes.size()) * sizeof(double);
        std::printf("%-24s %10s %14.3f   with probes every %d steps: +%.1f%% over with reports; a report's probes keep %.0f bytes\n",
                    "", "", probed[i], c.log_every, 100 * (probed[i] / reported[i] - 1), kept);
        std::printf("RESULT {\"build\":\"native\",\"preset\":\"%s\",\"ms_per_step_with_probes\":%.4f,\"probe_overhead\":%.4f,"
                    "\"probe_bytes_per_report\":%.0f}\n", name, probed[i], probed[i] / reported[i] - 1, kept);
      }
      std::printf("RESULT {\"build\":\"native\",\"preset\":\"%s\",\"ms_per_step\":%.4f,\"ms_per_step_with_reports\":%.4f,"
                  "\"pieces_ms\":{\"batch\":%.4f,\"forward\":%.4f,\"loss\":%.4f,\"backward\":%.4f,\"optimizer\":%.4f}}\n",
                  name, bare[i], reported[i], b.batch, b.forward, b.loss, b.backward, b.optimizer);
    }
    if (kernels) layer1_kernels(reps);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "layerscope_train_bench: %s\n", e.what());
    return 2;
  }
  return 0;
}
