// node web/tools/make-cures-run.mjs [--steps 2000] [--out web/runs/cures.json]
// Makes the "Four cures at depth 50" saved run the site ships (build-wasm.sh copies it to dist/runs/): the five
// networks of web/src/views/cures-common.js (cures-plain, cures-batch-norm, cures-layer-norm, cures-residual,
// cures-selu: the core's training presets), each trained `steps` steps by the wasm module in Node exactly as
// the section's "Train here" trains them in the page's training worker (the same start message: the preset,
// the steps, a report every curesLogEvery(steps)), one after the other. Written in the shape the section reads
// (views/cures-trained.js checkCuresRun): {steps, seconds, where, networks: [{key, preset, reports: [{step,
// trainLoss, trainAccuracy, testLoss, testAccuracy}]}]}. Same seed, same numbers: only `seconds` changes.
// Needs ./build-wasm.sh first (the SIMD128 module and the MNIST pack in build-wasm/ or dist/).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadForNode, root } from '../../tests/js/load.mjs';
import { CURES, curesLogEvery } from '../src/views/cures-common.js';
import { checkCuresRun, trainedCaption } from '../src/views/cures-trained.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const out = arg('--out', join(root, 'web', 'runs', 'cures.json'));
const steps = Number(arg('--steps', '2000'));

const ls = await loadForNode();
const pack = [join(root, 'build-wasm', 'data', 'mnist-binary.bin'), join(root, 'dist', 'data', 'mnist-binary.bin')].find(existsSync);
if (!pack) throw new Error('the MNIST pack is not built: run ./build-wasm.sh first');
ls.loadMnist(readFileSync(pack));

const keep = r => ({ step: r.step, trainLoss: r.trainLoss, trainAccuracy: r.trainAccuracy, testLoss: r.testLoss, testAccuracy: r.testAccuracy });
const run = { steps, where: 'Node by web/tools/make-cures-run.mjs', networks: [] };
const start = performance.now();
for (const cure of CURES) {
  const t = performance.now();
  const training = ls.createTraining({ preset: cure.preset, steps, log_every: curesLogEvery(steps) });
  const every = training.config.log_every;
  const reports = [keep(training.latest())];
  let done = 0;
  while (done < steps) {
    const result = training.step(Math.min(every - (done % every), steps - done));
    done = result.stepsDone;
    if (done % every === 0 || result.finished) reports.push(keep(training.latest()));
  }
  training.free();
  run.networks.push({ key: cure.key, preset: cure.preset, reports });
  console.log(`${cure.preset}: ${steps} steps in ${((performance.now() - t) / 1000).toFixed(1)} s, test accuracy ` +
    `${(100 * reports.at(-1).testAccuracy).toFixed(1)}%`);
}
run.seconds = (performance.now() - start) / 1000;
checkCuresRun(run);
const text = JSON.stringify(run);
writeFileSync(out, text);
console.log(trainedCaption(run));
console.log(`${out}: ${text.length} bytes`);
