// End-to-end (issue 22, "Four cures at depth 50"): the five networks' depth profiles overlaid on one chart
// (five measured lines, a caption from their numbers, exports that are not empty, the tensor in the URL, the
// embed target, a phone's width), a short trained run of the five in one training worker, and the training
// view's warning box for a config the core warns about (SELU off its fixed point). Under the page's CSP, with
// the real wasm module, in headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, useSiteAndBrowser, openPage, byId } from './helpers.mjs';

const site = useSiteAndBrowser();

async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const chunks = [];
  for await (const c of await file.createReadStream()) chunks.push(c);
  return { name: file.suggestedFilename(), text: Buffer.concat(chunks).toString() };
}
const drawnProfiles = page => page.waitForSelector('#cures[data-state=drawn]', { timeout: 60000 });
const measuredLines = page => page.$$eval('#cures-profile path.measured', ps => ps.map(p => p.dataset.column));

test('the five depth profiles at initialisation on one chart: five lines, a computed caption, exports and the tensor in the URL', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?cures=output`, { width: 1280, height: 800 });
  await drawnProfiles(page);
  assert.deepEqual(await measuredLines(page), ['plain', 'batch', 'layer', 'residual', 'selu']);
  // The plain network's outputs fade by 1/sqrt(2) a layer (cures-plain's description): about 2^24.5, 2e7x, from
  // layer 1 to 50; each cure keeps the last layer's std of order 1.
  const caption = await page.textContent('#cures-profile .cures-caption');
  const m = /^Without a cure the outputs h of layer 50 have std ([0-9.e+\-−]+), ([0-9.e+]+)× smaller than at layer 1\. With a cure, at layer 50: batch norm ([0-9.]+) \(spread ([0-9.]+)×\); layer norm ([0-9.]+) .*SELU \(LeCun init\) ([0-9.]+) /.exec(caption);
  assert.ok(m, caption);
  const num = t => Number(t.replace('−', '-'));
  assert.ok(num(m[1]) < 1e-5 && num(m[2]) > 1e6, caption);
  for (const std of [m[3], m[5], m[6]]) assert.ok(Number(std) > 0.3 && Number(std) < 3, caption);
  // The numbers behind it: the chart's own data attribute for the plain line ends at the caption's std.
  const plain = (await page.getAttribute('#cures-profile svg', 'data-plain-std')).split(',').map(Number);
  assert.equal(plain.length, 51);
  assert.ok(Math.abs(plain[50] / num(m[1]) - 1) < 0.01, `${plain[50]} against the caption's ${m[1]}`);
  // dashed theory lines where the core has one (the plain network's at least)
  assert.ok(await page.$$eval('#cures-profile path.theory', ps => ps.length) >= 1);
  await page.locator('#cures').scrollIntoViewIfNeeded();
  await page.hover('#cures-profile svg', { position: { x: 300, y: 120 } });
  const readout = await page.textContent('.tooltip');
  for (const label of ['no cure measured', 'batch norm measured', 'layer norm measured', 'residual (α 1/sqrt(50)) measured', 'SELU (LeCun init) measured'])
    assert.ok(readout.includes(label), `readout names ${label}: ${readout}`);
  await page.locator('#cures').screenshot({ path: join(ARTIFACTS, 'cures-profiles-1280.png') });

  const csv = await download(page, '#cures-profile button:has-text("CSV")');
  const lines = csv.text.trim().split('\n');
  assert.match(lines[0], /^layer,plain_std,batch_std,layer_std,residual_std,selu_std,plain_theory/);
  assert.equal(lines.length, 52);
  const svg = await download(page, '#cures-profile button:has-text("SVG")');
  assert.match(svg.text, /Four cures at depth 50/);
  assert.equal((svg.text.match(/class="measured"/g) || []).length, 5);
  const png = await Promise.all([page.waitForEvent('download'), page.click('#cures-profile button:has-text("PNG")')]);
  assert.match(png[0].suggestedFilename(), /layerscope-cures-depth50\.png/);

  await page.selectOption('#cures-tensor', 'grad_output');
  assert.match(page.url(), /cures=grad_output/);
  assert.deepEqual((await measuredLines(page)).length, 5);
  assert.match(await page.textContent('#cures-profile .cures-caption'), /^Without a cure the gradients dL\/dh of layer 1 have std [^,]+, [0-9.e+]+× smaller than at layer 50\. With a cure, at layer 1: batch norm /);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the embed target shows the figures alone in a 700 x 560 frame, and the section fits a 360-pixel phone', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?embed=cures&cures=grad_output`, { width: 700, height: 560 });
  await drawnProfiles(page);
  assert.equal(await page.inputValue('#cures-tensor'), 'grad_output');
  assert.equal(await page.isVisible('#columns'), false);
  assert.equal(await page.isVisible('#cures-train'), false, 'no controls in the embed');
  assert.equal((await measuredLines(page)).length, 5);
  await page.screenshot({ path: join(ARTIFACTS, 'cures-embed-700.png') });
  await context.close();

  const phone = await openPage(site.browser, `${site.url}?cures=output`, { width: 360, height: 800 });
  await drawnProfiles(phone.page);
  await phone.page.locator('#cures').scrollIntoViewIfNeeded();
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  await phone.page.locator('#cures').screenshot({ path: join(ARTIFACTS, 'cures-profiles-360.png') });
  assert.deepEqual([...problems, ...phone.problems], []);
  await phone.context.close();
});

test('a bad cures= gets the table\'s notice naming the key and its choices, the section draws the outputs, and the tensor round-trips', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?cures=bogus&a.depth=12`, { width: 1280, height: 800 });
  await drawnProfiles(page);
  assert.equal(await page.textContent('#cures-status'),
    "Tensor (cures in the link): must be one of: output, grad_output, pre_activation, grad_weight (got 'bogus'); using output.");
  assert.equal(await page.inputValue('#cures-tensor'), 'output');
  assert.equal((await measuredLines(page)).length, 5);
  assert.equal(await page.isVisible('#notices'), false, 'the page\'s own reader leaves the key to the section');
  await page.locator('#cures').screenshot({ path: join(ARTIFACTS, 'cures-bad-value-1280.png') });
  // the page keeps working: the init-time view computed A at depth 12
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60000 });
  await page.selectOption('#cures-tensor', 'pre_activation');
  const url = new URL(page.url());
  assert.deepEqual([url.searchParams.get('cures'), url.searchParams.get('a.depth')], ['pre_activation', '12']);
  await page.goto(url.href);
  await drawnProfiles(page);
  assert.equal(await page.inputValue('#cures-tensor'), 'pre_activation');
  assert.equal(await page.textContent('#cures-status'), '');
  assert.equal(new URL(page.url()).search, url.search);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the saved trained run shows at once, and a short run of the five trains one after the other with a computed caption', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?cures=output`, { width: 1280, height: 800 });
  await drawnProfiles(page);
  await page.waitForFunction(() => /^The saved run/.test(document.querySelector('.cures-trained-status').textContent), null, { timeout: 20000 });
  assert.match(await page.textContent('.cures-trained-caption'), /^After 2,000 steps, test accuracy: no cure [0-9.]+%, batch norm/);
  await page.fill('#cures-steps', '20');
  await page.click('#cures-train');
  await page.waitForFunction(() => /^Trained here/.test(document.querySelector('.cures-trained-status').textContent), null, { timeout: 240000 });
  const caption = await page.textContent('.cures-trained-caption');
  assert.match(caption, /^After 20 steps, test accuracy: no cure [0-9.]+%, batch norm [0-9.]+%, layer norm [0-9.]+%, residual \(α 1\/sqrt\(50\)\) [0-9.]+%, SELU \(LeCun init\) [0-9.]+%\. /);
  await page.locator('.cures-trained-charts').scrollIntoViewIfNeeded();
  const legend = await page.$eval('.cures-trained-charts figure:nth-child(2) canvas', c => c.dataset.legend);
  assert.equal(legend, 'no cure|batch norm|layer norm|residual (α 1/sqrt(50))|SELU (LeCun init)');
  // A report every 5 steps (cures-common.js curesLogEvery): 0, 5, 10, 15 and 20, for each of the five.
  assert.equal(await page.$eval('.cures-trained-charts figure:nth-child(2) canvas', c => Number(c.dataset.points)), 5 * 5);
  const csv = await download(page, '#cures-trained button:has-text("CSV")');
  assert.match(csv.text, /^# training loss\nstep,plain,batch,layer,residual,selu\n0,/);
  await page.locator('#cures-trained').screenshot({ path: join(ARTIFACTS, 'cures-trained-1280.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the training view shows the core\'s config warning (SELU off its fixed point) for the column it concerns', async () => {
  const pair = 'a.activation=selu&a.init=xavier_normal&a.width=50';
  const { page, context, problems } = await openPage(site.browser, `${site.url}?${pair}&view=training&t.preset=built&t.steps=5&t.log_every=5`,
    { width: 1280, height: 800 });
  await page.waitForSelector('#training:not([hidden])');
  assert.equal(await page.isVisible('#t-warnings'), false, 'nothing before the run starts');
  await page.click('#t-step');
  await page.waitForSelector('#t-warnings:not([hidden])', { timeout: 60000 });
  const text = await page.textContent('#t-warnings');
  assert.match(text, /^Warning: Column A: Weight init: selu keeps mean 0 and variance 1 only with weights of variance 1\/fan_in.*fan_in x variance is [0-9.]+ in layer 1/);
  assert.doesNotMatch(text, /Column B/);
  await page.locator('#t-warnings').screenshot({ path: join(ARTIFACTS, 'cures-training-warning.png') });
  // A pair without SELU: the box goes with the next run.
  await page.goto(`${site.url}?view=training&t.steps=5&t.log_every=5`);
  await page.waitForSelector('#training:not([hidden])');
  await page.click('#t-step');
  await page.waitForFunction(() => Number(document.getElementById('training').dataset.stepsA) >= 1, null, { timeout: 60000 });
  assert.equal(await page.isVisible('#t-warnings'), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('"Batch norm\'s costs" trained in the training view: its caption states the train/eval gap from the run\'s numbers', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?view=training&t.preset=bn-costs&t.steps=300&t.log_every=100`,
    { width: 1280, height: 800 });
  await page.waitForSelector('#training:not([hidden])');
  await page.click('#t-play');
  await page.waitForFunction(() => document.getElementById('training').dataset.state === 'finished', null, { timeout: 120000 });
  // the caption follows the last report at the next redraw
  await page.waitForFunction(() => document.getElementById('t-pair-caption').textContent.startsWith('After 300 steps'), null, { timeout: 10000 });
  const caption = await page.textContent('#t-pair-caption');
  const m = /^After 300 steps, A \(batch norm\) classifies ([0-9.]+)% of the test digits and B \(layer norm\) ([0-9.]+)%\. On their own training batches \(train mode\) A scores ([0-9.]+)% and B ([0-9.]+)%: test minus train is ([+-][0-9.]+) points for A and ([+-][0-9.]+) for B\.$/.exec(caption);
  assert.ok(m, caption);
  // The gap is the difference of the caption's own numbers (each rounded to 0.1, so within 0.1 point).
  assert.ok(Math.abs(Number(m[1]) - Number(m[3]) - Number(m[5])) <= 0.1 + 1e-9, caption);
  assert.ok(Math.abs(Number(m[2]) - Number(m[4]) - Number(m[6])) <= 0.1 + 1e-9, caption);
  // ... and of the run's last reports, as the page keeps them.
  const last = await page.evaluate(() => ['a', 'b'].map(c => window.__layerscopeTraining.stores[c].reports.at(-1)));
  assert.equal(Number(m[3]), Number((100 * last[0].trainAccuracy).toFixed(1)));
  assert.equal(Number(m[2]), Number((100 * last[1].testAccuracy).toFixed(1)));
  assert.deepEqual(problems, []);
  await context.close();
});
