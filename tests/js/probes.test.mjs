// The probes of issue 21 through the wasm session (latest().probes, history().probes: core probes.hpp),
// null with probes off, and the native tool's numbers for the same seed.
//
// Needs dist/data/mnist-binary.bin (./build-wasm.sh) and, for the parity test, the native tool
// (LAYERSCOPE_CLI, or build/src/cli/layerscope).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadForNode, root } from './load.mjs';

const packPath = join(root, 'dist', 'data', 'mnist-binary.bin');
if (!existsSync(packPath)) throw new Error(`${packPath} not found: run ./build-wasm.sh first`);
const ls = await loadForNode();
ls.loadMnist(readFileSync(packPath));
const settings = { preset: 'bn-paper-fig1', steps: 40, log_every: 20, test_samples: 200, probes: true, probe_steps: 3 };

test('probes off: the reports have no probes', () => {
  const t = ls.createTraining({ ...settings, probes: false });
  try {
    t.step(20);
    assert.equal(t.latest().probes, null);
    assert.equal(t.history().probes, null);
  } finally { t.free(); }
});

test('probes on: every report has them, per layer 0..L+1 and per step size', () => {
  const t = ls.createTraining(settings);
  try {
    t.step(40);
    const p = t.history().probes;
    assert.equal(p.layers, 5);
    assert.equal(p.stepCount, 3);
    assert.equal(p.loss.length, 3);
    assert.equal(p.shiftRelative.length, 3 * 5);
    assert.equal(p.stepSizes.length, 3 * 3);
    for (let r = 0; r < 3; ++r) {
      assert.ok(p.predictivenessRelative[r] > 0, `report ${r}`);
      assert.ok(Number.isNaN(p.shiftRelative[r * 5 + 1]), 'no shift for layer 1');
      for (let l = 2; l <= 4; ++l) assert.ok(Number.isFinite(p.shiftCosine[r * 5 + l]), `shift of layer ${l}`);
      for (let l = 0; l <= 3; ++l) assert.ok(p.effectiveRank[r * 5 + l] >= 1, `rank of layer ${l}`);
      assert.ok(Number.isNaN(p.effectiveRank[r * 5 + 4]), 'no rank for the output layer');
    }
    assert.equal(t.latest().probes.predictivenessRelative[0], p.predictivenessRelative[2]);
  } finally { t.free(); }
});

const tool = [process.env.LAYERSCOPE_CLI, join(root, 'build', 'src', 'cli', 'layerscope')].find((p) => p && existsSync(p));
test('the probes equal the native tool\'s for the same seed', { skip: tool ? false : 'no native tool' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-probes-'));
  let native;
  try {
    const out = join(dir, 'probes.json');
    execFileSync(tool, ['train', '--preset', 'bn-paper-fig1', '--steps', '40', '--log-every', '20', '--test-samples', '200',
      '--probes', 'true', '--probe-steps', '3', '--data', packPath, '--json', out, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    native = JSON.parse(readFileSync(out, 'utf8'));
  } finally { rmSync(dir, { recursive: true, force: true }); }
  const t = ls.createTraining(settings);
  try {
    t.step(40);
    const p = t.history().probes;
    // Float natively (its own products) and in wasm: the losses agree to about 1e-8 (training.test.mjs);
    // the probes are differences of gradients, so 1e-4 relative.
    const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
    native.history.reports.forEach((r, i) => {
      close(p.loss[i], r.probes.loss, `loss ${i}`);
      close(p.predictivenessRelative[i], r.probes.predictiveness_relative, `predictiveness ${i}`);
      for (const l of r.probes.layers) {
        if (l.shift_relative !== null) close(p.shiftRelative[i * 5 + l.layer], l.shift_relative, `shift ${i} ${l.layer}`);
        if (l.effective_rank !== null) close(p.effectiveRank[i * 5 + l.layer], l.effective_rank, `rank ${i} ${l.layer}`);
      }
    });
  } finally { t.free(); }
});

test('noisy batch norm replays: the native tool\'s losses for the same seed', { skip: tool ? false : 'no native tool' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-noise-'));
  let native;
  try {
    const out = join(dir, 'noise.json');
    execFileSync(tool, ['train', '--preset', 'bn-paper-fig1-noisy', '--steps', '60', '--log-every', '20', '--test-samples', '200',
      '--data', packPath, '--json', out, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    native = JSON.parse(readFileSync(out, 'utf8'));
  } finally { rmSync(dir, { recursive: true, force: true }); }
  const noisy = ls.createTraining({ preset: 'bn-paper-fig1-noisy', steps: 60, log_every: 20, test_samples: 200 });
  const plain = ls.createTraining({ preset: 'bn-paper-fig1', steps: 60, log_every: 20, test_samples: 200 });
  try {
    noisy.step(60), plain.step(60);
    const h = noisy.history();
    native.history.reports.forEach((r, i) => {
      assert.ok(Math.abs(h.trainLoss[i] - r.train_loss) <= 1e-5 * r.train_loss, `train loss ${i}: ${h.trainLoss[i]} vs ${r.train_loss}`);
    });
    // The noise is there: the same network without it runs differently from step 1 on.
    assert.notEqual(plain.history().trainLoss[1], h.trainLoss[1]);
  } finally { noisy.free(); plain.free(); }
});
