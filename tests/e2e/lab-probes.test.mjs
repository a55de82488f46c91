// End-to-end: the evidence lab's probe figures (issue 21) in the training view. Each experiment's pair runs
// a short version (a few steps, the probes on), draws a non-empty figure and a caption with numbers; the
// lab's code (dist/lab-probes.js) is fetched only once a run has probes; the exports, the noisy-batch-norm
// overlay of the run before, step 0 against steps 1 and 10, and the embed. Served with the page's CSP, in
// headless Chromium, real training; no console error anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, useSiteAndBrowser, openPage, byId } from './helpers.mjs';

const site = useSiteAndBrowser();

const finished = page => page.waitForFunction(() => ['finished', 'error'].includes(document.getElementById('training').dataset.state) &&
  document.getElementById('t-lab').dataset.loaded === 'true', null, { timeout: 180000 });
// A chart's canvas attributes once it has drawn (the lab draws when it is on screen).
async function drawn(page, selector) {
  await page.locator(selector).first().scrollIntoViewIfNeeded();
  await page.waitForFunction(s => Number(document.querySelector(s)?.dataset.points) > 0, selector, { timeout: 10000 });
  return page.$eval(selector, c => ({ points: Number(c.dataset.points), legend: c.dataset.legend, ticks: c.dataset.yTicks }));
}
const caption = (page, id) => page.textContent(`#${id} .lab-caption`);
// Sentences: ends of sentences (not the stop of "et al." or one inside a number like 2.9).
const sentences = text => (text.replace(/et al\./g, 'et al').match(/[.!?](\s|$)/g) || []).length;
const NUMBER = /\d(\.\d+)?(e-?\d+)?/;

// The first test's run as "Download the whole run" wrote it, with its figure as drawn live (read by the second).
let savedIcs = null;

async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

test('the lab is fetched only for a run with probes; covariate shift, measured: figure, caption, exports, early steps', async () => {
  const { page, context, problems, requests } = await openPage(site.browser,
    `${site.url}?view=training&t.preset=lab-ics&t.steps=40&t.log_every=20`, { width: 1280, height: 800 });
  await page.waitForSelector('#training:not([hidden])');
  await page.click('#t-play');
  await finished(page);
  assert.equal(await page.evaluate(() => document.getElementById('training').dataset.state), 'finished', await page.textContent('#t-status'));
  assert.equal(requests.filter(u => u.endsWith('/lab-probes.js')).length, 1, 'the lab bundle, once');
  // Steps 2 and 11 (after 1 and 10 updates) are reported beside the grid (0, 20, 40), and the sentence under the scrubber reads them.
  assert.deepEqual(await page.evaluate(() => window.__layerscopeTraining.stores.b.reports.map(r => r.step)), [0, 2, 11, 20, 40]);
  assert.match(await page.textContent('#t-first-steps'), /^A's gradient dL\/dh spans [\d.e+-]+× across its layers at initialisation .*after 1 update \(step 2\), .*after 10 updates \(step 11\): the range (shrinks|grows|stays about the same) with the first update\./);

  const relative = await drawn(page, '#lab-ics figure:nth-of-type(1) canvas');
  assert.equal(relative.points, 10, 'A and B at each of the 5 reports');
  assert.equal(relative.legend, 'A: without batch norm|B: with batch norm');
  assert.ok((await drawn(page, '#lab-ics figure:nth-of-type(2) canvas')).points >= 8);
  const text = await caption(page, 'lab-ics');
  assert.match(text, /^At step 40, the relative covariate shift \|\|G − G′\|\| \/ \|\|G\|\| \(median over layers 2–3 and the output layer\) is /);
  assert.match(text, NUMBER);
  assert.equal(sentences(text), 2, text);
  assert.match(await page.textContent('#lab-ics .lab-paper'), /How Does Batch Normalization Help Optimization\?.*2018/);

  // Exports through the page's framer: the whole figure as SVG (title, caption) and the numbers as CSV.
  const svg = await download(page, '#lab-ics .lab-head .export button:has-text("SVG")');
  assert.equal(svg.name, 'layerscope-training-ics.svg');
  assert.match(svg.text, /Internal covariate shift, measured/);
  const csv = await download(page, '#lab-ics .lab-head .export button:has-text("CSV")');
  assert.match(csv.text.split('\n')[0], /^step,a_shift_relative,a_shift_relative_band_lo,a_shift_relative_band_hi,b_shift_relative/);
  assert.equal(csv.text.trim().split('\n').length, 1 + 5, 'one row per probed step (0, 2, 11, 20, 40)');
  const png = await download(page, '#lab-ics figure:nth-of-type(1) .export button:has-text("PNG")');
  assert.equal(png.name, 'layerscope-training-ics-relative.png');
  savedIcs = { text: (await download(page, '#t-export-run')).text, caption: text, points: relative.points };

  // Noisy batch norm, by its one-click button: the run it ends stays as the overlay, so the standard network
  // (the last run's A) is drawn dashed beside batch norm and noisy batch norm: three runs. The button trains
  // the preset's 50,000 steps; the test pauses once step 11 is in.
  await page.click('#t-lab-noisy');
  await page.waitForFunction(() => ['a', 'b'].every(c => window.__layerscopeTraining.stores[c].reports.some(r => r.step === 11)), null, { timeout: 60000 });
  await page.click('#t-play');  // Pause
  await page.waitForFunction(() => document.getElementById('training').dataset.state === 'paused', null, { timeout: 10000 });
  assert.equal(new URL(page.url()).searchParams.get('t.preset'), 'lab-noisy');
  await page.locator('#lab-ics').scrollIntoViewIfNeeded();
  await page.waitForTimeout(400);
  const noisy = await drawn(page, '#lab-ics figure:nth-of-type(1) canvas');
  assert.equal(noisy.legend, 'A: with batch norm|B: with noisy batch norm|earlier run: without batch norm');
  const noisyText = await caption(page, 'lab-ics');
  assert.match(noisyText, /in A \(with batch norm\) and [\d.e+-]+ in B \(with noisy batch norm\)/);
  assert.doesNotMatch(noisyText, /The third network/, 'the standard network is drawn: nothing to ask for');
  await page.screenshot({ path: join(ARTIFACTS, 'lab-noisy-1280.png'), fullPage: false });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a saved run with probes, opened, draws the lab's figures as the live run did", async () => {
  assert.ok(savedIcs, 'the first test downloaded its run');
  const { page, context, problems } = await openPage(site.browser, `${site.url}?view=training`, { width: 1280, height: 800 });
  await page.waitForSelector('#training:not([hidden])');
  await page.setInputFiles('#t-run-input', { name: 'ics.json', mimeType: 'application/json', buffer: Buffer.from(savedIcs.text) });
  await page.waitForFunction(() => /^Showing the saved run “ics\.json”/.test(document.getElementById('t-run-file').textContent), null, { timeout: 10000 });
  await page.waitForFunction(() => document.getElementById('t-lab').dataset.loaded === 'true', null, { timeout: 30000 });
  const relative = await drawn(page, '#lab-ics figure:nth-of-type(1) canvas');
  assert.equal(relative.points, savedIcs.points);
  assert.equal(relative.legend, 'A: without batch norm|B: with batch norm');
  assert.equal(await caption(page, 'lab-ics'), savedIcs.caption);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a plain training view does not fetch the lab; smoothness and rank each draw their figure and caption', async () => {
  const { page, context, problems, requests } = await openPage(site.browser, `${site.url}?view=training&t.steps=20&t.log_every=10`, { width: 1280, height: 800 });
  await page.waitForSelector('#training:not([hidden])');
  await page.click('#t-step');
  await page.waitForFunction(() => window.__layerscopeTraining.stores.b.reports.length >= 1, null, { timeout: 60000 });
  assert.equal(requests.some(u => u.endsWith('/lab-probes.js')), false, 'no lab code for a run without probes');
  assert.equal(await page.isHidden('#t-lab'), true);

  await page.selectOption(byId('t.preset'), 'lab-smoothness');
  await page.click('#t-play');
  await finished(page);
  for (const n of [1, 2, 3, 4]) assert.ok((await drawn(page, `#lab-smooth figure:nth-of-type(${n}) canvas`)).points >= 4, `smoothness chart ${n}`);
  const smooth = await caption(page, 'lab-smooth');
  assert.match(smooth, /^At step 20, a step along the gradient of 0\.25× to 4× the learning rate changes the gradient by up to [\d.e+-]+ of its norm in A/);
  assert.match(smooth, /relative gradient predictiveness, the measure this caption uses/);
  assert.equal(sentences(smooth), 2, smooth);

  await page.selectOption(byId('t.preset'), 'lab-rank');
  await page.waitForFunction(() => window.__layerscopeTraining.stores.b.reports.length <= 1, null, { timeout: 10000 });
  await page.click('#t-play');
  await finished(page);
  await page.waitForFunction(() => window.__layerscopeTraining.stores.b.latest?.step === 20 && window.__layerscopeTraining.stores.b.depth === 20, null, { timeout: 120000 });
  await page.waitForTimeout(400);
  const rankA = await drawn(page, '#lab-rank figure:nth-of-type(1) canvas');
  assert.equal(rankA.legend, 'layer 1|layer 5|layer 10|layer 15|layer 20');
  const rank = await caption(page, 'lab-rank');
  assert.match(rank, /^At step 20, the effective rank of layer 20's output on the probe batch is [\d.e+-]+ in A \(without batch norm\) and [\d.e+-]+ in B \(with batch norm\), of at most 60\./);
  assert.equal(sentences(rank), 2, rank);
  await page.locator('#lab-rank').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'lab-rank-1280.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the embed of one lab figure: that figure alone in a 500 x 500 frame, started by its button, with the link back', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?view=training&embed=smoothness&t.steps=20&t.log_every=10`, { width: 500, height: 500 });
  await page.waitForFunction(() => document.getElementById('t-lab').dataset.loaded === 'true', null, { timeout: 30000 });
  assert.equal(await page.isVisible('#lab-smooth'), true);
  for (const hidden of ['#lab-ics', '#lab-rank', '#t-fig1-panel', '.t-bar']) assert.equal(await page.isVisible(hidden), false, hidden);
  assert.equal(await page.$eval(byId('t.preset'), s => s.value), 'lab-smoothness');
  assert.match(await page.getAttribute('#lab-smooth .lab-full', 'href'), /t\.preset=lab-smoothness/);
  await page.click('#lab-smooth button:has-text("Train both networks")');
  await finished(page);
  assert.ok((await drawn(page, '#lab-smooth figure:nth-of-type(2) canvas')).points >= 4);
  assert.match(await caption(page, 'lab-smooth'), /^At step 20, /);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= 500), true, 'no sideways scroll');
  await page.screenshot({ path: join(ARTIFACTS, 'lab-embed-smoothness-500.png') });
  // The URL keeps the embed and the experiment, so the link is the state.
  const params = new URL(page.url()).searchParams;
  assert.deepEqual([params.get('embed'), params.get('view')], ['smoothness', 'training']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('before a run the captions name the button shown: Play, or the embed\'s own; Noisy batch norm first says what its third line needs', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?view=training&t.preset=lab-noisy`, { width: 1280, height: 800 });
  await page.waitForFunction(() => document.getElementById('t-lab').dataset.loaded === 'true', null, { timeout: 30000 });
  assert.equal(await caption(page, 'lab-ics'), 'The covariate shift is measured at every report of a run with the probes on: press “Play”. ' +
    'The third network, the standard one without batch norm, is the run before this one drawn dashed: train the pair “Internal covariate shift, measured” first (in the full view), then this one.');
  await page.locator('#lab-ics').scrollIntoViewIfNeeded();
  await page.locator('#lab-ics').screenshot({ path: join(ARTIFACTS, 'lab-noisy-first-1280.png') });
  await context.close();
  const embed = await openPage(site.browser, `${site.url}?view=training&embed=ics`, { width: 360, height: 640 });
  await embed.page.waitForFunction(() => document.getElementById('t-lab').dataset.loaded === 'true', null, { timeout: 30000 });
  assert.equal(await embed.page.isVisible('#lab-ics button:has-text("Train both networks")'), true);
  assert.match(await caption(embed.page, 'lab-ics'), /press “Train both networks”\.$/);
  assert.equal(await embed.page.evaluate(() => document.documentElement.scrollWidth <= 360), true, 'no sideways scroll');
  await embed.page.screenshot({ path: join(ARTIFACTS, 'lab-embed-ics-360.png') });
  assert.deepEqual([...problems, ...embed.problems], []);
  await embed.context.close();
});

test('a built pair trained with the probes shows the effective rank at the chosen step in the init view\'s depth profile and table', async () => {
  // batch 60, as the presets: at the built pair's 1,000 the input layer's rank alone is a 784 x 784 eigenproblem a report
  const { page, context, problems } = await openPage(site.browser, `${site.url}?a.depth=6&a.width=50&a.batch=60&b.depth=6&b.width=50&b.batch=60&t.probes=true&t.steps=20&t.log_every=10`, { width: 1280, height: 800 });
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30000 });
  assert.equal(await page.isHidden('#profile-rank'), true, 'no rank before a run with probes');
  await page.click('#train-pair');
  await page.waitForFunction(() => document.getElementById('training').dataset.state === 'finished', null, { timeout: 180000 });
  await page.click('#view-switch [data-view=init]');
  await page.waitForFunction(() => /^At step 20 of training/.test(document.getElementById('story-text').textContent), null, { timeout: 30000 });
  await page.waitForFunction(() => !document.getElementById('profile-rank').hidden, null, { timeout: 10000 });
  await page.$eval('#tables', el => { el.closest('details').open = true; });
  // one row per layer of h (layer 0: the input x), each with the rank the step's report measured
  const ranks = await page.$$eval('#table-b tbody tr', rows => rows.map(r => [Number(r.dataset.layer), Number(r.querySelector('td[data-key="eff. rank"]').dataset.value)]));
  const want = await page.evaluate(() => Array.from(window.__layerscopeTraining.stores.b.latest.probes.effectiveRank));
  assert.equal(ranks.length, 7, 'the input and the 6 layers');
  for (const [layer, v] of ranks) assert.ok(Math.abs(v - want[layer]) <= 1e-9 * want[layer] && v >= 1, `layer ${layer}: table ${v}, report ${want[layer]}`);
  assert.deepEqual(problems, []);
  await context.close();
});
