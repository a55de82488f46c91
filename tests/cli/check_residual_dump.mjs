// Usage: node check_residual_dump.mjs TOOL OUTDIR MNIST_PACK
// The residual scale alpha in both dumps (issue 22): the init-time --dump writes alpha and dL/dalpha for
// exactly the residual layers; train --dump writes alpha among the parameters with its meaning, training
// moves it only when residual_scale is trained, and --init-from reads it back (a changed alpha file changes
// the network that starts; the same dump replays bit-identically).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { readNpy, writeNpy } from './npy.mjs';

const [tool, outdir, pack] = process.argv.slice(2);
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const layerscope = (args) => {
  const run = spawnSync(tool, args, { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run;
};
const index = (dir) => JSON.parse(readFileSync(`${dir}/index.json`, 'utf8'));
const value = (dir, file) => readNpy(`${dir}/${file}`).data[0];

// Init-time dump: every second layer of 5 has a residual connection, alpha = 1/sqrt(5) (float).
const init = `${outdir}/init`;
layerscope(['--preset', 'cures-residual', '--depth', '5', '--batch', '8', '--residual', 'every_second_layer',
  '--dump', init]);
const files = index(init).files;
for (const name of ['alpha', 'dalpha']) {
  const layers = files.filter((f) => f.tensor === name).map((f) => f.layer);
  assert.deepEqual(layers, [2, 4], `${name} in layers 2 and 4 only`);
}
const alphaEntry = files.find((f) => f.tensor === 'alpha');
assert.deepEqual(alphaEntry.shape, [1]);
assert.match(alphaEntry.meaning, /fixed by residual_scale/);
assert.equal(value(init, alphaEntry.file), Math.fround(1 / Math.sqrt(5)));
assert.ok(Number.isFinite(value(init, files.find((f) => f.tensor === 'dalpha').file)));

// Training dumps: SkipInit's alpha starts at 0 and is trained; a fixed alpha is not.
const common = ['train', '--preset', 'cures-skipinit', '--depth', '4', '--data', pack, '--quiet', '--test_samples', '200',
  '--steps', '20', '--log-every', '10'];
const a = `${outdir}/a`;
layerscope([...common, '--dump', a, '--json', `${outdir}/a.json`]);
const trainFiles = index(a).files;
const alphas = trainFiles.filter((f) => f.tensor === 'alpha');
assert.deepEqual([...new Set(alphas.map((f) => f.layer))], [2, 3, 4], 'alpha in layers 2..4');
assert.match(alphas[0].meaning, /trained \(started at 0, SkipInit\)/);
for (let l = 2; l <= 4; ++l) {
  assert.equal(value(a, `step0_layer${l}_alpha.npy`), 0, `layer ${l}: alpha starts at 0`);
  assert.notEqual(value(a, `step20_layer${l}_alpha.npy`), 0, `layer ${l}: alpha is trained`);
}
const fixed = `${outdir}/fixed`;
layerscope([...common, '--residual_scale', 'inv_sqrt_depth', '--dump', fixed]);
for (let l = 2; l <= 4; ++l)
  assert.equal(value(fixed, `step20_layer${l}_alpha.npy`), value(fixed, `step0_layer${l}_alpha.npy`), 'a fixed alpha stays');

// --init-from reads alpha: the same dump replays bit-identically, an alpha of 0.25 starts at 0.25.
const history = (file) => JSON.parse(readFileSync(file, 'utf8')).history.reports.map(({ seconds, ...rest }) => rest);
layerscope([...common, '--init-from', a, '--json', `${outdir}/b.json`]);
assert.deepEqual(history(`${outdir}/b.json`), history(`${outdir}/a.json`), 'replay from the dump is bit-identical');
cpSync(a, `${outdir}/changed`, { recursive: true });
writeNpy(`${outdir}/changed/step0_layer3_alpha.npy`, { descr: '<f4', fortranOrder: false, shape: [1],
  data: new Float32Array([0.25]) });
layerscope([...common, '--steps', '1', '--init-from', `${outdir}/changed`, '--dump', `${outdir}/from-changed`]);
assert.equal(value(`${outdir}/from-changed`, 'step0_layer3_alpha.npy'), 0.25, 'alpha read back');

// A dump without residual connections cannot start a residual network: the missing alpha is named.
layerscope(['train', '--preset', 'cures-plain', '--depth', '4', '--data', pack, '--quiet', '--test_samples', '200',
  '--steps', '1', '--dump', `${outdir}/plain`]);
const wrong = spawnSync(tool, [...common, '--steps', '1', '--init-from', `${outdir}/plain`], { encoding: 'utf8' });
assert.equal(wrong.status, 2, wrong.stderr);
assert.match(wrong.stderr, /has no layer \d+ (bias|alpha) at step 0/);
console.log('ok: alpha dumped, trained only when trained, read back');
