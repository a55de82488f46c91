// node web/tools/make-example-run.mjs [--steps N] [--kept-steps K] [--out web/runs/fig1.json]
// Makes the saved-run example the site ships (build-wasm.sh copies web/runs/ to dist/runs/): the Figure 1
// pair (the training view's default, `fig1`: bn-paper-fig1-baseline and bn-paper-fig1, 50,000 steps, a report
// every 500) trained by the wasm module in Node exactly as the page's workers train it (same configs from the
// view's own settings code, a report kept at every log_every steps and at the end, each column's reports in
// the page's ReportStore), written in the page's own saved-run format (run-file.js runFileJson). Same seed,
// same numbers: only the timings (each report's seconds, runSeconds) change from one run of this script to
// the next. runSeconds is the slower column's training time here (the page trains both at once).
// The file is version 2: its reports carry what the core keeps to redraw every tensor kind at that step
// (run-file.js `kept`), for K steps spread evenly over the run (default 11: every 5,000th step of 50,000,
// step 0 and the last among them), not all 101: each costs about 15 KB of the file, and bloggers embed it
// (the issue asks for a few hundred KB). The scrubber offers these steps (saved-run.js).
// Needs ./build-wasm.sh first (the SIMD128 module and the MNIST pack in build-wasm/ or dist/).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadForNode, root } from '../../tests/js/load.mjs';
import { useCorePresets, columnConfigs, settingsLines } from '../src/training/settings.js';
import { ReportStore } from '../src/training/snapshots.js';
import { runFileJson, readRunFile } from '../src/run-file.js';
import { useCoreChecker, useCoreSpecs, useCoreTensors, stateTable, parseQuery } from '../src/state.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const out = arg('--out', join(root, 'web', 'runs', 'fig1.json'));
const steps = arg('--steps', null);
const keptStepCount = Number(arg('--kept-steps', 11));

const ls = await loadForNode();
useCoreChecker((spec, raw) => ls.checkValue(spec, raw));
useCoreSpecs(ls.trainingSchema, ls.schema);
useCoreTensors(ls.tensorTable);
useCorePresets(ls.trainingPresets);
const pack = [join(root, 'build-wasm', 'data', 'mnist-binary.bin'), join(root, 'dist', 'data', 'mnist-binary.bin')].find(existsSync);
if (!pack) throw new Error('the MNIST pack is not built: run ./build-wasm.sh first');
ls.loadMnist(readFileSync(pack));

const { state: { training: settings }, notices } = parseQuery(`?view=training${steps ? `&t.steps=${steps}` : ''}`,
  stateTable(ls.schema, ls.presets), { scopes: ['training'] });
if (notices.length) throw new Error(notices.join('; '));
const configs = columnConfigs(settings);
const stores = {}, done = {}, kept = {};
let runSeconds = 0;
for (const col of ['a', 'b']) {
  const start = performance.now();
  const training = ls.createTraining(configs[col]);
  const store = new ReportStore();
  store.config = training.config;
  kept[col] = new Map();
  const keep = () => { const r = training.latest(); store.add(r); kept[col].set(r.step, training.kept(-1)); };
  keep();  // step 0
  const { log_every: every, steps: total } = training.config;
  let stepsDone = 0;
  while (stepsDone < total) {
    const result = training.step(Math.min(every - (stepsDone % every), total - stepsDone));
    stepsDone = result.stepsDone;
    if (stepsDone % every === 0 || result.finished) keep();
  }
  training.free();
  const seconds = (performance.now() - start) / 1000;
  runSeconds = Math.max(runSeconds, seconds);
  stores[col] = store;
  done[col] = store.latest;
  console.log(`${col}: ${store.config.preset ?? ''} ${stepsDone} steps in ${seconds.toFixed(1)} s, test accuracy ${(100 * store.latest.testAccuracy).toFixed(2)}%, ${store.reports.length} reports`);
}
const configsOf = { a: stores.a.config, b: stores.b.config };
const text = JSON.stringify(runFileJson({ settings, settingsLines: settingsLines(configsOf), runSeconds, stores, kept, most: keptStepCount }));
readRunFile(text);  // what the page will read: refuse to write a file the reader refuses
writeFileSync(out, text);
const keptCount = JSON.parse(text).columns.b.reports.filter(r => r.kept).length;
console.log(`${out}: ${(text.length / 1024).toFixed(0)} KB, ${(gzipSync(text).length / 1024).toFixed(0)} KB gzipped; ` +
  `${keptCount} steps a column keep their distributions`);
