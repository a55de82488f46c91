// node bench/probe-memory-bench.mjs [--steps N] [--presets a,b,...]
// The memory a training run with the probes on keeps (issue 21), against the same run with them off, for
// the evidence lab's networks (the presets of its pairs: Figure 1's three and the post's 20 ReLU layers).
// For each preset it trains N steps (default 2,000) at the preset's report interval in the wasm module
// under Node, probes off and on, and prints:
//   probe bytes/report  the typed arrays of one report's probes as the page receives them (latest().probes);
//                       the core's history keeps the same numbers as doubles
//   page store          what the training view keeps of the run (web/src/training/snapshots.js ReportStore,
//                       its own bytes(): every report's numbers, histograms excepted), off and on
//   full run            the probes a whole run keeps: its reports (steps / log_every + 1, plus the early
//                       steps 1, 10, 100 the page asks for; at most the history's capacity) x bytes/report
//   heap                the wasm heap after the run (it only grows: a ceiling, not a difference)
// Needs ./build-wasm.sh first (the module and dist/data/mnist-binary.bin).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadForNode, root } from '../tests/js/load.mjs';
import { ReportStore } from '../web/src/training/snapshots.js';
import { EARLY_STEPS } from '../web/src/lab/probe-steps.js';

const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const steps = Math.max(1, Number(option('--steps', 2000)) || 2000);
const presets = option('--presets', 'bn-paper-fig1-baseline,bn-paper-fig1,bn-paper-fig1-noisy,blog-deep-relu,blog-deep-relu-bn').split(',');

const ls = await loadForNode();
ls.loadMnist(readFileSync(join(root, 'dist', 'data', 'mnist-binary.bin')));

const typedBytes = o => Object.values(o ?? {}).reduce((n, v) => n + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
const kb = n => `${(n / 1024).toFixed(1)} KB`;

// Trains `steps` steps as the page's worker does (a report every log_every, and with probes the early
// steps too) and keeps every report in a page store. Returns {store, probeBytes, capacity, heap}.
function run(preset, probes) {
  const training = ls.createTraining({ preset, steps, probes });
  const { log_every: logEvery } = training.config;
  const store = new ReportStore();
  let probeBytes = 0;
  try {
    store.add(training.latest());
    let done = 0;
    while (done < steps) {
      const early = probes ? EARLY_STEPS.find(s => s > done) ?? Infinity : Infinity;
      const next = Math.min(steps, done + logEvery - (done % logEvery), early);
      training.step(next - done, { report: next === early });
      done = next;
      const report = training.latest();
      probeBytes = Math.max(probeBytes, typedBytes(report.probes));
      store.add(report);
    }
    return { store, probeBytes, capacity: training.history().capacity, logEvery, heap: ls.heapSize() };
  } finally { training.free(); }
}

console.log(`probe memory: ${steps} steps a run, wasm under Node`);
for (const preset of presets) {
  const off = run(preset, false), on = run(preset, true);
  const fullSteps = ls.trainingPresets.find(p => p.name === preset).config.steps;
  const fullReports = Math.min(on.capacity, Math.floor(fullSteps / on.logEvery) + 1 + EARLY_STEPS.filter(s => s % on.logEvery).length);
  const result = { preset, probeBytesPerReport: on.probeBytes, reports: on.store.reports.length,
    pageStoreOff: off.store.bytes(), pageStoreOn: on.store.bytes(), fullRunReports: fullReports, fullRunProbeBytes: fullReports * on.probeBytes,
    heapAfter: on.heap };
  console.log(`${preset.padEnd(24)} probes ${on.probeBytes} B/report; page store ${kb(off.store.bytes())} -> ${kb(on.store.bytes())} ` +
    `(${off.store.reports.length} -> ${on.store.reports.length} reports); full run (${fullSteps} steps): ${fullReports} reports, ` +
    `${kb(fullReports * on.probeBytes)} of probes; heap ${(on.heap / 2 ** 20).toFixed(1)} MiB`);
  console.log(`RESULT ${JSON.stringify(result)}`);
}
