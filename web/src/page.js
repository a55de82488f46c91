// The page controller: the state (one table, state.js), the requests to the workers, and which view
// draws what. Every figure is redrawn from the latest worker result and the state; the columns' own
// parts live in column.js, sharing in share.js, the pair buttons in scenarios.js, the bench's timings in
// timings.js.
import { COLUMNS, stateTable, parseQuery, columnConfig, checkValue, fillTensorSelect } from './state.js';
import { inRowWords } from './setting-words.js';
import { sharedTooltip } from './views/tooltip.js';
import { Scenarios, differingFields } from './scenarios.js';
import { Share } from './share.js';
import { markInput, newTiming, timingFor, markDrawn } from './timings.js';
import { FigureExports } from './figure-export.js';
import { Progress } from './progress.js';
import { settingsLine } from './format.js';
import { RunSteps } from './run-steps.js';
import { PageViews } from './page-views.js';
import { setText, setValue } from './views/dom.js';

export { differingFields };  // where it was before scenarios.js

const $ = id => document.getElementById(id);

export class Page {
  constructor(client, info) {
    this.client = client;
    this.schema = info.schema;
    this.presets = info.presets;
    this.table = stateTable(this.schema, this.presets);
    const { state, notices } = parseQuery(location.search, this.table, { words: inRowWords });
    this.state = state;
    this.result = null;        // the latest result drawn
    this.shownState = null;    // the state that result was computed for
    this.requests = new Map(); // request id -> the state it was made for
    this.tooltip = sharedTooltip();
    this.share = new Share(this);
    this.exports = new FigureExports(this);
    this.progressView = new Progress(() => this.cancel());
    // A trained run of this pair: the step every figure shows (null: this view's own run).
    this.steps = new RunSteps($('run-steps'), { pairKey: () => JSON.stringify([this.state.a, this.state.b, this.state.view.seed]),
      moved: () => this.compute() });
    showNotices(notices);
    fillTensorSelect($('tensor'));
    this.views = new PageViews(this);
    this.bindViewControls();
    this.scenarios = new Scenarios(this);
    // Settings start folded (the figures come first); the view options too on a narrow screen.
    if (window.innerWidth >= 700) $('view-more').open = true;
    $('tables').closest('details').addEventListener('toggle', () => { if (this.tablesOpen()) this.askPercentiles(); });
    this.bandsInView = false;
    new IntersectionObserver(entries => {
      this.bandsInView = entries[entries.length - 1].isIntersecting;
      if (this.bandsInView) this.askPercentiles();
    }).observe($('profile-bands'));
    for (const grid of this.allGrids()) {
      for (const type of ['mouseenter', 'focus', 'pointerdown']) grid.canvas.addEventListener(type, () => this.askPercentiles());
    }
    this.syncControls();
    this.compute();
  }

  // --- state changes -------------------------------------------------------------------------

  // redrawOnly: a setting only the drawing uses (count axis, which layers, layout): the last result is
  // drawn again as it is, without asking the workers.
  commit(live = false, redrawOnly = false) {
    markInput();
    this.share.scheduleWrite();
    if (!redrawOnly || !this.result) {
      // The request goes out first: the workers run while the controls are brought in line here.
      this.compute(live);
      this.syncControls();
      return;
    }
    this.syncControls();
    const timing = newTiming(null);
    this.draw();
    markDrawn(timing);
  }

  compute(live = false) {
    const step = this.steps.step;
    if (step !== null) return this.computeStep(step);
    this.steps.shown = null;
    const configs = {};
    for (const col of COLUMNS) configs[col] = columnConfig(this.state, col);
    const { tensor, bins, axis, binning } = this.state.view;
    const id = this.client.request(configs, { tensor, bins, axis, binning }, { percentiles: !live });
    this.requests.set(id, structuredClone(this.state));
    for (const old of this.requests.keys()) if (old < id - 8) this.requests.delete(old);
    this.pending = { id, start: performance.now(), configs };
    newTiming(id);
    if (document.body.dataset.state !== 'error') document.body.dataset.state = 'computing';
  }

  // The chosen step of the trained run, redrawn from what the run kept (a display change never ends it).
  computeStep(step) {
    const { tensor, bins, axis, binning } = this.state.view;
    this.steps.shown = step;
    const timing = newTiming(`step ${step} ${performance.now()}`);
    if (document.body.dataset.state !== 'error') document.body.dataset.state = 'computing';
    this.steps.request(step, { tensor, bins, axis, binning }).then(result => {
      if (!result || this.steps.shown !== step) return;
      this.requests.set(timing.id, structuredClone(this.state));
      this.received({ ...result, id: timing.id });
    });
  }

  // A worker result arrived (the newest request's: the client drops the others).
  received(msg) {
    if ((msg.step ?? null) !== this.steps.shown) return;  // a step (or the init run) no longer chosen
    this.result = msg;
    this.shownState = this.requests.get(msg.id) || structuredClone(this.state);
    if (msg.step === null) this.progressView.learn(msg, this.requests.get(msg.id));
    const timing = timingFor(msg.id);
    timing.received = performance.now();
    timing.worker = msg.timing;
    this.draw();
    this.pending = null;
    this.progressView.hide();
    markDrawn(timing, t => {
      // Then (not before: they would compete for the cores) the workers sort for the percentiles, if
      // something on screen shows them: the bands or the open table (the readouts ask for themselves).
      if (t.id != null && (this.tablesOpen() || this.bandsInView)) this.client.askPercentiles(t.id);
    });
    // For scripts and tests: 'computing' while a request is out, 'ready' once its result is drawn.
    if (document.body.dataset.state !== 'error') document.body.dataset.state = 'ready';
  }

  // --- controls ------------------------------------------------------------------------------

  // Every view setting of the state table that has a control of its name on the page.
  viewRows() {
    return this.table.filter(r => r.scope === 'view' && $(r.key));
  }

  bindViewControls() {
    for (const row of this.viewRows()) {
      const el = $(row.key);
      const handler = () => {
        const r = checkValue(row.key, row.spec, el.value);
        const err = $(`${row.key}-error`);
        if (!r.ok) {
          if (err) { err.textContent = inRowWords(r.message, row); err.hidden = false; }
          el.setAttribute('aria-invalid', 'true');
          return;
        }
        if (err) err.hidden = true;
        el.removeAttribute('aria-invalid');
        this.state.view[row.field] = r.value;
        this.commit(false, !!row.spec.redraw);
      };
      el.addEventListener('change', handler);
      if (el.tagName !== 'SELECT') el.addEventListener('keydown', e => { if (e.key === 'Enter') handler(); });
      el.title = row.spec.help || '';
    }
    $('new-seed').addEventListener('click', () => {
      this.state.view.seed = 1 + Math.floor(Math.random() * 1e9);
      this.commit();
    });
  }

  syncControls() {
    const v = this.state.view;
    for (const row of this.viewRows()) {
      const el = $(row.key);
      if (el.tagName === 'SELECT') setSelect(el, v[row.field]);
      else if (document.activeElement !== el) setValue(el, String(v[row.field]));
    }
    for (const col of COLUMNS) {
      const other = col === 'a' ? 'b' : 'a';
      const config = this.state[col];
      this.columns[col].showSettings(config, this.matchingPreset(config), this.columnTitle(col),
        differingFields(config, this.state[other]));
    }
    setText($('overview-title-a'), this.columnTitle('a'));
    setText($('overview-title-b'), this.columnTitle('b'));
    document.body.classList.toggle('embed', v.embed === true);  // a figure's embed (a name) is the training view's
    this.steps.sync();
    document.body.classList.toggle('overlay', v.layout === 'overlay');
    this.scenarios.sync();
  }

  // A title that means something to a reader: the preset's, or the nearest preset's with what differs,
  // or the settings themselves.
  columnTitle(col) {
    const config = this.state[col];
    let best = null;
    for (const p of this.presets) {
      const diff = differingFields(config, p.config);
      if (!best || diff.length < best.diff.length) best = { p, diff };
    }
    if (best && best.diff.length === 0) return best.p.title;
    if (best && best.diff.length <= 2) {
      return `${best.p.title}, with ` + best.diff.map(f => `${f.replace('_', ' ')} ${config[f]}`).join(', ');
    }
    return settingsLine(config);
  }

  // The pair buttons (scenarios.js).
  matchingPreset(config) { return this.scenarios.matching(config); }
  applyPreset(col, name) { this.scenarios.apply(col, name); }

  embedTitle() {
    return `Layerscope: A (${this.columnTitle('a')}) against B (${this.columnTitle('b')})`;
  }

  // --- views (page-views.js) ----------------------------------------------------------------

  get columns() { return this.views.columns; }
  allGrids() { return this.views.allGrids(); }
  draw() { if (this.result) this.views.draw(this.result); }

  // Percentiles (a sort per tensor) once something shows them; askPercentiles ignores repeated asks.
  tablesOpen() {
    return $('tables').closest('details').open;
  }

  askPercentiles() {
    if (this.result) this.client.askPercentiles(this.result.id);
  }

  addPercentiles(msg) {
    const result = this.result;
    if (!result || result.id !== msg.id) return;
    for (const [col, values] of Object.entries(msg.columns)) {
      const r = result.columns[col];
      if (!r || !r.ok) continue;
      r.summaries[msg.kind].forEach((s, l) => { if (s && values[l]) s.percentiles = values[l]; });
      this.views.percentilesArrived(result, col, msg.kind);
    }
    this.views.bandsChanged(result);
  }


  // --- progress and cancel -------------------------------------------------------------------

  // The client's progress reports: a request out for over 200 ms (text), its updates, its end (null).
  progress(text, update) {
    if (!text && !update) return this.progressView.hide();
    return this.progressView.show(text, update, () => this.pending, () => this.shownState);
  }

  // Back to the settings of the figures on screen (which then are current again). The client stops the
  // run in flight (client.js cancel: its worker is replaced, or told to drop it while it holds training),
  // so its result never arrives.
  cancel() {
    if (!this.pending || !this.shownState) return;
    const back = structuredClone(this.shownState);
    for (const col of COLUMNS) this.state[col] = back[col];
    for (const key of ['seed', 'tensor', 'bins', 'axis', 'binning']) this.state.view[key] = back.view[key];
    this.syncControls();
    this.share.scheduleWrite();
    this.client.cancel();
    this.compute();
    this.pending.revert = true;
    this.progressView.hide();
  }
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

// Select boxes gain an option when the URL holds a valid value they do not list.
function setSelect(el, value) {
  const v = String(value);
  if (![...el.options].some(o => o.value === v)) el.add(new Option(v, v));
  setValue(el, v);
}
