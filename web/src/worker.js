// The compute worker: owns the wasm module and the two runs, answers the page's requests.
//
// Protocol (page -> worker):
//   {type:'compute', id, configs:{a, b}, view:{tensor, bins, axis, binning}, percentiles: bool}
// (worker -> page):
//   {type:'ready', schema, presets, tensorKinds, defaultConfig}
//   {type:'progress', id, message}
//   {type:'result', id, ms, range, symlogThreshold, columns:{a, b}, timing}   column: {ok, ...} or {ok:false, error}
//   timing: {start, sent} (ms since the epoch, to compare with the page's clock), run, histograms (ms)
//   {type:'fatal', message}
// Only the newest compute request is served: older ones still queued are dropped, and a run in progress
// gives way between the two columns when a newer request has arrived.
import { loadLayerscope } from './layerscope.js';

let ls = null;
const runs = { a: null, b: null };
const runKeys = { a: '', b: '' };
const runHasPercentiles = { a: false, b: false };
let pending = null;
let busy = false;

const sleep0 = () => new Promise(resolve => setTimeout(resolve, 0));
const epochNow = () => performance.timeOrigin + performance.now();

function errorInfo(e) {
  return { field: (e && e.field) || null, message: String((e && e.message) || e) };
}

async function serve() {
  if (busy || !ls) return;
  busy = true;
  try {
    while (pending) {
      const request = pending;
      pending = null;
      await compute(request);
    }
  } finally {
    busy = false;
  }
}

function finiteRange(summaries) {
  let lo = Infinity, hi = -Infinity;
  for (const s of summaries || []) {
    if (!s) continue;
    if (Number.isFinite(s.min)) lo = Math.min(lo, s.min);
    if (Number.isFinite(s.max)) hi = Math.max(hi, s.max);
  }
  return [lo, hi];
}

// A symlog threshold small enough to resolve the smallest layer's spread (a tenth of its std), but at
// most 30 decades below the largest magnitude so the bins are not spread over empty decades.
function symlogThresholdFor(columns, kind, lo, hi) {
  const top = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  let smallest = top;
  for (const c of columns) {
    for (const s of (c && c.summaries[kind]) || []) {
      if (s && s.std > 0 && Number.isFinite(s.std)) smallest = Math.min(smallest, s.std);
    }
  }
  return Math.max(smallest * 0.1, top * 1e-30);
}

async function compute(request) {
  const t0 = performance.now();
  const timing = { start: epochNow(), run: 0, histograms: 0, sent: 0 };
  const { id, configs, view } = request;
  const out = {};
  for (const col of ['a', 'b']) {
    const key = JSON.stringify(configs[col]);
    // Percentiles cost a sort per tensor: live slider drags ask without them, the release asks again.
    const wantPercentiles = request.percentiles !== false;
    if (key !== runKeys[col] || !runs[col] || (wantPercentiles && !runHasPercentiles[col])) {
      self.postMessage({ type: 'progress', id, message: `running column ${col.toUpperCase()}…` });
      await sleep0();
      if (pending) return;  // a newer request arrived: drop this one
      if (runs[col]) runs[col].free();
      runs[col] = null;
      runKeys[col] = '';
      try {
        const tRun = performance.now();
        runs[col] = ls.createRun(configs[col], { percentiles: wantPercentiles });
        timing.run += performance.now() - tRun;
        runKeys[col] = key;
        runHasPercentiles[col] = wantPercentiles;
      } catch (e) {
        out[col] = { ok: false, error: errorInfo(e) };
        continue;
      }
    }
    const run = runs[col];
    out[col] = {
      ok: true,
      config: run.config,
      loss: run.loss,
      depth: run.depth,
      summaries: run.summaries,
      theory: run.theory,
    };
  }
  if (pending) return;

  // One x range over every layer of both columns, so the columns are drawn on the same axis.
  const kind = view.tensor;
  const live = ['a', 'b'].filter(c => out[c].ok);
  let [lo, hi] = [Infinity, -Infinity];
  for (const c of live) {
    const [l, h] = finiteRange(out[c].summaries[kind]);
    lo = Math.min(lo, l);
    hi = Math.max(hi, h);
  }
  if (!(lo <= hi)) [lo, hi] = [-1, 1];
  if (lo === hi) { const d = Math.abs(lo) * 1e-3 || 1e-30; lo -= d; hi += d; }
  const symlogThreshold = symlogThresholdFor(live.map(c => out[c]), kind, lo, hi);
  const tHist = performance.now();
  for (const c of live) {
    try {
      out[c].histograms = runs[c].histograms(kind, {
        bins: view.bins,
        range: view.axis === 'own' ? 'own' : [lo, hi],
        binning: view.binning,
        symlogThreshold,
      });
    } catch (e) {
      out[c] = { ok: false, error: errorInfo(e) };
    }
  }
  timing.histograms = performance.now() - tHist;
  timing.sent = epochNow();
  self.postMessage({ type: 'result', id, ms: performance.now() - t0, kind, range: [lo, hi], symlogThreshold, columns: out, timing });
}

self.onmessage = event => {
  const msg = event.data;
  if (msg && msg.type === 'compute') {
    pending = msg;
    serve().catch(e => self.postMessage({ type: 'fatal', message: errorInfo(e).message }));
  }
};

loadLayerscope().then(module => {
  ls = module;
  self.postMessage({
    type: 'ready',
    schema: ls.schema,
    presets: ls.presets,
    tensorKinds: ls.tensorKinds,
    defaultConfig: ls.defaultConfig(),
  });
  serve();
}, e => self.postMessage({ type: 'fatal', message: 'The WebAssembly module failed to load: ' + errorInfo(e).message }));
