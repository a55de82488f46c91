// The compute worker: owns the wasm module and the two runs, answers the page's requests.
//
// Protocol (page -> worker):
//   {type:'compute', id, configs:{a, b}, view:{tensor, bins, axis, binning}, percentiles: bool}
// (worker -> page):
//   {type:'ready', schema, presets, tensorKinds, defaultConfig}
//   {type:'progress', id, message}
//   {type:'result', id, ms, range, symlogThreshold, columns:{a, b}, timing}   column: {ok, ...} or {ok:false, error}
//   timing: {start, sent} (ms since the epoch, to compare with the page's clock), run, histograms (ms)
//   {type:'percentiles', id, kind, columns:{a?, b?}}   per layer {p5, p15, p50, p85, p95} or null, after a
//                                                      result when the request wanted percentiles
//   {type:'fatal', message}
// Only the newest compute request is served: older ones still queued are dropped, and a run in progress
// gives way between the two columns when a newer request has arrived.
import { loadLayerscope } from './layerscope.js';

let ls = null;
// Per column: the run of the last config (or the error it gave), and the histograms last binned from it.
const runs = { a: null, b: null };
const runKeys = { a: '', b: '' };
const runErrors = { a: null, b: null };
const histCache = { a: { key: '', value: null }, b: { key: '', value: null } };
let pending = null;
let busy = false;

const sleep0 = () => new Promise(resolve => setTimeout(resolve, 0));
// A yield that lets a newer request in without setTimeout's 4 ms clamp on nested timers.
const yieldTask = () => new Promise(resolve => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});
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
    // A run is kept while its column's config is unchanged: a change to A leaves B's run (and often its
    // histograms) as they are. Percentiles are never computed here but after the result is out.
    if (key !== runKeys[col]) {
      self.postMessage({ type: 'progress', id, message: `running column ${col.toUpperCase()}…` });
      await sleep0();
      if (pending) return;  // a newer request arrived: drop this one
      if (runs[col]) runs[col].free();
      runs[col] = null;
      runErrors[col] = null;
      histCache[col] = { key: '', value: null };
      runKeys[col] = key;
      try {
        const tRun = performance.now();
        runs[col] = ls.createRun(configs[col], { percentiles: false });
        timing.run += performance.now() - tRun;
      } catch (e) {
        runErrors[col] = errorInfo(e);
      }
    }
    if (runErrors[col]) {
      out[col] = { ok: false, error: runErrors[col] };
      continue;
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
    const spec = {
      bins: view.bins,
      range: view.axis === 'own' ? 'own' : [lo, hi],
      binning: view.binning,
      symlogThreshold,
    };
    // Same run, tensor and binning: the counts would come out the same, so they are not binned again.
    const key = JSON.stringify([kind, spec.bins, spec.range, spec.binning, spec.binning === 'symlog' ? symlogThreshold : 0]);
    try {
      if (histCache[c].key !== key) histCache[c] = { key, value: runs[c].histograms(kind, spec) };
      out[c].histograms = histCache[c].value;
    } catch (e) {
      histCache[c] = { key: '', value: null };
      out[c] = { ok: false, error: errorInfo(e) };
    }
  }
  timing.histograms = performance.now() - tHist;
  timing.sent = epochNow();
  self.postMessage({ type: 'result', id, ms: performance.now() - t0, kind, range: [lo, hi], symlogThreshold, columns: out, timing });
  if (request.percentiles !== false) await percentilesAfter(id, kind, live);
}

// Exact percentiles (a sort per tensor) for the table and the hover readout, computed once the figures
// are out, one layer at a time so that a newer request waits at most one layer's sort. They are kept
// in the run's summaries, so later results carry them; a 'percentiles' message brings them to the page.
async function percentilesAfter(id, kind, columns) {
  const found = {};
  for (const col of columns) {
    const run = runs[col];
    const layers = run.summaries[kind];
    for (let l = 0; l < layers.length; l++) {
      if (!layers[l] || layers[l].percentiles) continue;
      await yieldTask();
      if (pending || runs[col] !== run) return;
      try { layers[l].percentiles = run.percentiles(kind, l); } catch { return; }
    }
    found[col] = layers.map(s => (s ? s.percentiles : null));
  }
  self.postMessage({ type: 'percentiles', id, kind, columns: found });
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
