// End-to-end: the built page in dist/, served with its CSP, in headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ARTIFACTS, useSiteAndBrowser, openPage, waitReady, afterRecompute, drawnPixels, byId, openSettings, lastValue,
} from './helpers.mjs';

const site = useSiteAndBrowser();


test('the default view loads with no console errors or CSP violations, and draws its figures', async () => {
  const { page, context, problems, requests } = await openPage(site.browser, site.url);
  await waitReady(page);
  // The page compiles the module once and hands it to both column workers: Chromium has relaxed SIMD,
  // so the relaxed build, and the SIMD128 one is never fetched.
  assert.equal(await page.evaluate(() => document.body.dataset.wasm), 'relaxed-simd');
  assert.equal(requests.filter(u => u.endsWith('/layerscope_wasm_relaxed.wasm')).length, 1, requests.join('\n'));
  assert.equal(requests.filter(u => u.endsWith('/layerscope_wasm.wasm')).length, 0, requests.join('\n'));
  for (const col of ['a', 'b']) {
    const pixels = await drawnPixels(page, `#hist-${col} canvas`);
    assert.ok(pixels > 2000, `column ${col}: histogram canvas has ${pixels} drawn pixels`);
    const rows = await page.$eval(`#hist-${col} canvas`, c => Number(c.dataset.drawnRows));
    assert.equal(rows, 21, `column ${col}: input + 20 layers drawn`);
    const bars = await page.$eval(`#hist-${col} canvas`, c => Number(c.dataset.drawnBars));
    assert.ok(bars > 21, `column ${col}: ${bars} non-empty bars`);
  }
  for (const id of ['output', 'grad_output', 'grad_weight', 'dead']) {
    const lengths = await page.$$eval(`#profile-${id} path.measured`, ps => ps.map(p => p.getTotalLength()));
    assert.ok(lengths.length >= 2 && lengths.every(l => l > 100), `profile ${id}: measured lines ${lengths}`);
    // each measured series' markers are one path of circles (views/profile.js), counted in data-points
    const points = await page.$$eval(`#profile-${id} path.points`, ps => ps.reduce((n, p) => n + Number(p.dataset.points), 0));
    assert.ok(points >= 40, `profile ${id}: ${points} points`);
  }
  const dashed = await page.$$eval('#profile-output path.theory', ps => ps.length);
  assert.equal(dashed, 2, 'a dashed theory curve per column');
  const tableRows = await page.$$eval('#table-a tbody tr', trs => trs.length);
  assert.equal(tableRows, 21);
  await page.screenshot({ path: join(ARTIFACTS, 'screenshot-default.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('switching batch norm on brings the last layer of the 0.01 init back by orders of magnitude', async () => {
  // Column A: the post's N(0,1) x 0.01 weights without normalization.
  const { page, context, problems } = await openPage(site.browser, site.url + '?a.init=normal');
  await waitReady(page);
  await openSettings(page, 'a');
  const before = lastValue(await page.$eval('#profile-output svg', s => s.dataset.aStd));
  assert.ok(before < 1e-20, `without batch norm the last layer's std is ${before}`);
  await afterRecompute(page, () => page.selectOption(byId('a.normalization'), 'batch'));
  const after = lastValue(await page.$eval('#profile-output svg', s => s.dataset.aStd));
  assert.ok(after > 0.1 && after / Math.max(before, 1e-300) > 1e15,
    `with batch norm the last layer's std is ${after} (was ${before})`);
  // The table view agrees with the profile.
  const tableStd = await page.$eval('#table-a tr[data-layer="20"] td[data-key="std"]', td => Number(td.dataset.value));
  assert.equal(tableStd, after);
  // The page writes the URL 150 ms after the last change (a slider drag is one entry, not hundreds), which
  // can be after the figures are drawn: wait for it (up to 5 s) before reading it.
  await page.waitForFunction(() => location.search.includes('a.normalization=batch'), null, { timeout: 5000 })
    .catch(() => {});
  assert.match(await page.evaluate(() => location.search), /a\.normalization=batch/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a change to column A redraws both columns from the new numbers; percentiles are sorted once the table opens', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url);
  await waitReady(page);
  const stdB = await page.$eval('#profile-output svg', s => s.dataset.bStd);
  await openSettings(page, 'a');
  await afterRecompute(page, async () => {
    await page.fill(byId('a.depth-number'), '23');
    await page.press(byId('a.depth-number'), 'Enter');
  });
  // A: 24 rows and a 24-layer profile; B: unchanged numbers, still drawn (its run was kept).
  assert.equal(await page.$eval('#hist-a canvas', c => c.dataset.drawnRows), '24');
  assert.equal(await page.$eval('#profile-output svg', s => s.dataset.aStd.split(',').length), 24);
  assert.equal(await page.$eval('#profile-output svg', s => s.dataset.bStd), stdB);
  assert.equal(await page.$eval('#hist-b canvas', c => c.dataset.drawnRows), '21');
  assert.ok(await drawnPixels(page, '#hist-b canvas') > 2000, 'column B still drawn');
  // Percentiles (a sort per tensor) are left out while nothing shows them, and come when the table opens.
  const p50 = '#table-a tr[data-layer="23"] td[data-key="p50"]';
  assert.equal(await page.$eval(p50, td => td.textContent), '–');
  await page.click('#tables-title');
  await page.waitForFunction(() => {
    const td = document.querySelector('#table-a tr[data-layer="23"] td[data-key="p50"]');
    return td && td.dataset.value !== undefined;
  }, null, { timeout: 10000 });
  const p = await page.$eval('#table-a tr[data-layer="23"]', tr => ['p5', 'p50', 'p95', 'min', 'max']
    .map(k => Number(tr.querySelector(`td[data-key="${k}"]`).dataset.value)));
  assert.ok(p[3] <= p[0] && p[0] <= p[1] && p[1] <= p[2] && p[2] <= p[4], `min <= p5 <= p50 <= p95 <= max: ${p}`);
  // The timing markers the page benchmark reads: input, drawn and painted in order.
  const t = await page.evaluate(() => window.__layerscopeTimings.at(-1));
  assert.ok(t.input <= t.received && t.received <= t.drawn && t.drawn <= t.painted, JSON.stringify(t));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a readout resting on a histogram row fills in its percentiles when they arrive', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url);
  await waitReady(page);
  // One pointer move onto a row of B's histograms: the readout shows at once, and entering the figure asks
  // the workers for percentiles; they must appear in the readout without the pointer moving again.
  const box = await page.$eval('#hist-b canvas', c => {
    c.scrollIntoView({ block: 'center' });
    const r = c.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width };
  });
  await page.mouse.move(box.x + box.w * 0.6, box.y + 60);
  const readout = () => page.$eval('.tooltip', t => (t.hidden ? '' : t.textContent));
  assert.match(await readout(), /mean .* std /, 'the readout is up before the percentiles');
  await page.waitForFunction(() => {
    const t = document.querySelector('.tooltip');
    return t && !t.hidden && /p50 /.test(t.textContent);
  }, null, { timeout: 10000 });
  assert.match(await readout(), /p5 .* p95 /);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a URL restores its settings in the controls and the figures', async () => {
  const query = '?a.depth=12&b.activation=tanh&b.init=xavier_normal&tensor=grad_output&count=log&seed=7&every=2';
  const { page, context, problems } = await openPage(site.browser, site.url + query);
  await waitReady(page);
  assert.equal(await page.inputValue(byId('a.depth')), '12');
  assert.equal(await page.inputValue(byId('a.depth-number')), '12');
  assert.equal(await page.inputValue(byId('b.activation')), 'tanh');
  assert.equal(await page.inputValue(byId('b.init')), 'xavier_normal');
  assert.equal(await page.inputValue('#tensor'), 'grad_output');
  assert.equal(await page.inputValue('#count'), 'log');
  assert.equal(await page.inputValue('#seed'), '7');
  assert.equal(await page.inputValue('#every'), '2');
  // every 2nd of layers 0..12, ending on the last: 0, 2, ..., 12
  assert.equal(await page.$eval('#hist-a canvas', c => c.dataset.drawnRows), '7');
  assert.equal(await page.evaluate(() => document.body.dataset.resultKind), 'grad_output');
  // The URL written back holds the same settings.
  const search = await page.evaluate(() => new URLSearchParams(location.search).toString());
  for (const kv of ['a.depth=12', 'b.activation=tanh', 'tensor=grad_output', 'count=log', 'seed=7'])
    assert.ok(search.includes(kv), `${kv} in ${search}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('dragging a slider recomputes live and the last request wins', async () => {
  // width 200: a 60-layer run is then about 14 GFLOP, slow enough for the progress indicator even
  // with a much faster core (at 100 wide it could finish before the indicator's 200 ms)
  const { page, context, problems } = await openPage(site.browser, site.url + '?a.width=200');
  await waitReady(page);
  await afterRecompute(page, async () => {
    await page.$eval(byId('a.depth'), slider => {
      for (const v of [25, 30, 35, 40, 60]) {
        slider.value = String(v);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    // a 60-layer run 200 wide takes well over 200 ms: the progress indicator appears meanwhile
    await page.waitForSelector('#progress:not([hidden])', { timeout: 5000 });
  });
  assert.equal(await page.isVisible('#progress'), false, 'progress hidden once the result is drawn');
  // layers 0, 4, ..., 60 (auto: every 4th past 25 layers)
  await page.waitForFunction(() => document.querySelector('#hist-a canvas').dataset.drawnRows === '16');
  assert.equal(await page.inputValue(byId('a.depth-number')), '60');
  assert.equal(await page.$eval('#profile-output svg', s => s.dataset.aStd.split(',').length), 61);
  assert.deepEqual(problems, []);
  await context.close();
});

test('embed mode hides the controls and keeps the first screen\'s figures and the tensor switch', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url + '?embed=1&b.depth=30',
    { width: 700, height: 600 });
  await waitReady(page);
  for (const sel of ['#controls-a', '#controls-b', '#copy-link', 'footer', '#columns', '.scenarios', '#cures'])
    assert.equal(await page.isVisible(sel), false, `${sel} hidden in embed mode`);
  assert.equal(await page.isVisible('#tensor'), true, 'the tensor switch stays');
  assert.ok(await drawnPixels(page, '#overview-hist-b canvas') > 800);
  assert.equal(await page.$eval('#overview-hist-b canvas', c => c.dataset.drawnRows), '11',
    'layers 0, 3, ..., 30 (the compact view keeps to about 11 rows)');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling in a 700 px frame (overflow ${overflow})`);
  assert.equal(await page.isVisible('#open-full'), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the whole view\'s embed fits a 500 x 500 frame: no scrollbar either way', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url + '?embed=1', { width: 500, height: 500 });
  await waitReady(page);
  const [height, width] = await page.evaluate(() => [document.documentElement.scrollHeight - innerHeight, document.documentElement.scrollWidth - innerWidth]);
  assert.ok(height <= 0 && width <= 0, `the page overflows the frame by ${height} px down and ${width} px across`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad URL values fall back to defaults with a notice, and nothing from the URL becomes HTML', async () => {
  const evil = encodeURIComponent('<img src=x onerror=alert(1)><script>alert(2)</script>');
  const { page, context, problems } = await openPage(site.browser,
    site.url + `?a.depth=0&a.activation=${evil}&b.epsilon=-1&bins=abc&zzz=1`);
  let dialogs = 0;
  page.on('dialog', d => { dialogs++; d.dismiss(); });
  await waitReady(page);
  assert.equal(await page.isVisible('#notices'), true);
  const notice = await page.textContent('#notices');
  assert.match(notice, /Depth \(hidden layers\) of A: must be an integer from 1 to 100 \(got 0\); using the default 20\./);
  assert.match(notice, /Activation of A: must be one of: relu, leaky_relu, tanh, sigmoid, linear/);
  assert.match(notice, /Epsilon of B: must be a number at least 0/);
  assert.match(notice, /Bin count: must be an integer from 4 to 256 \(got 'abc'\)/);
  assert.match(notice, /Unknown setting 'zzz'/);
  assert.ok(notice.includes('<script>'), 'the bad value is shown as text');
  assert.equal(await page.$$eval('#notices img, #notices script', els => els.length), 0);
  // only the page's own scripts (app.js, training.js), none made from the URL
  assert.deepEqual(await page.$$eval('script', els => els.map(e => e.getAttribute('src'))), ['app.js', 'training.js']);
  // the defaults are in force and the page works
  assert.equal(await page.inputValue(byId('a.depth')), '20');
  assert.equal(await page.inputValue(byId('a.activation')), 'relu');
  assert.equal(await page.$eval('#hist-a canvas', c => c.dataset.drawnRows), '21');
  await afterRecompute(page, () => page.selectOption('#tensor', 'grad_weight'));
  assert.equal(await page.$eval('#hist-a canvas', c => c.dataset.drawnRows), '20');
  assert.equal(dialogs, 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a value typed into a control is judged by the core\'s rule: hex, spaces and out-of-range refused under it', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url);
  await waitReady(page);
  await openSettings(page, 'a');
  const field = byId('a.init_scale');
  const typed = async text => {
    await page.fill(field, text);
    await page.press(field, 'Enter');
    return page.textContent(byId('a.init_scale-error'));
  };
  // The messages are the core's (config.cpp), the ones the command line prints for --init_scale.
  assert.equal(await typed('0x1p-3'), "Init std (\"normal\"): must be a number greater than 0 and at most 1000000 (got '0x1p-3')");
  assert.equal(await page.getAttribute(field, 'aria-invalid'), 'true');
  assert.equal(await typed(' 0.5'), "Init std (\"normal\"): must be a number greater than 0 and at most 1000000 (got ' 0.5')");
  assert.equal(await typed('2e6'), 'Init std ("normal"): must be a number greater than 0 and at most 1000000 (got 2000000)');
  assert.ok(!(await page.evaluate(() => location.search)).includes('init_scale'), 'nothing refused reaches the state');
  // A plain decimal is taken: the message goes, the run follows and the URL keeps the value.
  await afterRecompute(page, async () => { await page.fill(field, '5e-1'); await page.press(field, 'Enter'); });
  assert.equal(await page.isVisible(byId('a.init_scale-error')), false);
  assert.equal(await page.getAttribute(field, 'aria-invalid'), null);
  await page.waitForFunction(() => location.search.includes('a.init_scale=0.5'), null, { timeout: 5000 });
  // A view setting goes through the same rule: 300 bins are refused under the bin count.
  await page.fill('#bins', '300');
  await page.press('#bins', 'Enter');
  assert.equal(await page.textContent('#bins-error'), 'Bin count: must be an integer from 4 to 256 (got 300)');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a setting the run rejects (batch 1 with batch norm) shows its message and the other column still draws', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url + '?b.batch=1');
  await waitReady(page);
  await openSettings(page, 'b');
  assert.equal(await page.isVisible('#error-b'), true);
  assert.match(await page.textContent('#error-b'), /batch/);
  assert.ok(await drawnPixels(page, '#hist-a canvas') > 2000);
  // fixing it in the control recovers the column
  await afterRecompute(page, () => page.fill(byId('b.batch-number'), '64').then(() => page.press(byId('b.batch-number'), 'Tab')));
  assert.equal(await page.isVisible('#error-b'), false);
  assert.ok(await drawnPixels(page, '#hist-b canvas') > 1000);
  assert.deepEqual(problems, []);
  await context.close();
});

test('share, embed snippet and exports produce a link, an iframe, PNGs and the numbers', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url + '?b.depth=8');
  await waitReady(page);
  await page.click('#copy-link');
  const link = await page.inputValue('#share-field');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?b\.depth=8$/);
  await page.click('#embed-button');
  const snippet = await page.inputValue('#share-field');
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?[^"]*" [^<>]*><\/iframe>$/);
  const src = snippet.match(/src="([^"]*)"/)[1].replace(/&amp;/g, '&');
  const params = new URL(src).searchParams;
  assert.equal(params.get('embed'), '1');
  assert.equal(params.get('b.depth'), '8');

  const fetchDownload = async (selector) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    const stream = await download.createReadStream();
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
  };
  const csv = await fetchDownload('#hist-tools-b button:has-text("CSV")');
  assert.equal(csv.name, 'layerscope-b-output-histograms.csv');
  const lines = csv.bytes.toString().trim().split('\n');
  assert.equal(lines[0], 'column,tensor,layer,kind,low,high,count');
  assert.equal(lines.length, 1 + 9 * (64 + 4), 'input + 8 layers: 64 bins and the zero, NaN, Inf and outside counts each');
  const png = await fetchDownload('#hist-tools-a button:has-text("PNG")');
  assert.equal(png.bytes.subarray(1, 4).toString(), 'PNG');
  const svgPng = await fetchDownload('#profile-output button:has-text("PNG")');
  assert.equal(svgPng.bytes.subarray(1, 4).toString(), 'PNG');
  assert.ok(svgPng.bytes.length > 5000, `profile PNG has ${svgPng.bytes.length} bytes`);
  const json = JSON.parse((await fetchDownload('#profile-grad_output button:has-text("JSON")')).bytes.toString());
  assert.deepEqual(json.series.map(s => `${s.column}:${s.name}`), ['a:std', 'b:std', 'a:theory', 'b:theory']);
  assert.equal(json.series[1].values.length, 9);
  assert.deepEqual(problems, []);
  await context.close();
});

test('?wasm=simd128 computes with the SIMD128 build, and its numbers match the relaxed-SIMD build', async () => {
  const lastStds = async page => page.evaluate(() =>
    ['a', 'b'].map(col => Number(document.getElementById(`summary-${col}`).dataset.lastOutputStd)));
  const relaxed = await openPage(site.browser, site.url);
  await waitReady(relaxed.page);
  const relaxedStds = await lastStds(relaxed.page);
  await relaxed.context.close();

  const plain = await openPage(site.browser, site.url + '?wasm=simd128');
  await waitReady(plain.page);
  assert.equal(await plain.page.evaluate(() => document.body.dataset.wasm), 'simd128');
  assert.equal(plain.requests.filter(u => u.endsWith('/layerscope_wasm.wasm')).length, 1, plain.requests.join('\n'));
  assert.equal(plain.requests.filter(u => u.endsWith('_relaxed.wasm')).length, 0, plain.requests.join('\n'));
  assert.ok(await plain.page.isHidden('#notices'), 'wasm=simd128 is a known setting, no notice');
  assert.match(await plain.page.getAttribute('#timing', 'title'), /SIMD128/);
  const plainStds = await lastStds(plain.page);
  // Fused or separate multiply-adds round differently; 20 layers of float products stay within 1e-4.
  for (let i = 0; i < 2; ++i) {
    assert.ok(Number.isFinite(plainStds[i]) && plainStds[i] > 0, `column ${'ab'[i]}: std ${plainStds[i]}`);
    assert.ok(Math.abs(plainStds[i] - relaxedStds[i]) <= 1e-4 * relaxedStds[i],
      `column ${'ab'[i]}: last output std ${plainStds[i]} (simd128) vs ${relaxedStds[i]} (relaxed)`);
  }
  assert.deepEqual(plain.problems, []);
  await plain.context.close();
});

test('when the relaxed-SIMD build cannot be fetched, the workers load the SIMD128 build and the page works', async () => {
  const context = await site.browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', err => problems.push(err.message));
  await context.route('**/wasm/layerscope_wasm_relaxed.wasm', route => route.abort());
  await page.goto(site.url);
  await waitReady(page);
  assert.equal(await page.evaluate(() => document.body.dataset.wasm), 'simd128');
  assert.match(await page.getAttribute('#timing', 'title'), /SIMD128/);
  assert.ok(await drawnPixels(page, '#hist-a canvas') > 2000);
  assert.deepEqual(problems, []);
  await context.close();
});

test('when the WebAssembly module cannot load, the page says so instead of going blank', async () => {
  const context = await site.browser.newContext();
  const page = await context.newPage();
  await context.route('**/wasm/*.wasm', route => route.abort());
  await page.goto(site.url);
  await page.waitForSelector('#fatal:not([hidden])', { timeout: 20000 });
  assert.match(await page.textContent('#fatal'), /WebAssembly module failed to load/);
  await context.close();
});

test('a 360 px wide phone in dark mode gets the whole page without sideways scrolling', async () => {
  const { page, context, problems } = await openPage(site.browser, site.url,
    { width: 360, height: 740, colorScheme: 'dark' });
  await waitReady(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
  const canvasWidth = await page.$eval('#hist-a canvas', c => c.getBoundingClientRect().width);
  assert.ok(canvasWidth <= 360 && canvasWidth >= 280, `histogram width ${canvasWidth}`);
  assert.ok(await drawnPixels(page, '#hist-b canvas') > 2000);
  // the theme reaches the canvas: its background is dark
  const bg = await page.$eval('#hist-a canvas', c => Array.from(c.getContext('2d').getImageData(0, 0, 1, 1).data));
  assert.ok(bg[0] + bg[1] + bg[2] < 150, `dark background ${bg}`);
  await page.screenshot({ path: join(ARTIFACTS, 'screenshot-360-dark.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
