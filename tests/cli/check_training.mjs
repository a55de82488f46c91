// Usage: node check_training.mjs TOOL OUTDIR MNIST_PACK
// A short run of the paper's Figure 1 network with batch norm: the --json document holds the config and
// every report with its per-layer statistics, the training loss falls, and the network learns.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const [tool, outdir, pack] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const jsonFile = `${outdir}/train.json`;
// --log-every (dashes) and --test_samples (underscores) are the same kind of flag.
const run = spawnSync(tool, ['train', '--preset', 'bn-paper-fig1', '--steps', '300', '--log-every', '100',
  '--test_samples', '1000', '--data', pack, '--json', jsonFile], { encoding: 'utf8' });
assert.equal(run.status, 0, run.stderr);
const doc = JSON.parse(readFileSync(jsonFile, 'utf8'));

assert.deepEqual(Object.keys(doc), ['layerscope', 'kind', 'scalar', 'preset', 'data', 'config', 'history', 'final']);
assert.equal(doc.kind, 'training');
assert.equal(doc.preset, 'bn-paper-fig1');
const c = doc.config;
assert.deepEqual([c.steps, c.log_every, c.test_samples, c.depth, c.width, c.batch, c.optimizer, c.normalization],
  [300, 100, 1000, 3, 100, 60, 'sgd', 'batch']);
for (const field of ['learning_rate', 'sgd_momentum', 'nesterov', 'adam_beta1', 'adam_beta2', 'adam_epsilon',
  'weight_decay', 'tracked_unit', 'histogram_bins', 'histogram_tensor', 'input_dim', 'activation', 'seed'])
  assert.ok(field in c, `config.${field}`);

const { reports } = doc.history;
assert.equal(doc.history.stride, 1);
assert.ok(doc.history.capacity >= reports.length);
// Step 0 first: the network as initialised, before any update (its update ratios are null: NaN, no update).
assert.deepEqual(reports.map((r) => r.step), [0, 100, 200, 300]);
assert.ok(reports[0].layers.every((l) => l.update_ratio_log10 === null), 'no update ratio at step 0');
assert.ok(reports.slice(1).every((r) => r.layers.every((l) => Number.isFinite(l.update_ratio_log10))), 'update ratios after');
// N(0, 0.01^2) weights: logits near 0, so the first batch's loss is near ln 10 (measured 2.3166, seed 1).
assert.ok(Math.abs(reports[0].train_loss - Math.log(10)) < 0.05, `step-0 loss ${reports[0].train_loss}`);
const layerKeys = ['layer', 'pre_mean', 'pre_std', 'pre_p15', 'pre_p50', 'pre_p85', 'unit_p15', 'unit_p50',
  'unit_p85', 'activation_std', 'dead_fraction', 'saturated_fraction', 'nonfinite_fraction', 'doutput_std',
  'dweight_std', 'update_ratio_log10', 'histogram_lo', 'histogram_hi', 'histogram_counts', 'histogram_zero',
  'histogram_nonfinite'];
for (const r of reports) {
  assert.deepEqual(Object.keys(r), ['step', 'train_loss', 'train_accuracy', 'test_loss', 'test_accuracy', 'seconds', 'layers',
    'probes']);
  assert.equal(r.probes, null, 'probes off: null');
  assert.deepEqual(r.layers.map((l) => l.layer), [1, 2, 3]);
  for (const l of r.layers) {
    assert.deepEqual(Object.keys(l), layerKeys, `step ${r.step} layer ${l.layer}`);
    assert.equal(l.histogram_counts.length, c.histogram_bins);
    assert.ok(l.histogram_lo <= l.histogram_hi);
    assert.equal(l.nonfinite_fraction, 0);
  }
}
for (let i = 1; i < reports.length; ++i) assert.ok(reports[i].seconds >= reports[i - 1].seconds, 'seconds grow');

// Measured when this test was written (float, seed 1, GCC Release build): train loss 1.618, 0.821, 0.580; test accuracy on the first 1000 test
// images 77.2%, 86.2%, 86.1%. The thresholds leave room for other compilers' rounding.
const [, first, , last] = reports;
assert.ok(last.train_loss < 0.6 * first.train_loss, `loss falls: ${first.train_loss} -> ${last.train_loss}`);
assert.ok(last.test_accuracy > 0.8, `test accuracy ${last.test_accuracy} > 0.8 after 300 steps`);
assert.equal(doc.final.steps, 300);
assert.equal(doc.final.test_accuracy, last.test_accuracy);
assert.ok(doc.final.steps_per_second > 0);

// Not a terminal: one progress line per report on stderr, the summary on stdout.
const lines = run.stderr.trim().split('\n');
assert.equal(lines.length, 4, run.stderr);
assert.match(lines[0], /^step 0\/300  loss 2\.3\d{3}  test acc \d+\.\d\d%  \d+ steps\/s$/);
assert.match(lines[1], /^step 100\/300  loss \d+\.\d{4}  test acc \d+\.\d\d%  \d+ steps\/s$/);
assert.match(run.stdout, /^300 steps: test loss \d+\.\d{4}  test acc \d+\.\d\d% \(1000 test images\)  \d+ steps\/s  wall /);

// --quiet: no progress at all.
const quiet = spawnSync(tool, ['train', '--steps', '20', '--log_every', '10', '--test-samples', '100', '--data', pack,
  '--quiet'], { encoding: 'utf8' });
assert.equal(quiet.status, 0, quiet.stderr);
assert.equal(quiet.stderr, '');
assert.match(quiet.stdout, /^20 steps: /);
console.log(`ok: loss ${first.train_loss.toFixed(3)} -> ${last.train_loss.toFixed(3)}, test acc ${last.test_accuracy}`);
