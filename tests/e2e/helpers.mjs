// Shared by the end-to-end tests: a tiny static server for dist/ (with the page's CSP as a header) and a
// headless Chromium driven by playwright-core.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DIST = join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'artifacts');

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:";

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

// Serves `root` on 127.0.0.1 at a random port. Resolves to {url, close()}.
export async function serveStatic(root = DIST) {
  if (!existsSync(join(root, 'index.html')) || !existsSync(join(root, 'app.js')))
    throw new Error(`${root} has no built page: run ./build-wasm.sh first`);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (!file.startsWith(root + sep) && file !== root) { res.writeHead(403).end(); return; }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[extname(file)] || 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise(r => server.close(r)) };
}

export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'layerscope-e2e-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return { browser, close: async () => { await browser.close(); rmSync(userDataDir, { recursive: true, force: true }); } };
}

// One served site and one browser for a whole test file: before() starts them (and makes ARTIFACTS),
// after() closes them. site.url and site.browser are there once the tests run. LAYERSCOPE_SITE=dir serves
// another built copy of the site instead of dist/.
export function useSiteAndBrowser() {
  let server = null, chrome = null;
  before(async () => {
    server = await serveStatic(process.env.LAYERSCOPE_SITE || undefined);
    chrome = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await chrome?.close();
    await server?.close();
  });
  return { get url() { return server.url; }, get browser() { return chrome.browser; } };
}

// A control by its id (ids hold dots: `a.depth`, `t.steps`, which a #selector would read as classes).
export const byId = id => `[id="${id}"]`;
// The settings start folded (the figures come first): a test that types into them opens them first.
export const openSettings = (page, col) => page.$eval(`#details-${col}`, d => { d.open = true; });
// The last number of a comma-separated list (a data-* attribute of a view).
export const lastValue = list => Number(list.split(',').at(-1));

// A new page that records console errors, page errors and CSP violations.
export async function openPage(browser, url, { width = 1280, height = 900, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  const problems = [];
  const requests = [];  // every URL fetched, by the page and by its workers
  context.on('request', request => requests.push(request.url()));
  page.on('console', msg => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', err => problems.push(`pageerror: ${err.message} ${err.stack}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', e => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  return { page, context, problems, requests };
}

// Waits until the page has drawn a result of the worker (or shows a fatal error).
export async function waitReady(page, timeout = 30000) {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state), null, { timeout });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state === 'error') throw new Error('page shows a fatal error: ' + await page.textContent('#fatal'));
}

// Waits for the next result after an action that triggers a recompute.
export async function afterRecompute(page, action) {
  await page.evaluate(() => { document.body.dataset.state = 'computing'; });
  await action();
  await waitReady(page);
}

// Number of canvas pixels that differ from the top-left (background) pixel.
export async function drawnPixels(page, selector) {
  return page.$eval(selector, canvas => {
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 30) n++;
    }
    return n;
  });
}
