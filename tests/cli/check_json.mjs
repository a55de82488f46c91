// Usage: node check_json.mjs TOOL OUTDIR CONFIG.json
// Runs the tool with --config CONFIG.json --json OUTDIR/run.json and checks the document's layout.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const [tool, outdir, configFile] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const jsonFile = `${outdir}/run.json`;
const run = spawnSync(tool, ['--config', configFile, '--bins', '16', '--range', 'shared', '--binning', 'symlog',
  '--json', jsonFile], { encoding: 'utf8' });
assert.equal(run.status, 0, run.stderr);
const doc = JSON.parse(readFileSync(jsonFile, 'utf8'));
const config = JSON.parse(readFileSync(configFile, 'utf8'));
const L = config.depth;

assert.deepEqual(Object.keys(doc), ['layerscope', 'scalar', 'config', 'loss', 'tensors', 'layers', 'histograms', 'theory', 'warnings']);
assert.ok(Array.isArray(doc.warnings) && doc.warnings.every(w => typeof w === 'string'), 'warnings: a list of strings');
assert.equal(doc.layerscope, 1);
assert.equal(doc.scalar, 'float');
for (const [field, value] of Object.entries(config)) assert.deepEqual(doc.config[field], value, `config.${field}`);
assert.equal(typeof doc.config.bias, 'boolean');
assert.equal(typeof doc.config.mode, 'string');
assert.equal(typeof doc.loss, 'number');
const kinds = ['pre_activation', 'activation', 'output', 'grad_output', 'grad_weight'];
assert.deepEqual(doc.tensors, kinds);

assert.equal(doc.layers.length, L + 1, 'L + 1 layers');
const summaryKeys = ['count', 'finite_count', 'nan_count', 'inf_count', 'zero_count', 'saturated_count', 'mean',
  'std', 'min', 'max', 'zero_fraction', 'saturated_fraction', 'percentiles'];
doc.layers.forEach((layer, l) => {
  assert.equal(layer.layer, l);
  for (const kind of kinds) {
    const s = layer[kind];
    const exists = l > 0 || kind === 'output' || kind === 'grad_output';
    if (!exists) { assert.equal(s, null, `layer 0 has no ${kind}`); continue; }
    assert.deepEqual(Object.keys(s), summaryKeys, `${kind}[${l}]`);
    assert.deepEqual(Object.keys(s.percentiles), ['5', '15', '50', '85', '95']);
    assert.ok(s.min <= s.percentiles['5'] && s.percentiles['5'] <= s.percentiles['50'] &&
              s.percentiles['50'] <= s.percentiles['95'] && s.percentiles['95'] <= s.max, `${kind}[${l}] order`);
  }
});
// Batch norm after tanh: every output feature has mean 0 over the batch, so the output's mean is ~0.
for (let l = 1; l <= L; ++l) assert.ok(Math.abs(doc.layers[l].output.mean) < 1e-5, `output[${l}] mean`);

const h = doc.histograms;
assert.deepEqual([h.bins, h.range, h.binning], [16, 'shared', 'symlog']);
for (const kind of kinds) {
  assert.equal(h[kind].length, L + 1);
  h[kind].forEach((hist, l) => {
    const s = doc.layers[l][kind];
    if (s === null) { assert.equal(hist, null); return; }
    assert.equal(hist.edges.length, 17);
    assert.equal(hist.counts.length, 16);
    const binned = hist.counts.reduce((a, b) => a + b, 0);
    assert.equal(binned + hist.zero_count + hist.outside_count + hist.nonfinite_count, s.count, `${kind}[${l}] counts`);
  });
}
for (const key of ['variance_factor', 'pre_activation_std', 'output_std', 'grad_output_std', 'grad_weight_std'])
  assert.equal(doc.theory[key].length, L + 1, `theory.${key}`);
console.log(`ok: ${doc.layers.length} layers, loss ${doc.loss}`);
