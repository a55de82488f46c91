// Page entry: starts the compute workers and the main thread's checks (core-checks.js) on the module
// compiled for them and, once both are ready, the page controller (page.js); every failure becomes a
// message on the page instead of a blank one.
import { ComputeClient } from './client.js';
import { startCoreChecks } from './core-checks.js';
import { Page } from './page.js';
import { mountGradientCheck } from './gradcheck/mount.js';
import { mountCures } from './cures-hook.js';
import { onThemeChange } from './theme.js';

const $ = id => document.getElementById(id);

function showFatal(text) {
  const box = $('fatal');
  box.textContent = text;
  box.hidden = false;
  document.body.dataset.state = 'error';
}

let page = null;

function ready(client, info) {
  document.body.dataset.wasm = client.wasmBuild;
  page = new Page(client, info);
  mountGradientCheck(page);  // "Check gradients": its panel, worker and wasm module, fetched on the first press
  mountCures(page.tooltip);  // "Four cures at depth 50": its own bundle, loaded on first use
  let pendingFrame = 0;
  const redraw = () => {
    cancelAnimationFrame(pendingFrame);
    pendingFrame = requestAnimationFrame(() => page.draw());
  };
  // Only a new width needs a new drawing: a taller canvas (more layers) also resizes the page.
  let width = 0;
  new ResizeObserver(entries => {
    const w = Math.round(entries[entries.length - 1].contentRect.width);
    if (w !== width) { width = w; redraw(); }
  }).observe($('columns'));
  onThemeChange(redraw);
}

function start() {
  $('notice-dismiss').addEventListener('click', () => { $('notices').hidden = true; });
  // The main thread's checks, on the same compile as the workers. A failure is said at once (whether or
  // not a worker comes up to say it too) and leaves the page unstarted.
  const checks = startCoreChecks().catch(e => {
    showFatal(`The WebAssembly module failed to load: ${e && e.message || e}`);
    return null;
  });
  try {
    const client = new ComputeClient({
      ready: info => checks.then(core => {
        if (!core) return;
        try { ready(client, info); } catch (e) { showFatal(`The page failed to start: ${e.message}`); }
      }),
      result: msg => {
        try { page.received(msg); } catch (e) { showFatal(`Drawing failed: ${e.message}`); }
      },
      percentiles: msg => page && page.addPercentiles(msg),
      progress: (text, update) => page && page.progress(text, update),
      error: showFatal,
    });
  } catch (e) {
    showFatal(`Web Workers are needed to compute: ${e.message}`);
  }
}

window.addEventListener('error', e => showFatal(`Unexpected error: ${e.message}`));
window.addEventListener('unhandledrejection', e => showFatal(`Unexpected error: ${e.reason && e.reason.message || e.reason}`));
start();
