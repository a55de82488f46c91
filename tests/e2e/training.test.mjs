// End-to-end: the training view of the built page (dist/), served with its CSP, in headless Chromium.
// Real MNIST, real training in the two column workers. Runs are kept short (a few thousand steps) so the
// file takes well under two minutes on a 2-core machine. LAYERSCOPE_SITE=dir tests another built copy of the
// site instead of dist/ (helpers.mjs useSiteAndBrowser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, useSiteAndBrowser, openPage, byId } from './helpers.mjs';
import { readRunFile } from '../../web/src/run-file.js';

const site = useSiteAndBrowser();

const state = page => page.$eval('#training', el => el.dataset.state);
const stepsDone = page => page.$eval('#training', el => [Number(el.dataset.stepsA), Number(el.dataset.stepsB)]);
// The reports the page keeps, read through the controller's stores (read only).
const reports = page => page.evaluate(() => {
  const t = window.__layerscopeTraining;
  const plain = r => ({ step: r.step, trainLoss: r.trainLoss, testAccuracy: r.testAccuracy });
  return { a: t.stores.a.reports.map(plain), b: t.stores.b.reports.map(plain) };
});
async function waitState(page, wanted, timeout) {
  await page.waitForFunction(w => w.includes(document.getElementById('training').dataset.state), wanted, { timeout });
}
// Resolves after the view has drawn again (draws are throttled to 10 a second).
async function nextDraw(page, action) {
  const before = await page.$eval('#training', el => Number(el.dataset.draws || 0));
  await action();
  await page.waitForFunction(n => Number(document.getElementById('training').dataset.draws || 0) > n, before, { timeout: 5000 });
}

// Sentences in a caption: ends of sentences (a full stop, not one inside a number like 2.9 or 1.26e-4).
const sentences = text => (text.match(/[.!?](\s|$)/g) || []).length;

async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

// The whole Figure 1 as one image, PNG and SVG: title, legend, both columns' settings (init, normalization
// placement, bias) and the accuracies, over the three panels.
async function checkFigure1Exports(page, a, b) {
  const svg = await download(page, '.t-fig1-head .export button:has-text("SVG")');
  assert.equal(svg.name, 'layerscope-training-figure1.svg');
  const text = svg.bytes.toString('utf8');
  assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  for (const part of ['Layerscope · Figure 1 of the batch-norm paper, retrained on MNIST', 'A: without batch norm', 'B: with batch norm',
    'A: 3 × 100 sigmoid, batch 60, N(0, 0.01²), no normalization, cross-entropy, 10 classes, bias',
    'B: 3 × 100 sigmoid, batch 60, N(0, 0.01²), batch norm before f, cross-entropy, 10 classes, no bias',
    'learning rate 0.01, 2000 steps', '(a) Test accuracy', '(b) Without batch norm', '(c) With batch norm'])
    assert.ok(text.includes(part), `the Figure 1 SVG has "${part}"`);
  const pct = r => `${Number((r.testAccuracy * 100).toPrecision(3))}%`;
  assert.ok(text.includes(`Test accuracy at step 2,000: A (without batch norm) ${pct(a.at(-1))}, B (with batch norm) ${pct(b.at(-1))}`));
  assert.ok((text.match(/<path /g) || []).length > 20, 'the panels are drawn as vector paths');
  const png = await download(page, '.t-fig1-head .export button:has-text("PNG")');
  assert.equal(png.bytes.subarray(1, 4).toString(), 'PNG');
  assert.equal(png.bytes.readUInt32BE(16), 2 * (720 + 28), 'one image of the whole figure at 2x');
}

// Every training chart offers an SVG; one of each kind of view downloads as a vector file.
async function checkEveryChartHasSvg(page) {
  const missing = await page.$$eval('#training figure.t-fig', figs => figs.filter(f => !f.querySelector('.export button[aria-label^="Download vector image"]')).map(f => f.id));
  assert.deepEqual(missing, [], 'figures without an SVG export');
  for (const id of ['t-hist-a', 't-dist-b', 't-ratio-a', 't-profile']) {
    const svg = await download(page, `#${id} .export button:has-text("SVG")`);
    const text = svg.bytes.toString('utf8');
    assert.match(text, /^<svg /, id);
    assert.match(text, /<path d="M/, `${id} has vector marks`);
  }
}

test('a short Figure 1 run: loss falls, batch norm passes 90% within 2,000 steps and ends above the baseline; the scrubber changes the histograms', async () => {
  const { page, context, problems, requests } = await openPage(site.browser,
    site.url + '?view=training&t.steps=2000&t.log_every=250', { width: 1280, height: 800 });
  await page.waitForSelector('#training:not([hidden])');
  assert.equal(await page.isHidden('#notices'), true, 'the init-time page raises no notice about the training keys');
  assert.equal(await page.isHidden('#t-notices'), true);
  assert.equal(requests.filter(u => u.includes('mnist-binary.bin')).length, 0, 'no data fetched before the first training');
  // Before any training the caption already says, in two sentences, what Figure 1 will show and how to start.
  const idleCaption = await page.textContent('#t-fig1-caption');
  assert.equal(sentences(idleCaption), 2, idleCaption);
  assert.match(idleCaption, /^\(a\) will show both networks' test accuracy over 2,000 training steps, \(b\) and \(c\) the 15th, 50th and 85th percentiles of the input to the sigmoid of unit 0 in layer 3/);
  assert.match(idleCaption, /press “Play” to train both/);
  await page.click('#t-fig1');
  await waitState(page, ['finished', 'error'], 90000);
  assert.equal(await state(page), 'finished', await page.textContent('#t-status'));
  assert.equal(requests.filter(u => u.includes('mnist-binary.bin')).length, 1, 'the data is fetched once for both workers');
  // One download and compile of the .wasm for the whole page: the training workers get the init-time
  // page's compiled module (client.js compiledModule), as its own workers and the main thread's checks do.
  assert.equal(requests.filter(u => /\/wasm\/layerscope_wasm(_relaxed)?\.wasm$/.test(u)).length, 1, requests.join('\n'));
  const { a, b } = await reports(page);
  const steps = [0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000];
  assert.deepEqual(a.map(r => r.step), steps);
  assert.deepEqual(b.map(r => r.step), steps);
  // Step 0 is the network as initialised: ten classes, loss near ln 10 = 2.303, accuracy near chance.
  for (const r of [a[0], b[0]]) {
    assert.ok(Math.abs(r.trainLoss - Math.log(10)) < 0.1, `step 0 loss ${r.trainLoss}`);
    assert.ok(r.testAccuracy < 0.25, `step 0 accuracy ${r.testAccuracy}`);
  }
  // Measured in this test (seed 1, reports every 250 steps on all 10,000 test images): B's train loss
  // 2.30 at step 0 and about 0.25 by step 2,000, its test accuracy above 93% at 2,000 (the README's 95.5%
  // at 5,000 continues the trend); A stays near 11% (the most common digit's share) for 10,000 steps.
  assert.ok(b.at(-1).trainLoss < 0.25 * b[0].trainLoss, `B's loss ${b[0].trainLoss} -> ${b.at(-1).trainLoss}`);
  assert.ok(b.at(-1).testAccuracy > 0.9, `B's test accuracy at step 2000: ${b.at(-1).testAccuracy}`);
  assert.ok(b.at(-1).testAccuracy > a.at(-1).testAccuracy + 0.3, `B ${b.at(-1).testAccuracy} vs A ${a.at(-1).testAccuracy}`);
  // The Figure 1 panel is drawn (by the next throttled redraw) and its caption gives the numbers.
  await page.waitForFunction(() => Number(document.querySelector('#t-fig1-a canvas').dataset.points) === 18, null, { timeout: 5000 });
  // Views below the fold draw when they scroll in.
  for (const id of ['t-fig1-a', 't-fig1-b', 't-fig1-c', 't-loss', 't-acc', 't-bands']) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await page.waitForFunction(i => Number(document.querySelector(`#${i} canvas`).dataset.points) >= 18, id, { timeout: 5000 })
      .catch(() => {});
    assert.ok(Number(await page.$eval(`#${id} canvas`, c => c.dataset.points)) >= 18, `${id} has its curves`);
  }
  // Two sentences from the run's numbers: the accuracies (and when B passed 90%), then the unit's input.
  const caption = await page.textContent('#t-fig1-caption');
  assert.equal(sentences(caption), 2, caption);
  const pctOf = r => `${Number((r.testAccuracy * 100).toPrecision(3))}%`;
  assert.ok(caption.startsWith(`After 2,000 steps, test accuracy is ${pctOf(b.at(-1))} with batch norm (over 90% from step `), caption);
  assert.ok(caption.includes(`and ${pctOf(a.at(-1))} without, after `), caption);
  assert.match(caption, /after \d+\.\d s of training in this browser\. The median input to the sigmoid of unit 0 in layer 3 moved from /);
  // Fig. 1 (c) starts as narrow as (b): step 0 is evaluated with the initial running statistics.
  assert.match(caption, /\(c\) starts as narrow as \(b\) because step 0 is evaluated with the initial running statistics\.$/);
  // The scrubber: back to step 0 changes what both histogram canvases show.
  const signatures = () => page.$$eval('#t-hist-a canvas, #t-hist-b canvas', cs => cs.map(c => c.dataset.signature));
  const pixels = () => page.$$eval('#t-hist-a canvas, #t-hist-b canvas', cs => cs.map(c => c.toDataURL()));
  await page.locator('#t-hist-a').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => [...document.querySelectorAll('#t-hist-a canvas, #t-hist-b canvas')]
    .every(c => (c.dataset.signature || '').startsWith('2000:')), null, { timeout: 5000 }).catch(() => {});
  const [sigEnd, pixEnd] = [await signatures(), await pixels()];
  assert.ok(sigEnd.every(s => s.startsWith('2000:')), sigEnd.map(s => s.slice(0, 8)).join());
  await nextDraw(page, () => page.$eval('#t-scrub', el => { el.value = '0'; el.dispatchEvent(new Event('input', { bubbles: true })); }));
  // the histograms at a step are the kept report redrawn by its worker: they follow a moment later
  await page.waitForFunction(() => [...document.querySelectorAll('#t-hist-a canvas, #t-hist-b canvas')]
    .every(c => (c.dataset.signature || '').startsWith('0:')), null, { timeout: 5000 }).catch(() => {});
  const [sigStart, pixStart] = [await signatures(), await pixels()];
  assert.ok(sigStart.every(s => s.startsWith('0:')), sigStart.map(s => s.slice(0, 8)).join());
  for (let i = 0; i < 2; i++) {
    assert.notEqual(sigStart[i], sigEnd[i], 'other counts at step 0');
    assert.notEqual(pixStart[i], pixEnd[i], 'other pixels at step 0');
  }
  assert.match(await page.textContent('#t-scrub-out'), /^step 0$/);
  // The table follows the scrubber too.
  await page.click('.t-table-box summary');
  assert.match(await page.textContent('#t-table caption'), /at step 0 /);
  // Exports: a PNG of a figure at 2x, framed (14 px each side) with its title and settings lines, and the whole run as JSON.
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#t-fig1-a .export button:has-text("PNG")')]);
  assert.equal(png.suggestedFilename(), 'layerscope-training-fig1a-test-accuracy.png');
  const pngBytes = readFileSync(await png.path());
  assert.equal(pngBytes.subarray(1, 4).toString(), 'PNG');
  const cssWidth = await page.$eval('#t-fig1-a canvas', c => c.getBoundingClientRect().width);
  assert.equal(pngBytes.readUInt32BE(16), 2 * (Math.round(cssWidth) + 28), 'the PNG is twice the framed chart\'s width');
  await checkFigure1Exports(page, a, b);
  await checkEveryChartHasSvg(page);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#t-acc .export button:has-text("CSV")')]);
  const csvLines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  assert.equal(csvLines[0], 'step,a_testAccuracy,b_testAccuracy');
  assert.equal(csvLines.length, 1 + steps.length);
  const [run] = await Promise.all([page.waitForEvent('download'), page.click('#t-export-run')]);
  const history = JSON.parse(readFileSync(await run.path(), 'utf8'));
  assert.deepEqual(history.columns.b.reports.map(r => r.step), steps);
  assert.equal(history.columns.a.config.normalization, 'none');
  assert.equal(history.columns.b.config.normalization, 'batch');
  assert.equal(history.columns.b.reports.at(-1).testAccuracy, b.at(-1).testAccuracy);
  // Format 2: every step of this short run keeps what the core redraws its histograms from (run-file.js),
  // and the file reads back as the page's reader reads it.
  assert.equal(history.version, 2);
  assert.ok(history.columns.b.reports.every(r => typeof r.kept?.distributions === 'string'), 'each report keeps its distributions');
  assert.equal(readRunFile(JSON.stringify(history)).columns.a.reports.filter(r => r.kept).length, steps.length);
  await page.locator('#t-ratio-b').scrollIntoViewIfNeeded();  // the last views draw as they come in
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ARTIFACTS, 'screenshot-training.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a data set that cannot be fetched gives a clear message and a Retry that works', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url + '?view=training&t.steps=100&t.log_every=50');
  await page.route('**/data/mnist-binary.bin', route => route.fulfill({ status: 503, body: 'unavailable' }));
  await page.click('#t-play');
  await page.waitForSelector('#t-data-retry', { state: 'visible' });
  assert.match(await page.textContent('#t-data-text'), /Training cannot start: the MNIST data \(data\/mnist-binary\.bin\) could not be fetched: HTTP 503/);
  assert.equal(await state(page), 'error');
  await page.unroute('**/data/mnist-binary.bin');
  await page.click('#t-data-retry');
  await waitState(page, ['finished'], 30000);
  assert.equal(await page.isHidden('#t-data'), true);
  // The only console error is the browser's own line about the refused request.
  assert.deepEqual(problems.filter(p => !/status of 503/.test(p)), []);
  await context.close();
});

test('pause really stops the steps; Step takes one step and shows it; Reset goes back to step 0', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url + '?view=training');
  await page.click('#t-play');
  await page.waitForFunction(() => Number(document.getElementById('training').dataset.stepsA) > 300, null, { timeout: 30000 });
  await page.click('#t-play');  // now "Pause"
  await waitState(page, ['paused'], 5000);
  await page.waitForTimeout(300);  // a chunk in flight (about 60 ms) still reports its steps
  const paused = await stepsDone(page);
  await page.waitForTimeout(1500);
  assert.deepEqual(await stepsDone(page), paused, 'no step while paused');
  assert.equal(await page.textContent('#t-play'), 'Play');
  await page.click('#t-step');
  // Step takes exactly one training step in each column and shows it: the newest report is of that step.
  await page.waitForFunction(p => {
    const el = document.getElementById('training');
    return Number(el.dataset.stepsA) > p[0] && Number(el.dataset.stepsB) > p[1];
  }, paused, { timeout: 20000 });
  await page.waitForTimeout(500);
  const stepped = await stepsDone(page);
  assert.deepEqual(stepped, [paused[0] + 1, paused[1] + 1], `one step from ${paused}`);
  await page.waitForFunction(p => {
    const stores = window.__layerscopeTraining.stores;
    return stores.a.reports.at(-1).step === p[0] && stores.b.reports.at(-1).step === p[1];
  }, stepped, { timeout: 5000 });
  await page.click('#t-reset');
  await page.waitForFunction(() => Number(document.getElementById('training').dataset.stepsA) === 0, null, { timeout: 5000 });
  await page.waitForFunction(() => window.__layerscopeTraining.stores.a.reports.length === 1, null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__layerscopeTraining.stores.a.reports[0].step), 0);
  // A setting changed while training starts the run over with it, and the training goes on.
  await page.click('#t-play');
  await page.waitForFunction(() => Number(document.getElementById('training').dataset.stepsA) > 100, null, { timeout: 20000 });
  await page.fill(byId('t.seed'), '7');
  await page.press(byId('t.seed'), 'Enter');
  await page.waitForFunction(() => window.__layerscopeTraining.configs.a?.seed === 7 && window.__layerscopeTraining.configs.b?.seed === 7,
    null, { timeout: 10000 });
  await page.waitForFunction(() => {
    const el = document.getElementById('training');
    return el.dataset.state === 'running' && Number(el.dataset.stepsA) > 100 && Number(el.dataset.stepsB) > 100;
  }, null, { timeout: 20000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('training settings round-trip through the URL; bad values are named and the page stays usable', async () => {
  const query = '?view=training&t.preset=blog&t.optimizer=adam&t.learning_rate=0.002&t.steps=1234&t.log_every=100&t.dist=heatmap&t.logx=1';
  const { page, context, problems } = await openPage(site.browser, site.url + query, { width: 360, height: 740, colorScheme: 'dark' });
  await page.waitForSelector('#training:not([hidden])');
  const values = (p = page) => p.evaluate(() => Object.fromEntries(
    ['t.preset', 't.optimizer', 't.learning_rate', 't.steps', 't.log_every', 't.dist'].map(id => [id, document.getElementById(id).value])));
  const expected = { 't.preset': 'blog', 't.optimizer': 'adam', 't.learning_rate': '0.002', 't.steps': '1234', 't.log_every': '100', 't.dist': 'heatmap' };
  assert.deepEqual(await values(), expected);
  assert.equal(await page.isChecked(byId('t.logx')), true);
  // At 360 px nothing is wider than the screen (the networks' dropdown used to stick out by 7 px).
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 360,
    `page width at 360 px: ${await page.evaluate(() => document.documentElement.scrollWidth)}`);
  assert.equal(await page.isHidden('#notices'), true);
  // A change goes into the URL; the other keys stay.
  await page.fill(byId('t.steps'), '4321');
  await page.press(byId('t.steps'), 'Enter');
  await page.waitForFunction(() => location.search.includes('t.steps=4321'), null, { timeout: 5000 });
  const search = await page.evaluate(() => location.search);
  for (const key of ['view=training', 't.preset=blog', 't.optimizer=adam', 't.learning_rate=0.002', 't.log_every=100'])
    assert.ok(search.includes(key), `${key} in ${search}`);
  // The embed snippet: one line, Figure 1 alone, a 500 x 500 frame.
  await page.click('#t-embed');
  const snippet = await page.inputValue('#t-share-field');
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?[^"]*" width="500" height="500" [^\n]*><\/iframe>$/);
  // `embed` means one thing in both views: the view shown (view=training), without its controls.
  const src = new URL(snippet.match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&'));
  assert.deepEqual([src.searchParams.get('embed'), src.searchParams.get('view')], ['1', 'training'], snippet);
  assert.equal(await page.isHidden('.masthead .share'), true, 'the init-time view\'s share buttons are not shown here');
  // A link restores the settings.
  const again = await context.newPage();
  await again.goto(site.url + search);
  await again.waitForSelector('#training:not([hidden])');
  assert.deepEqual(await values(again), { ...expected, 't.steps': '4321' });
  // The init-time view keeps our keys when it rewrites the URL.
  await again.click('#view-switch [data-view=init]');
  await again.$eval('#count', el => { el.value = 'log'; el.dispatchEvent(new Event('change', { bubbles: true })); });
  await again.waitForFunction(() => location.search.includes('count=log'), null, { timeout: 5000 });
  assert.ok((await again.evaluate(() => location.search)).includes('t.steps=4321'));
  await page.screenshot({ path: join(ARTIFACTS, 'screenshot-training-phone-dark.png'), fullPage: true });
  // Bad values: a notice names each setting and what it allows; the page still works.
  const bad = await context.newPage();
  const badProblems = [];
  bad.on('console', m => { if (m.type() === 'error') badProblems.push(m.text()); });
  await bad.goto(site.url + '?view=training&t.learning_rate=-1&t.steps=abc&t.colour=red');
  await bad.waitForSelector('#t-notices:not([hidden])');
  const notice = await bad.textContent('#t-notices');
  // Named by the words of their controls, not by the URL keys; the core's words follow.
  assert.match(notice, /Learning rate: must be a number greater than 0 and at most 10 \(got -1\); using the preset's value\./);
  assert.match(notice, /Steps: must be an integer from 1 to 1000000 \(got 'abc'\)/);
  assert.doesNotMatch(notice, /t\.(learning_rate|steps):/);
  assert.match(notice, /Unknown training setting 't\.colour'/);
  assert.equal(await bad.isHidden('#notices'), true, 'the init-time page does not flag our keys');
  await bad.fill(byId('t.log_every'), '0');
  await bad.press(byId('t.log_every'), 'Enter');
  assert.equal(await bad.textContent('#t-field-error'), 'Report every: must be an integer from 1 to 1000000 (got 0)');
  await bad.fill(byId('t.log_every'), '50');
  await bad.press(byId('t.log_every'), 'Enter');
  assert.equal(await bad.isHidden('#t-field-error'), true);
  assert.deepEqual(problems, []);
  assert.deepEqual(badProblems, []);
  await context.close();
});
