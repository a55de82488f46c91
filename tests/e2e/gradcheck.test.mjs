// End-to-end (issue 22): "Check gradients" in the init view, under the page's CSP. The check's own wasm
// module is fetched only on the first press; the table shows every layer and kind of A and B within the
// tolerance for our backward, and the toggle adds the post's batch-norm backward, which fails where batch
// norm is (B of the default pair) and equals ours where it is not (A). Screenshots in artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useSiteAndBrowser, openPage, waitReady, ARTIFACTS } from './helpers.mjs';

const site = useSiteAndBrowser();

const checkModuleFetched = requests => requests.some(u => /layerscope_gradcheck(_relaxed)?\.wasm$/.test(u));

// Presses (or toggles) and waits for the panel to finish: its state and every cell's numbers.
async function finished(page) {
  await page.waitForFunction(() => ['done', 'error', 'cancelled'].includes(document.getElementById('gradcheck').dataset.state),
    null, { timeout: 60000 });
  return page.evaluate(() => ({
    state: document.getElementById('gradcheck').dataset.state,
    verdict: document.getElementById('gc-verdict').textContent,
    method: document.getElementById('gc-method').textContent,
    tables: Object.fromEntries([...document.querySelectorAll('#gc-tables table')].map(t => [t.dataset.col, {
      caption: document.getElementById(t.getAttribute('aria-labelledby')).textContent,
      ours: [...t.querySelectorAll('.gc-ours')].map(s => ({ text: s.textContent, ok: s.classList.contains('gc-ok') })),
      post: [...t.querySelectorAll('.gc-post')].map(s => ({ text: s.textContent, ok: s.classList.contains('gc-ok') })),
    }])),
  }));
}

async function press(page, selector) {
  await page.evaluate(() => { document.getElementById('gradcheck').dataset.state = 'pressed'; });
  await page.click(selector);
  return finished(page);
}

test('Check gradients: ours within the tolerance in every layer of A and B, the post\'s backward fails in B', async () => {
  const { page, context, problems, requests } = await openPage(site.browser, site.url, { width: 1280, height: 800 });
  await waitReady(page);
  assert.equal(checkModuleFetched(requests), false, 'the check module is not fetched before the press');
  const first = await press(page, '#gc-run');
  assert.equal(first.state, 'done', first.verdict);
  assert.ok(checkModuleFetched(requests), 'the press fetches the check module');
  assert.match(first.verdict, /^Our backward: worst relative error .* within the tolerance 1e-4\./);
  assert.match(first.method, /central difference/);
  assert.equal(first.method.split('. ').length >= 2, true);
  // The default pair: 20 layers each, dL/dh for the input, 20 layers and the output; W of 20 layers; B's
  // gamma and beta too.
  for (const col of ['a', 'b']) {
    const t = first.tables[col];
    assert.ok(t.ours.length >= 40, `${col}: ${t.ours.length} cells`);
    assert.ok(t.ours.every(c => c.ok), `${col}: every cell of ours within the tolerance`);
    assert.equal(t.post.length, 0);
  }
  await page.locator('#gradcheck').screenshot({ path: join(ARTIFACTS, 'gradcheck-1280.png') });

  const withPost = await press(page, '#gc-post');
  assert.equal(withPost.state, 'done', withPost.verdict);
  assert.match(withPost.verdict, /The post’s batch-norm backward: worst .* in B, far outside the tolerance: it is wrong\./);
  assert.ok(withPost.tables.a.post.every(c => c.ok), 'A has no batch norm: the post\'s backward is not used there');
  assert.match(withPost.tables.a.caption, /not used/);
  const bad = withPost.tables.b.post.filter(c => !c.ok);
  assert.ok(bad.length >= 20, `the post's backward fails in most of B's cells (${bad.length} of ${withPost.tables.b.post.length})`);
  assert.ok(withPost.tables.b.ours.every(c => c.ok), 'ours still within the tolerance beside it');
  await page.locator('#gradcheck').screenshot({ path: join(ARTIFACTS, 'gradcheck-post-1280.png') });
  // A changed setting: the tables say they are of the networks at the press.
  assert.equal(await page.isVisible('#gc-stale'), false);
  await page.goto(page.url());  // (a fresh page keeps nothing: the check starts over)
  await waitReady(page);
  await press(page, '#gc-run');
  await page.evaluate(() => { document.getElementById('details-a').open = true; });
  await page.selectOption('[id="a.activation"]', 'tanh');
  await page.waitForFunction(() => document.getElementById('gradcheck').dataset.stale === 'true', null, { timeout: 10000 });
  assert.equal(await page.isVisible('#gc-stale'), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the check runs for per-sample norm, tanh, batch norm before the activation in eval mode, at 360 px', async () => {
  const url = `${site.url}?a.normalization=per_sample&a.activation=tanh&a.depth=6&b.normalization=batch&b.placement=before&b.mode=eval&b.activation=sigmoid&b.depth=6`;
  const { page, context, problems } = await openPage(site.browser, url, { width: 360, height: 740, colorScheme: 'dark' });
  await waitReady(page);
  const r = await press(page, '#gc-run');
  assert.equal(r.state, 'done', r.verdict);
  for (const col of ['a', 'b']) assert.ok(r.tables[col].ours.length > 10 && r.tables[col].ours.every(c => c.ok), col);
  // The post's backward replaces per-sample normalization's (train mode) in A; B's eval-mode batch norm keeps ours.
  const p = await press(page, '#gc-post');
  assert.ok(p.tables.a.post.some(c => !c.ok), 'the post\'s per-sample backward fails in A');
  assert.ok(p.tables.b.post.every(c => c.ok), 'eval mode: the post has none, ours is kept');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal overflow at 360 px (${overflow} px)`);
  await page.locator('#gradcheck').screenshot({ path: join(ARTIFACTS, 'gradcheck-360-dark.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a network the core refuses is not checked, says why, and the other is checked', async () => {
  const { page, context } = await openPage(site.browser, `${site.url}?b.normalization=batch&b.batch=1`, { width: 1280, height: 800 });
  await waitReady(page);
  const r = await press(page, '#gc-run');
  assert.equal(r.state, 'done', r.verdict);
  assert.match(r.verdict, /^Our backward: worst relative error .* over A, within the tolerance 1e-4\.$/);
  assert.ok(r.tables.a.ours.length > 20 && r.tables.a.ours.every(c => c.ok));
  assert.match(await page.textContent('#gc-tables .gc-error'), /^Not checked: batch: /);
  await context.close();
});
