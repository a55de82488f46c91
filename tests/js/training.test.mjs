// Training on MNIST through the wasm module (web/src/layerscope.js: loadMnist, createTraining): bad
// settings and bad data give the core's messages, bn-paper-fig1 learns, memory stays flat over a long run
// and over create/free cycles, and the same seed gives the native tool's numbers.
//
// Needs dist/data/mnist-binary.bin (./build-wasm.sh writes it). The parity test needs the native tool
// with its train subcommand (LAYERSCOPE_CLI, or build/src/cli/layerscope) and skips without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadForNode, root, wasmVariant } from './load.mjs';

const packPath = join(root, 'dist', 'data', 'mnist-binary.bin');
if (!existsSync(packPath)) throw new Error(`${packPath} not found: run ./build-wasm.sh first`);
const pack = readFileSync(packPath);
const ls = await loadForNode();
// Tests that train load the data themselves (once), so that each also runs alone (--test-name-pattern).
let loaded = false;
function ensureData() {
  if (!loaded) ls.loadMnist(pack);
  loaded = true;
}

test('a training started before any data is loaded says to load it', () => {
  assert.throws(() => ls.createTraining({ preset: 'bn-paper-fig1' }),
                { name: 'LayerscopeError', message: /no dataset loaded: call loadMnist/ });
});

test('loadMnist parses the pack and reports its image counts', () => {
  assert.deepEqual(ls.loadMnist(pack), { train: 60000, test: 10000 });
  loaded = true;
});

test('a truncated or corrupt pack gives the loader\'s message, and the loaded data stays', () => {
  ensureData();
  assert.throws(() => ls.loadMnist(pack.subarray(0, pack.length - 1000)),
                { message: /^mnist: the downloaded dataset: truncated: 6929024 bytes, expected 6930024/ });
  const corrupt = new Uint8Array(pack.subarray(0, 4096));
  corrupt[0] = 'X'.charCodeAt(0);
  assert.throws(() => ls.loadMnist(corrupt), { message: /^mnist: the downloaded dataset: / });
  assert.throws(() => ls.loadMnist(new Uint8Array(0)), { message: /^mnist: the downloaded dataset: / });
  assert.throws(() => ls.loadMnist('not bytes'), { message: /must be a Uint8Array/ });
  const training = ls.createTraining({ steps: 1, test_samples: 10 });
  training.free();
});

test('bad settings throw the setting\'s own message and name it', () => {
  const cases = [
    [{ learning_rate: 0 }, 'learning_rate', "learning_rate: must be a number greater than 0 and at most 10 (got 0)"],
    [{ optimizer: 'rmsprop' }, 'optimizer', "optimizer: must be one of: sgd, adam (got 'rmsprop')"],
    [{ steps: 'abc' }, 'steps', "steps: must be an integer from 1 to 1000000 (got 'abc')"],
    [{ steps: NaN }, 'steps', /^steps: must be an integer from 1 to 1000000/],
    [{ steps: {} }, 'steps', 'steps: must be an integer from 1 to 1000000 (got an object)'],
    [{ learning_rat: 0.1 }, 'learning_rat', /^learning_rat: unknown setting; known settings are: optimizer, learning_rate, .*, depth, /],
    [{ preset: 'fig2' }, 'preset', /^preset: must be one of: bn-paper-fig1, bn-paper-fig1-baseline, /],
    [{ input_dim: 100 }, 'input_dim', /^input_dim: must be 784 to train on MNIST/],
    [{ test_samples: 20000 }, 'test_samples', /^test_samples: must be an integer from 1 to 10000/],
  ];
  for (const [config, field, message] of cases) {
    assert.throws(() => ls.createTraining(config), error => {
      assert.equal(error.name, 'LayerscopeError');
      assert.equal(error.field, field, `field for ${JSON.stringify(config)}`);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  }
});

test('the schema and presets list the training settings; a preset comes first, other keys override it', () => {
  ensureData();
  const names = ls.trainingSchema.map(f => f.name);
  for (const name of ['optimizer', 'learning_rate', 'steps', 'log_every', 'test_samples', 'histogram_bins'])
    assert.ok(names.includes(name), name);
  assert.equal(ls.trainingSchema.find(f => f.name === 'optimizer').default, 'sgd');
  const fig1 = ls.trainingPresets.find(p => p.name === 'bn-paper-fig1');
  assert.ok(fig1.title && fig1.description);
  assert.equal(fig1.config.normalization, 'batch');
  assert.equal(fig1.config.input_dim, 784);
  assert.equal(ls.trainingPresets.find(p => p.name === 'bn-paper-fig1-baseline').config.normalization, 'none');
  const training = ls.createTraining({ preset: 'bn-paper-fig1-baseline', learning_rate: '0.05', steps: 7 });
  try {
    assert.deepEqual(training.config, { ...ls.trainingPresets[1].config, learning_rate: 0.05, steps: 7 });
  } finally {
    training.free();
  }
});

test('bn-paper-fig1 learns: in 300 steps the loss falls and test accuracy passes 80%', () => {
  ensureData();
  // Measured (SIMD128 build, seed 1, reports every 50 steps on the first 1000 test images): train loss
  // 1.975 at step 50 and 0.533 at step 300; test accuracy 0.564 at step 50 and 0.879 at step 300.
  const training = ls.createTraining({ preset: 'bn-paper-fig1', steps: 300, log_every: 50, test_samples: 1000 });
  try {
    // Before the first step: the core's step-0 report, the network as initialised. N(0, 0.01^2) weights
    // make every logit about 0, so the first batch's loss is about ln 10 (native float measured 2.3166).
    const zero = training.latest();
    assert.equal(zero.step, 0);
    assert.ok(Math.abs(zero.trainLoss - Math.log(10)) < 0.05, `step-0 train loss ${zero.trainLoss}`);
    assert.ok(zero.testAccuracy > 0 && zero.testAccuracy < 0.3, `step-0 test accuracy ${zero.testAccuracy}`);
    for (let l = 1; l <= 3; ++l) {
      assert.ok(Number.isNaN(zero.updateRatioLog10[l]), `step 0 layer ${l}: no update, update ratio NaN`);
      assert.ok(zero.dweightStd[l] > 0, `step 0 layer ${l}: a gradient`);
      assert.ok(Number.isFinite(zero.preP50[l]), `step 0 layer ${l}: the probe`);
    }
    assert.deepEqual(training.step(100), { stepsDone: 100, finished: false });
    assert.deepEqual(training.step(1000), { stepsDone: 300, finished: true }, 'never past config.steps');
    const history = training.history();
    assert.equal(history.count, 7);
    assert.deepEqual(Array.from(history.step), [0, 50, 100, 150, 200, 250, 300]);
    const loss = history.trainLoss, accuracy = history.testAccuracy;
    assert.equal(loss[0], zero.trainLoss, 'step 0 is the history\'s first entry');
    assert.ok(loss[6] < 0.5 * loss[1], `train loss ${loss[1]} -> ${loss[6]}`);
    assert.ok(accuracy[6] > 0.8, `test accuracy at step 300: ${accuracy[6]}`);

    const latest = training.latest();
    assert.equal(latest.step, 300);
    assert.equal(latest.trainLoss, loss[6]);
    assert.equal(latest.testAccuracy, accuracy[6]);
    assert.equal(latest.depth, 3);
    for (const name of ['preP15', 'preP50', 'preP85', 'unitP15', 'unitP50', 'unitP85', 'updateRatioLog10']) {
      assert.ok(latest[name] instanceof Float64Array, name);
      assert.equal(latest[name].length, 4, name);
      assert.ok(Number.isNaN(latest[name][0]), `${name}[0]: the input has no statistics`);
      for (let l = 1; l <= 3; ++l) assert.ok(Number.isFinite(latest[name][l]), `${name}[${l}]`);
      assert.ok(latest.unitP15[1] <= latest.unitP50[1] && latest.unitP50[1] <= latest.unitP85[1]);
      assert.ok(history[name] instanceof Float64Array && history[name].length === 7 * 4, name);
      assert.equal(history[name][6 * 4 + 2], latest[name][2], `${name}: history row 6 layer 2 is the latest`);
    }
    assert.ok(latest.histogramCounts instanceof Uint32Array);
    assert.equal(latest.histogramCounts.length, 4 * latest.bins);
    assert.ok(latest.histogramCounts.subarray(0, latest.bins).every(c => c === 0), 'layer 0 has no histogram');
    const layer1 = latest.histogramCounts.subarray(latest.bins, 2 * latest.bins).reduce((a, b) => a + b, 0);
    assert.ok(layer1 > 0, 'layer 1 has a histogram');
  } finally {
    training.free();
  }
});

test('a diverging run throws with divergedAt, and again on every later step', () => {
  ensureData();
  const training = ls.createTraining({ preset: 'blog-deep-relu', learning_rate: 10, init_scale: 1, test_samples: 100 });
  try {
    let at = null;
    assert.throws(() => training.step(200), error => {
      assert.match(error.message, /^training diverged: the loss is .* at step \d+; lower learning_rate$/);
      assert.equal(error.field, null);
      assert.ok(Number.isInteger(error.divergedAt) && error.divergedAt > 0);
      at = error.divergedAt;
      return true;
    });
    assert.throws(() => training.step(1), error => error.divergedAt === at);
    assert.throws(() => training.step(1.5), { field: 'n' });
  } finally {
    training.free();
  }
});

test('memory stays flat past the history\'s capacity (3000 reports, 1024 kept)', () => {
  ensureData();
  // log_every 1: one report a step, so the history fills at 1024 and thins itself from then on; the
  // heap in use at 3000 steps must equal (within a few report's worth) the heap at 1500.
  const training = ls.createTraining({ preset: 'bn-paper-fig1', steps: 3000, log_every: 1, test_samples: 100 });
  try {
    training.step(1500);
    training.latest();
    training.history();
    const atHalf = ls.heapInUse(), sizeAtHalf = ls.heapSize();
    training.step(1500);
    training.latest();
    const history = training.history();
    assert.ok(history.count <= 1024 && history.stride > 1, `kept ${history.count}, stride ${history.stride}`);
    assert.equal(history.step[0], 0, 'the first report (step 0) stays');
    assert.equal(history.step[history.count - 1], 3000, 'the newest report stays');
    const grown = ls.heapInUse() - atHalf;
    assert.ok(Math.abs(grown) < 64 * 1024, `heap in use went from ${atHalf} to ${ls.heapInUse()} bytes`);
    assert.equal(ls.heapSize(), sizeAtHalf, 'the wasm memory did not grow');
  } finally {
    training.free();
  }
});

test('create/step/free cycles leave the malloc heap where it was', () => {
  ensureData();
  const cycle = () => {
    const training = ls.createTraining({ preset: 'bn-paper-fig1', steps: 20, log_every: 10, test_samples: 100 });
    training.step(20);
    training.latest();
    training.history();
    training.free();
  };
  for (let i = 0; i < 3; ++i) cycle();  // first-use allocations
  const inUse = ls.heapInUse();
  for (let i = 0; i < 30; ++i) cycle();
  for (let i = 0; i < 30; ++i) assert.throws(() => ls.createTraining({ optimizer: 'rmsprop' }));
  assert.equal(ls.heapInUse(), inUse, `heap in use went from ${inUse} to ${ls.heapInUse()} bytes`);
});

// ---------------------------------------------------------------------------------------------------
// Parity with the native tool: the same preset, seed and data give the same training losses.

function findTrainingTool() {
  const candidates = [process.env.LAYERSCOPE_CLI, join(root, 'build', 'src', 'cli', 'layerscope')];
  for (const path of candidates) {
    if (!path || !existsSync(path)) continue;
    const help = spawnSync(path, ['train', '--help'], { encoding: 'utf8' });
    if (help.status === 0 && /layerscope train/.test(help.stdout + help.stderr)) return path;
  }
  return null;
}
const trainingTool = findTrainingTool();
// Float against the native float run: the reports' train losses agreed to 1.4e-8 relative (SIMD128 build,
// native -O3 build of the same commit, steps 100..1000), test accuracy exactly. Allowed: 1e-5 and 2 of
// the 1000 test images, room for the relaxed build's fused multiply-adds.
const PARITY_REL = 1e-5;

test('the same seed trains to the native tool\'s losses', {
  skip: trainingTool ? false : 'the native tool with `layerscope train` was not found (LAYERSCOPE_CLI, build/src/cli/layerscope)',
}, () => {
  ensureData();
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-train-parity-'));
  let native;
  try {
    const out = join(dir, 'train.json');
    execFileSync(trainingTool, ['train', '--preset', 'bn-paper-fig1', '--steps', '1000', '--log-every', '100',
                                '--test_samples', '1000', '--data', packPath, '--json', out, '--quiet'],
                 { stdio: ['ignore', 'ignore', 'pipe'] });
    native = JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const training = ls.createTraining({ preset: 'bn-paper-fig1', steps: 1000, log_every: 100, test_samples: 1000 });
  try {
    training.step(1000);
    const history = training.history();
    const reports = native.history.reports;
    assert.equal(reports[0].step, 0, 'native: step 0 first');
    assert.equal(history.count, reports.length);
    for (let r = 0; r < reports.length; ++r) {
      assert.equal(history.step[r], reports[r].step);
      const [wasm, cli] = [history.trainLoss[r], reports[r].train_loss];
      assert.ok(Math.abs(wasm - cli) <= PARITY_REL * Math.abs(cli),
                `${wasmVariant} step ${reports[r].step}: train loss wasm ${wasm}, native ${cli}`);
      assert.ok(Math.abs(history.testAccuracy[r] - reports[r].test_accuracy) <= 0.002,
                `step ${reports[r].step}: test accuracy wasm ${history.testAccuracy[r]}, native ${reports[r].test_accuracy}`);
    }
  } finally {
    training.free();
  }
});

// Issue 20: the pair a reader built trains, and every report keeps what any view draws of it.
test('a network built for the init view trains, and its step 0 is that view on the first batch', () => {
  ensureData();
  const built = { ...ls.presets.find(p => p.name === 'xavier-bn').config, depth: 6, width: 24, batch: 40,
    activation: 'tanh', placement: 'before', mode: 'eval' };
  const { config, changes } = ls.trainable(built, { steps: 6, log_every: 3, test_samples: 200 });
  assert.equal(config.input_dim, 784);
  assert.equal(config.upstream, 'cross_entropy');
  assert.equal(config.mode, 'train');
  assert.equal(config.depth, 6);
  assert.equal(config.activation, 'tanh');
  assert.deepEqual(changes.map(c => c.field), ['input_dim', 'upstream', 'mode']);
  assert.ok(changes.every(c => c.why.length > 10));
  assert.throws(() => ls.trainable({ ...built, width: 5 }, { tracked_unit: 9 }), e => e.field === 'tracked_unit');

  const training = ls.createTraining(config);
  try {
    const zero = training.summaries(0);
    // every forward tensor of every layer, and the gradients of layers 1..L (dL/dx is not computed)
    for (let l = 1; l <= 6; ++l)
      for (const kind of ['pre_activation', 'activation', 'output', 'grad_output', 'grad_weight'])
        assert.ok(zero[kind][l] && zero[kind][l].count > 0, `${kind} ${l}`);
    assert.equal(zero.output[0].count, 784 * 40);  // the input: 40 MNIST images
    assert.equal(zero.grad_output[0], null);
    // Batch norm before tanh, train mode: each layer's pre-activation is normalized over the batch.
    for (let l = 1; l <= 6; ++l) assert.ok(Math.abs(zero.pre_activation[l].std - 1) < 0.01, `layer ${l}`);
    training.step(6);
    const count = training.history().count;
    assert.equal(count, 3);  // steps 0, 3, 6
    // Any display, redrawn from what each report kept: own axes exact totals, a shared axis, symlog.
    for (const options of [{ bins: 64, range: 'own' }, { bins: 20, range: 'shared', binning: 'symlog' },
                           { bins: 32, range: [-3, 3] }]) {
      const hist = training.histograms(2, 'activation', options);
      assert.equal(hist.length, 7);
      assert.equal(hist[0], null);
      for (let l = 1; l <= 6; ++l) {
        const h = hist[l];
        const total = h.counts.reduce((a, b) => a + b, 0) + h.zeros + h.outside + h.nonfinite;
        assert.ok(Math.abs(total - 24 * 40) < 1e-6, `${JSON.stringify(options)} layer ${l}: ${total}`);
      }
      assert.ok(Number.isFinite(hist.axis.lo) && hist.axis.hi > hist.axis.lo);
    }
    assert.throws(() => training.histograms(3, 'activation'), e => e.field === 'report');
    assert.throws(() => training.histograms(0, 'weights'), e => e.field === 'tensor');
  } finally {
    training.free();
  }
});

test('the one-click pairs come from the core, and a pair\'s caption is computed from its two histories', () => {
  ensureData();
  const names = ls.trainingPairs.map(p => p.name);
  assert.deepEqual(names, ['fig1', 'blog', 'bn-placement', 'bn-axis', 'he-vs-bn', 'tanh-50', 'cures-batch-norm',
    'cures-layer-norm', 'cures-residual', 'cures-selu', 'cures-skipinit', 'bn-costs', 'lab-ics', 'lab-noisy', 'lab-smoothness', 'lab-rank']);
  // the evidence lab's pairs, and only they, train with the probes on
  assert.deepEqual(ls.trainingPairs.filter(p => p.probes).map(p => p.name), names.filter(n => n.startsWith('lab-')));
  const presets = new Set(ls.trainingPresets.map(p => p.name));
  for (const p of ls.trainingPairs) assert.ok(presets.has(p.a) && presets.has(p.b), p.name);
  const run = name => {
    const t = ls.createTraining({ preset: name, steps: 200, log_every: 100, test_samples: 500 });
    try { t.step(200); return t.history(); } finally { t.free(); }
  };
  const caption = ls.pairCaption('fig1', run('bn-paper-fig1-baseline'), run('bn-paper-fig1'));
  assert.match(caption, /^After 200 steps, A \(without batch norm\) classifies \d+\.\d% of the test digits and B \(with batch norm\) \d+\.\d%\. /);
  assert.equal(caption.split('. ').length >= 2, true);
  assert.throws(() => ls.pairCaption('nope', {}, {}), e => e.field === 'preset');
  assert.throws(() => ls.pairCaption('fig1', {}, {}), e => e.field === 'historyA');
});
