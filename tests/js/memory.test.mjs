// Runs created and freed from JS leave nothing behind in the wasm heap. Measured with mallinfo()'s
// uordblks (bytes malloc has handed out, exported as heapInUse()), which returns to its value when every
// allocation is freed; the heap's size (HEAP8.buffer.byteLength) must not grow either, since memory
// growth is permanent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadForNode } from './load.mjs';

const ls = await loadForNode();
const small = { ...ls.presets.find(p => p.name === 'blog-bn').config, depth: 3, width: 16, input_dim: 16, batch: 32 };

function cycle(config) {
  const run = ls.createRun(config);
  run.histograms('output', { range: 'shared' });
  run.histograms('grad_output', { binning: 'symlog', range: [-1, 1] });
  run.percentiles('activation', 1);
  run.free();
}

test('1000 create/free cycles leave the malloc heap where it was', () => {
  for (let i = 0; i < 20; ++i) cycle(small);  // first-use allocations (static tables, Embind caches)
  const inUse = ls.heapInUse(), size = ls.heapSize();
  for (let i = 0; i < 1000; ++i) cycle(small);
  assert.equal(ls.heapInUse(), inUse, `heap in use went from ${inUse} to ${ls.heapInUse()} bytes`);
  assert.equal(ls.heapSize(), size, `the wasm memory grew from ${size} to ${ls.heapSize()} bytes`);
});

test('heapInUse sees a run that is not freed (the meter above is real)', () => {
  const inUse = ls.heapInUse();
  const run = ls.createRun(small);
  // At least the 3 layers' 16 x 32 float activations are held.
  assert.ok(ls.heapInUse() - inUse > 3 * 16 * 32 * 4, `only ${ls.heapInUse() - inUse} bytes held`);
  run.free();
  assert.equal(ls.heapInUse(), inUse);
});

test('failed runs leave nothing allocated', () => {
  for (let i = 0; i < 20; ++i) assert.throws(() => ls.createRun({ normalization: 'batch', batch: 1 }));
  const inUse = ls.heapInUse();
  for (let i = 0; i < 500; ++i) {
    assert.throws(() => ls.createRun({ normalization: 'batch', batch: 1 }));
    assert.throws(() => ls.createRun({ activation: 'swish' }));
    assert.throws(() => ls.normalizeConfig({ depth: 0 }));
  }
  assert.equal(ls.heapInUse(), inUse);
});

test('arrays handed to JS stay valid after the heap grows (they are copies, not views)', () => {
  const run = ls.createRun(small);
  const histograms = run.histograms('output', { bins: 16 });
  const counts = histograms[1].counts, edges = histograms[1].edges;
  const before = [Array.from(counts), Array.from(edges)];
  const sizeBefore = ls.heapSize();
  // A big run forces memory growth, which detaches every view on the old buffer.
  const big = ls.createRun({ depth: 6, width: 256, input_dim: 256, batch: 2048, normalization: 'batch' });
  big.free();
  run.free();
  assert.ok(ls.heapSize() > sizeBefore, 'the big run was meant to grow the heap');
  assert.equal(counts.length, 16);
  assert.deepEqual([Array.from(counts), Array.from(edges)], before);
});
