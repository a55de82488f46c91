// End-to-end: what the training view's figures show before, during and after a short run (empty states,
// the update-ratio charts' legend and shared scale, the heatmap's colour scale and axes), and the Figure 1
// embed in a 500 x 500 frame. Served with the page's CSP, in headless Chromium, real training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, useSiteAndBrowser, openPage, byId } from './helpers.mjs';

const site = useSiteAndBrowser();

const waitState = (page, wanted, timeout) =>
  page.waitForFunction(w => w.includes(document.getElementById('training').dataset.state), wanted, { timeout });
// A view's canvas attributes once it has drawn (views below the fold draw when they scroll in).
async function drawn(page, id, attribute) {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  await page.waitForTimeout(250);
  return page.$eval(`#${id} canvas`, (c, a) => (a === 'aria-label' ? c.getAttribute(a) : c.dataset[a]), attribute);
}

test('before training every chart says what will appear, with no axis ticks and no "layer –"', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url + '?view=training', { width: 1280, height: 800 });
  await page.waitForSelector('#training:not([hidden])');
  for (const id of ['t-fig1-a', 't-fig1-b', 't-fig1-c', 't-loss', 't-acc', 't-bands', 't-profile', 't-ratio-a', 't-ratio-b']) {
    assert.equal(await drawn(page, id, 'yTicks'), '', `${id} draws no ticks before there are numbers`);
    assert.equal(await drawn(page, id, 'legend'), '', `${id} has no legend yet`);
    assert.match(await drawn(page, id, 'aria-label'), /: .*(once|The unit|The same unit|after the first update)/, id);
  }
  for (const id of ['t-hist-a', 't-hist-b', 't-dist-a', 't-dist-b'])
    assert.match(await drawn(page, id, 'aria-label'), /appears here once training starts\.$/, id);
  await page.click('.t-table-box summary');
  assert.equal(await page.textContent('#t-table caption'), 'Each layer\'s statistics appear here once training starts.');
  assert.equal(await page.evaluate(() => /(layer|step) –/.test(document.body.textContent)), false, 'no "layer –" or "step –"');
  assert.deepEqual(problems, []);
  await context.close();
});

test('update ratios: the legend lists exactly the drawn layers and A and B share one scale; the heatmap has a colour scale and follows the axes', async () => {
  const { page, context, problems } = await openPage(site.browser,
    site.url + '?view=training&t.steps=600&t.log_every=100', { width: 1280, height: 800 });
  await page.waitForSelector('#training:not([hidden])');
  // Step 0 alone: no update yet, so no ratio is drawn and none is listed.
  await page.click('#t-step');
  await page.waitForFunction(() => window.__layerscopeTraining.stores.b.reports.length >= 1, null, { timeout: 30000 });
  await page.click('#t-reset');
  await page.waitForFunction(() => window.__layerscopeTraining.stores.b.reports.length === 1, null, { timeout: 10000 });
  assert.equal(await drawn(page, 't-ratio-a', 'legend'), '', 'step 0 has no update: no layer listed');
  await page.click('#t-play');
  await waitState(page, ['finished', 'error'], 60000);
  assert.equal(await drawn(page, 't-ratio-a', 'legend'), 'layer 1|layer 2|layer 3');
  assert.equal(await drawn(page, 't-ratio-b', 'legend'), 'layer 1|layer 2|layer 3');
  const ticksA = await drawn(page, 't-ratio-a', 'yTicks'), ticksB = await drawn(page, 't-ratio-b', 'yTicks');
  assert.ok(ticksA.length > 0);
  assert.equal(ticksA, ticksB, 'A and B read on one y scale');
  // The heatmap: a colour scale with its ticks; the value axis and the log step axis change the drawing.
  await page.selectOption(byId('t.dist'), 'heatmap');
  assert.equal(await drawn(page, 't-dist-a', 'colourScale'), '0% 10% 25% 50% 100%');
  const pixels = () => page.$eval('#t-dist-a canvas', c => c.toDataURL());
  const linear = await pixels();
  await page.selectOption(byId('t.values'), 'symlog');
  await page.waitForFunction(() => document.querySelector('#t-dist-a canvas').dataset.values === 'symlog', null, { timeout: 5000 });
  const symlog = await pixels();
  assert.notEqual(symlog, linear, 'symlog redraws the value axis');
  assert.match(await page.evaluate(() => location.search), /t\.values=symlog/);
  await page.check(byId('t.logx'));
  await page.waitForTimeout(400);
  assert.notEqual(await pixels(), symlog, 'the log step axis moves the heatmap\'s columns');
  await page.locator('#t-dist-a').screenshot({ path: join(ARTIFACTS, 'screenshot-training-heatmap.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

// The embed as a reader's page holds it: the snippet of the full page's "Embed Figure 1", pasted into a page
// of its own (no margin), so the check is the iframe's own scrollbars.
async function embeddedFrame(context, problems) {
  const fullPage = await context.newPage();
  await fullPage.goto(site.url + '?view=training&t.steps=500&t.log_every=250');
  await fullPage.click('#t-embed');
  const snippet = await fullPage.inputValue('#t-share-field');
  await fullPage.close();
  assert.match(snippet, /width="500" height="500"/);
  const host = await context.newPage();
  host.on('console', msg => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  host.on('pageerror', err => problems.push(`pageerror: ${err.message}`));
  // runs in the iframe too: a CSP violation there is a console error here
  await host.addInitScript(() => document.addEventListener('securitypolicyviolation', e => {
    console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
  }));
  await host.setContent(`<!doctype html><html><body style="margin:0">${snippet}</body></html>`);
  const frame = await (await host.waitForSelector('iframe')).contentFrame();
  await frame.waitForSelector('#t-embed-start', { state: 'visible' });
  return { host, frame };
}

test('the Figure 1 embed fits its 500 x 500 iframe, names only its own button and links back to the full view', async () => {
  const { context, problems } = await openPage(site.browser, 'about:blank', { width: 800, height: 700 });
  const { host, frame } = await embeddedFrame(context, problems);
  for (const sel of ['header', '#columns', '.t-bar', '#t-loss', '#view-switch', 'footer', '#t-play'])
    assert.equal(await frame.isHidden(sel), true, `${sel} hidden in embed mode`);
  assert.equal(await frame.$eval('#training', el => el.dataset.state), 'idle', 'nothing trains before the click');
  const fits = async when => {
    const [sw, sh, cw, ch] = await frame.evaluate(() => {
      const d = document.documentElement;
      return [d.scrollWidth, d.scrollHeight, d.clientWidth, d.clientHeight];
    });
    assert.ok(cw === 500 && ch === 500 && sw <= cw && sh <= ch, `${when}: ${sw} x ${sh} drawn in ${cw} x ${ch}`);
    const cut = await frame.$$eval('#t-fig1-panel figcaption', fs => fs.filter(f => f.scrollWidth > f.clientWidth).map(f => f.textContent));
    assert.deepEqual(cut, [], `${when}: panel titles cut`);
  };
  await fits('before training');
  // Its words point to what it has: the "Train both networks" button, not Play or the full page's presets.
  const words = await frame.textContent('#t-fig1-panel') + await frame.textContent('#t-status');
  assert.ok(words.includes('“Train both networks”'), words);
  assert.doesNotMatch(words, /Play|Batch-norm paper, Figure 1”/);
  // The link back: relative, the same settings, the full view (no embed), in a new tab.
  const href = await frame.getAttribute('#t-full-view', 'href');
  assert.match(href, /^\?/);
  const params = new URLSearchParams(href);
  assert.deepEqual([params.get('view'), params.get('t.steps'), params.get('t.log_every'), params.has('embed')], ['training', '500', '250', false]);
  const [full] = await Promise.all([context.waitForEvent('page'), frame.click('#t-full-view')]);
  await full.waitForSelector('#t-loss', { state: 'visible' });
  assert.equal(await full.inputValue(byId('t.steps')), '500');
  await full.close();
  await frame.click('#t-embed-start');
  await frame.waitForFunction(() => ['finished', 'error'].includes(document.getElementById('training').dataset.state), null, { timeout: 60000 });
  assert.equal(await frame.$eval('#training', el => el.dataset.state), 'finished');
  await frame.waitForFunction(() => Number(document.querySelector('#t-fig1-a canvas').dataset.points) === 6, null, { timeout: 5000 });
  await fits('after training');
  assert.equal(await frame.isVisible('#t-full-view'), true, 'the link stays after the run');
  await host.screenshot({ path: join(ARTIFACTS, 'screenshot-training-embed.png'), clip: { x: 0, y: 0, width: 500, height: 500 } });
  assert.deepEqual(problems, []);
  await context.close();
});
