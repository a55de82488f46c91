// node bench/train-bench.mjs [--steps N] [--reps R]
// Milliseconds per training step of the two Figure 1 networks (bn-paper-fig1, bn-paper-fig1-baseline) in
// the wasm module under Node, as the page trains them: reports every 500 steps on all 10,000 test images,
// their time included. Each net trains R times from scratch (default 3); prints the best and the median
// (the best is the figure to compare: other load on the machine only ever adds time). Times the build tests/js/load.mjs picks (LAYERSCOPE_WASM_DIR,
// LAYERSCOPE_WASM_VARIANT); for the relaxed build:
//   LAYERSCOPE_WASM_VARIANT=relaxed node --experimental-wasm-relaxed-simd bench/train-bench.mjs
// Needs ./build-wasm.sh first (the module and dist/data/mnist-binary.bin).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadForNode, root, wasmVariant } from '../tests/js/load.mjs';

const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Math.max(1, Number(process.argv[i + 1]) || fallback) : fallback;
};
const steps = option('--steps', 2000), reps = option('--reps', 3);
const warmup = Math.min(50, steps);

const ls = await loadForNode();
ls.loadMnist(readFileSync(join(root, 'dist', 'data', 'mnist-binary.bin')));

console.log(`wasm ${wasmVariant}, ${steps} steps, log_every 500, test_samples 10000, best and median of ${reps}`);
for (const preset of ['bn-paper-fig1', 'bn-paper-fig1-baseline']) {
  const times = [];
  let accuracy = NaN;
  for (let rep = 0; rep < reps; ++rep) {
    const training = ls.createTraining({ preset, steps, log_every: 500, test_samples: 10000 });
    try {
      training.step(warmup);  // V8 tiers the hot functions up (no report in these steps)
      const start = performance.now();
      const done = training.step(steps).stepsDone - warmup;
      times.push((performance.now() - start) / done);
      accuracy = training.latest().testAccuracy;
    } finally {
      training.free();
    }
  }
  times.sort((a, b) => a - b);
  console.log(`${preset.padEnd(24)} ${times[0].toFixed(3).padStart(7)} ms/step best, ` +
              `${times[Math.floor(times.length / 2)].toFixed(3)} median (test accuracy ${(100 * accuracy).toFixed(2)}% at step ${steps})`);
}
