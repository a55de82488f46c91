// node bench/train-bench.mjs [--steps N] [--reps R] [--presets a,b,...]
// Milliseconds per training step in the wasm module under Node, as the page trains: the two Figure 1
// networks by default (bn-paper-fig1, bn-paper-fig1-baseline), or the presets named. Two figures per net:
//   step          the steps alone (no report inside the timed steps)
//   with reports  a report every log_every steps of the preset (500 for Figure 1: a test evaluation on all
//                 10,000 test images and the per-layer statistics), their time included
// Each figure is the best of R runs from scratch (default 3), in CPU time of this process
// (process.cpuUsage: on a loaded machine wall time also counts the time other processes hold the core);
// the wall-clock figure of the same runs is printed beside it. Times the build tests/js/load.mjs picks
// (LAYERSCOPE_WASM_DIR, LAYERSCOPE_WASM_VARIANT); for the relaxed build:
//   LAYERSCOPE_WASM_VARIANT=relaxed node --experimental-wasm-relaxed-simd bench/train-bench.mjs
// Needs ./build-wasm.sh first (the module and dist/data/mnist-binary.bin). Prints a line `RESULT {json}`
// per preset for bench/train-compare.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadForNode, root, wasmVariant } from '../tests/js/load.mjs';

const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const steps = Math.max(1, Number(option('--steps', 2000)) || 2000);
const reps = Math.max(1, Number(option('--reps', 3)) || 3);
const presets = option('--presets', 'bn-paper-fig1,bn-paper-fig1-baseline').split(',').filter(Boolean);
const warmup = 50;

const ls = await loadForNode();
ls.loadMnist(readFileSync(join(root, 'dist', 'data', 'mnist-binary.bin')));

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
};

// ms per step (CPU and wall) of `steps` steps after the warm-up (V8 tiers the hot functions up there).
function time(preset, logEvery) {
  const log_every = logEvery ?? ls.trainingPresets.find(p => p.name === preset).config.log_every;
  // Without reports: the run is one step longer than the timed steps, so its last-step report is not timed.
  const total = warmup + steps + (logEvery ? 1 : 0);
  const training = ls.createTraining({ preset, steps: total, log_every, test_samples: 10000 });
  try {
    training.step(warmup);
    const cpu0 = cpuMs(), wall0 = performance.now();
    const done = training.step(steps).stepsDone - warmup;
    const result = { cpu: (cpuMs() - cpu0) / done, wall: (performance.now() - wall0) / done };
    const latest = training.latest();
    result.accuracy = latest ? latest.testAccuracy : NaN;
    return result;
  } finally {
    training.free();
  }
}

console.log(`wasm ${wasmVariant}, ${steps} steps, CPU ms per step (wall in brackets), best of ${reps}`);
for (const preset of presets) {
  let bare = { cpu: Infinity }, reported = { cpu: Infinity };
  for (let rep = 0; rep < reps; ++rep) {
    const b = time(preset, 1000000), r = time(preset);
    if (b.cpu < bare.cpu) bare = b;
    if (r.cpu < reported.cpu) reported = r;
  }
  console.log(`${preset.padEnd(24)} step ${bare.cpu.toFixed(3)} (${bare.wall.toFixed(3)})  with reports ` +
              `${reported.cpu.toFixed(3)} (${reported.wall.toFixed(3)})  test accuracy ${(100 * reported.accuracy).toFixed(2)}% ` +
              `at step ${warmup + steps}`);
  console.log('RESULT ' + JSON.stringify({ build: `wasm-${wasmVariant}`, preset, steps, ms_per_step: bare.cpu,
                                           ms_per_step_with_reports: reported.cpu, wall_ms_per_step: bare.wall,
                                           wall_ms_per_step_with_reports: reported.wall,
                                           test_accuracy: reported.accuracy }));
}
