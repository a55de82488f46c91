// The gradient check in wasm (its own module, layerscope_gradcheck*.wasm: loadGradientCheck's check(), over
// src/core/gradcheck.hpp) gives the native tool's numbers: the same
// config and seed sample the same entries, and backward's values and the difference quotients agree to rounding.
// The page's 2 s for the default pair is measured by bench/gradcheck-bench.mjs in Chromium (a benchmark, not a
// timed test); here the pair only has to pass.
//
// Needs the native tool (`layerscope`, see load.mjs's findNativeTool).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNativeTool, loadForNode, loadGradientCheckForNode } from './load.mjs';

const checker = await loadGradientCheckForNode();

// The native tool's --json of `layerscope gradcheck ARGS`, and its exit status.
function nativeCheck(args) {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-gradcheck-'));
  try {
    const out = join(dir, 'check.json');
    const run = spawnSync(findNativeTool(), ['gradcheck', ...args, '--json', out], { encoding: 'utf8' });
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    return { status: run.status, doc: JSON.parse(readFileSync(out, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function close(actual, expected, rel, what) {
  const allowed = rel * Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) <= allowed, `${what}: wasm ${actual}, native ${expected}`);
}

// One config, both backwards. The analytic values come from backward alone (products summed in another order
// by Eigen natively than in wasm: about 1e-15 apart); the difference quotients divide the difference of two
// losses by 2h, so their rounding is 1e-16 |L| / h, about 1e-10 of the values here. The relative errors of the
// correct backward are that rounding itself, so they are compared only against the tolerance; the post's are
// of the order of 1 and must agree. Every row of the post's check but dL/dh_L is such a row (tested).
for (const bn_backward of ['correct', 'post']) {
  test(`wasm and the native tool check the same entries and find the same numbers (bn_backward ${bn_backward})`, () => {
    const network = { normalization: 'batch', placement: 'after', depth: 5, width: 20, batch: 200, seed: 3 };
    const wasm = checker.check(network, { bn_backward });
    const args = Object.entries(network).flatMap(([k, v]) => [`--${k}`, String(v)]);
    const { status, doc } = nativeCheck([...args, '--bn_backward', bn_backward]);
    assert.equal(doc.checks.length, 1);
    const native = doc.checks[0];
    assert.equal(status, bn_backward === 'correct' ? 0 : 1);
    assert.equal(wasm.passed, status === 0);
    assert.equal(wasm.tolerance, doc.tolerance);
    assert.equal(wasm.method, doc.method);
    assert.equal(wasm.config.batch, 16);
    assert.equal(wasm.postBackwardUsed, native.post_backward_used);
    assert.equal(wasm.rows.length, native.rows.length);
    wasm.rows.forEach((w, i) => {
      const n = native.rows[i];
      const where = `layer ${n.layer} ${n.kind}`;
      assert.deepEqual([w.layer, w.kind, w.checked, w.skipped], [n.layer, n.kind, n.checked, n.skipped], where);
      if (n.worst > doc.tolerance) {  // the post's errors (dL/dh_L, before any batch norm, has none)
        assert.equal(w.index, n.index, where);
        close(w.analytic, n.analytic, 1e-9, `${where} analytic`);
        close(w.numeric, n.numeric, 1e-6, `${where} numeric`);
        close(w.worst, n.worst, 1e-6, `${where} relative error`);
      } else {
        assert.ok(w.worst <= wasm.tolerance, where);
      }
      close(w.step, n.step, 1e-12, `${where} step`);
    });
    if (bn_backward === 'post') {
      close(wasm.worst, doc.worst, 1e-6, 'worst');
      const within = native.rows.filter((r) => r.worst <= doc.tolerance).map((r) => `${r.layer} ${r.kind}`);
      assert.deepEqual(within, [`${network.depth} h`]);
    }
  });
}

test('a bad setting of the check is refused naming it', () => {
  assert.throws(() => checker.check({}, { check_batch: 0 }), { name: 'LayerscopeError', field: 'check_batch' });
  assert.throws(() => checker.check({}, { bn_backward: 'paper' }), /^LayerscopeError: bn_backward: must be one of/);
  assert.throws(() => checker.check({ depth: 0 }), { field: 'depth' });
});

test('the default pair (blog-no-bn and xavier-bn) passes, and the post\'s backward fails only where batch norm is', () => {
  for (const mode of ['train', 'eval']) {
    const [a, b] = [checker.check({ mode }), checker.check({ normalization: 'batch', mode })];
    assert.ok(a.passed && b.passed, `${mode}: worst ${a.worst}, ${b.worst}`);
    const [aPost, bPost] = [checker.check({ mode }, { bn_backward: 'post' }),
      checker.check({ normalization: 'batch', mode }, { bn_backward: 'post' })];
    assert.equal(aPost.postBackwardUsed, false, 'A has no normalization');
    assert.equal(aPost.worst, a.worst);
    // The post has no eval mode: eval-mode batch norm keeps ours (README, "The post's backward").
    assert.equal(bPost.postBackwardUsed, mode === 'train');
    assert.equal(bPost.passed, mode !== 'train', `${mode}: worst ${bPost.worst}`);
  }
});

test('the check module lists its settings as schema rows', () => {
  assert.deepEqual(checker.schema.map((s) => s.name).sort(), ['bn_backward', 'check_batch', 'entries_per_tensor']);
  assert.equal(checker.schema.find((s) => s.name === 'bn_backward').default, 'correct');
});

// What the page's button can be asked: every normalization, placement, activation, mode and loss the
// network's table offers (its choices read from the main module's schema), on a small network. Ours passes
// every one; the post's backward replaces train-mode batch norm's and per-sample normalization's (which has
// no eval mode of its own) and is not used elsewhere (README, "The post's backward").
test('the check module passes every normalization x placement x activation x mode x loss the page offers', async () => {
  const schema = (await loadForNode()).schema;
  const choices = name => schema.find((f) => f.name === name).choices;
  let configs = 0;
  for (const normalization of choices('normalization')) for (const placement of choices('placement'))
    for (const activation of choices('activation')) for (const mode of choices('mode')) for (const upstream of choices('upstream')) {
      const config = { normalization, placement, activation, mode, upstream, depth: 3, width: 8, batch: 16, seed: 5 };
      const where = JSON.stringify(config);
      const ours = checker.check(config);
      assert.ok(ours.passed, `${where}: worst ${ours.worst}`);
      const post = checker.check(config, { bn_backward: 'post' });
      assert.equal(post.postBackwardUsed, normalization === 'per_sample' || (normalization === 'batch' && mode === 'train'), where);
      if (!post.postBackwardUsed) assert.equal(post.worst, ours.worst, where);
      configs++;
    }
  assert.ok(configs >= 3 * 2 * 3 * 2 * 3, `${configs} configs`);
});
