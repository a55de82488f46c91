// End-to-end (issue 22, the other cures in the init-time view): the new settings read as words in the
// form (residual connections and their scale, SELU, the layer norm), a config warning from the core
// (SELU with an init off its fixed point) shows under the column's settings and goes when the config no
// longer warrants it, and the "depth 50: plain vs. <cure>" compare buttons draw both columns. Under the
// page's CSP, with the real wasm module in the column workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, useSiteAndBrowser, openPage, waitReady, afterRecompute, drawnPixels, byId, openSettings } from './helpers.mjs';

const site = useSiteAndBrowser();

const selectedText = (page, id) => page.$eval(byId(id), s => s.selectedOptions[0].textContent);
const optionTexts = (page, id) => page.$$eval(`${byId(id)} option`, os => os.map(o => o.textContent));
const labelText = (page, col, field) => page.textContent(`#controls-${col} .control[data-field=${field}] label`);
const warning = async (page, col) => ({
  visible: await page.isVisible(`#warning-${col}`),
  text: await page.textContent(`#warning-${col}`),
});

test('the new settings read as words: residual connections, their scale, SELU and the layer norm', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url, { width: 1280, height: 800 });
  await waitReady(page);
  await openSettings(page, 'a');
  assert.match(await labelText(page, 'a', 'residual'), /^Residual connections/);
  assert.deepEqual(await optionTexts(page, 'a.residual'), ['none', 'every layer', 'every second layer']);
  assert.deepEqual(await optionTexts(page, 'a.residual_scale'), ['1', '1/sqrt(depth)', 'trained α from 0 (SkipInit)']);
  assert.ok((await optionTexts(page, 'a.activation')).includes('SELU'));
  assert.ok((await optionTexts(page, 'a.normalization')).includes('layer norm (per sample, the post’s axis)'));
  // The scale does nothing without a residual: dimmed until one is chosen.
  assert.equal(await page.$eval('#controls-a .control[data-field=residual_scale]', el => el.classList.contains('irrelevant')), true);

  await afterRecompute(page, () => page.selectOption(byId('a.residual'), 'every_layer'));
  assert.equal(await selectedText(page, 'a.residual'), 'every layer');
  assert.equal(await page.$eval('#controls-a .control[data-field=residual_scale]', el => el.classList.contains('irrelevant')), false);
  // The column's summary of how it differs from B names the field by its label.
  assert.match(await page.textContent('#differs-a'), /residual connections/);
  assert.match(await page.textContent('#settings-line-a'), /no normalization, residual every layer × 1, /);
  assert.equal(await page.isVisible('#error-a'), false, 'A runs with residual connections');
  assert.ok(await drawnPixels(page, '#hist-a canvas') > 2000);
  await page.locator('#column-a').screenshot({ path: join(ARTIFACTS, 'cures-controls-1280.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('SELU with an init off its fixed point shows the core\'s warning under the settings and LeCun or the SELU preset clears it', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url, { width: 1280, height: 800 });
  await waitReady(page);
  await openSettings(page, 'a');
  assert.equal((await warning(page, 'a')).visible, false, 'the default config warrants no warning');
  // Xavier's variance 2/(fan_in + fan_out) is LeCun's 1/fan_in on a square layer, so SELU keeps its fixed
  // point with Xavier at width 100 = input_dim 100 (the core warns of nothing there); at width 50 the first
  // layer (100 -> 50) has fan_in x variance 100 x 2/150 = 1.33.
  await afterRecompute(page, async () => {
    await page.fill(byId('a.width-number'), '50');
    await page.press(byId('a.width-number'), 'Enter');
  });
  await afterRecompute(page, () => page.selectOption(byId('a.init'), 'xavier_normal'));
  await afterRecompute(page, () => page.selectOption(byId('a.activation'), 'selu'));
  let w = await warning(page, 'a');
  assert.equal(w.visible, true, 'SELU with Xavier at 100 -> 50 warns');
  assert.match(w.text, /^Warning: Weight init: selu keeps mean 0 and variance 1 only with weights of variance 1\/fan_in/);
  assert.match(w.text, /fan_in x variance is 1\.3333 in layer 1/);
  assert.equal(await page.isVisible('#error-a'), false, 'a warning, not an error: A still runs');
  assert.ok(await drawnPixels(page, '#hist-a canvas') > 2000);
  assert.equal((await warning(page, 'b')).visible, false, 'B (ReLU) has no warning');
  await page.locator('#column-a').screenshot({ path: join(ARTIFACTS, 'cures-warning-1280.png') });

  await afterRecompute(page, () => page.selectOption(byId('a.init'), 'lecun_normal'));
  assert.equal((await warning(page, 'a')).visible, false, 'LeCun normal keeps the fixed point');
  await afterRecompute(page, () => page.selectOption(byId('a.init'), 'he_normal'));
  w = await warning(page, 'a');
  assert.equal(w.visible, true);
  assert.match(w.text, /with he_normal and gain 1, fan_in x variance is 2,/);
  await afterRecompute(page, () => page.selectOption(byId('a.preset'), 'cures-selu'));
  assert.equal(await page.inputValue(byId('a.activation')), 'selu');
  assert.equal((await warning(page, 'a')).visible, false, 'the SELU preset (LeCun normal) warrants none');
  assert.deepEqual(problems, []);
  await context.close();
});

test('each "depth 50: plain vs. <cure>" button sets A to cures-plain and B to the cure, both drawn', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url, { width: 1280, height: 800 });
  await waitReady(page);
  const cures = ['cures-batch-norm', 'cures-layer-norm', 'cures-residual', 'cures-selu'];
  for (const cure of cures) {
    const button = `.scenarios button[data-a=cures-plain][data-b=${cure}]`;
    await afterRecompute(page, () => page.click(button));
    assert.equal(await page.getAttribute(button, 'aria-pressed'), 'true', cure);
    assert.equal(await page.inputValue(byId('a.preset')), 'cures-plain');
    assert.equal(await page.inputValue(byId('b.preset')), cure);
    if (cure === 'cures-layer-norm') assert.match(await page.textContent('#settings-line-b'), /, layer norm after f,/);
    assert.equal(await page.inputValue(byId('a.depth-number')), '50');
    assert.equal(await page.inputValue(byId('b.depth-number')), '50');
    for (const col of ['a', 'b']) {
      assert.equal(await page.isVisible(`#error-${col}`), false, `${cure}: ${col} runs`);
      assert.equal(await page.isVisible(`#warning-${col}`), false, `${cure}: ${col} warrants no warning`);
      assert.match(await page.textContent(`#summary-${col}`), /^50 layers · last layer output std /);
      const pixels = await drawnPixels(page, `#hist-${col} canvas`);
      assert.ok(pixels > 2000, `${cure}: column ${col} histograms drawn (${pixels} pixels)`);
    }
    // The plain network's last layer has faded (std about 3e-8 of the input's); each cure keeps it near 1.
    const stds = await page.$$eval('#summary-a, #summary-b', els => els.map(e => Number(e.dataset.lastOutputStd)));
    assert.ok(stds[0] < 1e-5, `${cure}: plain A's last std ${stds[0]}`);
    assert.ok(stds[1] > 0.1, `${cure}: B's last std ${stds[1]}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('the settings with the new fields fit a 360-pixel phone', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?a.residual=every_layer&a.activation=selu&a.width=50`,
    { width: 360, height: 800 });
  await waitReady(page);
  await openSettings(page, 'a');
  assert.equal(await page.isVisible('#warning-a'), true);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  await page.locator('#column-a').screenshot({ path: join(ARTIFACTS, 'cures-controls-360.png') });
  assert.deepEqual(problems, []);
  await context.close();
});
