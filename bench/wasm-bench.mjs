// node bench/wasm-bench.mjs [--reps N]
// Times the blog-bn update (forward + backward + statistics, with and without percentiles) in the wasm
// module under Node, and beside it the native benchmark (build*/bench/layerscope_bench) run in the same
// invocation, so the wasm/native ratio compares numbers taken on the same machine at the same moment.
// Needs ./build-wasm.sh first (and the native build for the ratio).
// Targets: wasm forward + backward + per-update statistics <= 40 ms, and within 1.5x of native.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadForNode, root } from '../tests/js/load.mjs';

const argIndex = process.argv.indexOf('--reps');
const reps = argIndex > 0 ? Math.max(1, Number(process.argv[argIndex + 1]) || 20) : 20;

const median = values => {
  const s = [...values].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
};
const ms = x => `${x.toFixed(2).padStart(8)} ms`;

const ls = await loadForNode();
const config = ls.presets.find(p => p.name === 'blog-bn').config;

// 1. The pieces, timed inside the module (no JS in the numbers): comparable with bench/bench.cpp.
// One untimed round first: V8 starts every wasm function in its baseline tier and compiles the optimized
// one in the background; without it the first pieces (forward) were measured partly in baseline code.
ls.timeUpdatePieces(config, { reps: 3 });
const pieces = ls.timeUpdatePieces(config, { reps });

// 2. What the page pays per update: createRun (network built from the seed, run, summaries, copies into
//    JS objects) plus five 64-bin histograms, then free().
function endToEnd(percentiles) {
  for (let i = 0; i < 3; ++i) ls.createRun(config, { percentiles }).free();
  const times = [];
  for (let i = 0; i < reps; ++i) {
    const start = performance.now();
    const run = ls.createRun(config, { percentiles });
    for (const kind of ls.tensorKinds) run.histograms(kind);
    times.push(performance.now() - start);
    run.free();
  }
  return median(times);
}
const pageWith = endToEnd(true), pageWithout = endToEnd(false);

const wasmWith = pieces.forwardBackward + pieces.statsWithPercentiles;
const wasmWithout = pieces.forwardBackward + pieces.statsWithoutPercentiles;
console.log(`blog-bn (20 x 100, 1000 samples, float): medians of ${reps} runs, Node ${process.versions.node}, wasm SIMD128`);
console.log(`wasm  forward                          ${ms(pieces.forward)}`);
console.log(`wasm  forward + backward               ${ms(pieces.forwardBackward)}`);
console.log(`wasm  statistics with percentiles      ${ms(pieces.statsWithPercentiles)}`);
console.log(`wasm  statistics without percentiles   ${ms(pieces.statsWithoutPercentiles)}`);
console.log(`wasm  histograms, 5 kinds x 64 bins    ${ms(pieces.histograms)}`);
// The targets apply to what the page computes on every update: the run and the per-layer summaries
// (mean, std, min, max, zero and saturated fractions, NaN/Inf). Exact percentiles are computed afterwards,
// layer by layer, once the figures are on screen (web/src/worker.js), so they are reported beside it.
console.log(`wasm  run + statistics (per update)    ${ms(wasmWithout)}   target <= 40 ms: ${wasmWithout <= 40 ? 'met' : 'MISSED'}`);
console.log(`wasm  run + statistics + percentiles   ${ms(wasmWith)}`);
console.log(`page  createRun + 5 histograms + free  ${ms(pageWith)} with percentiles, ${ms(pageWithout).trim()} without`);

// The native benchmark, if built: parse its "blog-bn  <measurement>  median  min" lines.
const candidates = ['build', 'build-bench', 'build-cli', 'build-tests'].map(d => join(root, d, 'bench', 'layerscope_bench'));
const nativeBench = [process.env.LAYERSCOPE_BENCH, ...candidates].find(p => p && existsSync(p));
if (!nativeBench) {
  console.log('native: no build*/bench/layerscope_bench found (set LAYERSCOPE_BENCH); no ratio measured');
  process.exit(0);
}
const text = execFileSync(nativeBench, ['--reps', String(reps)], { encoding: 'utf8' });
const native = {};
for (const line of text.split('\n')) {
  const m = line.match(/^blog-bn\s+(.+?)\s+([\d.]+)\s+([\d.]+)\s*$/);
  if (m) native[m[1]] = Number(m[2]);
}
const fb = native['forward + backward'];
const statsWith = native['statistics with percentiles (summarize_network)'];
const statsWithout = native['statistics without percentiles'];
if (![fb, statsWith, statsWithout].every(Number.isFinite)) {
  console.log(`native: could not read ${nativeBench}'s output:\n${text}`);
  process.exit(1);
}
const ratio = (w, n) => `${(w / n).toFixed(2)}x`;
console.log(`native (${nativeBench.replace(root + '/', '')}, same run):`);
console.log(`native forward + backward              ${ms(fb)}   wasm/native ${ratio(pieces.forwardBackward, fb)}`);
console.log(`native statistics with percentiles     ${ms(statsWith)}   wasm/native ${ratio(pieces.statsWithPercentiles, statsWith)}`);
console.log(`native statistics without percentiles  ${ms(statsWithout)}   wasm/native ${ratio(pieces.statsWithoutPercentiles, statsWithout)}`);
const r = wasmWithout / (fb + statsWithout);
console.log(`native run + statistics (per update)   ${ms(fb + statsWithout)}   wasm/native ${r.toFixed(2)}x  target <= 1.5x: ${r <= 1.5 ? 'met' : 'MISSED'}`);
console.log(`native run + statistics + percentiles  ${ms(fb + statsWith)}   wasm/native ${ratio(wasmWith, fb + statsWith)}`);
