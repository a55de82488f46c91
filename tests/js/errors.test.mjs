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
  rejects({ activation: 'swish' }, 'activation', /^activation: must be one of: relu, leaky_relu, tanh, sigmoid, linear, selu \(got 'swish'\)$/);
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

// ---- One rule set, in the core (config.hpp): the wasm conversion is as strict as the flag parser.

test('values that are not numbers, strings or booleans are refused naming the field and what it allows', () => {
  const boxed = new Number(5);
  const cases = [[[5], 'an array'], [['5'], 'an array'], [5n, 'a BigInt'], [{ toString: () => '5' }, 'an object'],
    [boxed, 'an object'], [null, 'null'], [() => 5, 'a function'], [Symbol('5'), 'a symbol']];
  for (const [value, got] of cases) {
    rejects({ depth: value }, 'depth', new RegExp(`^depth: must be an integer from 1 to 100 \\(got ${got}\\)$`));
  }
  rejects({ bias: [true] }, 'bias', /^bias: must be true or false \(got an array\)$/);
});

test('an array, a string or a number as the whole config is refused naming config', () => {
  rejects([], 'config', /^config: must be an object of settings \(got an array\)$/);
  rejects([5], 'config', /^config: must be an object of settings \(got an array\)$/);
  rejects('depth=3', 'config', /^config: must be an object of settings \(got string\)$/);
  rejects(7, 'config', /^config: must be an object of settings \(got number\)$/);
});

test('number text outside the plain decimal grammar is refused, as on the command line', () => {
  for (const text of ['0x10', '0x1p3', ' 7', '7 ', '\r7', '3\0junk', 'Infinity', '1e', '']) {
    rejects({ depth: text }, 'depth', /^depth: must be an integer from 1 to 100 \(got '.*'\)$/s);
  }
  // ... and every spelling of a plain decimal is taken, from text or from a JS number.
  for (const value of ['7', '+7', '7.0', '70e-1', 7, 7.0]) assert.equal(ls.normalizeConfig({ depth: value }).depth, 7);
});

test('bias: true, false, and any number equal to 1 or 0 (JavaScript has no 0.0 apart from 0)', () => {
  for (const value of [false, 0, -0, '0', '0.0', '-0.0', 'false']) assert.equal(ls.normalizeConfig({ bias: value }).bias, false);
  for (const value of [true, 1, '1', '1.0', 'true']) assert.equal(ls.normalizeConfig({ bias: value }).bias, true);
  rejects({ bias: 2 }, 'bias', /^bias: must be true or false \(got '2'\)$/);
});

test('control characters in a value or a key are escaped in the message', () => {
  rejects({ activation: '\x1b[2J\rx' }, 'activation', /\(got '\\x1b\[2J\\rx'\)$/);
  rejects({ ['\0depth']: 3 }, '\0depth', /^\\0depth: unknown setting/);
});

test('a getter or a Proxy that throws is reported as a setting that could not be read', () => {
  rejects({ get depth() { throw new Error('boom'); } }, 'depth', /^depth: could not be read: it threw boom$/);
  const hostile = new Proxy({}, { ownKeys() { throw new Error('no keys'); } });
  rejects(hostile, 'config', /^config: could not be read: it threw no keys$/);
});

test('checkField takes the same rule: no hex, no arrays', () => {
  assert.equal(ls.checkField('depth', '0x10').ok, false);
  assert.match(ls.checkField('depth', [5]).message, /^depth: must be an integer from 1 to 100 \(got an array\)$/);
  assert.deepEqual(ls.checkField('bias', '-0.0'), { ok: true, value: false });
});

test('a run over the work budget is refused naming what to reduce', () => {
  rejects({ mode: 'eval', normalization: 'batch', warmup_batches: 1000 }, 'warmup_batches',
    /^warmup_batches: this run would do about 441 GFLOP .*over the 64 GFLOP budget.*reduce warmup_batches/);
});

// ---- The leak: a value whose toString throws used to unwind through the C++ conversion, past its guard,
// and leak the key string it held (100 kB a call with a 100 kB key).

test('a value whose toString throws leaves the heap flat, over many calls', () => {
  const longKey = 'k'.repeat(100000);
  const hostile = () => ({ [longKey]: { toString() { throw new Error('toString'); } } });
  const alsoHostile = () => ({ depth: { valueOf() { throw new Error('valueOf'); }, toString() { throw new Error('x'); } } });
  for (let i = 0; i < 5; ++i) {  // first-use allocations
    assert.throws(() => ls.normalizeConfig(hostile()), { name: 'LayerscopeError' });
    assert.throws(() => ls.createRun(alsoHostile()), { name: 'LayerscopeError' });
  }
  const inUse = ls.heapInUse();
  for (let i = 0; i < 200; ++i) {
    assert.throws(() => ls.normalizeConfig(hostile()), { name: 'LayerscopeError' });
    assert.throws(() => ls.createRun(alsoHostile()), { name: 'LayerscopeError', field: 'depth' });
    assert.equal(ls.checkField(longKey, { toString() { throw new Error('x'); } }).ok, false);
  }
  // 200 leaked keys would be 20 MB; a flat heap is exact.
  assert.equal(ls.heapInUse(), inUse, `heap in use went from ${inUse} to ${ls.heapInUse()} bytes`);
});
