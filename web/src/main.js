// Page entry: wires the state table, the worker client and the views together. Holds no numbers of its
// own: every figure is redrawn from the latest worker result and the state.
import { ComputeClient } from './client.js';
import {
  COLUMNS, VIEW_FIELDS, stateTable, parseQuery, serializeQuery, columnConfig, checkValue,
} from './state.js';
import { Tooltip } from './views/tooltip.js';
import { HistogramGrid } from './views/histograms.js';
import { ProfileChart } from './views/profile.js';
import { StatsTable } from './views/table.js';
import { ColumnControls, irrelevantFields } from './views/controls.js';
import { exportButtons, canvasPng, svgPng } from './export.js';
import { layersToShow, fmt } from './format.js';
import { onThemeChange } from './theme.js';

const $ = id => document.getElementById(id);
const tooltip = new Tooltip();
const app = { schema: null, presets: null, table: null, state: null, result: null, views: null, controls: {} };

function showFatal(text) {
  const box = $('fatal');
  box.textContent = text;
  box.hidden = false;
  document.body.dataset.state = 'error';
}

function showNotices(notices) {
  const list = $('notice-list');
  for (const n of notices) {
    const li = document.createElement('li');
    li.textContent = n;
    list.appendChild(li);
  }
  $('notices').hidden = list.children.length === 0;
}

// Which preset a column's config equals (ignoring the shared seed), or null.
function matchingPreset(config) {
  for (const p of app.presets) {
    if (app.schema.every(s => s.name === 'seed' || p.config[s.name] === config[s.name])) return p.name;
  }
  return null;
}

function columnTitle(col) {
  const name = matchingPreset(app.state[col]);
  const p = app.presets.find(q => q.name === name);
  return p ? p.title : 'Custom settings';
}

// --- state changes ---------------------------------------------------------------------------

// Timings for bench/page-bench.mjs, one entry per request or redraw (the newest 50), on this page's
// performance.now() clock: input (the control fired), posted (the request went out; null for a redraw),
// received (its result arrived), drawn (every view updated), frame (the next animation frame began),
// painted (that frame was rendered); worker: the client's {start, sent, run, histograms, between}.
// Each completed entry is also sent as a 'layerscope-painted' event on window.
const timings = window.__layerscopeTimings = [];
let inputAt = null;

function newTiming(id) {
  const now = performance.now();
  const timing = { id, input: inputAt ?? now, posted: id === null ? null : now };
  inputAt = null;
  timings.push(timing);
  if (timings.length > 50) timings.shift();
  return timing;
}

let urlTimer = null;
// redrawOnly: a setting only the drawing uses (count axis, which layers): the last result is drawn
// again as it is, without asking the workers.
function commit(live = false, redrawOnly = false) {
  inputAt = performance.now();
  syncControls();
  clearTimeout(urlTimer);
  urlTimer = setTimeout(writeUrl, 150);
  if (!redrawOnly || !app.result) return compute(live);
  const timing = newTiming(null);
  drawResult();
  markDrawn(timing);
}

function writeUrl() {
  const q = serializeQuery(app.state, app.table);
  history.replaceState(null, '', q ? '?' + q : location.pathname);
}

function shareUrl(embed) {
  const state = { ...app.state, view: { ...app.state.view, embed } };
  const q = serializeQuery(state, app.table);
  return location.href.split(/[?#]/)[0] + (q ? '?' + q : '');
}

function compute(live = false) {
  const configs = {};
  for (const col of COLUMNS) configs[col] = columnConfig(app.state, col);
  const { tensor, bins, axis, binning } = app.state.view;
  newTiming(app.client.request(configs, { tensor, bins, axis, binning }, { percentiles: !live }));
  if (document.body.dataset.state !== 'error') document.body.dataset.state = 'computing';
}

// --- controls ---------------------------------------------------------------------------------

function viewSpec(name) {
  return name === 'seed' ? app.schema.find(s => s.name === 'seed') : VIEW_FIELDS.find(f => f.name === name);
}

function bindViewControls() {
  for (const name of ['tensor', 'bins', 'count', 'axis', 'binning', 'every', 'seed']) {
    const el = $(name);
    const spec = viewSpec(name);
    const handler = () => {
      const r = checkValue(name, spec, el.value);
      const err = $(`${name}-error`);
      if (!r.ok) {
        if (err) { err.textContent = r.message; err.hidden = false; }
        el.setAttribute('aria-invalid', 'true');
        return;
      }
      if (err) err.hidden = true;
      el.removeAttribute('aria-invalid');
      app.state.view[name] = r.value;
      commit(false, name === 'count' || name === 'every');
    };
    el.addEventListener(el.tagName === 'SELECT' ? 'change' : 'change', handler);
    if (el.tagName !== 'SELECT') el.addEventListener('keydown', e => { if (e.key === 'Enter') handler(); });
    el.title = spec.help || '';
  }
  $('new-seed').addEventListener('click', () => {
    app.state.view.seed = 1 + Math.floor(Math.random() * 1e9);
    commit();
  });
}

// Select boxes gain an option when the URL holds a valid value they do not list.
function setSelect(el, value) {
  const v = String(value);
  if (![...el.options].some(o => o.value === v)) el.add(new Option(v, v));
  el.value = v;
}

function syncControls() {
  const v = app.state.view;
  for (const name of ['tensor', 'count', 'axis', 'binning', 'every']) setSelect($(name), v[name]);
  for (const name of ['bins', 'seed']) if (document.activeElement !== $(name)) $(name).value = String(v[name]);
  for (const col of COLUMNS) {
    const config = app.state[col];
    app.controls[col].show(config, matchingPreset(config), irrelevantFields(config));
    $(`title-${col}`).textContent = columnTitle(col);
  }
  document.body.classList.toggle('embed', !!v.embed);
  syncScenarios();
}

// --- views ------------------------------------------------------------------------------------

const PROFILE_SPECS = [
  { id: 'output', title: 'Std of layer outputs h (forward)', log: true,
    kind: 'output', theoryKey: 'outputStd' },
  { id: 'grad_output', title: 'Std of dL/dh (backward)', log: true, kind: 'grad_output', theoryKey: 'gradOutputStd' },
  { id: 'grad_weight', title: 'Std of dL/dW (weight gradients)', log: true, kind: 'grad_weight', theoryKey: 'gradWeightStd' },
  { id: 'dead', title: 'Dead (exactly 0) and saturated activations', log: false, percent: true },
];

function profileChartSpec(p) {
  const std = kind => r => r.summaries[kind].map(s => (s && s.finite > 0 ? s.std : NaN));
  if (p.percent) {
    const frac = key => r => r.summaries.activation.map(s => (s ? s[key] : NaN));
    return {
      title: p.title, log: false, percent: true,
      series: COLUMNS.flatMap(c => [
        { column: c, key: 'dead', label: 'dead', values: frac('zeroFraction') },
        { column: c, key: 'saturated', label: 'saturated', dash: '1 3', values: frac('saturatedFraction') },
      ]),
    };
  }
  return {
    title: p.title, log: true,
    series: COLUMNS.map(c => ({ column: c, key: 'std', label: 'measured', values: std(p.kind) })),
    theory: COLUMNS.map(c => ({ column: c, key: 'theory', values: r => r.theory[p.theoryKey] })),
  };
}

function applyPreset(col, name) {
  const config = { ...app.presets.find(p => p.name === name).config };
  delete config.seed;  // the seed stays shared and unchanged
  app.state[col] = config;
}

function bindScenarios() {
  for (const button of document.querySelectorAll('.scenarios button')) {
    button.addEventListener('click', () => {
      applyPreset('a', button.dataset.a);
      applyPreset('b', button.dataset.b);
      commit();
    });
  }
}

function syncScenarios() {
  const a = matchingPreset(app.state.a), b = matchingPreset(app.state.b);
  for (const button of document.querySelectorAll('.scenarios button')) {
    button.setAttribute('aria-pressed', String(button.dataset.a === a && button.dataset.b === b));
  }
}

function buildViews() {
  const views = { hist: {}, tables: {}, profiles: [] };
  for (const col of COLUMNS) {
    app.controls[col] = new ColumnControls($(`controls-${col}`), col, app.schema, app.presets,
      (field, value, live) => { app.state[col][field] = value; commit(live); },
      name => { applyPreset(col, name); commit(); });
    const grid = new HistogramGrid($(`hist-${col}`), col, tooltip);
    views.hist[col] = grid;
    $(`hist-tools-${col}`).appendChild(exportButtons({
      get name() { return `layerscope-${col}-${app.state.view.tensor}-histograms`; },
      png: f => canvasPng(grid.canvas, f), csv: () => grid.csv(), json: () => grid.json(),
    }));
    views.tables[col] = new StatsTable($('tables'), col);
  }
  for (const p of PROFILE_SPECS) {
    const fig = document.createElement('figure');
    fig.className = 'profile-figure';
    fig.id = `profile-${p.id}`;
    const cap = document.createElement('figcaption');
    cap.textContent = p.title;
    fig.appendChild(cap);
    const holder = document.createElement('div');
    holder.className = 'profile-holder';
    fig.appendChild(holder);
    $('profile-grid').appendChild(fig);
    const chart = new ProfileChart(holder, profileChartSpec(p), tooltip);
    fig.appendChild(exportButtons({
      chrome: true,
      name: `layerscope-profile-${p.id}`,
      png: f => svgPng(chart.svg.node(), f), csv: () => chart.csv(), json: () => chart.json(),
    }));
    views.profiles.push(chart);
  }
  return views;
}

function drawResult() {
  const msg = app.result;
  if (!msg) return;
  const v = app.state.view;
  // Read every view's width first, then draw them all: one layout at most, not one per view.
  for (const col of COLUMNS) app.views.hist[col].measure();
  for (const chart of app.views.profiles) chart.measure();
  for (const col of COLUMNS) {
    const r = msg.columns[col];
    const errBox = $(`error-${col}`);
    if (r.ok) {
      errBox.hidden = true;
      const layers = layersToShow(r.histograms.map((h, l) => (h ? l : -1)).filter(l => l >= 0), v.every);
      app.views.hist[col].update({
        result: r, kind: msg.kind, layers, range: msg.range, axis: v.axis, binning: v.binning,
        symlogThreshold: msg.symlogThreshold, count: v.count,
      });
      app.views.tables[col].update(r, msg.kind);
      const all = r.histograms.filter(Boolean).length;
      const step = layers.length > 1 ? layers[1] - layers[0] : 1;
      const nth = step === 2 ? '2nd' : step === 3 ? '3rd' : `${step}th`;
      $(`subset-${col}`).textContent = layers.length < all
        ? `· showing every ${nth} of ${all} layers and the last (all are in the table)` : '';
      const last = r.summaries.output[r.depth];
      const lastStd = last && last.finite > 0 ? last.std : NaN;
      const bad = last ? last.nan + last.inf : 0;
      $(`summary-${col}`).textContent = `${r.depth} layers · last layer output std ` +
        (Number.isFinite(lastStd) ? fmt(lastStd) : 'undefined') + (bad ? ` (${bad} NaN/Inf values)` : '') +
        ` · loss ${fmt(r.loss)}`;
      $(`summary-${col}`).dataset.lastOutputStd = String(lastStd);
    } else {
      app.views.hist[col].reset();
      app.views.tables[col].reset();
      errBox.textContent = `Column ${col.toUpperCase()} cannot run: ${r.error.message}`;
      errBox.hidden = false;
      if (r.error.field) app.controls[col].fieldError(r.error.field, r.error.message);
      $(`summary-${col}`).textContent = '';
    }
  }
  for (const chart of app.views.profiles) chart.update(msg.columns);
  $('timing').textContent = `computed in ${Math.round(msg.ms)} ms`;
  $('timing').title = `WebAssembly build: ${WASM_BUILD_NAMES[app.client.wasmBuild]}`;
  document.body.dataset.wasm = app.client.wasmBuild;
  document.body.dataset.resultKind = msg.kind;
}

// Percentiles (a sort per tensor) are asked for only when something shows them: the table when it is
// open (after the figures are painted), the histogram readout when the pointer or focus reaches it.
const tablesOpen = () => $('tables').closest('details').open;
function askPercentiles() {
  if (app.result) app.client.askPercentiles(app.result.id);
}

function addPercentiles(msg) {
  const result = app.result;
  if (!result || result.id !== msg.id) return;
  for (const [col, values] of Object.entries(msg.columns)) {
    const r = result.columns[col];
    if (!r || !r.ok) continue;
    r.summaries[msg.kind].forEach((s, l) => { if (s && values[l]) s.percentiles = values[l]; });
    if (msg.kind === result.kind) {
      app.views.tables[col].update(r, msg.kind);
      app.views.hist[col].refreshHover();
    }
  }
}

function setProgress(text, update) {
  const box = $('progress');
  if (text) {
    box.hidden = false;
    $('progress-text').textContent = text;
  } else if (update) {
    $('progress-text').textContent = update;
  } else {
    box.hidden = true;
  }
}

function markDrawn(timing) {
  timing.drawn = performance.now();
  // rAF runs just before the frame's style, layout and paint; a task posted from it runs after them.
  // Then (not before: they would compete for the cores) the workers sort for the percentiles, if the
  // table that shows them is open.
  requestAnimationFrame(() => {
    timing.frame = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      timing.painted = performance.now();
      if (timing.id != null && tablesOpen()) app.client.askPercentiles(timing.id);
      window.dispatchEvent(new CustomEvent('layerscope-painted', { detail: timing }));
    };
    channel.port2.postMessage(null);
  });
}

// --- share and embed -------------------------------------------------------------------------

async function copyText(text, status) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'Link copied.';
  } catch {
    status.textContent = 'Copy the link from the box below.';
  }
}

function bindShare() {
  const status = $('share-status');
  $('copy-link').addEventListener('click', () => {
    const url = shareUrl(false);
    $('share-box').hidden = false;
    $('share-field').value = url;
    $('share-label').textContent = 'Link to this view';
    copyText(url, status);
  });
  $('embed-button').addEventListener('click', () => {
    const src = shareUrl(true).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    const snippet = `<iframe src="${src}" width="100%" height="720" loading="lazy" ` +
      'title="Layerscope: vanishing activations and batch norm" frameborder="0"></iframe>';
    $('share-box').hidden = false;
    $('share-field').value = snippet;
    $('share-label').textContent = 'Embed code (paste into your page)';
    $('share-field').select();
    copyText(snippet, status);
  });
  $('open-full').addEventListener('click', e => {
    e.preventDefault();
    window.open(shareUrl(false), '_blank', 'noopener');
  });
}

// --- start ------------------------------------------------------------------------------------

const WASM_BUILD_NAMES = {
  'relaxed-simd': 'relaxed SIMD (fused multiply-add in the matrix products)',
  simd128: 'SIMD128',
};

function ready(info) {
  document.body.dataset.wasm = app.client.wasmBuild;
  app.schema = info.schema;
  app.presets = info.presets;
  app.table = stateTable(app.schema, app.presets);
  const { state, notices } = parseQuery(location.search, app.table);
  app.state = state;
  showNotices(notices);
  app.views = buildViews();
  // On a phone the settings start folded so the figures come first.
  if (window.innerWidth < 700) for (const d of document.querySelectorAll('details.controls')) d.open = false;
  bindViewControls();
  bindScenarios();
  $('tables').closest('details').addEventListener('toggle', () => { if (tablesOpen()) askPercentiles(); });
  for (const col of COLUMNS) {
    for (const type of ['mouseenter', 'focus']) app.views.hist[col].canvas.addEventListener(type, askPercentiles);
  }
  syncControls();
  compute();
  let pendingFrame = 0;
  const redraw = () => {
    cancelAnimationFrame(pendingFrame);
    pendingFrame = requestAnimationFrame(drawResult);
  };
  // Only a new width needs a new drawing: a taller canvas (more layers) also resizes #columns.
  let columnsWidth = 0;
  new ResizeObserver(entries => {
    const w = Math.round(entries[entries.length - 1].contentRect.width);
    if (w !== columnsWidth) { columnsWidth = w; redraw(); }
  }).observe($('columns'));
  onThemeChange(redraw);
}

function start() {
  $('notice-dismiss').addEventListener('click', () => { $('notices').hidden = true; });
  bindShare();
  try {
    app.client = new ComputeClient({
      ready: info => {
        try { ready(info); } catch (e) { showFatal(`The page failed to start: ${e.message}`); }
      },
      result: msg => {
        app.result = msg;
        const timing = timings.find(t => t.id === msg.id) || { id: msg.id };
        timing.received = performance.now();
        timing.worker = msg.timing;
        try {
          drawResult();
          markDrawn(timing);
          // For scripts and tests: 'computing' while a request is out, 'ready' once its result is drawn.
          if (document.body.dataset.state !== 'error') document.body.dataset.state = 'ready';
        } catch (e) { showFatal(`Drawing failed: ${e.message}`); }
      },
      percentiles: addPercentiles,
      progress: setProgress,
      error: showFatal,
    });
  } catch (e) {
    showFatal(`Web Workers are needed to compute: ${e.message}`);
  }
}

window.addEventListener('error', e => showFatal(`Unexpected error: ${e.message}`));
window.addEventListener('unhandledrejection', e => showFatal(`Unexpected error: ${e.reason && e.reason.message || e.reason}`));
start();
