// Usage: node check_dump.mjs TOOL OUTDIR
// Runs a small batch-norm network with --dump and --json, in float and in double, then reads every .npy
// file with the tests' header parser (npy.mjs, no NumPy needed) and checks it against index.json and the JSON stats:
// header and size, the statistics recomputed from the files, and the layout (z_1 = W_1 x + b_1 and
// dW_l = dz_l h_{l-1}^T recomputed entry by entry, which fails if rows and columns were swapped).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { readNpy } from './npy.mjs';

const [tool, outdir] = process.argv.slice(2);
const depth = 3;

function stats(data) {  // over finite values, as summarize() does (population std, two passes)
  const values = Array.from(data).filter(Number.isFinite);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  return { mean, std, min: Math.min(...values), max: Math.max(...values) };
}

function close(actual, expected, rel, what) {
  const scale = Math.max(Math.abs(expected), 1e-30);
  assert.ok(Math.abs(actual - expected) <= rel * scale, `${what}: ${actual} vs ${expected}`);
}

function check(scalar) {
  const dir = `${outdir}/${scalar}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const args = ['--depth', String(depth), '--width', '8', '--input_dim', '6', '--batch', '16', '--normalization',
    'batch', '--bias', 'true', '--seed', '3', '--scalar', scalar, '--json', `${dir}/run.json`, '--dump', `${dir}/npy`];
  const run = spawnSync(tool, args, { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const index = JSON.parse(readFileSync(`${dir}/npy/index.json`, 'utf8'));
  const doc = JSON.parse(readFileSync(`${dir}/run.json`, 'utf8'));
  assert.deepEqual(index.config, doc.config);

  const dtype = scalar === 'float' ? '<f4' : '<f8';
  const tensors = {};
  for (const entry of index.files) {
    const npy = readNpy(`${dir}/npy/${entry.file}`);
    assert.equal(npy.descr, entry.dtype, entry.file);
    assert.equal(npy.descr, entry.tensor === 'labels' ? '<i4' : dtype, entry.file);
    assert.equal(npy.fortranOrder, false, entry.file);
    assert.deepEqual(npy.shape, entry.shape, entry.file);
    assert.ok(entry.meaning.length > 0);
    tensors[entry.layer === null ? entry.tensor : `${entry.tensor}${entry.layer}`] = npy;
  }
  for (let l = 1; l <= depth; ++l)
    for (const t of ['weight', 'bias', 'gamma', 'beta', 'running_mean', 'running_var', 'linear_out', 'pre_activation',
      'normalized', 'activation', 'output', 'doutput', 'dlinear', 'dweight', 'dbias', 'dgamma', 'dbeta'])
      assert.ok(tensors[`${t}${l}`], `layer ${l} has ${t}`);
  for (const t of ['input', 'dinput', 'upstream']) assert.ok(tensors[t], `file ${t}`);

  // The files hold what the JSON summarizes. summarize() adds float tensors in float within blocks of
  // 4096 values (then in double), so float sums agree to about 1e-7 relative; double sums to rounding.
  const rel = scalar === 'float' ? 1e-5 : 1e-12;
  const compare = (npy, summary, what) => {
    const s = stats(npy.data);
    assert.equal(s.min, summary.min, `${what} min`);
    assert.equal(s.max, summary.max, `${what} max`);
    close(s.std, summary.std, rel, `${what} std`);
    assert.ok(Math.abs(s.mean - summary.mean) <= rel * (s.std + Math.abs(s.mean)), `${what} mean`);
    assert.equal(npy.data.length, summary.count, `${what} count`);
  };
  compare(tensors.input, doc.layers[0].output, 'x');
  compare(tensors.dinput, doc.layers[0].grad_output, 'dL/dx');
  for (let l = 1; l <= depth; ++l) {
    compare(tensors[`pre_activation${l}`], doc.layers[l].pre_activation, `p_${l}`);
    compare(tensors[`activation${l}`], doc.layers[l].activation, `a_${l}`);
    compare(tensors[`output${l}`], doc.layers[l].output, `h_${l}`);
    compare(tensors[`doutput${l}`], doc.layers[l].grad_output, `dL/dh_${l}`);
    compare(tensors[`dweight${l}`], doc.layers[l].grad_weight, `dL/dW_${l}`);
  }

  // Layout: C order, a[row][col] at row * cols + col.
  const at = (npy, r, c) => npy.data[r * npy.shape[1] + c];
  const tol = scalar === 'float' ? 1e-4 : 1e-12;
  const W = tensors.weight1, x = tensors.input, z = tensors.linear_out1, b = tensors.bias1;
  for (const [r, c] of [[0, 0], [7, 15], [3, 9]]) {
    let sum = b.data[r];
    for (let k = 0; k < W.shape[1]; ++k) sum += at(W, r, k) * at(x, k, c);
    close(at(z, r, c), sum, tol, `z_1[${r}, ${c}] = (W_1 x + b_1)[${r}, ${c}]`);
  }
  for (let l = 1; l <= depth; ++l) {
    const dz = tensors[`dlinear${l}`], hPrev = l === 1 ? x : tensors[`output${l - 1}`], dW = tensors[`dweight${l}`];
    for (const [r, c] of [[0, 0], [7, 5], [2, 4]]) {
      let sum = 0;
      for (let n = 0; n < dz.shape[1]; ++n) sum += at(dz, r, n) * at(hPrev, c, n);
      close(at(dW, r, c), sum, tol, `dW_${l}[${r}, ${c}] = (dz_${l} h_${l - 1}^T)[${r}, ${c}]`);
    }
  }
  console.log(`ok ${scalar}: ${index.files.length} files`);
}

check('float');
check('double');
