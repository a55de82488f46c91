// Issue 22 through the wasm module and the page's own modules: normalization's `layer` alias on every route
// the page has (the URL of both views, a JS config, the form's check) and its write-back as per_sample; a
// training session's config warnings (what the training worker sends); the "Batch norm's costs" caption
// read from history() objects with their train accuracy; and the cures figures' caption rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { loadForNode, root } from './load.mjs';

const ls = await loadForNode();
const packPath = [join(root, 'build-wasm', 'data', 'mnist-binary.bin'), join(root, 'dist', 'data', 'mnist-binary.bin')].find(existsSync);
if (!packPath) throw new Error('the MNIST pack is not built: run ./build-wasm.sh first');
ls.loadMnist(readFileSync(packPath));
const presetConfig = name => ls.presets.find(p => p.name === name).config;
const web = (...path) => import(pathToFileURL(join(root, 'web', 'src', ...path)).href);

test('normalization=layer is read as per_sample by the URL of both views, a JS config and the form check', async () => {
  const state = await web('state.js');
  const settings = await web('training', 'settings.js');
  state.useCoreChecker((spec, raw) => ls.checkValue(spec, raw));
  const table = state.stateTable(ls.schema, ls.presets);
  const { state: parsed, notices } = state.parseQuery('a.normalization=layer&b.normalization=per_sample', table);
  assert.deepEqual(notices, []);
  assert.equal(parsed.a.normalization, 'per_sample');
  assert.equal(parsed.b.normalization, 'per_sample');
  // written back under the one name every writer uses (old links keep working, new ones read the same)
  assert.match(state.serializeQuery(parsed, table), /a\.normalization=per_sample/);
  const spec = ls.schema.find(f => f.name === 'normalization');
  assert.deepEqual(spec.aliases, { layer: 'per_sample' });
  assert.deepEqual(state.checkValue('a.normalization', spec, 'layer'), { ok: true, value: 'per_sample' });
  assert.deepEqual(state.checkValue('a.normalization', spec, 'Layer'),
    { ok: false, message: "a.normalization: must be one of: none, batch, per_sample (layer is per_sample) (got 'Layer')" });
  const run = ls.createRun({ ...presetConfig('cures-plain'), normalization: 'layer', depth: 5 });
  assert.equal(run.config.normalization, 'per_sample');
  run.free();
  state.useCoreSpecs(ls.trainingSchema, ls.schema);
  settings.useCorePresets(ls.trainingPresets);
  const training = ls.createTraining({ preset: 'cures-plain', normalization: 'layer', steps: 1, test_samples: 10 });
  assert.equal(training.config.normalization, 'per_sample');
  training.free();
});

test('a training session carries its config warnings, as a run does: SELU off its fixed point, none with LeCun', () => {
  const off = ls.createTraining({ preset: 'cures-selu', init: 'xavier_normal', steps: 1, test_samples: 10 });
  // layer 1 maps 784 inputs to 100: Xavier's variance 2/884 times fan_in 784 is 1.7738
  assert.equal(off.warnings.length, 1);
  assert.match(off.warnings[0], /^init: selu keeps mean 0 and variance 1 only with weights of variance 1\/fan_in/);
  assert.match(off.warnings[0], /fan_in x variance is 1\.7738 in layer 1/);
  off.free();
  const on = ls.createTraining({ preset: 'cures-selu', steps: 1, test_samples: 10 });
  assert.deepEqual(on.warnings, []);
  on.free();
});

test('the batch norm costs caption reads the train accuracy of history() objects and states the gap', () => {
  // histories as history() gives them (Float64Arrays); the numbers are the test of tests/test_training.cpp
  const h = (step, train, test) => ({ step: Float64Array.from(step), trainAccuracy: Float64Array.from(train),
    testAccuracy: Float64Array.from(test) });
  const caption = ls.pairCaption('bn-costs', h([0, 10000], [0.1, 0.763], [0.098, 0.867]), h([0, 10000], [0.1, 0.861], [0.1, 0.888]));
  assert.equal(caption, 'After 10000 steps, A (batch norm) classifies 86.7% of the test digits and B (layer norm) 88.8%. ' +
    'On their own training batches (train mode) A scores 76.3% and B 86.1%: test minus train is +10.4 points for A and +2.7 for B.');
  // every other pair keeps its sentence, train accuracies or not
  assert.match(ls.pairCaption('fig1', h([0, 100], [0.1, 0.5], [0.1, 0.95]), h([0, 100], [0.1, 0.5], [0.1, 0.5])),
    /A reached 90% first, at step 100; B has not yet\.$/);
});

test('the cures figures\' captions are computed from their numbers', async () => {
  const { curesCaption } = await web('views', 'cures-profiles.js');
  const { trainedCaption } = await web('views', 'cures-trained.js');
  const { CURES } = await web('views', 'cures-common.js');
  // the tensor words come from the core's table (state.js TENSORS is empty until the page fills it)
  (await web('state.js')).useCoreTensors(ls.tensorTable);
  // The five init-time runs, made here as the page's workers make them (one batch, the presets' seed).
  const results = {};
  for (const c of CURES) {
    const run = ls.createRun(presetConfig(c.preset));
    results[c.key] = { summaries: run.summaries, theory: run.theory };
    run.free();
  }
  const caption = curesCaption(results, 'output');
  const plain = results.plain.summaries.output.map(s => s?.std);
  assert.ok(plain[50] < 1e-5 && plain[1] / plain[50] > 1e6, `plain falls from ${plain[1]} to ${plain[50]}`);
  assert.match(caption, /^Without a cure the outputs h of layer 50 have std [0-9.e−-]+, [0-9.e+]+× smaller than at layer 1\. /);
  assert.match(caption, /: batch norm (1|0\.9[0-9]*) \(spread [0-9.]+×\); layer norm /);
  const run = { steps: 100, networks: CURES.map((c, i) => ({ key: c.key, reports: [
    { step: 0, testAccuracy: 0.1 }, { step: 100, testAccuracy: [0.11, 0.2, 0.35, 0.85, 0.9][i] }] })) };
  assert.equal(trainedCaption(run), 'After 100 steps, test accuracy: no cure 11.0%, batch norm 20.0%, layer norm 35.0%, ' +
    'residual (α 1/sqrt(50)) 85.0%, SELU (LeCun init) 90.0%. Layer norm, residual (α 1/sqrt(50)) and SELU (LeCun init) learned ' +
    '(above 20%, twice chance), SELU (LeCun init) most; no cure and batch norm did not yet.');
});

// The section's key is a row of the one URL table (state.js curesRows): read by the table's one reader with
// the core's rule and notice, written by its one writer; the page's own table leaves it to the section, and
// `embed=cures` is one of the embed's figure names that keeps the init-time view.
test('cures= is a row of the one URL table: its notice names the key and its choices, and it round-trips', async () => {
  const state = await web('state.js');
  state.useCoreChecker((spec, raw) => ls.checkValue(spec, raw));
  try {
    const rows = state.curesRows();
    const read = q => state.parseQuery(q, rows, { scopes: ['cures'] });
    assert.deepEqual(read('cures=grad_output&a.depth=7&tensor=activation'), { state: { ...state.defaultState(rows), cures: { tensor: 'grad_output' } }, notices: [] });
    assert.equal(read('').state.cures.tensor, null, 'not asked: the section stays folded');
    const bad = read('cures=Grad%0D');
    assert.equal(bad.state.cures.tensor, null);
    assert.deepEqual(bad.notices, ["cures: must be one of: output, grad_output, pre_activation, grad_weight (got 'Grad\\r'); using output."]);
    // written by the table's writer, every other key kept; read back to the same tensor
    for (const tensor of state.CURE_TENSORS) {
      const written = state.writeQuery('a.depth=7&embed=cures', rows, { cures: { tensor } }, () => true);
      assert.equal(written, `a.depth=7&embed=cures&cures=${tensor}`);
      assert.equal(read(written).state.cures.tensor, tensor);
    }
    // The page's table: no notice for the section's key, embed=cures kept (not the training view), and written back.
    const table = state.stateTable(ls.schema, ls.presets);
    const page = state.parseQuery('cures=bogus&embed=cures&bins=32', table, { scopes: ['view', 'a', 'b', 'training'] });
    assert.deepEqual(page.notices, []);
    assert.deepEqual([page.state.view.embed, page.state.training.view, page.state.view.bins], ['cures', 'init', 32]);
    assert.equal(state.writeQuery('cures=bogus&embed=cures&bins=32', table, page.state), 'cures=bogus&embed=cures&bins=32');
    // the embed's notice names it among the figures
    assert.match(state.parseQuery('embed=curse', table).notices[0], /^embed: must be true or false .*one figure's name \(fig1, .*, cures\)/);
  } finally {
    state.useCoreChecker(null);
  }
});
