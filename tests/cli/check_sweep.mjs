// Usage: node check_sweep.mjs TOOL OUTDIR MNIST_PACK
// `sweep --json` and `depth-sweep --json`: every rate of both columns, diverged runs marked with null numbers,
// the largest training rate named; every depth of the three variants with the mean-field rates.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const [tool, outdir, pack] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const sweepFile = `${outdir}/sweep.json`;
// Rates 1e-5, 0.01 and 10 (three decades each side of the post's pair's 0.01): at 10 the 20 ReLU layers with
// batch norm diverge (measured: at step 16).
const run = spawnSync(tool, ['sweep', '--pair', 'blog', '--steps', '30', '--rates', '3', '--decades', '3', '--test-samples', '300',
  '--trains-above', '0.3', '--data', pack, '--json', sweepFile, '--quiet'], { encoding: 'utf8' });
assert.equal(run.status, 0, run.stderr);
const doc = JSON.parse(readFileSync(sweepFile, 'utf8'));
assert.equal(doc.kind, 'learning_rate_sweep');
assert.equal(doc.pair, 'blog');
assert.equal(doc.settings.rates, 3);
for (const column of [doc.a, doc.b]) {
  assert.deepEqual(column.points.map((p) => +p.rate.toPrecision(12)), [1e-5, 0.01, 10]);
  for (const p of column.points) {
    if (p.diverged) {
      assert.ok(Number.isInteger(p.diverged_step) && p.diverged_step >= 1);
      assert.deepEqual([p.final_train_loss, p.test_loss, p.test_accuracy], [null, null, null]);
    } else {
      assert.equal(p.diverged_step, null);
      assert.ok(Number.isFinite(p.final_train_loss) && p.test_accuracy >= 0 && p.test_accuracy <= 1);
    }
  }
  const trained = column.points.filter((p) => !p.diverged && p.test_accuracy >= 0.3).map((p) => p.rate);
  assert.equal(column.largest_training_rate, trained.length ? Math.max(...trained) : null);
}
assert.ok(doc.a.points.some((p) => p.diverged) || doc.b.points.some((p) => p.diverged), 'rate 10 diverges somewhere');
assert.match(doc.caption, /^A \(without batch norm\) trains (up to a learning rate of|at none)/);
assert.match(run.stdout, /diverged at step \d+/);
assert.ok(run.stdout.includes(doc.caption));

const depthFile = `${outdir}/depth.json`;
const depth = spawnSync(tool, ['depth-sweep', '--min-depth', '2', '--max-depth', '20', '--points', '4', '--batch', '64',
  '--json', depthFile, '--quiet'], { encoding: 'utf8' });
assert.equal(depth.status, 0, depth.stderr);
const d = JSON.parse(readFileSync(depthFile, 'utf8'));
assert.deepEqual(d.variants.map((v) => v.variant), ['none', 'bn_before', 'bn_after']);
// Xavier: sqrt(1/2) without normalization; sqrt(pi/(pi-1)) with batch norm before or after the ReLU.
assert.ok(Math.abs(d.variants[0].rate - Math.SQRT1_2) < 1e-12);
assert.ok(Math.abs(d.variants[1].rate - Math.sqrt(Math.PI / (Math.PI - 1))) < 1e-12);
for (const v of d.variants) {
  assert.deepEqual(v.points.map((p) => p.depth), [2, 4, 9, 20]);
  for (const p of v.points) {
    assert.ok(p.growth > 0 && p.first_weight_gradient > 0);
    assert.ok(Math.abs(p.predicted - v.rate ** (p.depth - 1)) < 1e-9 * p.predicted);
  }
}
// Batch norm's gradient grows toward the input, without it it shrinks (Xavier + ReLU): measured at depth 20.
assert.ok(d.variants[1].points[3].growth > 5 && d.variants[2].points[3].growth > 5, 'batch norm: grows');
assert.ok(d.variants[0].points[3].growth < 0.1, 'no normalization: shrinks');
console.log(`ok: depth 20 growth ${d.variants.map((v) => v.points[3].growth.toPrecision(4))}`);
