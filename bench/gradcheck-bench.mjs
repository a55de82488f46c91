// node bench/gradcheck-bench.mjs [--reps N]
// Times the gradient check of the page's default pair (blog-no-bn, then xavier-bn: checkGradients, see
// src/core/gradcheck.hpp) in headless Chromium, for both wasm builds, from dist/ (./build-wasm.sh first).
// Each build gets a fresh module instance; the first pair includes the double code's first runs. The check runs
// on the page's main thread here, with nothing else on the page (on the page each column's worker checks its own).
import { loadavg } from 'node:os';
import { serveStatic, launchBrowser } from '../tests/e2e/helpers.mjs';

const i = process.argv.indexOf('--reps');
const reps = Math.max(1, Number(i > 0 ? process.argv[i + 1] : 4) || 4);
const site = await serveStatic();
const { browser, close } = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${site.url}wasm/layerscope_wasm.mjs`);  // a document of the site's origin running no script
  for (const wasm of ['layerscope_wasm.wasm', 'layerscope_wasm_relaxed.wasm']) {
    const pairs = await page.evaluate(async ({ wasm, reps }) => {
      const { default: create } = await import('/wasm/layerscope_wasm.mjs');
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
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  await close();
  await site.close();
}
