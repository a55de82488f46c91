// Usage: node check_probes.mjs TOOL OUTDIR MNIST_PACK
// `train --probes true --json FILE`: every report holds the probes (probes.hpp) of every layer, numbers
// where they are defined and null where they are not, and the CLI prints the same numbers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const [tool, outdir, pack] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const jsonFile = `${outdir}/probes.json`;
const run = spawnSync(tool, ['train', '--preset', 'bn-paper-fig1', '--steps', '40', '--log-every', '20',
  '--test-samples', '200', '--probes', 'true', '--probe-steps', '3', '--data', pack, '--json', jsonFile, '--quiet'],
{ encoding: 'utf8' });
assert.equal(run.status, 0, run.stderr);
const doc = JSON.parse(readFileSync(jsonFile, 'utf8'));
assert.equal(doc.config.probes, true);
assert.equal(doc.config.probe_steps, 3);
assert.equal(doc.config.probe_span, 4);
const { reports } = doc.history;
assert.deepEqual(reports.map((r) => r.step), [0, 20, 40]);
const lr = doc.config.learning_rate;
for (const r of reports) {
  const p = r.probes;
  assert.ok(p, `step ${r.step} has probes`);
  assert.deepEqual(Object.keys(p), ['loss', 'gradient_norm', 'step_sizes', 'losses', 'gradient_changes', 'loss_spread',
    'loss_spread_relative', 'predictiveness', 'predictiveness_relative', 'effective_smoothness', 'seconds', 'layers']);
  // lr / 4, lr, 4 lr
  assert.deepEqual(p.step_sizes.map((s) => +(s / lr).toPrecision(12)), [0.25, 1, 4]);
  assert.equal(p.losses.length, 3);
  assert.ok(p.gradient_changes.every((v) => v > 0));
  assert.ok(p.gradient_norm > 0 && p.loss > 0);
  assert.ok(Math.abs(p.predictiveness_relative - p.predictiveness / p.gradient_norm) < 1e-9 * p.predictiveness_relative);
  // Layers 0 (the input) .. 4 (the output layer): no covariate shift for layers 0 and 1, no rank for layer 4.
  assert.deepEqual(p.layers.map((l) => l.layer), [0, 1, 2, 3, 4]);
  for (const l of p.layers) {
    const shift = l.layer >= 2;
    assert.equal(l.shift_relative !== null, shift, `step ${r.step} layer ${l.layer} shift`);
    if (shift) assert.ok(l.shift_cosine <= 1 + 1e-9 && l.shift_cosine >= -1 - 1e-9);
    assert.equal(l.effective_rank !== null, l.layer <= 3, `step ${r.step} layer ${l.layer} rank`);
    if (l.layer <= 3) assert.ok(l.effective_rank >= 1 && l.effective_rank <= 100);
  }
}
// The CLI prints the same numbers (4 significant digits).
const p0 = reports[0].probes;
assert.match(run.stdout, /^probes \(on the batch the next step takes\)/m);
assert.ok(run.stdout.includes(`step 0: loss ${Number(p0.loss.toPrecision(4))}`), run.stdout);
assert.ok(run.stdout.includes(` 2:${Number(p0.layers[2].shift_relative.toPrecision(4))}/`), run.stdout);
console.log(`ok: step 0 relative predictiveness ${p0.predictiveness_relative}, ranks ${p0.layers.map((l) => l.effective_rank)}`);
