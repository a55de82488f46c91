// The API the page and its worker use (web/src/layerscope.js): shapes, defaults and the meaning of
// each histogram range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadForNode } from './load.mjs';

const ls = await loadForNode();

// The page's URL-state modules (web/src/state.js, web/src/training/settings.js), as the page imports them.
async function pageModules() {
  const { pathToFileURL } = await import('node:url');
  const { join } = await import('node:path');
  const { root } = await import('./load.mjs');
  const web = (...path) => import(pathToFileURL(join(root, 'web', 'src', ...path)).href);
  const state = await web('state.js');
  state.useCoreTensors(ls.tensorTable);  // as core-checks.js does before any URL is read
  return { state, settings: await web('training', 'settings.js') };
}
const KINDS = ['pre_activation', 'activation', 'output', 'grad_output', 'grad_weight'];

test('the schema lists every setting with its type, range and default', () => {
  const names = ls.schema.map(f => f.name);
  assert.deepEqual(names.slice(0, 4), ['depth', 'width', 'input_dim', 'batch']);
  const depth = ls.schema.find(f => f.name === 'depth');
  assert.deepEqual({ ...depth, help: '' },
                   { name: 'depth', type: 'integer', min: 1, max: 100, minOpen: false, maxOpen: false, choices: [], aliases: {}, help: '', default: 20 });
  const activation = ls.schema.find(f => f.name === 'activation');
  assert.equal(activation.type, 'choice');
  assert.deepEqual(activation.choices, ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'linear', 'selu']);
  assert.equal(ls.schema.find(f => f.name === 'bias').default, false);
  assert.equal(ls.schema.find(f => f.name === 'init_scale').minOpen, true);
  for (const field of ls.schema) assert.ok(field.help.length > 0, `${field.name} has help`);
});

test('defaultConfig holds every schema field at its default', () => {
  const config = ls.defaultConfig();
  assert.deepEqual(Object.keys(config), ls.schema.map(f => f.name));
  for (const field of ls.schema) assert.equal(config[field.name], field.default);
  assert.equal(config.normalization, 'none');
  assert.equal(config.seed, 1);
});

test('presets carry full configs, and normalizeConfig fills in the defaults', () => {
  assert.ok(ls.presets.length >= 7);
  const bn = ls.presets.find(p => p.name === 'blog-bn');
  assert.ok(bn.title && bn.description);
  assert.equal(bn.config.normalization, 'batch');
  assert.deepEqual(ls.normalizeConfig(bn.config), bn.config);
  assert.deepEqual(ls.normalizeConfig({ depth: '7', bias: 'true' }), { ...ls.defaultConfig(), depth: 7, bias: true });
  assert.deepEqual(ls.normalizeConfig({}), ls.defaultConfig());
  assert.deepEqual(ls.tensorKinds, KINDS);
});

// The tensor kinds' words live in the core beside their names (src/core/tensor_kinds.hpp) and reach the
// page's one table (state.js TENSORS) from there: no page file writes them.
test('the tensor kinds and their words come from the core, and the page\'s table reads them', async () => {
  assert.deepEqual(ls.tensorTable.map(t => t.name), KINDS);
  const pre = ls.tensorTable[0];
  assert.deepEqual(pre, { name: 'pre_activation', label: 'pre-activation p', short: 'p', words: 'pre-activations p', forward: true });
  assert.deepEqual(ls.tensorTable.map(t => t.forward), [true, true, true, false, false]);
  for (const t of ls.tensorTable) assert.ok(t.label && t.short && t.words, t.name);
  const { state } = await pageModules();
  state.useCoreTensors(ls.tensorTable);
  assert.deepEqual(Object.keys(state.TENSORS), KINDS);
  assert.equal(state.TENSORS.grad_weight.words, 'weight gradients dL/dW');
  assert.equal(state.TENSOR_LABELS.output, 'layer output h');
  assert.deepEqual(state.VIEW_FIELDS.find(f => f.name === 'tensor').choices, KINDS);
});

test('a run has a summary per layer and kind, theory per layer, and the config it ran', () => {
  const run = ls.createRun({ ...ls.presets.find(p => p.name === 'blog-bn').config, depth: 4, batch: 200 });
  try {
    assert.equal(run.depth, 4);
    assert.equal(run.config.depth, 4);
    assert.ok(Number.isFinite(run.loss));
    for (const kind of KINDS) assert.equal(run.summaries[kind].length, 5);
    assert.equal(run.summaries.pre_activation[0], null);
    assert.equal(run.summaries.grad_weight[0], null);
    const input = run.summaries.output[0];
    assert.equal(input.count, 100 * 200);
    assert.equal(input.finite, input.count);
    const bnOut = run.summaries.output[4];
    assert.ok(Math.abs(bnOut.mean) < 1e-5 && Math.abs(bnOut.std - 1) < 5e-3, 'batch norm output is standardized (epsilon shrinks the std a little)');
    const act = run.summaries.activation[2];
    assert.ok(act.zeroFraction > 0.4 && act.zeroFraction < 0.6, 'ReLU zeroes about half');
    assert.equal(act.zeroFraction, act.zeros / act.finite);
    assert.deepEqual(Object.keys(act.percentiles), ['p5', 'p15', 'p50', 'p85', 'p95']);
    for (const name of ['varianceFactor', 'preActivationStd', 'outputStd', 'gradOutputStd', 'gradWeightStd']) {
      assert.ok(run.theory[name] instanceof Float64Array);
      assert.equal(run.theory[name].length, 5);
    }
    assert.ok(Number.isNaN(run.theory.preActivationStd[0]), 'the input has no pre-activation');
  } finally {
    run.free();
  }
});

// The warnings come from the core's config_warnings (src/core/config.cpp): fan_in x the weights' variance
// must be 1 for SELU's fixed point; He normal gives 2, Xavier from 100 inputs to 50 features 100 x 2/150.
test('a run carries its config warnings: SELU off its fixed point warns, LeCun normal and ReLU do not', () => {
  const cases = [
    [{ activation: 'selu', init: 'he_normal', depth: 3 }, /^init: selu keeps mean 0 and variance 1 .* fan_in x variance is 2,/],
    [{ activation: 'selu', init: 'xavier_normal', width: 50, depth: 3 }, /fan_in x variance is 1\.3333 in layer 1,/],
    [{ activation: 'selu', init: 'lecun_normal', width: 50, depth: 3 }, null],
    [{ activation: 'relu', init: 'he_normal', depth: 3 }, null],
  ];
  for (const [config, want] of cases) {
    const run = ls.createRun(config);
    try {
      assert.ok(Array.isArray(run.warnings));
      if (want) {
        assert.equal(run.warnings.length, 1, JSON.stringify(config));
        assert.match(run.warnings[0], want);
      } else {
        assert.deepEqual(run.warnings, [], JSON.stringify(config));
      }
    } finally {
      run.free();
    }
  }
});

test('percentiles on demand equal the summaries\' percentiles, also for runs made without them', () => {
  const config = { depth: 3, width: 50, batch: 300, activation: 'tanh' };
  const withP = ls.createRun(config);
  const withoutP = ls.createRun(config, { percentiles: false });
  try {
    assert.equal(withoutP.summaries.output[2].percentiles, null);
    assert.equal(withoutP.summaries.output[2].std, withP.summaries.output[2].std);
    for (const kind of KINDS)
      for (let l = 0; l <= 3; ++l) {
        if (!withP.summaries[kind][l]) continue;
        const expected = withP.summaries[kind][l].percentiles;
        for (const [name, value] of Object.entries(withoutP.percentiles(kind, l)))
          assert.ok(Math.abs(value - expected[name]) <= 1e-12 * Math.max(1, Math.abs(value)), `${kind}[${l}].${name}`);
      }
  } finally {
    withP.free();
    withoutP.free();
  }
});

test('histograms: own, shared and explicit ranges, every finite non-zero value binned once', () => {
  const run = ls.createRun({ depth: 3, width: 40, batch: 250 });
  try {
    const own = run.histograms('activation', { bins: 32 });
    assert.equal(own.length, 4);
    assert.equal(own[0], null);
    for (let l = 1; l <= 3; ++l) {
      const h = own[l], s = run.summaries.activation[l];
      assert.ok(h.edges instanceof Float64Array && h.counts instanceof Uint32Array);
      assert.equal(h.edges.length, 33);
      assert.equal(h.counts.length, 32);
      assert.equal(h.edges[0], s.min);
      assert.equal(h.edges[32], s.max);
      assert.equal(h.zeros, s.zeros);
      assert.equal(h.outside, 0);
      assert.equal(h.counts.reduce((a, b) => a + b, 0) + h.zeros + h.nonfinite, s.count);
    }
    const shared = run.histograms('output', { bins: 10, range: 'shared' });
    const lo = Math.min(...run.summaries.output.map(s => s.min)), hi = Math.max(...run.summaries.output.map(s => s.max));
    for (const h of shared) {
      assert.equal(h.edges[0], lo);
      assert.equal(h.edges[10], hi);
    }
    const narrow = run.histograms('output', { bins: 4, range: [-0.5, 0.5] });
    const s0 = run.summaries.output[0];
    assert.deepEqual(Array.from(narrow[0].edges), [-0.5, -0.25, 0, 0.25, 0.5]);
    assert.ok(narrow[0].outside > 0);
    assert.equal(narrow[0].counts.reduce((a, b) => a + b, 0) + narrow[0].outside + narrow[0].zeros, s0.count);
    const symlog = run.histograms('grad_output', { bins: 8, range: [-100, 100], binning: 'symlog', symlogThreshold: 1 });
    assert.equal(symlog[1].edges[4], 0);
    assert.ok(Math.abs(symlog[1].edges[8] - 100) < 1e-9 && symlog[1].edges[6] < 10, 'log-spaced beyond the threshold');
  } finally {
    run.free();
  }
});

test('the same config and seed give the same numbers; another seed does not', () => {
  const a = ls.createRun({ depth: 2, width: 20, batch: 50, seed: 7 });
  const b = ls.createRun({ depth: 2, width: 20, batch: 50, seed: 7 });
  const c = ls.createRun({ depth: 2, width: 20, batch: 50, seed: 8 });
  try {
    assert.deepEqual(a.summaries, b.summaries);
    assert.equal(a.loss, b.loss);
    assert.notEqual(a.loss, c.loss);
  } finally {
    a.free(); b.free(); c.free();
  }
});

test('one figure over two runs: the core picks one axis and one symlog threshold, the same for both', () => {
  // What the page does for its two columns (client.js): the union of both runs' finite ranges and their
  // smallest std go to each run, and the core's rule (stats.hpp histogram_axis) makes the axis.
  const a = ls.createRun({ depth: 3, width: 16, input_dim: 8, batch: 32, seed: 3 });
  const b = ls.createRun({ depth: 3, width: 16, input_dim: 8, batch: 32, seed: 3, normalization: 'batch' });
  try {
    const layers = [...a.summaries.output, ...b.summaries.output];
    const figure = {
      lo: Math.min(...layers.map(s => s.min)), hi: Math.max(...layers.map(s => s.max)),
      smallestStd: Math.min(...layers.map(s => s.std).filter(s => s > 0)),
    };
    const ha = a.histograms('output', { bins: 16, range: [figure.lo, figure.hi], binning: 'symlog', figure });
    const hb = b.histograms('output', { bins: 16, range: [figure.lo, figure.hi], binning: 'symlog', figure });
    assert.deepEqual(ha.axis, hb.axis);
    assert.equal(ha.axis.lo, figure.lo);
    assert.equal(ha.axis.hi, figure.hi);
    // the rule: a tenth of the smallest std (here far above 1e-30 of the largest magnitude)
    assert.ok(Math.abs(ha.axis.symlogThreshold - 0.1 * figure.smallestStd) <= 1e-15 * figure.smallestStd);
    assert.deepEqual(Array.from(ha[1].edges), Array.from(hb[1].edges));
    // own ranges per layer, still the figure's threshold: the zero edge sits where the threshold puts it
    const own = a.histograms('output', { bins: 16, range: 'own', binning: 'symlog', figure });
    assert.equal(own.axis.symlogThreshold, ha.axis.symlogThreshold);
    assert.equal(own[2].edges[0], a.summaries.output[2].min);
  } finally {
    a.free(); b.free();
  }
});

test('the page\'s URL parser takes a value only where the core accepts it (web/src/state.js)', async () => {
  const { state } = await pageModules();
  const table = state.stateTable(ls.schema, ls.presets);
  // What strtod (and the page's old regex, for some) took: hex, a CR, an embedded NUL, a leading '+' that
  // the URL turns into a space; and what is fine: plain decimals, -0.0 for a boolean.
  const query = 'a.depth=0x10&b.depth=%0D7&a.width=3%00junk&b.width=%2B7&bins=+7&a.init_scale=1e-3&b.bias=-0.0&a.epsilon=0.0';
  state.useCoreChecker((spec, raw) => ls.checkValue(spec, raw));  // what core-checks.js does on the page
  const { state: parsed, notices } = state.parseQuery(query, table);
  const defaults = state.defaultState(table);
  assert.equal(parsed.a.depth, defaults.a.depth);
  assert.equal(parsed.b.depth, defaults.b.depth);
  assert.equal(parsed.a.width, defaults.a.width);
  assert.equal(parsed.view.bins, defaults.view.bins);  // '+7' arrives as ' 7'
  assert.equal(parsed.b.width, 7);                     // '%2B7' is '+7': a plain decimal
  assert.equal(parsed.a.init_scale, 1e-3);
  assert.equal(parsed.b.bias, false);
  assert.equal(parsed.a.epsilon, 0);
  assert.equal(notices.length, 4);
  assert.ok(notices.includes("b.depth: must be an integer from 1 to 100 (got '\\r7'); using the default 20."), notices.join('\n'));
  assert.ok(notices.includes("a.width: must be an integer from 1 to 1024 (got '3\\0junk'); using the default 100."), notices.join('\n'));
  // The form controls' check is the same function: what a reader types is judged by the core too.
  assert.deepEqual(state.checkValue('a.depth', table.find(r => r.key === 'a.depth').spec, '12'), { ok: true, value: 12 });
  assert.deepEqual(state.checkValue('bins', table.find(r => r.key === 'bins').spec, ' 12'),
    { ok: false, message: "bins: must be an integer from 4 to 256 (got ' 12')" });
  assert.deepEqual(state.checkValue('a.init_scale', table.find(r => r.key === 'a.init_scale').spec, '0x1p3'),
    { ok: false, message: "a.init_scale: must be a number greater than 0 and at most 1000000 (got '0x1p3')" });
  // An open upper end is said as such (and the value at it refused).
  assert.deepEqual(state.checkValue('share', { type: 'real', min: 0, max: 1, maxOpen: true }, '1'),
    { ok: false, message: 'share: must be a number at least 0 and below 1 (got 1)' });
  // Without the core nothing is taken (there is no second rule in the page).
  state.useCoreChecker(null);
  const unchecked = state.parseQuery('a.depth=7', table);
  assert.equal(unchecked.state.a.depth, defaults.a.depth);
  assert.match(unchecked.notices[0], /could not be checked/);
});

test('the training view\'s settings take their ranges and their check from the core (web/src/state.js, training/settings.js)', async () => {
  const { state, settings } = await pageModules();
  state.useCoreChecker((spec, raw) => ls.checkValue(spec, raw));
  state.useCoreSpecs(ls.trainingSchema, ls.schema);
  settings.useCorePresets(ls.trainingPresets);
  // A field left empty shows the core preset's value: the blog pair trains 5,000 steps (training.cpp).
  assert.equal(settings.presetSetting('blog', 'steps'), ls.trainingPresets.find(p => p.name === 'blog-deep-relu-bn').config.steps);
  assert.equal(settings.presetSetting('fig1', 'log_every'), 500);
  const spec = name => state.TRAINING_FIELDS.find(f => f.name === name);
  // The page's table holds no range of its own: the seed's upper end is the core's 2^53 - 1.
  assert.equal(spec('seed').max, ls.schema.find(s => s.name === 'seed').max);
  assert.equal(spec('steps').max, ls.trainingSchema.find(s => s.name === 'steps').max);
  assert.deepEqual(spec('optimizer').choices, ['sgd', 'adam']);
  assert.deepEqual(settings.checkSetting(spec('steps'), '1e3'), { ok: true, value: 1000 });
  assert.deepEqual(settings.checkSetting(spec('seed'), String(2 ** 53)),
    { ok: false, message: 't.seed: must be an integer from 0 to 9007199254740991 (got 9007199254740992)' });
  assert.equal(settings.checkSetting(spec('learning_rate'), '0x1p-3').ok, false);
  // The one URL table reads the training keys; the training view shows the notices of its own rows.
  const table = state.stateTable(ls.schema, ls.presets);
  const { state: { training: parsed }, notices } = state.parseQuery('t.steps=%0D7&t.learning_rate=0.5&t.optimizer=Adam&bins=2',
    table, { scopes: ['training'] });
  assert.equal(parsed.steps, null);
  assert.equal(parsed.learning_rate, 0.5);
  assert.equal(parsed.optimizer, null);
  assert.equal(notices.length, 2, notices.join('\n'));
  assert.ok(notices.some(n => n.startsWith("t.steps: must be an integer from 1 to 1000000 (got '\\r7')")), notices.join('\n'));
  // `embed` has one meaning in both views: the view shown (view=), without its controls. The Figure 1
  // embed's older links (embed=fig1) read as the training view embedded, and are rewritten so.
  const embedded = q => state.parseQuery(q, table, { scopes: ['view', 'training'] });
  assert.deepEqual([embedded('embed=1').state.view.embed, embedded('embed=1').state.training.view], [true, 'init']);
  for (const q of ['embed=fig1', 'view=training&embed=1']) {
    const r = embedded(q);
    assert.deepEqual([r.state.view.embed, r.state.training.view, r.notices], [true, 'training', []], q);
  }
  assert.equal(state.writeQuery('embed=fig1&t.steps=7', table, state.defaultState(table), () => false), 'embed=1&t.steps=7&view=training');
  assert.match(embedded('embed=yes').notices[0], /^embed: must be/);
  state.useCoreChecker(null);
});

// Issue 19: a field added to the core's table appears in the page's URL state without a line of JS.
// Each field of the network table is a column key (a.<name>, b.<name>; the seed is shared), each field of
// the training table a t.<name> key, and a value other than the default survives the URL both ways.
test('every field of the core\'s tables is a URL key whose value round-trips (state.js, training/settings.js)', async () => {
  const { state, settings } = await pageModules();
  state.useCoreChecker((spec, raw) => ls.checkValue(spec, raw));
  // A value of the spec other than `current`, that its range takes.
  const another = (spec, current) => {
    if (spec.type === 'choice') return spec.choices.find(c => c !== current);
    if (spec.type === 'boolean') return !current;
    const low = spec.type === 'integer' ? spec.min : spec.min + (spec.max - spec.min) / 4;
    return low !== current ? low : spec.type === 'integer' ? low + 1 : spec.min + (spec.max - spec.min) / 8;
  };
  try {
    const table = state.stateTable(ls.schema, ls.presets);
    for (const spec of ls.schema) {
      const keys = spec.name === 'seed' ? ['seed'] : ['a', 'b'].map(col => `${col}.${spec.name}`);
      for (const key of keys) {
        const row = table.find(r => r.key === key);
        assert.ok(row, `the URL state has no key ${key}`);
        const s = state.defaultState(table);
        s[row.scope][row.field] = another(spec, row.default);
        const { state: back, notices } = state.parseQuery(state.serializeQuery(s, table), table);
        assert.deepEqual(notices, [], key);
        assert.equal(back[row.scope][row.field], s[row.scope][row.field], key);
      }
    }
    state.useCoreSpecs(ls.trainingSchema, ls.schema);
    settings.useCorePresets(ls.trainingPresets);
    const full = state.stateTable(ls.schema, ls.presets);
    for (const spec of ls.trainingSchema) {
      if (spec.name === 'histogram_tensor') continue;  // the view's own `t.tensor` sets it
      const field = state.TRAINING_FIELDS.find(f => f.name === spec.name);
      assert.ok(field, `the training URL has no key t.${spec.name}`);
      const value = another(spec, settings.presetSetting('fig1', spec.name));
      // written by the training view (its rows only) into a URL that holds the init-time view's keys too
      const s = state.defaultState(full);
      s.training[spec.name] = value;
      const written = state.writeQuery('a.depth=7&tensor=activation', full, s, row => row.scope === 'training');
      const { state: parsedBack, notices } = state.parseQuery(written, full, { scopes: ['view', 'a', 'b', 'training'] });
      const back = parsedBack.training;
      assert.equal(parsedBack.a.depth, 7, 'the other view\'s keys are kept');
      assert.deepEqual(notices, [], spec.name);
      assert.equal(back[spec.name], value, spec.name);
      // and it reaches both columns' core sessions
      assert.equal(settings.columnConfigs(back).b[spec.name], value, spec.name);
    }
  } finally {
    state.useCoreChecker(null);
  }
});
