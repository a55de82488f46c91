// node bench/wasm-bench.mjs [--reps N]
// Times the blog-bn update (forward + backward + statistics, with and without percentiles) in both wasm
// builds under Node, SIMD128 and relaxed SIMD (the one Chromium runs; Node 20 needs
// --experimental-wasm-relaxed-simd, so that build is timed in a child Node started with the flag), and
// beside them the native benchmark (build*/bench/layerscope_bench) in the same invocation, so the
// wasm/native ratios compare numbers taken on the same machine at the same moment. A peer, the same
// network in TensorFlow.js's wasm backend (bench/peer/tfjs-blog-bn.mjs), and the post's stack, NumPy
// (bench/peer/numpy_blog_bn.py, if python3 has numpy), are timed in the same run.
// Needs ./build-wasm.sh first (and the native build for the ratio).
// Targets: wasm forward + backward + per-update statistics <= 40 ms, and within 1.5x of native.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadForNode, root, wasmVariant } from '../tests/js/load.mjs';

const argIndex = process.argv.indexOf('--reps');
const reps = argIndex > 0 ? Math.max(1, Number(process.argv[argIndex + 1]) || 20) : 20;

const median = values => {
  const s = [...values].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
};
const ms = x => `${x.toFixed(2).padStart(8)} ms`;

// One build's figures, measured in this process.
async function measureWasm() {
  const ls = await loadForNode();
  const config = ls.presets.find(p => p.name === 'blog-bn').config;
  // 1. The pieces, timed inside the module (no JS in the numbers): comparable with bench/bench.cpp.
  // One untimed round first: V8 starts every wasm function in its baseline tier and compiles the optimized
  // one in the background; without it the first pieces (forward) were measured partly in baseline code.
  ls.timeUpdatePieces(config, { reps: 3 });
  const pieces = ls.timeUpdatePieces(config, { reps });
  // 2. What the page pays per update: createRun (network built from the seed, run, summaries, copies into
  //    JS objects) plus five 64-bin histograms, then free().
  const endToEnd = percentiles => {
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
  };
  // 3. Memory: the wasm heap one run holds while the page keeps it (every layer's tensors, for the
  //    histograms and readouts), from malloc's own count.
  const before = ls.heapInUse();
  const held = ls.createRun(config, { percentiles: false });
  const heapPerRun = ls.heapInUse() - before;
  held.free();
  return { ...pieces, pageWith: endToEnd(true), pageWithout: endToEnd(false), heapPerRun, config };
}

if (process.argv.includes('--child')) {  // the relaxed build, in a Node started with the flag
  process.stdout.write(JSON.stringify(await measureWasm()));
  process.exit(0);
}

const builds = { simd128: null, relaxed: null };
if (wasmVariant !== 'simd128') throw new Error('run without LAYERSCOPE_WASM_VARIANT: both builds are timed');
builds.simd128 = await measureWasm();
try {
  const out = execFileSync(process.execPath,
    ['--experimental-wasm-relaxed-simd', fileURLToPath(import.meta.url), '--child', '--reps', String(reps)],
    { encoding: 'utf8', env: { ...process.env, LAYERSCOPE_WASM_VARIANT: 'relaxed' } });
  builds.relaxed = JSON.parse(out);
} catch (e) {
  console.log(`relaxed SIMD build: not measured (${e.message.split('\n')[0]})`);
}
// [name, figures] of each build that was measured.
const measured = Object.entries(builds).filter(([, b]) => b);

// The peer: the same network's forward + backward in TensorFlow.js on its wasm backend (bench/peer/).
async function measurePeer() {
  const backendDir = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  if (!existsSync(backendDir)) return { missing: 'node_modules/@tensorflow/tfjs-backend-wasm not installed (npm ci)' };
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-peer-'));
  try {
    const bundle = join(dir, 'tfjs-blog-bn.cjs');
    await build({ entryPoints: [join(root, 'bench', 'peer', 'tfjs-blog-bn.mjs')], bundle: true, platform: 'node',
                  format: 'cjs', outfile: bundle, logLevel: 'warning' });
    const out = execFileSync(process.execPath, [bundle, backendDir, String(reps)], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').at(-1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
let peer;
try {
  peer = await measurePeer();
} catch (e) {
  peer = { missing: e.message.split('\n')[0] };
}
// The post's own stack: NumPy, one thread, in float32 (our precision) and float64 (NumPy's default).
// Its BLAS decides the figure: Debian's python3-numpy uses whichever libblas.so.3 is installed, the
// reference BLAS unless libopenblas0 is (the line names the library it loaded).
function measureNumpy(dtype) {
  const threads = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  try {
    // Debian's python3 (where python3-numpy installs) before whatever python3 is first on PATH.
    const python = process.env.LAYERSCOPE_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
    const out = execFileSync(python, [join(root, 'bench', 'peer', 'numpy_blog_bn.py'), String(reps), dtype],
                             { encoding: 'utf8', env: { ...process.env, ...threads }, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').at(-1));
  } catch (e) {
    return { missing: (e.stderr || e.message).trim().split('\n').at(-1) };
  }
}
const numpy = { float32: measureNumpy('float32'), float64: measureNumpy('float64') };

console.log(`blog-bn (20 x 100, 1000 samples, float): medians of ${reps} runs, Node ${process.versions.node}`);
// Per update: forward + backward + the per-layer summaries, as the page runs them (run_and_summarize,
// each tensor summarized as soon as it is written), measured as one piece.
const perUpdate = b => b.runAndSummarize;
for (const [name, b] of measured) {
  const label = name === 'relaxed' ? 'wasm relaxed SIMD (what the page runs in Chromium)' : 'wasm SIMD128 (browsers without relaxed SIMD)';
  console.log(`-- ${label}`);
  console.log(`forward                              ${ms(b.forward)}`);
  console.log(`forward + backward                   ${ms(b.forwardBackward)}`);
  console.log(`statistics with percentiles          ${ms(b.statsWithPercentiles)}`);
  console.log(`statistics without percentiles       ${ms(b.statsWithoutPercentiles)}`);
  console.log(`histograms, 5 kinds x 64 bins        ${ms(b.histograms)}`);
  // The targets apply to what the page computes on every update: the run and the per-layer summaries
  // (mean, std, min, max, zero and saturated fractions, NaN/Inf). Exact percentiles are computed
  // afterwards, layer by layer, once the figures are on screen (web/src/worker.js), so they are beside it.
  const w = perUpdate(b);
  console.log(`run + statistics (per update)        ${ms(w)}   target <= 40 ms: ${w <= 40 ? 'met' : 'MISSED'}`);
  console.log(`run + statistics + percentiles       ${ms(b.forwardBackward + b.statsWithPercentiles)}`);
  console.log(`createRun + 5 histograms + free      ${ms(b.pageWith)} with percentiles, ${ms(b.pageWithout).trim()} without`);
  console.log(`wasm heap held by one run            ${(b.heapPerRun / 2 ** 20).toFixed(1).padStart(8)} MiB`);
}

if (peer.missing) {
  console.log(`-- peer tfjs-wasm: not measured (${peer.missing})`);
} else {
  const ours = measured.map(([name, b]) => `${name} ${(peer.forwardBackward / b.forwardBackward).toFixed(1)}x`).join(', ');
  console.log(`-- peer: TensorFlow.js 4.22 wasm backend (bench/peer/tfjs-blog-bn.mjs, one thread, SIMD ${peer.simd})`);
  console.log(`forward + backward                   ${ms(peer.forwardBackward)}   tfjs/ours: ${ours}`);
}

for (const [dtype, np] of Object.entries(numpy)) {
  if (np.missing) {
    console.log(`-- peer NumPy ${dtype}: not measured (${np.missing})`);
    continue;
  }
  const ours = measured.map(([name, b]) => `${name} ${(np.forwardBackward / b.forwardBackward).toFixed(2)}x`).join(', ');
  console.log(`-- peer: NumPy ${np.numpy} ${dtype}, one thread (bench/peer/numpy_blog_bn.py; BLAS ${np.blas})`);
  console.log(`forward + backward                   ${ms(np.forwardBackward)}   numpy/ours: ${ours}`);
}

// The native benchmark, if built: parse its "blog-bn  <measurement>  median  min" lines. The default
// native build (build/, -march=native: AVX-512 here) is the one the targets name; native builds for other
// targets in build-native-*/ (see the README) are timed beside it, to show how much of the gap is the
// vector width.
function readNative(path) {
  const text = execFileSync(path, ['--reps', String(reps)], { encoding: 'utf8' });
  const native = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^blog-bn\s+(.+?)\s+([\d.]+)\s+([\d.]+)\s*$/);
    if (m) native[m[1]] = Number(m[2]);
    const peak = line.match(/^128-bit FMA peak, one core: ([\d.]+) GFLOP\/s/);
    if (peak) native.fma128 = Number(peak[1]);
  }
  const result = {
    fb: native['forward + backward'],
    statsWith: native['statistics with percentiles (summarize_network)'],
    statsWithout: native['statistics without percentiles'],
    update: native['run + statistics (run_and_summarize)'],
  };
  const fma128 = native.fma128;  // absent without FMA (the SSE2 build)
  if (!Object.values(result).every(Number.isFinite)) throw new Error(`could not read ${path}'s output:\n${text}`);
  return { ...result, fma128 };
}
const benchIn = dir => join(root, dir, 'bench', 'layerscope_bench');
const candidates = ['build', 'build-bench', 'build-cli', 'build-tests'].map(benchIn);
const nativeBench = [process.env.LAYERSCOPE_BENCH, ...candidates].find(p => p && existsSync(p));
if (!nativeBench) {
  console.log('native: no build*/bench/layerscope_bench found (set LAYERSCOPE_BENCH); no ratio measured');
  process.exit(0);
}
const { fb, statsWith, statsWithout, update: nativeUpdate, fma128 } = readNative(nativeBench);
const ratios = (pick, n) => measured.map(([name, b]) => `${name} ${(pick(b) / n).toFixed(2)}x`).join(', ');
console.log(`-- native (${nativeBench.replace(root + '/', '')}, same run), and wasm/native`);
console.log(`forward + backward                   ${ms(fb)}   ${ratios(b => b.forwardBackward, fb)}`);
console.log(`statistics with percentiles          ${ms(statsWith)}   ${ratios(b => b.statsWithPercentiles, statsWith)}`);
console.log(`statistics without percentiles       ${ms(statsWithout)}   ${ratios(b => b.statsWithoutPercentiles, statsWithout)}`);
console.log(`run + statistics (per update)        ${ms(nativeUpdate)}   ${ratios(perUpdate, nativeUpdate)}`);
for (const [name, b] of measured) {
  const r = perUpdate(b) / nativeUpdate;
  console.log(`  ${name.padEnd(8)} per update within 1.5x of native: ${r <= 1.5 ? 'met' : 'MISSED'} (${r.toFixed(2)}x)`);
}
if (fma128) {
  // The products' floor for any 4-float code: 3 per layer (W h, dz h^T, W^T dz), 2 F I N flops each
  // (the first layer's I is the input's width), at this peak and with every operand in cache.
  const { depth, width, input_dim, batch } = builds.simd128.config;  // the blog-bn config both builds ran
  const gflop = 3 * 2 * width * batch * (input_dim + (depth - 1) * width) * 1e-9;
  const floor = gflop / fma128 * 1e3;
  console.log(`128-bit FMA peak of this core (native loop, no memory): ${fma128.toFixed(1)} GFLOP/s; the ${gflop.toFixed(2)} ` +
              `GFLOP of products alone take ${floor.toFixed(1)} ms there, ${(floor / nativeUpdate).toFixed(2)}x native's whole update`);
}
console.log(`run + statistics + percentiles       ${ms(fb + statsWith)}   ${ratios(b => b.forwardBackward + b.statsWithPercentiles, fb + statsWith)}`);

const others = readdirSync(root).filter(d => d.startsWith('build-native-') && existsSync(benchIn(d))).sort();
for (const dir of others) {
  const other = readNative(benchIn(dir));
  const update = other.update;
  console.log(`-- other native build ${dir}/ (same run): per update ${ms(update).trim()} ` +
              `(forward + backward ${ms(other.fb).trim()}), wasm/native ${ratios(perUpdate, update)}`);
}
