// End-to-end (issue 20, "one run, one step"): a pair built in the init-time view (not a preset) trains,
// and then every figure of the init-time view (histograms, depth profile, bands, table, sentence) shows
// the step chosen on its scrubber, A and B at the same step, redrawn from what the run kept: a display
// change never ends the run. Real MNIST, real training in the column workers, under the page's CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, openPage, waitReady, afterRecompute, byId, openSettings } from './helpers.mjs';

const site = useSiteAndBrowser();

// 6 tanh layers of 50 each, B with batch norm; 300 steps at a learning rate of 0.05, a report every 100.
const PAIR = 'a.depth=6&a.width=50&a.activation=tanh&b.depth=6&b.width=50&b.activation=tanh&b.normalization=batch';
const RUN = 't.steps=300&t.log_every=100&t.learning_rate=0.05';

const story = page => page.textContent('#story-text');
const canvasImage = (page, sel) => page.$eval(sel, c => c.toDataURL());
const tableStd = (page, col) => page.$$eval(`#table-${col} tbody tr`, rows => rows.map(r => ({
  layer: Number(r.dataset.layer), std: Number(r.querySelector('td[data-key=std]').dataset.value) })));
const runState = page => page.evaluate(() => ({ state: document.getElementById('training').dataset.state,
  reports: ['a', 'b'].map(c => window.__layerscopeTraining.stores[c].reports.length) }));
// Moves the init view's scrubber to a position (0: the init view's own run, i: the i-th kept step).
const scrubTo = (page, position) => afterRecompute(page, () => page.$eval('#run-step', (el, p) => {
  el.value = String(p);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}, position));

test('a built pair trains and the init view scrubs through its steps: step 0 is the run\'s first batch, a display change keeps the run', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?${PAIR}&${RUN}`, { width: 1280, height: 800 });
  await waitReady(page);
  assert.equal(await page.isHidden('#run-steps'), true, 'no scrubber before a run');
  const initStory = await story(page);
  await page.click('#train-pair');
  await page.waitForFunction(() => ['finished', 'error'].includes(document.getElementById('training').dataset.state), null, { timeout: 180000 });
  assert.equal((await runState(page)).state, 'finished', await page.textContent('#t-status'));
  // It trained: the training loss falls (from about ln 10 at step 0).
  const losses = await page.evaluate(() => ['a', 'b'].map(c => window.__layerscopeTraining.stores[c].reports.map(r => r.trainLoss)));
  for (const l of losses) assert.ok(l.at(-1) < 0.6 * l[0], `training loss ${l.join(' → ')}`);

  // Back in the init view: the scrubber is there and follows the newest step both columns reached.
  await page.click('#view-switch [data-view=init]');
  await page.waitForFunction(() => /^At step 300 of training/.test(document.getElementById('story-text').textContent), null, { timeout: 20000 });
  assert.equal(await page.isVisible('#run-steps'), true);
  assert.match(await page.textContent('#run-step-out'), /^step 300 \(newest\) of 300$/);

  // Step 0 in the init view's table is the run's step 0: dL/dh's std per layer equals the std the step-0
  // report measured on the same first batch in train mode (the training view's own numbers), to 1e-6.
  await page.$eval('#tables', el => { el.closest('details').open = true; });
  await afterRecompute(page, () => page.selectOption('#tensor', 'grad_output'));
  await scrubTo(page, 1);
  assert.match(await story(page), /^At step 0 of training on MNIST, /);
  const reports0 = await page.evaluate(() => ['a', 'b'].map(c => Array.from(window.__layerscopeTraining.stores[c].reports[0].doutputStd)));
  for (const [i, col] of ['a', 'b'].entries()) {
    const rows = await tableStd(page, col);
    assert.equal(rows.length, 6, `${col}: every hidden layer has dL/dh`);
    for (const { layer, std } of rows) {
      const want = reports0[i][layer];
      assert.ok(Math.abs(std - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${col} layer ${layer}: table ${std}, report ${want}`);
    }
  }

  // The scrubber moves every view: histograms and sentence change between step 0 and step 200 (the arrow
  // keys move it when no control has the focus).
  const before = { story: await story(page), hist: await canvasImage(page, '#hist-a canvas'), table: await tableStd(page, 'a') };
  await page.$eval('#tensor', el => el.blur());
  await afterRecompute(page, () => page.keyboard.press('ArrowRight'));
  await afterRecompute(page, () => page.keyboard.press('ArrowRight'));
  assert.match(await page.textContent('#run-step-out'), /^step 200 of 300$/);
  assert.match(await story(page), /^At step 200 of training on MNIST, /);
  assert.notEqual(await story(page), before.story);
  assert.notEqual(await canvasImage(page, '#hist-a canvas'), before.hist, 'A\'s histograms changed');
  assert.notDeepEqual(await tableStd(page, 'a'), before.table, 'the table changed');

  // Display changes redraw from what the run kept: the run is still there, at the same step.
  const kept = await runState(page);
  await afterRecompute(page, () => page.selectOption('#tensor', 'activation'));
  await afterRecompute(page, () => page.selectOption('#axis', 'own'));
  await afterRecompute(page, () => page.fill('#bins', '32').then(() => page.press('#bins', 'Enter')));
  assert.deepEqual(await runState(page), kept, 'the run survives display changes');
  assert.match(await story(page), /^At step 200 of training on MNIST, /);
  // The left end is the init view's own run again (its random batch).
  await scrubTo(page, 0);
  assert.doesNotMatch(await story(page), /^At step /);
  assert.match(await page.textContent('#run-step-out'), /^before training/);

  // The training view's tensor is a display setting too: the finished run stays and exports it whole.
  await page.click('#view-switch [data-view=training]');
  await page.selectOption(byId('t.tensor'), 'grad_output');
  await page.waitForTimeout(300);
  assert.deepEqual(await runState(page), kept, 'the run survives a change of the training view\'s tensor');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#t-export-run')]);
  const json = JSON.parse(await (await download.createReadStream()).toArray().then(b => Buffer.concat(b).toString()));
  assert.ok(JSON.stringify(json).length > 10000, 'the whole-run export is not empty');

  // That file opened again: built from the pair the init view shows (its builtFrom), so the init view
  // scrubs through the file's steps as through the live run's, drawn by the core from the file's arrays.
  assert.deepEqual(Object.keys(json.builtFrom ?? {}), ['a', 'b'], 'a run of the built pair records the pair');
  assert.equal(json.builtFrom.b.normalization, 'batch');
  const open = async doc => {
    await page.setInputFiles('#t-run-input', { name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
    await page.waitForFunction(() => document.getElementById('training').dataset.runFile === 'shown', null, { timeout: 20000 });
  };
  await open(json);
  await page.click('#view-switch [data-view=init]');
  await page.waitForFunction(() => /^At step 300 of training/.test(document.getElementById('story-text').textContent), null, { timeout: 20000 });
  assert.equal(await page.isVisible('#run-steps'), true, 'the file of the pair on screen is scrubbed in the init view');
  await scrubTo(page, 3);
  assert.match(await story(page), /^At step 200 of training on MNIST, /);
  assert.ok(await page.$eval('#hist-a canvas', c => Number(c.dataset.drawnBars)) > 0, 'A\'s histograms at the file\'s step');
  // A file built from another pair (here B without batch norm) is not that pair's run: no scrubber.
  await page.click('#view-switch [data-view=training]');
  await open({ ...json, builtFrom: { ...json.builtFrom, b: { ...json.builtFrom.b, normalization: 'none' } } });
  await page.click('#view-switch [data-view=init]');
  await page.waitForFunction(() => !/^At step /.test(document.getElementById('story-text').textContent), null, { timeout: 20000 });
  assert.equal(await page.isHidden('#run-steps'), true, 'a saved run of another pair is not shown in the init view');
  // Play trains anew: the live run of the built pair is the init view's again.
  await page.click('#view-switch [data-view=training]');
  await page.click('#t-play');
  await page.waitForFunction(() => !window.__layerscopeTraining.run.fromFile && document.getElementById('training').dataset.state === 'finished',
    null, { timeout: 180000 });

  // A network change in the init view ends the link between them: the scrubber goes, the init run is shown.
  await page.click('#view-switch [data-view=init]');
  await page.$eval('#details-a', d => { d.open = true; });
  await scrubTo(page, 2);
  assert.match(await story(page), /^At step 100 of training on MNIST, /);
  await afterRecompute(page, () => page.selectOption(byId('a.activation'), 'relu'));
  assert.equal(await page.isHidden('#run-steps'), true, 'a run of another pair is not shown');
  assert.doesNotMatch(await story(page), /^At step /);
  assert.notEqual(await story(page), initStory);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the URL with training keys round-trips: a reload restores the pair and the training settings', async () => {
  const url = `${site.url}?${PAIR}&${RUN}&t.preset=built&view=training&t.tensor=activation&t.values=symlog`;
  const { page, context, problems } = await openPage(site.browser, url, { width: 1280, height: 800 });
  await page.waitForFunction(() => window.__layerscopeTraining && document.body.dataset.view === 'training', null, { timeout: 30000 });
  const read = () => page.evaluate(() => Object.fromEntries(['t.preset', 't.steps', 't.log_every', 't.learning_rate', 't.tensor', 't.values']
    .map(k => [k, document.getElementById(k).value])));
  const want = { 't.preset': 'built', 't.steps': '300', 't.log_every': '100', 't.learning_rate': '0.05', 't.tensor': 'activation', 't.values': 'symlog' };
  assert.deepEqual(await read(), want);
  // A change in a control is written into the one URL, beside the init-time view's keys, and a reload
  // restores it.
  await page.fill(byId('t.learning_rate'), '0.02');
  await page.press(byId('t.learning_rate'), 'Enter');
  await page.selectOption(byId('t.tensor'), 'grad_output');
  want['t.learning_rate'] = '0.02';
  want['t.tensor'] = 'grad_output';
  await page.waitForFunction(() => new URL(location.href).searchParams.get('t.learning_rate') === '0.02', null, { timeout: 5000 });
  const search = new URL(page.url()).searchParams;
  for (const [k, v] of new URLSearchParams(`${PAIR}&t.steps=300&t.log_every=100`)) assert.equal(search.get(k), v, k);
  assert.deepEqual([search.get('view'), search.get('t.tensor'), search.get('t.learning_rate')], ['training', 'grad_output', '0.02']);
  await page.reload();
  await page.waitForFunction(() => window.__layerscopeTraining && document.body.dataset.view === 'training', null, { timeout: 30000 });
  assert.deepEqual(await read(), want, 'after a reload');
  assert.deepEqual(problems, []);
  await context.close();
});

// One worker per column serves both views. A cancel in the init-time view never ends a training run: the
// worker that holds the column's training is told to drop the cancelled request, not replaced.
test('a cancel in the init-time view leaves the training run going: one worker per column, none replaced', async () => {
  const { page, context, problems, requests } = await openPage(site.browser,
    `${site.url}?a.width=300&a.depth=25&view=training&t.steps=50000`, { width: 1280, height: 800 });
  await waitReady(page, 60000);
  await page.click('#t-play');
  await page.waitForFunction(() => Number(document.getElementById('training').dataset.stepsA) > 0, null, { timeout: 60000 });
  await page.click('#view-switch [data-view=init]');
  await openSettings(page, 'a');
  await page.fill(byId('a.width-number'), '600');
  await page.press(byId('a.width-number'), 'Enter');
  await page.waitForSelector('#progress:not([hidden])', { timeout: 10000 });
  await page.click('#cancel');
  assert.equal(await page.inputValue(byId('a.width-number')), '300', 'back to the settings on screen');
  await waitReady(page, 60000);
  const steps = () => page.$eval('#training', el => Number(el.dataset.stepsA));
  const before = await steps();
  await page.waitForFunction(n => Number(document.getElementById('training').dataset.stepsA) > n, before, { timeout: 30000 });
  assert.equal(await page.$eval('#training', el => el.dataset.state), 'running');
  const workerFetches = requests.filter(u => new URL(u).pathname.endsWith('/worker.js')).length;
  assert.equal(workerFetches, 2, 'the two column workers, none replaced, none for training alone');
  assert.match(await page.textContent('#column-a'), /25 × 300/, 'the figures are of the 300-wide net');
  await page.click('#view-switch [data-view=training]');
  await page.click('#t-play');  // pause
  assert.deepEqual(problems, []);
  await context.close();
});
