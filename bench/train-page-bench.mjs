// node bench/train-page-bench.mjs [--steps N]
// The whole Figure 1 reproduction in headless Chromium, as a visitor runs it: the training view's
// "Batch-norm paper, Figure 1" button trains bn-paper-fig1-baseline (A) and bn-paper-fig1 (B) side by
// side, one worker each, to 50,000 steps (or N), with a test evaluation on all 10,000 test images every
// 500 steps. Prints:
//   - wall time of the run (the page's own clock, from the click to both workers finished; the data
//     download and the .wasm compile come before the click, as for a visitor who pressed Play before),
//   - the accuracies reached and the steps per second of each column,
//   - control latency during the run: a click on "log step axis" to the rendered frame that holds the
//     redrawn view, and a click on Pause to the workers' last step (median and max of the samples),
//   - memory of the tab: the page's JS heap, each worker's wasm heap, the report snapshots the page keeps,
//     and the resident memory of Chromium's renderer processes (the tab and its workers).
// Needs ./build-wasm.sh first (dist/). LAYERSCOPE_SITE=dir measures another built copy of the site.
import { readFileSync, readdirSync } from 'node:fs';
import { serveStatic, launchBrowser } from '../tests/e2e/helpers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const steps = arg('--steps', 50000);

// Resident memory (MiB) of Chromium renderer processes started by this Node process (its descendants).
function rendererRssMiB() {
  const parent = new Map();
  const info = new Map();
  for (const pid of readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(pid), ppid);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] || 0);
      info.set(Number(pid), { renderer: cmd.includes('--type=renderer'), rss });
    } catch { /* the process ended meanwhile */ }
  }
  const mine = pid => { for (let p = pid; p > 1; p = parent.get(p)) if (p === process.pid) return true; return false; };
  let kib = 0;
  for (const [pid, v] of info) if (v.renderer && mine(pid)) kib += v.rss;
  return kib / 1024;
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = xs => quantile(xs, 0.5);

const server = await serveStatic(process.env.LAYERSCOPE_SITE || undefined);
const chrome = await launchBrowser();
try {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.url}?view=training&t.steps=${steps}`);
  await page.waitForSelector('#training:not([hidden])');
  // Fetch the data and start the workers first (Play, then Pause at once), so the run below is training alone.
  await page.click('#t-play');
  await page.waitForFunction(() => ['running', 'paused', 'finished'].includes(document.getElementById('training').dataset.state)
    && window.__layerscopeTraining.stores.a.reports.length > 0, null, { timeout: 60000 });
  await page.click('#t-play');
  const t0 = Date.now();
  await page.click('#t-fig1');
  // Control latency while both workers train.
  const redrawMs = [], pauseMs = [], drawMs = [];
  let samples = 0;
  for (;;) {
    await page.waitForTimeout(2000);
    const state = await page.$eval('#training', el => el.dataset.state);
    if (state === 'finished' || state === 'error') break;
    if (samples++ % 5 === 4) {
      // Pause, until both workers report that they stopped; then play on.
      pauseMs.push(await page.evaluate(() => new Promise(resolve => {
        const t = window.__layerscopeTraining.run;
        const start = performance.now();
        t.pause();
        const poll = () => (Object.values(t.clients).every(c => !c.progress.playing) ? resolve(performance.now() - start) : setTimeout(poll, 2));
        poll();
      })));
      await page.click('#t-play');  // Play again
      continue;
    }
    redrawMs.push(await page.evaluate(() => new Promise(resolve => {
      const root = document.getElementById('training');
      const draws = Number(root.dataset.draws || 0);
      const start = performance.now();
      document.getElementById('t.logx').click();
      const painted = () => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve(performance.now() - start);
        ch.port2.postMessage(null);
      };
      // rAF callbacks run in order: this one runs after the view's redraw in the same frame, and a task
      // posted from it runs once that frame is rendered (page-bench.mjs measures "painted" the same way).
      const wait = () => (Number(root.dataset.draws) > draws ? painted() : requestAnimationFrame(wait));
      requestAnimationFrame(wait);
    })));
    drawMs.push(await page.$eval('#training', el => Number(el.dataset.drawMs)));
  }
  const wallNode = (Date.now() - t0) / 1000;
  const result = await page.evaluate(() => {
    const t = window.__layerscopeTraining.run;
    const col = c => ({
      steps: t.clients[c].progress.stepsDone, accuracy: t.stores[c].latest.testAccuracy,
      seconds: t.stores[c].latest.seconds, heapMiB: t.clients[c].progress.heapBytes / 2 ** 20,
      reports: t.stores[c].reports.length,
    });
    return { seconds: t.seconds(), a: col('a'), b: col('b'), snapshotKiB: (t.stores.a.bytes() + t.stores.b.bytes()) / 1024,
      state: document.getElementById('training').dataset.state, caption: document.getElementById('t-fig1-caption').textContent };
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const jsHeap = metrics.find(m => m.name === 'JSHeapUsedSize').value / 2 ** 20;
  const rss = rendererRssMiB();
  const fmt = (v, d = 1) => v.toFixed(d);
  console.log(`Figure 1 reproduction in Chromium (${steps} steps, test evaluation every 500 steps), state: ${result.state}`);
  console.log(`wall time (page clock, click to both finished)   ${fmt(result.seconds)} s   (from Node: ${fmt(wallNode)} s)`);
  for (const c of ['a', 'b']) {
    const r = result[c];
    console.log(`column ${c.toUpperCase()}: ${r.steps} steps, test accuracy ${fmt(100 * r.accuracy, 2)}%, ` +
      `${fmt(r.seconds)} s in the core (${fmt(r.steps / r.seconds, 0)} steps/s), wasm heap ${fmt(r.heapMiB)} MiB, ${r.reports} reports kept`);
  }
  if (redrawMs.length) {
    console.log(`control -> repainted view: median ${fmt(median(redrawMs))} ms, 90th percentile ${fmt(quantile(redrawMs, 0.9))} ms, ` +
      `max ${fmt(Math.max(...redrawMs))} ms, over 100 ms: ${redrawMs.filter(x => x > 100).length} of ${redrawMs.length} samples`);
    console.log(`one redraw of every view (the draw alone): median ${fmt(median(drawMs))} ms, max ${fmt(Math.max(...drawMs))} ms`);
  }
  if (pauseMs.length) console.log(`pause -> both workers stopped: median ${fmt(median(pauseMs))} ms, max ${fmt(Math.max(...pauseMs))} ms (${pauseMs.length} samples)`);
  console.log(`memory: page JS heap ${fmt(jsHeap)} MiB, report snapshots ${fmt(result.snapshotKiB, 0)} KiB, ` +
    `renderer processes resident ${fmt(rss, 0)} MiB`);
  console.log(`caption: ${result.caption}`);
  if (errors.length) console.log(`console errors: ${errors.join(' | ')}`);
} finally {
  await chrome.close();
  await server.close();
}
