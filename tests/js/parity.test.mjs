// The wasm module computes what the native tool computes: same config and seed, same numbers.
//
// Needs the native tool (src/cli, `layerscope`): set LAYERSCOPE_CLI, or build it into build/ or
// build-cli/ first.
// Identical inputs: the input x and the random upstream gradient come from the portable RNG (rng.cpp,
// never contracted to FMA), so their counts, min and max must be identical to the last bit, and their
// percentiles too, up to the interpolation between two order statistics, which the native compiler may
// fuse into one FMA (a last-bit difference). Their mean and std may differ in the 6th digit (allowed:
// 1e-5): the core sums blocks of 4096 floats with Eigen's packet reductions, whose lane count differs
// (16 natively with AVX-512, none in wasm).
// Everything after the first matrix product is compared with the native tool's double-precision run
// (--scalar double), the reference both float builds approximate: float results depend on the order of
// summation (Eigen's native AVX-512/FMA kernels, the wasm build's SSE2 path on SIMD128), and batch norm
// backward subtracts batch means of nearly cancelling float sums. Measured for blog-bn, depth 5, layer 1,
// max of dL/dW: double 42.262396, wasm float 42.262398, native float 41.869896 (1% off); std of dL/dx:
// double 0.0258482277, wasm float 0.0258482268, native float 0.0258446872. So float-to-float comparison
// would test rounding luck; float-to-double tests the wasm build. Allowed: 1e-4 of the tensor's spread
// for forward tensors, 1e-3 for gradients.
// Theory is double arithmetic on the config alone and must agree to 1e-12.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNativeTool, loadForNode } from './load.mjs';

function runNative(tool, preset, overrides, scalar) {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-parity-'));
  try {
    const out = join(dir, 'run.json');
    const args = ['--preset', preset, '--scalar', scalar];
    for (const [name, value] of Object.entries(overrides)) args.push(`--${name}`, String(value));
    execFileSync(tool, [...args, '--json', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PERCENTILE_KEYS = { p5: '5', p15: '15', p50: '50', p85: '85', p95: '95' };
const THEORY_KEYS = { varianceFactor: 'variance_factor', preActivationStd: 'pre_activation_std',
                      outputStd: 'output_std', gradOutputStd: 'grad_output_std', gradWeightStd: 'grad_weight_std' };

// Relative to the tensor's spread (std, or its magnitude when the std is 0): a mean near 0 has no
// meaningful relative error of its own.
function close(actual, expected, scale, rel, what) {
  const tolerance = rel * Math.max(Math.abs(expected), scale, 1e-30);
  assert.ok(Math.abs(actual - expected) <= tolerance,
            `${what}: wasm ${actual}, native ${expected} (difference ${Math.abs(actual - expected)}, allowed ${tolerance})`);
}

function sameSummary(w, n, what, { exact = false, rel = 1e-4 } = {}) {
  if (n === null) { assert.equal(w, null, `${what}: native has none, wasm has one`); return; }
  assert.ok(w, `${what}: wasm has none, native has one`);
  assert.equal(w.count, n.count, `${what}: count`);
  assert.equal(w.nan, n.nan_count, `${what}: NaN count`);
  assert.equal(w.inf, n.inf_count, `${what}: Inf count`);
  const check = (a, b, name, scale) => exact ? assert.equal(a, b, `${what}: ${name} must be identical`)
                                             : close(a, b, scale, rel, `${what}: ${name}`);
  const sum = (a, b, name, scale) => close(a, b, scale, exact ? 1e-5 : rel, `${what}: ${name}`);
  // A value a rounding away from 0 can land on either side of a ReLU: counts may differ by a few.
  const countSlack = exact ? 0 : Math.max(2, Math.ceil(1e-3 * n.count));
  for (const [mine, theirs] of [['zeros', 'zero_count'], ['saturated', 'saturated_count'], ['finite', 'finite_count']])
    assert.ok(Math.abs(w[mine] - n[theirs]) <= countSlack, `${what}: ${mine} ${w[mine]} vs native ${n[theirs]}`);
  const spread = Math.abs(n.std);
  sum(w.std, n.std, 'std', 0);
  sum(w.mean, n.mean, 'mean', spread);
  check(w.min, n.min, 'min', spread);
  check(w.max, n.max, 'max', spread);
  if (n.percentiles) {
    assert.ok(w.percentiles, `${what}: percentiles missing`);
    for (const [mine, theirs] of Object.entries(PERCENTILE_KEYS)) {
      if (exact) close(w.percentiles[mine], n.percentiles[theirs], 0, 1e-15, `${what}: percentile ${theirs}`);
      else check(w.percentiles[mine], n.percentiles[theirs], `percentile ${theirs}`, spread);
    }
  }
}

const CASES = [
  ['blog-bn', { depth: 5 }],
  ['blog-no-bn', { depth: 5 }],
  ['blog-as-written', { depth: 4 }],
  ['tanh-xavier', { depth: 5, batch: 300 }],
  ['bn-before-relu', { depth: 4, batch: 300, bias: true }],
  ['he-relu', { depth: 3, activation: 'sigmoid', upstream: 'mse', batch: 200 }],
  ['blog-bn', { depth: 3, mode: 'eval', warmup_batches: 3, batch: 200, upstream: 'cross_entropy', classes: 7 }],
  ['he-relu', { depth: 4, activation: 'leaky_relu', width: 37, input_dim: 23, batch: 111, seed: 12345 }],
  ['cures-residual', { depth: 6, batch: 200 }],
  ['cures-residual', { depth: 5, batch: 200, residual: 'every_second_layer', residual_scale: 'trained', normalization: 'per_sample' }],
  ['cures-selu', { depth: 5, batch: 200 }],
];

const ls = await loadForNode();
let tool = null, toolError = null;
try { tool = findNativeTool(); } catch (e) { toolError = e; }

test('the native tool is there to compare with', () => {
  if (toolError) throw toolError;
});

for (const [preset, overrides] of CASES) {
  const name = `${preset} ${JSON.stringify(overrides)}: wasm summaries, loss and theory match the native tool`;
  test(name, { skip: toolError ? 'native tool not found (see the test above)' : false }, () => {
    const native = runNative(tool, preset, overrides, 'float');
    const reference = runNative(tool, preset, overrides, 'double');
    const config = { ...ls.presets.find(p => p.name === preset).config, ...overrides };
    const run = ls.createRun(config);
    try {
      assert.equal(native.scalar, 'float');
      assert.deepEqual(run.config, ls.normalizeConfig(config));
      assert.equal(native.layers.length, run.depth + 1);

      // Drawn by the portable RNG and summarized by the same code: identical to the last bit.
      sameSummary(run.summaries.output[0], native.layers[0].output, 'layer 0 output (the input x)', { exact: true });
      if (config.upstream === 'random')
        sameSummary(run.summaries.grad_output[run.depth], native.layers[run.depth].grad_output,
                    `layer ${run.depth} grad_output (the random upstream)`, { exact: true });

      assert.equal(reference.scalar, 'double');
      close(run.loss, reference.loss, 0, 1e-4, 'loss (against the double run)');
      for (let l = 0; l <= run.depth; ++l)
        for (const kind of ls.tensorKinds)
          sameSummary(run.summaries[kind][l], reference.layers[l][kind], `layer ${l} ${kind} (against the double run)`,
                      { rel: kind.startsWith('grad_') ? 1e-3 : 1e-4 });

      // Theory is double arithmetic on the config alone: equal up to libm differences.
      for (const [mine, theirs] of Object.entries(THEORY_KEYS)) {
        const expected = native.theory[theirs];
        assert.equal(run.theory[mine].length, expected.length, `theory ${theirs} length`);
        run.theory[mine].forEach((value, l) => {
          if (expected[l] === null) assert.ok(Number.isNaN(value), `theory ${theirs}[${l}]: native null, wasm ${value}`);
          else close(value, expected[l], 0, 1e-12, `theory ${theirs}[${l}]`);
        });
      }
      // Last, so that a wrong echo of the config does not hide the numbers' comparison.
      for (const [field, value] of Object.entries(run.config))
        assert.equal(native.config[field], value, `config.${field}: native ${native.config[field]}, wasm ${value}`);
    } finally {
      run.free();
    }
  });
}
