// The one run, one step pipeline in Node (issue 20): a kept training report drawn the way the page draws
// any result (web/src/pair-requests.js: both columns' summaries, one figure span over both, then each
// column's histograms on that one axis), the numbers the init view's scrubber and the training view's
// histograms show. Needs dist/data/mnist-binary.bin (./build-wasm.sh writes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadForNode, root } from './load.mjs';
import { figureSpan } from '../../web/src/pair-requests.js';

const ls = await loadForNode();
ls.loadMnist(new Uint8Array(readFileSync(join(root, 'dist', 'data', 'mnist-binary.bin'))));

// The post's pair at a small size: A's activations shrink about 14-fold a layer (the 0.01 init), B's
// batch norm keeps them at 1, so one shared axis must hold values of very different sizes.
const common = { steps: 20, log_every: 10, test_samples: 200, depth: 8, batch: 60 };
const columns = { a: ls.createTraining({ preset: 'blog-deep-relu', ...common }), b: ls.createTraining({ preset: 'blog-deep-relu-bn', ...common }) };

test('a kept step drawn on one axis over both columns keeps every value of every layer', () => {
  for (const col of Object.values(columns)) col.step(20);
  for (const index of [0, -1]) {
    for (const kind of ['pre_activation', 'output', 'grad_output']) {
      const summaries = Object.fromEntries(Object.entries(columns).map(([c, t]) => [c, t.summaries(index)]));
      const figure = figureSpan(Object.values(summaries).map(s => s[kind]));
      assert.ok(figure.lo < 0 && figure.hi > 0 || kind === 'output', `${kind}: the span ${figure.lo}..${figure.hi}`);
      let axis = null;
      for (const [c, t] of Object.entries(columns)) {
        const h = t.histograms(index, kind, { bins: 64, range: [figure.lo, figure.hi], binning: 'symlog', figure });
        // both columns get the same axis from the core, whatever their own ranges
        if (axis) assert.deepEqual(h.axis, axis, `${c} ${kind}: one axis for both columns`);
        axis = h.axis;
        h.forEach((layer, l) => {
          if (!layer) return;
          const s = summaries[c][kind][l];
          const total = layer.counts.reduce((n, x) => n + x, 0) + layer.zeros + layer.nonfinite;
          // counts are shares of the kept fine bins: whole values up to float rounding
          assert.ok(Math.abs(total - s.count) < 1e-6 * s.count, `${c} ${kind} layer ${l} at report ${index}: ${total} of ${s.count}`);
          assert.equal(layer.outside, 0, `${c} ${kind} layer ${l}: nothing outside the shared axis`);
        });
      }
    }
  }
});

test('A and B report the same steps, so the scrubber always shows them at the same step', () => {
  const [a, b] = Object.values(columns).map(t => Array.from(t.history().step));
  assert.deepEqual(a, [0, 10, 20]);
  assert.deepEqual(b, a);
});
