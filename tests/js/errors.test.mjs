// Bad settings reach JavaScript as LayerscopeError with the core's message and the field it names:
// set_field() and validate() throw ConfigError in C++, the glue turns it into {ok: false, error, field},
// and web/src/layerscope.js throws. Nothing is left allocated by a failed run (see memory.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadForNode } from './load.mjs';

const ls = await loadForNode();

function rejects(config, field, pattern) {
  for (const attempt of [() => ls.createRun(config), () => ls.normalizeConfig(config)]) {
    assert.throws(attempt, error => {
      assert.equal(error.name, 'LayerscopeError');
      assert.ok(error instanceof Error);
      assert.equal(error.field, field);
      assert.match(error.message, pattern);
      return true;
    });
  }
}

test('depth 0 is rejected with the allowed range', () => {
  rejects({ depth: 0 }, 'depth', /^depth: must be an integer from 1 to 100 \(got 0\)$/);
});

test('batch 1 with batch norm is rejected: the variance of one sample is 0', () => {
  rejects({ normalization: 'batch', batch: 1 }, 'batch', /^batch: must be at least 2 with batch norm/);
});

test('batch 1 without normalization is allowed', () => {
  const run = ls.createRun({ depth: 2, width: 4, input_dim: 3, batch: 1 });
  assert.equal(run.summaries.output[2].count, 4);
  run.free();
});

test('an unknown activation is rejected with the list of choices', () => {
  rejects({ activation: 'swish' }, 'activation', /^activation: must be one of: relu, leaky_relu, tanh, sigmoid, linear \(got 'swish'\)$/);
});

test('a NaN or infinite scale is rejected', () => {
  rejects({ init_scale: NaN }, 'init_scale', /^init_scale: must be a number greater than 0/);
  rejects({ input_scale: Infinity }, 'input_scale', /^input_scale: must be a number greater than 0/);
  rejects({ gain: 'abc' }, 'gain', /^gain: must be a number .*\(got 'abc'\)$/);
});

test('a run over the memory budget is rejected before anything is allocated', () => {
  rejects({ depth: 100, width: 1024, batch: 4096 }, 'batch', /^batch: this run would need about \d+ MB, over the 512 MB budget/);
});

test('an unknown setting is rejected and the known ones are listed', () => {
  rejects({ dept: 3 }, 'dept', /^dept: unknown setting; known settings are: depth, width/);
});

test('a non-integer depth, a non-boolean bias and a negative seed are rejected', () => {
  rejects({ depth: 2.5 }, 'depth', /^depth: must be an integer/);
  rejects({ bias: 'yes' }, 'bias', /^bias: must be true or false \(got 'yes'\)$/);
  rejects({ seed: -1 }, 'seed', /^seed: must be an integer from 0/);
});

test('checkField reports one setting without throwing', () => {
  assert.deepEqual(ls.checkField('depth', 7), { ok: true, value: 7 });
  assert.deepEqual(ls.checkField('bias', 'true'), { ok: true, value: true });
  assert.deepEqual(ls.checkField('activation', 'tanh'), { ok: true, value: 'tanh' });
  assert.deepEqual(ls.checkField('epsilon', '1e-3'), { ok: true, value: 0.001 });
  const bad = ls.checkField('width', 0);
  assert.equal(bad.ok, false);
  assert.match(bad.message, /^width: must be an integer from 1 to 1024 \(got 0\)$/);
  assert.equal(ls.checkField('nonsense', 1).ok, false);
});

test('bad histogram and percentile requests throw LayerscopeError naming the argument', () => {
  const run = ls.createRun({ depth: 2, width: 8, input_dim: 8, batch: 16 });
  try {
    assert.throws(() => run.histograms('weights'), { name: 'LayerscopeError', field: 'tensor' });
    assert.throws(() => run.histograms('output', { bins: 0 }), { field: 'bins' });
    assert.throws(() => run.histograms('output', { range: 'global' }), { field: 'range' });
    assert.throws(() => run.histograms('output', { range: [1, 0] }), { field: 'range' });
    assert.throws(() => run.histograms('output', { binning: 'log' }), { field: 'binning' });
    assert.throws(() => run.percentiles('output', 3), { field: 'layer' });
    assert.throws(() => run.percentiles('pre_activation', 0), { field: 'layer' });
  } finally {
    run.free();
  }
});

test('a freed run says so on every use, and free() may be called twice', () => {
  const run = ls.createRun({ depth: 2, width: 8, input_dim: 8, batch: 16 });
  run.free();
  run.free();
  assert.throws(() => run.histograms('output'), /used after free\(\)/);
  assert.throws(() => run.percentiles('output', 1), /used after free\(\)/);
});
