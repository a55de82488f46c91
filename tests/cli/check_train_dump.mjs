// Usage: node check_train_dump.mjs TOOL OUTDIR MNIST_PACK
// train --dump: index.json lists files that exist with the stated shape and dtype, the step-0 weights have
// the preset's init std, batch_indices holds steps x batch training-image indices (an epoch never repeats an
// image), and the dumped training loss of a step is that step's loss as a report with log_every 1 gives it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { readNpy } from './npy.mjs';

const [tool, outdir, pack] = process.argv.slice(2);
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

function train(args) {
  const run = spawnSync(tool, ['train', '--preset', 'bn-paper-fig1', '--data', pack, '--quiet', ...args],
    { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
}

const steps = 120, batch = 60, L = 3;
train(['--steps', String(steps), '--log-every', '40', '--test_samples', '500', '--dump', `${outdir}/dump`,
  '--dump-steps', '40,120']);
const index = JSON.parse(readFileSync(`${outdir}/dump/index.json`, 'utf8'));
assert.equal(index.kind, 'training');
assert.equal(index.config.steps, steps);
assert.equal(index.data.train_count, 60000);
assert.match(index.sampler, /Fisher-Yates/);
assert.match(index.sampler, /stream 5/);
assert.deepEqual(index.steps.map((s) => s.step), [0, 40, 120]);
assert.equal(index.steps[0].train_loss, null);
for (const s of index.steps.slice(1)) assert.ok(s.train_loss > 0 && s.test_accuracy > 0, `step ${s.step}`);

const expectedShape = (layer, tensor) => {
  if (tensor === 'weight') return layer === 1 ? [100, 784] : layer <= L ? [100, 100] : [10, 100];
  return layer <= L ? [100] : [10];
};
const perStep = {};
for (const entry of index.files) {
  const path = `${outdir}/dump/${entry.file}`;
  assert.ok(existsSync(path), entry.file);
  const npy = readNpy(path);
  assert.equal(npy.descr, entry.dtype, entry.file);
  assert.deepEqual(npy.shape, entry.shape, entry.file);
  assert.ok(entry.meaning.length > 0, entry.file);
  if (entry.tensor === 'batch_indices') continue;
  assert.equal(entry.dtype, '<f4', entry.file);
  assert.equal(entry.file, `step${entry.step}_layer${entry.layer}_${entry.tensor}.npy`);
  assert.deepEqual(entry.shape, expectedShape(entry.layer, entry.tensor), entry.file);
  (perStep[entry.step] ??= []).push(`${entry.layer}:${entry.tensor}`);
}
// Batch norm without bias: weight, gamma, beta and the running statistics per hidden layer; the output
// layer's weight and bias.
const tensors = [];
for (let l = 1; l <= L; ++l) for (const t of ['weight', 'gamma', 'beta', 'running_mean', 'running_var']) tensors.push(`${l}:${t}`);
tensors.push('4:weight', '4:bias');
for (const step of [0, 40, 120]) assert.deepEqual(perStep[step].slice().sort(), tensors.slice().sort(), `step ${step}`);

// The preset draws N(0, 0.01^2) weights: the std of 78,400 draws is within 2% of 0.01.
const w = readNpy(`${outdir}/dump/step0_layer1_weight.npy`).data;
const mean = w.reduce((a, b) => a + b, 0) / w.length;
const std = Math.sqrt(w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length);
assert.ok(Math.abs(std - 0.01) < 2e-4, `step-0 weight std ${std}`);

const b = readNpy(`${outdir}/dump/batch_indices.npy`);
assert.equal(b.descr, '<i4');
assert.deepEqual(b.shape, [steps, batch]);
assert.equal(b.data.length, steps * batch);
assert.ok(b.data.every((i) => i >= 0 && i < 60000), 'indices in 0..59999');
// 120 x 60 = 7200 indices all come from the first epoch's permutation: no image twice.
assert.equal(new Set(b.data).size, steps * batch);

// The dumped loss of step 2 is the loss of that step's batch: a report every step gives the same number.
train(['--steps', '3', '--log-every', '1', '--test_samples', '100', '--dump', `${outdir}/every`, '--dump-steps', '2,3',
  '--json', `${outdir}/every.json`]);
const every = JSON.parse(readFileSync(`${outdir}/every/index.json`, 'utf8'));
const doc = JSON.parse(readFileSync(`${outdir}/every.json`, 'utf8'));
// reports[0] is step 0 (the network as initialised), reports[s] is step s.
assert.equal(every.steps.find((s) => s.step === 2).train_loss, doc.history.reports[2].train_loss);
assert.equal(every.steps.find((s) => s.step === 3).test_accuracy, doc.history.reports[3].test_accuracy);
console.log(`ok: ${index.files.length} files, step-0 weight std ${std.toFixed(5)}`);
