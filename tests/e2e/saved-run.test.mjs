// End-to-end (issue 20, "Open a saved run"): the example the site ships (dist/runs/fig1.json, a finished
// Figure 1 run) opens from `run=` and is drawn at once like a live run, without training (no data set
// fetched, no worker); the Figure 1 embed shows it in 500 x 500; a broken file (file picker) or a foreign one
// (dropped on the view) gives its message and the view keeps the run it showed. Under the page's CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useSiteAndBrowser, openPage, ARTIFACTS, DIST } from './helpers.mjs';

const site = useSiteAndBrowser();
const RUN = 'runs/fig1.json';
const example = JSON.parse(readFileSync(join(DIST, RUN), 'utf8'));

// The file read (shown or refused), then, when shown, the next throttled redraw of the views on screen.
async function shown(page) {
  await page.waitForFunction(() => ['shown', 'refused'].includes(document.getElementById('training').dataset.runFile), null, { timeout: 30000 });
  if (await page.$eval('#training', el => el.dataset.runFile) === 'shown') {
    // Views off screen wait to be drawn (redraws.js): at 360 px the one-click pairs put Figure 1 below the fold.
    await page.$eval('#t-fig1-a', el => el.scrollIntoView());
    await page.waitForFunction(() => Number(document.querySelector('#t-fig1-a canvas')?.dataset.points) > 0, null, { timeout: 10000 });
  }
}
// What the view holds and shows: the kept reports' steps, the status line, the caption, each chart's points.
const onScreen = page => page.evaluate(() => {
  const t = window.__layerscopeTraining;
  const points = id => Number(document.querySelector(`#${id} canvas`)?.dataset.points ?? 0);
  return {
    steps: { a: t.stores.a.reports.map(r => r.step), b: t.stores.b.reports.map(r => r.step) },
    state: document.getElementById('training').dataset.state,
    status: document.getElementById('t-status').textContent,
    runFile: document.getElementById('t-run-file').textContent,
    caption: document.getElementById('t-fig1-caption').textContent,
    points: Object.fromEntries(['t-fig1-a', 't-fig1-b', 't-fig1-c', 't-loss', 't-acc'].map(id => [id, points(id)])),
    fig1: document.querySelector('#t-fig1-a canvas').toDataURL(),
  };
});
const pct = x => `${Number((x * 100).toPrecision(3))}%`;

test('run=runs/fig1.json draws the finished Figure 1 at once, without training', async () => {
  const { page, context, problems, requests } = await openPage(site.browser, `${site.url}?view=training&run=${RUN}`, { width: 1280, height: 800 });
  await shown(page);
  const s = await onScreen(page);
  assert.equal(await page.$eval('#training', el => el.dataset.runFile), 'shown', s.runFile);
  const last = { a: example.columns.a.reports.at(-1), b: example.columns.b.reports.at(-1) };
  assert.deepEqual(s.steps.b, example.columns.b.reports.map(r => r.step));
  assert.equal(s.steps.b.at(-1), 50000);
  assert.equal(s.state, 'finished');
  assert.match(s.runFile, /^Showing the saved run run=runs\/fig1\.json: 50,000 steps, trained in \d+\.\d s where it was made\. Play trains anew\.$/);
  assert.ok(s.points['t-fig1-a'] >= 2 * example.columns.b.reports.length - 2, `Figure 1 (a): ${s.points['t-fig1-a']} points`);
  assert.ok(s.points['t-fig1-b'] > 0 && s.points['t-fig1-c'] > 0, JSON.stringify(s.points));
  // The accuracies, as the caption gives them for a live run.
  assert.ok(s.caption.startsWith(`After 50,000 steps, test accuracy is ${pct(last.b.testAccuracy)} with batch norm`), s.caption);
  assert.ok(s.caption.includes(`and ${pct(last.a.testAccuracy)} without`), s.caption);
  assert.ok(s.caption.includes(' s of training where the run was made.'), s.caption);
  // Drawn without training: the data set was not fetched.
  assert.ok(!requests.some(u => /mnist-binary\.bin/.test(u)), requests.filter(u => /data|worker/.test(u)).join(' '));
  await page.screenshot({ path: join(ARTIFACTS, 'saved-run-1280.png') });
  // Below the fold too: the loss and accuracy charts draw when they scroll in.
  await page.locator('#t-acc').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => Number(document.querySelector('#t-acc canvas').dataset.points) > 0, null, { timeout: 5000 });

  // A broken file from the file picker: its message, and the run stays as it was.
  await page.setInputFiles('#t-run-input', { name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(example).slice(0, 5000)) });
  await page.waitForFunction(() => document.getElementById('training').dataset.runFile === 'refused', null, { timeout: 10000 });
  const broken = await onScreen(page);
  assert.match(broken.runFile, /^“cut\.json” is not valid JSON \(.*\); is it cut short or edited\?$/);
  assert.equal(await page.$eval('#t-run-file', el => el.getAttribute('role')), 'alert');
  assert.deepEqual(broken.steps, s.steps, 'the reports kept');
  assert.equal(broken.fig1, (await onScreen(page)).fig1);
  assert.equal(broken.caption, s.caption);

  // A foreign file dropped on the view: its message, the view unchanged.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File([JSON.stringify({ model: 'resnet', epochs: 3 })], 'other.json', { type: 'application/json' }));
    document.getElementById('training').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => /other\.json/.test(document.getElementById('t-run-file').textContent), null, { timeout: 10000 });
  const foreign = await onScreen(page);
  assert.match(foreign.runFile, /^“other\.json” is JSON, but not a Layerscope run/);
  assert.deepEqual(foreign.steps, s.steps);
  assert.equal(foreign.caption, s.caption);

  // The same run dropped again loads (a version-less file of the same shape too).
  await page.evaluate(async path => {
    const text = await (await fetch(path)).text();
    const data = new DataTransfer();
    data.items.add(new File([text], 'fig1.json', { type: 'application/json' }));
    document.getElementById('training').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, RUN);
  await page.waitForFunction(() => /^Showing the saved run “fig1\.json”/.test(document.getElementById('t-run-file').textContent), null, { timeout: 10000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Figure 1 embed of the saved run shows it at once in 500 x 500, and at 360 px the view fits', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?view=training&embed=fig1&run=${RUN}`, { width: 500, height: 500 });
  await shown(page);
  const s = await onScreen(page);
  assert.equal(s.state, 'finished');
  assert.ok(s.points['t-fig1-a'] > 0 && s.points['t-fig1-b'] > 0 && s.points['t-fig1-c'] > 0, JSON.stringify(s.points));
  assert.equal(await page.isVisible('#t-embed-start'), false, 'nothing to train: the button is not shown');
  const scroll = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.ok(scroll[0] <= 500 && scroll[1] <= 500, `no scrollbar in 500 x 500: ${scroll}`);
  await page.screenshot({ path: join(ARTIFACTS, 'saved-run-embed.png') });
  // The full view's link keeps the run.
  assert.match(await page.$eval('#t-full-view', a => a.getAttribute('href')), /run=runs%2Ffig1\.json/);
  await context.close();

  const narrow = await openPage(site.browser, `${site.url}?view=training&run=${RUN}`, { width: 360, height: 740, colorScheme: 'dark' });
  await shown(narrow.page);
  const overflow = await narrow.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal overflow at 360 px (${overflow} px)`);
  await narrow.page.screenshot({ path: join(ARTIFACTS, 'saved-run-360-dark.png') });
  assert.deepEqual([...problems, ...narrow.problems], []);
  await narrow.context.close();
});

// The step grids of the training view at the scrubber's step: each column's drawn step, bars, and note.
const grids = page => page.evaluate(() => Object.fromEntries(['a', 'b'].map(c => {
  const fig = document.getElementById(`t-hist-${c}`), canvas = fig.querySelector('canvas');
  return [c, { step: canvas?.dataset.step ?? null, bars: Number(canvas?.dataset.drawnBars ?? 0), hidden: canvas?.hidden ?? true,
    note: fig.querySelector('.t-empty')?.textContent ?? '' }];
})));

test('a saved run draws its histograms at the chosen step, redrawn by the core from the file (version 2)', async () => {
  const { page, context, problems, requests } = await openPage(site.browser, `${site.url}?view=training&run=${RUN}`, { width: 1280, height: 800 });
  await shown(page);
  const kept = example.columns.b.reports.filter(r => r.kept).map(r => r.step);
  assert.ok(kept.length >= 2 && kept.at(-1) === 50000, `kept steps: ${kept}`);
  await page.$eval('#t-hist-a', el => el.scrollIntoView());
  // The newest kept step first, then the scrubber moved to another one the file keeps.
  await page.waitForFunction(() => Number(document.querySelector('#t-hist-b canvas')?.dataset.drawnBars) > 0, null, { timeout: 30000 });
  assert.equal(await page.$eval('#t-scrub', el => Number(el.max) + 1), kept.length, 'the scrubber offers the kept steps');
  await page.$eval('#t-scrub', el => { el.value = '2'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.$eval('#t-hist-a', el => el.scrollIntoView());
  await page.waitForFunction(step => ['a', 'b'].every(c => {
    const canvas = document.querySelector(`#t-hist-${c} canvas`);
    return canvas.dataset.step === String(step) && Number(canvas.dataset.drawnBars) > 0;
  }), kept[2], { timeout: 30000 });
  const g = await grids(page);
  assert.ok(g.a.bars > 0 && g.b.bars > 0, JSON.stringify(g));
  assert.match(await page.textContent('#t-scrub-out'), new RegExp(`^step ${kept[2].toLocaleString('en')}$`));
  assert.ok(!requests.some(u => /mnist-binary\.bin/.test(u)), 'drawn without the data set');
  await page.screenshot({ path: join(ARTIFACTS, 'saved-run-step-1280.png'), fullPage: true });

  // A version 1 file (no kept distributions): where the histograms would be, a note says so.
  await page.evaluate(text => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'old.json', { type: 'application/json' }));
    document.getElementById('training').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, JSON.stringify({ ...example, version: 1, keptFineBins: undefined,
    columns: Object.fromEntries(['a', 'b'].map(c => [c, { ...example.columns[c], reports: example.columns[c].reports.map(({ kept: _, ...r }) => r) }])) }));
  await page.waitForFunction(() => /holds no histograms/.test(document.querySelector('#t-hist-a .t-empty')?.textContent ?? ''), null, { timeout: 15000 });
  const old = await grids(page);
  assert.match(old.a.note, /^This saved run holds no histograms: its file \(version 1\) keeps only the curves' and the table's numbers\.$/);
  assert.ok(old.a.hidden && old.b.hidden, 'no empty histogram canvas beside the note');
  assert.deepEqual(problems, []);
  await context.close();
});

test('run= of another origin, or a missing file, is refused with its message and nothing drawn from it', async () => {
  const { page, context } = await openPage(site.browser, `${site.url}?view=training&run=https://example.com/fig1.json`, { width: 1280, height: 800 });
  await shown(page);
  assert.match(await page.textContent('#t-run-file'), /^run=https:\/\/example\.com\/fig1\.json: must be a file of this site \(http:\/\/127\.0\.0\.1:\d+\), not of https:\/\/example\.com\.$/);
  assert.equal(await page.$eval('#training', el => el.dataset.state), 'idle');
  await page.goto(`${site.url}?view=training&run=runs/none.json`);
  await shown(page);
  assert.match(await page.textContent('#t-run-file'), /^run=runs\/none\.json: could not be fetched \(HTTP 404\)\.$/);
  await context.close();
});

test('Play on a saved run trains anew from step 0 with the settings shown, and the URL forgets the file', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?view=training&t.steps=200&t.log_every=100&run=${RUN}`, { width: 1280, height: 800 });
  await shown(page);
  assert.equal((await onScreen(page)).steps.b.at(-1), 50000);
  await page.click('#t-play');
  await page.waitForFunction(() => document.getElementById('training').dataset.state === 'finished' &&
    window.__layerscopeTraining.stores.b.latest?.step === 200, null, { timeout: 180000 });
  const s = await onScreen(page);
  assert.deepEqual(s.steps.b, [0, 100, 200]);
  assert.equal(new URL(page.url()).searchParams.has('run'), false);
  assert.equal(await page.isVisible('#t-run-file'), false);
  assert.ok(s.caption.includes('of training in this browser'), s.caption);
  assert.deepEqual(problems, []);
  await context.close();
});
