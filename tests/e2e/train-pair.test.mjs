// End-to-end (issue 20): "Train this pair" takes the A and B a reader built in the init-time view to the
// training view, which trains exactly those two networks (the URL's a.* / b.* / seed keys, not a preset),
// says what training changes in them and why, and refuses a pair it cannot take before anything runs.
// Real MNIST, real training in the column workers, under the page's CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, openPage, waitReady, byId } from './helpers.mjs';

const site = useSiteAndBrowser();

// 8 tanh layers each; B with batch norm before the activation. A short run: 300 steps, reports every 100.
const PAIR = 'a.depth=8&a.activation=tanh&b.depth=8&b.activation=tanh&b.normalization=batch&b.placement=before';
const SHORT = 't.steps=300&t.log_every=100';

const trainingState = page => page.$eval('#training', el => el.dataset.state);
// The running configs and the kept reports, through the controller (read only).
const running = page => page.evaluate(() => {
  const t = window.__layerscopeTraining;
  const net = c => c && { depth: c.depth, activation: c.activation, normalization: c.normalization, placement: c.placement,
    input_dim: c.input_dim, upstream: c.upstream, mode: c.mode, steps: c.steps, seed: c.seed };
  const plain = r => ({ step: r.step, testLoss: r.testLoss });
  return { a: net(t.configs.a), b: net(t.configs.b), reports: { a: t.stores.a.reports.map(plain), b: t.stores.b.reports.map(plain) } };
});

function assertBuiltPair(configs, what) {
  for (const col of ['a', 'b']) {
    assert.equal(configs[col].depth, 8, `${what}: ${col}'s depth`);
    assert.equal(configs[col].activation, 'tanh', `${what}: ${col}'s activation`);
    assert.equal(configs[col].input_dim, 784, `${what}: ${col} reads MNIST's pixels`);
    assert.equal(configs[col].upstream, 'cross_entropy', `${what}: ${col} learns from the loss`);
  }
  assert.equal(configs.a.normalization, 'none', what);
  assert.equal(configs.b.normalization, 'batch', what);
  assert.equal(configs.b.placement, 'before', what);
}

test('"Train this pair" trains the A and B built in the init view, says what training changes, and the link restores the pair', async () => {
  const { page, context, problems } = await openPage(site.browser, `${site.url}?${PAIR}&${SHORT}`, { width: 1280, height: 800 });
  await waitReady(page);
  // On the first screen, without scrolling.
  const box = await page.locator('#train-pair').boundingBox();
  assert.ok(box && box.y + box.height <= 800 && box.x + box.width <= 1280, `"Train this pair" on the first screen: ${JSON.stringify(box)}`);
  await page.click('#train-pair');
  await page.waitForFunction(() => document.body.dataset.view === 'training' && window.__layerscopeTraining?.configs.b, null, { timeout: 30000 });
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('t.preset'), 'built');
  assert.equal(url.searchParams.get('view'), 'training');
  assert.equal(url.searchParams.get('a.depth'), '8', 'the pair stays in its init-view keys');
  assert.ok(![...url.searchParams.keys()].some(k => /^t\.(depth|activation|normalization|placement)$/.test(k)), `no copy under t.*: ${url.search}`);
  assert.equal(await page.$eval(byId('t.preset'), el => el.value), 'built');
  // What training changes, in words, beside Play: the input and the loss.
  const note = await page.textContent('#t-built .t-changes');
  assert.match(note, /^To train on MNIST, both networks change: input features 100 → 784, because the input is an MNIST image/, note);
  assert.match(note, /upstream gradient random × scale → cross-entropy, because the gradient comes from the real loss/, note);
  assert.equal(await page.isVisible('#t-built .t-changes'), true);
  // It trains that pair, not a preset: 8 tanh layers, B with batch norm before the activation.
  await page.waitForFunction(() => ['finished', 'error'].includes(document.getElementById('training').dataset.state), null, { timeout: 180000 });
  assert.equal(await trainingState(page), 'finished', await page.textContent('#t-status'));
  const run = await running(page);
  assertBuiltPair(run, 'the running configs');
  for (const col of ['a', 'b']) {
    const steps = run.reports[col].map(r => r.step), losses = run.reports[col].map(r => r.testLoss);
    assert.deepEqual(steps, [0, 100, 200, 300], col);
    // Measured (seed 1, batches of 1,000 as built): both test losses 2.355 at step 0 (B's batch norm evaluates
    // with the initial running statistics there), 0.249 (A) and 0.193 (B) at step 300.
    assert.ok(losses.at(-1) < 0.5 * losses[0], `${col}'s test loss ${losses.join(' → ')}`);
  }
  // The link restores the pair: a reload reads the same a.* / b.* keys and shows the same note.
  await page.reload();
  await page.waitForFunction(() => window.__layerscopeTraining && document.body.dataset.view === 'training', null, { timeout: 30000 });
  assert.equal(await page.$eval(byId('t.preset'), el => el.value), 'built');
  assert.equal(await page.textContent('#t-built .t-changes'), note);
  const restored = await page.evaluate(() => window.__layerscopeTraining.built.configs);
  assertBuiltPair(restored, 'after a reload');
  assert.equal(restored.a.seed, run.a.seed, 'the same seed');
  // Its embed keeps the pair too (the init view's keys, not a copy), and its title says what it shows.
  await page.click('#t-embed');
  const snippet = await page.inputValue('#t-share-field');
  const src = new URL(snippet.match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&'));
  assert.deepEqual(['embed', 't.preset', 'a.depth', 'b.activation', 'b.placement'].map(k => src.searchParams.get(k)),
    ['1', 'built', '8', 'tanh', 'before'], snippet);
  assert.match(snippet, /title="Layerscope: a pair of networks built in Layerscope, trained in your browser/);
  // The presets are still there: Figure 1 is one choice away and leaves the built pair's note.
  await page.selectOption(byId('t.preset'), 'fig1');
  assert.equal(await page.isHidden('#t-built'), true);
  assert.equal(new URL(page.url()).searchParams.get('t.preset'), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a pair training cannot take says which setting and what is allowed, and trains nothing', async () => {
  // A unit to track beyond a width of 5 (the init view takes it: tracked_unit is a training setting).
  const { page, context, problems, requests } = await openPage(site.browser,
    `${site.url}?a.width=5&b.width=5&t.tracked_unit=9`, { width: 1280, height: 800 });
  await waitReady(page);
  await page.click('#train-pair');
  await page.waitForFunction(() => document.body.dataset.view === 'training', null, { timeout: 10000 });
  const error = page.locator('#t-built .field-error');
  await error.waitFor({ state: 'visible' });
  const message = await error.textContent();
  assert.equal(message, 'A and B cannot train: Tracked unit (t.tracked_unit in the link): must be below the width 5 (got 9). ' +
    'Nothing trains until it is changed.');
  assert.equal(await page.isHidden('#t-built .t-changes'), true);
  await page.click('#t-play');
  await page.click('#t-step');
  await page.waitForTimeout(1000);
  const run = await running(page);
  assert.deepEqual([run.a, run.b], [null, null], 'no session started');
  assert.equal(await trainingState(page), 'idle');
  assert.equal(requests.filter(u => u.includes('mnist-binary.bin')).length, 0, 'not even the data was fetched');
  // The page stays usable: the widths set back in the init view, the same pair trains.
  await page.click('#view-switch [data-view=init]');
  await page.evaluate(() => { document.body.dataset.state = 'computing'; });
  for (const col of ['a', 'b']) {
    await page.$eval(`#details-${col}`, d => { d.open = true; });
    await page.fill(byId(`${col}.width-number`), '20');
    await page.dispatchEvent(byId(`${col}.width-number`), 'change');
  }
  await waitReady(page);
  await page.click('#train-pair');
  await page.waitForFunction(() => window.__layerscopeTraining?.configs.a && window.__layerscopeTraining.configs.b, null, { timeout: 30000 });
  assert.equal(await page.isHidden('#t-built .field-error'), true);
  assert.deepEqual(await page.evaluate(() => ['a', 'b'].map(c => window.__layerscopeTraining.configs[c].width)), [20, 20]);
  await page.click('#t-play');  // pause
  // Changed again in the init view and back by the view switch: the run starts over with the new pair.
  await page.click('#view-switch [data-view=init]');
  await page.fill(byId('a.width-number'), '30');
  await page.dispatchEvent(byId('a.width-number'), 'change');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('a.width') === '30', null, { timeout: 5000 });
  await page.click('#view-switch [data-view=training]');
  // (each column says it started on its own: wait for both)
  await page.waitForFunction(() => window.__layerscopeTraining.configs.a?.width === 30 && window.__layerscopeTraining.configs.b,
    null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => window.__layerscopeTraining.configs.b.width), 20);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a built pair whose columns both go without batch norm is told apart by letter, not called "with batch norm"', async () => {
  // A: the default (ReLU, no normalization); B: tanh, no normalization. Nothing needs to train for the words.
  const { page, context, problems } = await openPage(site.browser,
    `${site.url}?view=training&t.preset=built&b.normalization=none&b.activation=tanh`, { width: 1280, height: 800 });
  await page.waitForFunction(() => window.__layerscopeTraining && document.getElementById('training').dataset.draws, null, { timeout: 30000 });
  const captions = await page.$$eval('#t-fig1-b figcaption, #t-fig1-c figcaption', fs => fs.map(f => f.textContent));
  assert.match(captions[0], /^\(b\) A, without batch norm: /);
  assert.match(captions[1], /^\(c\) B, without batch norm: /);
  const idle = await page.textContent('#t-fig1-caption');
  assert.match(idle, /the input to the activation of unit 0 in layer 20 on 1,000 test images, in A and in B\./, idle);
  assert.ok(!idle.includes('with batch norm'), idle);
  assert.deepEqual(problems, []);
  await context.close();
});
