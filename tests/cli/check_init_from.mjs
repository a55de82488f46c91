// Usage: node check_init_from.mjs TOOL OUTDIR MNIST_PACK
// train --init-from DIR reads the step-0 parameters of a --dump: from the same seed (same batches) the run
// is bit-identical to the dumped one, also when a file is rewritten in Fortran order; with another seed
// the starting parameters are still the dumped ones; a file of the wrong shape is rejected by name.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { readNpy, writeNpy } from './npy.mjs';

const [tool, outdir, pack] = process.argv.slice(2);
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const common = ['train', '--preset', 'bn-paper-fig1', '--data', pack, '--quiet', '--test_samples', '500'];

function train(args) {
  const run = spawnSync(tool, [...common, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run;
}
// Every number of every report but the timing.
function history(file) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  return doc.history.reports.map(({ seconds, ...rest }) => rest);
}

const run = ['--steps', '100', '--log-every', '25'];
train([...run, '--dump', `${outdir}/a`, '--json', `${outdir}/a.json`]);
train([...run, '--init-from', `${outdir}/a`, '--json', `${outdir}/b.json`]);
assert.deepEqual(history(`${outdir}/b.json`), history(`${outdir}/a.json`), 'replay from the dump is bit-identical');

// The same weight in Fortran order (column-major, as Eigen holds it) reads to the same network.
cpSync(`${outdir}/a`, `${outdir}/fortran`, { recursive: true });
const c = readNpy(`${outdir}/a/step0_layer2_weight.npy`);
const [rows, cols] = c.shape;
const f = new Float32Array(rows * cols);
for (let r = 0; r < rows; ++r) for (let k = 0; k < cols; ++k) f[k * rows + r] = c.data[r * cols + k];
writeNpy(`${outdir}/fortran/step0_layer2_weight.npy`, { descr: '<f4', fortranOrder: true, shape: [rows, cols], data: f });
train([...run, '--init-from', `${outdir}/fortran`, '--json', `${outdir}/fortran.json`]);
assert.deepEqual(history(`${outdir}/fortran.json`), history(`${outdir}/a.json`), 'Fortran order reads alike');

// Another seed draws other weights, but --init-from replaces them with the dumped ones.
const bytes = (dir, file) => readFileSync(`${outdir}/${dir}/${file}`);
train(['--steps', '1', '--seed', '7', '--dump', `${outdir}/seed7`]);
train(['--steps', '1', '--seed', '7', '--init-from', `${outdir}/a`, '--dump', `${outdir}/seed7-init`]);
assert.notDeepEqual(bytes('seed7', 'step0_layer1_weight.npy'), bytes('a', 'step0_layer1_weight.npy'));
const index = JSON.parse(readFileSync(`${outdir}/a/index.json`, 'utf8'));
for (const entry of index.files.filter((e) => e.step === 0))
  assert.deepEqual(bytes('seed7-init', entry.file), bytes('a', entry.file), `${entry.file} loaded`);

// A network of another width: the error names the file and both shapes.
const wrong = spawnSync(tool, [...common, '--steps', '1', '--width', '50', '--init-from', `${outdir}/a`],
  { encoding: 'utf8' });
assert.equal(wrong.status, 2, wrong.stderr);
assert.match(wrong.stderr, /^layerscope: --init-from: '.*step0_layer1_weight\.npy': shape \(100, 784\), expected \(50, 784\)/);
console.log('ok: replay bit-identical');
