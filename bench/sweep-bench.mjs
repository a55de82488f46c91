// The learning-rate sweep's wall time in Chromium (issue 21: the Figure 1 pair's default sweep, 8 rates x
// 2 networks x 2,000 steps, under 60 s) against the native tool's for the same sweep, in one run:
//   node bench/sweep-bench.mjs [--steps N] [--rates K]        (after ./build-wasm.sh and a native build)
// Prints both wall times, their ratio, the page's workers and the machine's load. A benchmark, not a test.
import { spawnSync } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { serveStatic, launchBrowser, ROOT, DIST } from '../tests/e2e/helpers.mjs';
import { findNativeTool } from '../tests/js/load.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const steps = arg('steps', '2000'), rates = arg('rates', '8');
const load = () => loadavg().map(v => v.toFixed(1)).join(' ');

const server = await serveStatic();
const chrome = await launchBrowser();
let page;
try {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('console', m => { if (m.type() === 'error') console.error(`page: ${m.text()}`); });
  await page.goto(`${server.url}?view=training&sweep.steps=${steps}&sweep.rates=${rates}`);
  await page.waitForSelector('[id="lab-lr-steps"]', { timeout: 60000 });
  // The data set and the module are fetched before the clock starts: the timed part is the sweep itself
  // (plan, both workers' runs, the summary), as a reader who pressed Run once already would see it.
  await page.evaluate(() => window.__layerscopeLab.lr.client.dataset());
  console.log(`Chromium: sweeping fig1, ${rates} rates x 2 networks x ${steps} steps (load ${load()}, ${cpus().length} cores)...`);
  const t0 = Date.now();
  await page.click('#lab-lr .t-primary');
  await page.waitForFunction(() => ['finished', 'failed'].includes(document.getElementById('lab-lr').dataset.state), null, { timeout: 900000 });
  const pageSeconds = (Date.now() - t0) / 1000;
  const shown = await page.evaluate(() => ({ state: document.getElementById('lab-lr').dataset.state,
    status: document.querySelector('#lab-lr .lab-status-text').textContent, caption: document.querySelector('#lab-lr .lab-caption').textContent,
    workers: window.__layerscopeLab.lr.client.parallel }));
  if (shown.state !== 'finished') throw new Error(`the sweep failed: ${shown.status}`);
  console.log(`Chromium: ${pageSeconds.toFixed(1)} s wall, ${shown.workers} workers (${shown.status}) load ${load()}`);
  console.log(`  caption: ${shown.caption}`);

  const t1 = Date.now();
  const native = spawnSync(findNativeTool(), ['sweep', '--steps', steps, '--rates', rates, '--data', join(DIST, 'data', 'mnist-binary.bin'), '--quiet'],
    { cwd: ROOT, encoding: 'utf8' });
  const nativeSeconds = (Date.now() - t1) / 1000;
  if (native.status !== 0) throw new Error(native.stderr);
  console.log(`native CLI (one thread): ${nativeSeconds.toFixed(1)} s wall, load ${load()}`);
  console.log(`ratio Chromium / native: ${(pageSeconds / nativeSeconds).toFixed(2)}`);
} finally {
  await chrome.close();
  await server.close();
}
