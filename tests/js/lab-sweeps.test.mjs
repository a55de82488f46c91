// The evidence lab's sweeps in wasm (their own module, layerscope_lab.wasm: loadLab's sweepPlan, sweepPoint,
// sweepResult and depthSweep, over src/core/sweeps.hpp) give the native tool's numbers (`layerscope sweep`
// and `depth-sweep --json`), run by run, and refuse a bad setting naming the field before anything runs.
// The page's wall time for the default sweep is measured by bench/sweep-bench.mjs in Chromium (a benchmark,
// not a timed test).
//
// Needs the native tool (load.mjs findNativeTool) and dist/data/mnist-binary.bin (./build-wasm.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNativeTool, loadLabForNode, root } from './load.mjs';

const packPath = join(root, 'dist', 'data', 'mnist-binary.bin');
if (!existsSync(packPath)) throw new Error(`${packPath} not found: run ./build-wasm.sh first`);
const lab = await loadLabForNode();

// The native tool's --json of `layerscope COMMAND ARGS`.
function nativeJson(command, settings, extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-lab-'));
  try {
    const out = join(dir, 'out.json');
    const args = Object.entries(settings).flatMap(([k, v]) => [`--${k}`, String(v)]);
    const run = spawnSync(findNativeTool(), [command, ...args, ...extra, '--json', out, '--quiet'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function close(actual, expected, rel, what) {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: wasm ${actual}, native ${expected}`);
}

// A sweep run by the module one run at a time, as the page's workers do, against the native tool's whole
// sweep: the same rates, the same runs diverged (within stepSlack steps of each other), losses within lossRel,
// test accuracy within 2 images of 1,000; the core's summary (largest rates, caption) from the module's runs.
function compareSweep(settings, lossRel, stepSlack = 0) {
  const native = nativeJson('sweep', settings, ['--data', packPath]);
  const plan = lab.sweepPlan(settings);
  assert.deepEqual([plan.pair, plan.a, plan.b], [native.pair, native.a.preset, native.b.preset]);
  assert.deepEqual(Array.from(plan.rates), native.a.points.map(p => p.rate));
  const points = { a: [], b: [] };
  for (const [column, key] of [[0, 'a'], [1, 'b']]) {
    plan.rates.forEach((rate, index) => {
      const w = lab.sweepPoint(plan.settings, column, index), n = native[key].points[index];
      const where = `${key.toUpperCase()} at rate ${rate}`;
      assert.equal(w.rate, n.rate, where);
      assert.equal(w.diverged, n.diverged, where);
      if (n.diverged) {
        assert.ok(Math.abs(w.divergedStep - n.diverged_step) <= stepSlack, `${where}: diverged at step ${w.divergedStep}, native ${n.diverged_step}`);
        assert.ok(Number.isNaN(w.testAccuracy) && Number.isNaN(w.finalTrainLoss), `${where}: no number for a diverged run`);
      } else {
        close(w.finalTrainLoss, n.final_train_loss, lossRel, `${where} final train loss`);
        close(w.testLoss, n.test_loss, lossRel, `${where} test loss`);
        assert.ok(Math.abs(w.testAccuracy - n.test_accuracy) <= 0.002, `${where} test accuracy: wasm ${w.testAccuracy}, native ${n.test_accuracy}`);
      }
      points[key].push(w);
    });
  }
  const summary = lab.sweepResult(plan.settings, points.a, points.b);
  for (const [w, n] of [[summary.aLargest, native.a.largest_training_rate], [summary.bLargest, native.b.largest_training_rate]])
    assert.ok(n === null ? Number.isNaN(w) : w === n, `largest training rate: wasm ${w}, native ${n}`);
  return { native, points, summary };
}

// Figure 1's pair (3 sigmoid layers): its float training agreed to 1.4e-8 relative over 1,000 steps
// (tests/js/training.test.mjs); allowed 1e-5 here, and the caption must be the CLI's to the letter.
test('the learning-rate sweep gives the native tool\'s numbers and caption run by run (Figure 1 pair)', () => {
  lab.loadMnist(new Uint8Array(readFileSync(packPath)));
  const { native, summary } = compareSweep({ pair: 'fig1', steps: 100, rates: 3, decades: 2, test_samples: 1000, trains_above: 0.3 }, 1e-5);
  assert.equal(summary.caption, native.caption);
  // measured natively: B reaches 78.6% at rate 1, A stays on its plateau (12.6% at best)
  assert.match(summary.caption, /^A \(without batch norm\) trains at none of the 3 rates; B \(with batch norm\) trains up to a learning rate of 1, the top of the grid/);
});

// The post's pair (20 ReLU layers) at rates 1e-5 and 10: B (batch norm) diverges at step 16 natively
// (tests/cli/check_sweep.mjs), and must here too. Twenty batch-norm layers on the post's tiny weights amplify
// the two builds' rounding differences (measured: B at rate 1e-5 after 20 steps, 1.0e-3 apart; at rate 0.01
// after 40 steps, 3%; at rate 10 the loss overflows at step 15 in wasm), so the runs that do not diverge are
// compared to 1e-2 and the step of divergence to 2 steps.
test('a diverged run is marked within two steps of the native tool\'s and never given a number (the post\'s pair)', () => {
  lab.loadMnist(new Uint8Array(readFileSync(packPath)));
  const { points } = compareSweep({ pair: 'blog', steps: 20, rates: 2, decades: 3, test_samples: 200 }, 1e-2, 2);
  assert.deepEqual(points.b.map(p => p.diverged), [false, true]);
  assert.ok(Number.isInteger(points.b[1].divergedStep) && Number.isNaN(points.b[1].finalTrainLoss));
});

// The depth sweep builds networks at initialisation in float. Native and wasm round differently (1e-8 at
// depth 2); with batch norm the deep network amplifies that difference by about 1.5x a layer (measured,
// width 40, batch 64, seed 7: 4e-8 at depth 11, 5e-6 at 26, 0.3 at 60, where the two are different
// samples of the same chaotic map). So they are compared up to depth 26, allowed 1e-4; the rates are
// double arithmetic on the settings alone and must be equal.
test('the depth sweep gives the native tool\'s growth, rates, parting depths and caption', () => {
  const settings = { min_depth: 2, max_depth: 26, points: 5, width: 40, batch: 64, seed: 7 };
  const native = nativeJson('depth-sweep', settings);
  const seen = [];
  const w = lab.depthSweep(settings, (done, total) => seen.push([done, total]));
  assert.deepEqual(seen.at(-1), [15, 15], 'progress after every network');
  assert.deepEqual(w.variants, native.variants.map(v => v.variant));
  w.variants.forEach((name, k) => {
    const n = native.variants[k];
    assert.equal(w.rates[k], n.rate, `${name} rate`);
    assert.equal(w.partsAt[k], n.parts_at, `${name} parts at`);
    n.points.forEach((p, i) => {
      assert.equal(w.points[i].depth, p.depth);
      close(w.points[i].growth[k], p.growth, 1e-4, `${name} depth ${p.depth} growth`);
      assert.equal(w.points[i].predicted[k], p.predicted, `${name} depth ${p.depth} prediction`);
      close(w.points[i].firstWeightGradient[k], p.first_weight_gradient, 1e-4, `${name} depth ${p.depth} dL/dW_1`);
    });
  });
  assert.equal(w.caption, native.caption);
  assert.match(w.caption, /^At depth 26 the gradient at the first layer, relative to the last layer's, is /);
});

test('a bad sweep setting is refused naming the field and what it allows, before anything runs', () => {
  const refusals = [
    [() => lab.sweepPlan({ steps: 0 }), 'steps', /^steps: must be an integer from 1 to 100000 \(got 0\)/],
    [() => lab.sweepPlan({ rates: 'many' }), 'rates', /^rates: must be an integer from 2 to 32/],
    [() => lab.sweepPlan({ pair: 'nope' }), 'pair', /^pair: must be one of: fig1, /],
    [() => lab.sweepPlan({ decades: 4 }), 'decades', /^decades: takes the rate to 100, over learning_rate's 10; at most 3 for this pair/],
    [() => lab.sweepPlan({ rate: 1 }), 'rate', /^rate: unknown setting; known settings are: pair, steps, rates/],
    [() => lab.sweepPoint({}, 2, 0), 'column', /^column: must be 0 \(A\) or 1 \(B\)/],
    [() => lab.depthSweep({ max_depth: 101 }), 'max_depth', /^max_depth: must be an integer from 2 to 100/],
    [() => lab.depthSweep({ min_depth: 50, max_depth: 10 }), 'max_depth', /^max_depth: must be at least min_depth 50/],
    [() => lab.depthSweep({ init: 'orthogonal' }), 'init', /^init: must be one of: /],
  ];
  for (const [call, field, message] of refusals)
    assert.throws(call, e => e.name === 'LayerscopeError' && e.field === field && message.test(e.message), `${field}: ${message}`);
  const rows = Object.fromEntries(lab.sweepSchema.map(r => [r.name, r]));
  assert.deepEqual([rows.steps.default, rows.rates.default, rows.decades.default, rows.pair.default], [2000, 8, 2, 'fig1']);
  assert.deepEqual(lab.depthSweepSchema.map(r => r.name), ['min_depth', 'max_depth', 'points', 'width', 'batch', 'init', 'seed']);
});
