// node bench/gradcheck-bench.mjs [--reps N]
// Times the gradient check of the page's default pair (blog-no-bn, then xavier-bn: the check module's
// checkGradients, src/core/gradcheck.hpp and src/wasm/gradcheck_bindings.cpp) in headless Chromium, from
// dist/ (./build-wasm.sh first). Two figures: the check alone on a page's main thread (a fresh module
// instance, nothing else on the page; the first pair is cold), and the page's own button (press to table in
// its worker; the first press includes fetching and compiling the module).
import { loadavg } from 'node:os';
import { serveStatic, launchBrowser } from '../tests/e2e/helpers.mjs';

const i = process.argv.indexOf('--reps');
const reps = Math.max(1, Number(i > 0 ? process.argv[i + 1] : 4) || 4);
const site = await serveStatic();
const { browser, close } = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${site.url}wasm/layerscope_gradcheck.mjs`);  // a document of the site's origin running no script
  for (const wasm of ['layerscope_gradcheck.wasm']) {
    const pairs = await page.evaluate(async ({ wasm, reps }) => {
      const { default: create } = await import('/wasm/layerscope_gradcheck.mjs');
      const module = await create({ locateFile: () => `/wasm/${wasm}` });
      const out = [];
      for (let rep = 0; rep < reps; ++rep) {
        const start = performance.now();
        const results = [module.checkGradients({}, {}), module.checkGradients({ normalization: 'batch' }, {})];
        const ms = performance.now() - start;
        const failed = results.find((r) => !r.ok || !r.value.passed);
        out.push({ ms, failed: failed ? (failed.error ?? `worst ${failed.value.worst}`) : null });
      }
      return out;
    }, { wasm, reps });
    for (const p of pairs) if (p.failed) throw new Error(`${wasm}: ${p.failed}`);
    console.log(`${wasm}: default pair ${pairs.map((p) => p.ms.toFixed(0)).join(', ')} ms (first is cold)`);
  }
  // The button on the page: from the press to the table, the first time (fetch + compile + A + B) and again.
  const app = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await app.goto(site.url);
  await app.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60000 });
  const presses = [];
  for (let rep = 0; rep < reps; ++rep) {
    presses.push(await app.evaluate(() => new Promise((resolve) => {
      const root = document.getElementById('gradcheck');
      root.dataset.state = 'pressed';
      const start = performance.now();
      new MutationObserver((list, observer) => {
        if (root.dataset.state === 'done') { observer.disconnect(); resolve(performance.now() - start); }
      }).observe(root, { attributes: true });
      document.getElementById('gc-run').click();
    })));
  }
  console.log(`page button: press to table ${presses.map((ms) => ms.toFixed(0)).join(', ')} ms (first fetches the module)`);
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  await close();
  await site.close();
}
