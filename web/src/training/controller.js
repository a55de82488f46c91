// The training view's controller: settings (URL), the two column workers, the data download, the report
// stores, and one throttled redraw of every view. It holds no drawing code: each view owns its element.
//
// Flow: Play -> (first time) compile the .wasm, start two workers, fetch the data once and hand each
// worker its copy -> start both sessions with the same config keys and seed (same weights where the
// shapes agree, the same batches: the core's BatchSampler is seeded by the config's seed) -> each worker
// posts step 0 and then a report every log_every steps -> the stores keep them, the views redraw at most
// REDRAWS_PER_SECOND times a second, from a requestAnimationFrame callback.
import { chooseWasmBuild, compiledModule } from '../client.js';
import { downloadText } from '../export.js';
import { onThemeChange } from '../theme.js';
import {
  TRAINING_FIELDS, TENSORS, PAIRS, checkSetting, presetSetting, parseTrainingQuery, writeTrainingQuery, columnConfigs, settingsLine,
} from './settings.js';
import { fetchDataset } from './data.js';
import { ColumnClient } from './column-client.js';
import { ReportStore, CAPACITY } from './snapshots.js';
import { LineChart } from './line-chart.js';
import { DistributionView, panelLayers } from './distribution-view.js';
import { StepHistograms } from './step-histograms.js';
import { StepTable } from './step-table.js';
import { downloadFigurePng } from './export-figure.js';
import { figure1Caption } from './figure1.js';
import { inControlWords, showNotices } from './messages.js';

const REDRAWS_PER_SECOND = 10;
const COLUMNS = ['a', 'b'];
const $ = id => document.getElementById(id);
// The settings typed as text (numbers): their inputs share one reading and one placeholder rule.
const typedFields = () => TRAINING_FIELDS.filter(f => f.type === 'integer' || f.type === 'real').map(f => f.name);

export class TrainingController {
  constructor(root) {
    this.root = root;
    const parsed = parseTrainingQuery(location.search, inControlWords);
    this.settings = parsed.settings;
    this.view = parsed.view;
    this.embed = parsed.embed;
    this.stores = { a: new ReportStore(), b: new ReportStore() };
    this.configs = { a: null, b: null };
    this.clients = null;
    this.dataPromise = null;
    this.playing = false;
    this.runStarted = false;
    this.scrubIndex = null;   // null: follow the newest report
    this.clock = { ms: 0, since: null };  // wall time spent playing (the Figure 1 caption's run time)
    this.drawPending = false;
    this.lastDraw = 0;
    showNotices($('t-notices'), parsed.notices);
    this.buildViews();
    this.bindControls();
    this.syncControls();
    this.applyView();
    onThemeChange(() => this.requestDraw());
    // Only a new width needs a new drawing (the drawing itself changes the height).
    let width = 0;
    new ResizeObserver(entries => {
      const w = Math.round(entries.at(-1).contentRect.width);
      if (w !== width) { width = w; this.requestDraw(); }
    }).observe(root);
    this.watchOnScreen();
    window.__layerscopeTraining = this;  // for tests and the benchmark: read-only use
  }

  // --- views --------------------------------------------------------------------------------

  buildViews() {
    const chart = (id, spec) => new LineChart($(id), spec);
    const small = this.embed === 'fig1';  // the panel alone fits a 700 x 500 frame
    const v = this.views = {
      loss: chart('t-loss', { title: 'Training loss', xLabel: 'training step', yLabel: 'cross-entropy loss' }),
      acc: chart('t-acc', { title: 'Test accuracy', xLabel: 'training step', yLabel: 'test accuracy', percent: true, yDomain: [0, 1] }),
      bands: chart('t-bands', { title: 'Pre-activation percentiles', xLabel: 'training step', yLabel: 'pre-activation value' }),
      profile: chart('t-profile', {
        title: 'Depth profile', xLabel: 'layer', xName: 'layer', yLabel: 'standard deviation (log scale)', logY: true,
        integerX: true,
      }),
      fig1a: chart('t-fig1-a', { title: 'Test accuracy', xLabel: 'training step', yLabel: 'test accuracy', percent: true, yDomain: [0, 1], height: small ? 140 : 200 }),
      fig1b: chart('t-fig1-b', { title: 'Without batch norm', xLabel: 'training step', yLabel: 'sigmoid input', height: small ? 130 : 190 }),
      fig1c: chart('t-fig1-c', { title: 'With batch norm', xLabel: 'training step', yLabel: 'sigmoid input', height: small ? 130 : 190 }),
      hist: {}, dist: {}, ratio: {},
      table: new StepTable($('t-table')),
    };
    for (const col of COLUMNS) {
      v.hist[col] = new StepHistograms($(`t-hist-${col}`), col);
      v.dist[col] = new DistributionView($(`t-dist-${col}`), col);
      v.ratio[col] = chart(`t-ratio-${col}`, {
        title: `Update-to-data ratio, column ${col.toUpperCase()}`, xLabel: 'training step',
        yLabel: 'log10(||update of W|| / ||W||)', refLines: [{ y: -3, label: '-3: the usual reference' }],
      });
    }
    const exportsOf = [
      ['t-loss', v.loss, 'training-loss'], ['t-acc', v.acc, 'test-accuracy'], ['t-bands', v.bands, 'percentile-bands'],
      ['t-profile', v.profile, 'depth-profile'], ['t-fig1-a', v.fig1a, 'fig1a-test-accuracy'],
      ['t-fig1-b', v.fig1b, 'fig1b-without-bn'], ['t-fig1-c', v.fig1c, 'fig1c-with-bn'],
      ...COLUMNS.flatMap(c => [[`t-hist-${c}`, v.hist[c], `histograms-${c}`], [`t-dist-${c}`, v.dist[c], `distribution-${c}`],
        [`t-ratio-${c}`, v.ratio[c], `update-ratio-${c}`]]),
    ];
    for (const [id, view, name] of exportsOf) $(id).appendChild(this.exportButtons(view, name, $(id).querySelector('figcaption').textContent));
  }

  drawnViews() {
    const v = this.views;
    return [v.loss, v.acc, v.bands, v.profile, v.fig1a, v.fig1b, v.fig1c,
      ...COLUMNS.flatMap(c => [v.ratio[c], v.hist[c], v.dist[c]])];
  }

  // Which views' elements are on screen (or within 300 px of it); one coming in is drawn at once.
  watchOnScreen() {
    this.onScreen = new Set();
    const observer = new IntersectionObserver(entries => {
      let arrived = false;
      for (const e of entries) {
        if (e.isIntersecting) { arrived ||= !this.onScreen.has(e.target); this.onScreen.add(e.target); }
        else this.onScreen.delete(e.target);
      }
      if (arrived) this.requestDraw(true);
    }, { rootMargin: '300px 0px' });
    for (const view of this.drawnViews()) observer.observe(view.element);
    $('t-table').closest('details').addEventListener('toggle', () => this.requestDraw(true));
  }

  exportButtons(view, name, title) {
    const div = document.createElement('div');
    div.className = 't-export chrome';
    const file = ext => `layerscope-training-${name}.${ext}`;
    const add = (label, what, action) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.title = what;
      b.setAttribute('aria-label', `${what}: ${title}`);
      b.addEventListener('click', action);
      div.appendChild(b);
    };
    add('PNG', 'Download image (2x, light background)', () =>
      downloadFigurePng(view, { title: `Layerscope · ${title}`, settings: settingsLine(this.configs) }, file('png')));
    if (view.csv) add('CSV', 'Download numbers as CSV', () => downloadText(view.csv(), file('csv'), 'text/csv'));
    const json = view.json ? () => view.json() : () => ({ figure: title, columns: this.runJson().columns });
    add('JSON', 'Download numbers as JSON', () =>
      downloadText(JSON.stringify({ settings: settingsLine(this.configs), ...json() }, null, 1), file('json'), 'application/json'));
    return div;
  }

  // --- settings and URL ----------------------------------------------------------------------

  writeUrl() {
    const q = writeTrainingQuery(location.search, this.settings, this.view, this.embed);
    history.replaceState(null, '', q ? '?' + q : location.pathname);
  }

  // Placeholders show the preset's value of a field left empty: the running config's, or the core's preset.
  presetValue(name) {
    const c = this.configs.b;
    if (c && c[name] !== undefined) return c[name];
    return presetSetting(this.settings.preset, name);
  }

  syncControls() {
    const s = this.settings;
    $('t.preset').value = s.preset;
    $('t.optimizer').value = s.optimizer ?? '';
    for (const name of typedFields()) {
      const el = $(`t.${name}`);
      if (document.activeElement !== el) el.value = s[name] === null ? '' : String(s[name]);
      el.placeholder = String(this.presetValue(name) ?? '');
    }
    $('t.tensor').value = s.tensor;
    $('t.dist').value = s.dist;
    $('t.logx').checked = s.logx;
    const steps = s.steps ?? presetSetting('fig1', 'steps');
    $('t-fig1').textContent = `Batch-norm paper, Figure 1: train both to ${steps.toLocaleString('en')} steps`;
  }

  bindControls() {
    const fieldError = $('t-field-error');
    const setField = (name, raw, restart) => {
      const spec = TRAINING_FIELDS.find(f => f.name === name);
      const el = $(spec.key);
      if (String(raw).trim() === '' && spec.default === null) {
        this.settings[name] = null;
      } else {
        const r = checkSetting(spec, raw);
        if (!r.ok) {
          fieldError.textContent = inControlWords(r.message, spec.key);
          fieldError.hidden = false;
          el.setAttribute('aria-invalid', 'true');
          return;
        }
        this.settings[name] = r.value;
      }
      fieldError.hidden = true;
      el.removeAttribute('aria-invalid');
      this.writeUrl();
      this.syncControls();
      if (restart) this.settingsChanged();
      else this.requestDraw(true);
    };
    $('t.preset').addEventListener('change', e => setField('preset', e.target.value, true));
    $('t.optimizer').addEventListener('change', e => setField('optimizer', e.target.value, true));
    for (const name of typedFields()) {
      const el = $(`t.${name}`);
      el.addEventListener('change', () => setField(name, el.value, true));
      el.addEventListener('keydown', e => { if (e.key === 'Enter') setField(name, el.value, true); });
    }
    $('t.tensor').addEventListener('change', e => setField('tensor', e.target.value, true));
    $('t.dist').addEventListener('change', e => setField('dist', e.target.value, false));
    $('t.logx').addEventListener('change', e => setField('logx', e.target.checked ? '1' : '0', false));
    $('t-layer').addEventListener('change', () => this.requestDraw(true));
    $('t-play').addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    $('t-step').addEventListener('click', () => this.advance());
    $('t-reset').addEventListener('click', () => this.reset());
    $('t-fig1').addEventListener('click', () => this.runPreset('fig1'));
    $('t-embed-start').addEventListener('click', () => this.runPreset('fig1'));
    $('t-blog').addEventListener('click', () => this.runPreset('blog'));
    $('t-data-retry').addEventListener('click', () => { this.dataPromise = null; this.play(); });
    const scrub = $('t-scrub');
    scrub.addEventListener('input', () => {
      const i = Number(scrub.value);
      this.scrubIndex = i >= Number(scrub.max) ? null : i;
      this.requestDraw(true);
    });
    $('t-export-run').addEventListener('click', () =>
      downloadText(JSON.stringify(this.runJson(), null, 1), 'layerscope-training-run.json', 'application/json'));
    $('t-copy-link').addEventListener('click', () => this.share(false));
    $('t-embed').addEventListener('click', () => this.share(true));
    for (const button of document.querySelectorAll('#view-switch [data-view]')) {
      button.addEventListener('click', () => {
        this.view = button.dataset.view;
        this.writeUrl();
        this.applyView();
      });
    }
  }

  applyView() {
    const training = this.view === 'training';
    this.root.hidden = !training;
    document.body.dataset.view = this.view;
    document.body.classList.toggle('t-embed-fig1', this.embed === 'fig1');
    for (const button of document.querySelectorAll('#view-switch [data-view]'))
      button.setAttribute('aria-pressed', String(button.dataset.view === this.view));
    if (training) this.requestDraw();
  }

  share(embed) {
    const field = $('t-share-field');
    const base = location.href.split(/[?#]/)[0];
    const q = writeTrainingQuery(embed ? '' : location.search, { ...this.settings }, 'training', embed ? 'fig1' : null);
    const url = base + '?' + q;
    field.value = embed
      ? `<iframe src="${url.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" width="700" height="500" loading="lazy" ` +
        'title="Layerscope: the batch-norm paper\'s Figure 1, trained in your browser" frameborder="0"></iframe>'
      : url;
    field.hidden = false;
    field.select();
    navigator.clipboard?.writeText(field.value).catch(() => {});
  }

  // --- running -------------------------------------------------------------------------------

  // head: what the run is doing (announced to screen readers when it changes); counts: the step
  // readout, updated many times a second and so not announced.
  setState(state, head, counts = '') {
    this.root.dataset.state = state;
    if ($('t-state').textContent !== head) $('t-state').textContent = head;
    $('t-counts').textContent = counts;
  }

  // The workers and the data, made on first use (the init-time view never needs either).
  async ensureWorkers() {
    if (!this.clients) {
      this.clients = {};
      for (const col of COLUMNS) {
        this.clients[col] = new ColumnClient(col, {
          started: config => { this.configs[col] = config; this.stores[col].config = config; this.syncControls(); },
          report: (report, progress) => this.receiveReport(col, report, progress),
          progress: () => this.progressChanged(false),  // the readout only: no new numbers to draw
          error: e => this.columnError(col, e),
        });
      }
      // The init-time page's compile of the same build when it made one (null: each worker then loads the
      // SIMD128 build itself and says what failed).
      this.modulePromise = compiledModule(chooseWasmBuild(location.search));
    }
    if (!this.dataPromise) {
      const box = $('t-data'), bar = $('t-data-progress'), text = $('t-data-text'), retry = $('t-data-retry');
      box.hidden = false;
      retry.hidden = true;
      this.setState('loading', 'Fetching the MNIST data…');
      this.dataPromise = (async () => {
        const buffer = await fetchDataset((got, total) => {
          bar.value = total ? got / total : 0;
          if (!total) bar.removeAttribute('value');
          text.textContent = `fetching the MNIST data: ${(got / 1e6).toFixed(1)} MB` + (total ? ` of ${(total / 1e6).toFixed(1)} MB` : '');
        });
        text.textContent = 'preparing both workers…';
        const module = await this.modulePromise;
        // each worker gets its own copy (transferred): A a copy, B the original
        await Promise.all([this.clients.a.init(module, buffer.slice(0)), this.clients.b.init(module, buffer)]);
        box.hidden = true;
      })().catch(e => {
        this.dataPromise = null;
        bar.value = 0;
        text.textContent = `Training cannot start: ${e.message}.`;
        retry.hidden = false;
        this.setState('error', 'The data could not be loaded.');
        throw e;
      });
    }
    return this.dataPromise;
  }

  startRun() {
    const configs = columnConfigs(this.settings);
    for (const col of COLUMNS) {
      this.stores[col].reset();
      this.configs[col] = null;
      this.clients[col].start(configs[col]);
    }
    this.runStarted = true;
    this.scrubIndex = null;
    this.clock = { ms: 0, since: null };
    this.errors = {};
    this.requestDraw();
  }

  async play() {
    try {
      await this.ensureWorkers();
    } catch {
      return;
    }
    if (!this.runStarted || this.finished()) this.startRun();
    this.playing = true;
    this.clock.since ??= performance.now();
    for (const col of COLUMNS) this.clients[col].play();
    this.progressChanged();
  }

  pause() {
    this.playing = false;
    this.stopClock();
    if (this.clients) for (const col of COLUMNS) this.clients[col].pause();
    this.progressChanged();
  }

  async advance() {
    if (this.playing) return;
    try { await this.ensureWorkers(); } catch { return; }
    if (!this.runStarted || this.finished()) this.startRun();
    for (const col of COLUMNS) this.clients[col].advance();
  }

  async reset() {
    this.pause();
    try { await this.ensureWorkers(); } catch { return; }
    this.startRun();
    this.progressChanged();
  }

  // A setting the core uses changed: the run so far was made with other settings, so it starts over.
  settingsChanged() {
    if (!this.runStarted) { this.syncControls(); return; }
    const was = this.playing;
    this.reset().then(() => { if (was) this.play(); });
  }

  runPreset(pair) {
    // The preset's recipe (optimizer, learning rate); the step count and report interval stay as set.
    this.settings = { ...this.settings, preset: pair, optimizer: null, learning_rate: null };
    if (pair !== 'fig1') this.settings.steps = null;
    this.view = 'training';
    this.writeUrl();
    this.syncControls();
    this.applyView();
    this.pause();
    this.runStarted = false;
    this.play();
    $('t-fig1-panel').scrollIntoView?.({ block: 'nearest' });
  }

  stopClock() {
    if (this.clock.since !== null) this.clock.ms += performance.now() - this.clock.since;
    this.clock.since = null;
  }

  runSeconds() {
    return (this.clock.ms + (this.clock.since !== null ? performance.now() - this.clock.since : 0)) / 1000;
  }

  finished() {
    return this.clients && COLUMNS.every(c => this.clients[c].progress.finished || this.errors?.[c]);
  }

  receiveReport(col, report, progress) {
    this.stores[col].add(report);
    this.clients[col].progress = progress;
    this.progressChanged();
  }

  columnError(col, e) {
    this.errors = { ...this.errors, [col]: e };
    // the core names a setting by its key ('learning_rate: ...'); the reader sees the control's words
    const message = e.field ? inControlWords(e.message, e.field, `t.${e.field}`) : e.message;
    const what = e.divergedAt ? `stopped at step ${e.divergedAt}: ${message}` : message;
    $('t-field-error').textContent = `Column ${col.toUpperCase()} ${what}`;
    $('t-field-error').hidden = false;
    this.progressChanged();
  }

  // redraw: new numbers came (a report, a new run); a worker's progress alone updates the readout.
  progressChanged(redraw = true) {
    if (this.clients && this.finished() && this.playing) {
      this.playing = false;
      this.stopClock();
    }
    const parts = [];
    if (this.clients) {
      for (const col of COLUMNS) {
        const p = this.clients[col].progress;
        const total = this.configs[col]?.steps ?? this.presetValue('steps');
        parts.push(`${col.toUpperCase()}: step ${p.stepsDone.toLocaleString('en')} of ${Number(total).toLocaleString('en')}` +
          (p.playing && p.stepsPerSecond ? `, ${Math.round(p.stepsPerSecond).toLocaleString('en')} steps/s` : ''));
        this.root.dataset[`steps${col.toUpperCase()}`] = String(p.stepsDone);
      }
    }
    const state = !this.runStarted ? 'idle' : this.finished() ? 'finished' : this.playing ? 'running' : 'paused';
    if (this.root.dataset.state !== 'loading' || this.runStarted) {
      const head = { idle: 'Press Play to train.', finished: `Finished in ${this.runSeconds().toFixed(1)} s.`,
        running: 'Training…', paused: 'Paused.' }[state];
      this.setState(state, head, parts.join(' · '));
    }
    $('t-play').textContent = this.playing ? 'Pause' : 'Play';
    $('t-play').setAttribute('aria-pressed', String(this.playing));
    if (redraw || state !== this.drawnState) this.requestDraw();
    this.drawnState = state;
  }

  // --- drawing -------------------------------------------------------------------------------

  // Report-driven redraws: at most REDRAWS_PER_SECOND, from an animation frame (never inside a handler).
  // urgent (a control the user moved): the next frame, so the control answers at once.
  requestDraw(urgent = false) {
    if (this.drawPending && !urgent) return;
    clearTimeout(this.drawTimer);
    cancelAnimationFrame(this.drawFrame);
    this.drawPending = true;
    const wait = urgent ? 0 : Math.max(0, 1000 / REDRAWS_PER_SECOND - (performance.now() - this.lastDraw));
    const frame = () => {
      this.drawFrame = requestAnimationFrame(() => {
        this.drawPending = false;
        this.lastDraw = performance.now();
        if (this.view === 'training') this.draw();
      });
    };
    if (wait > 0) this.drawTimer = setTimeout(frame, wait);
    else frame();
  }

  // The steps the scrubber moves over: those of the column with more reports (both report at the same steps).
  scrubSteps() {
    const a = this.stores.a.reports, b = this.stores.b.reports;
    return (a.length >= b.length ? a : b).map(r => r.step);
  }

  draw() {
    const t0 = performance.now();
    const v = this.views, s = this.settings;
    const steps = this.scrubSteps();
    const scrub = $('t-scrub');
    scrub.max = String(Math.max(0, steps.length - 1));
    const index = this.scrubIndex === null ? steps.length - 1 : Math.min(this.scrubIndex, steps.length - 1);
    scrub.value = String(Math.max(0, index));
    const step = steps.length ? steps[Math.max(0, index)] : 0;
    $('t-scrub-out').textContent = steps.length ? `step ${step.toLocaleString('en')}${this.scrubIndex === null ? ' (newest)' : ''}` : 'no reports yet';
    const xMax = Math.max(...COLUMNS.map(c => this.configs[c]?.steps || 0), 1);
    const opts = { logX: s.logx, xMax };
    const marker = this.scrubIndex === null ? null : step;
    const label = { a: 'A: without batch norm', b: 'B: with batch norm' };
    const curve = (field, layer) => COLUMNS.map(c => ({ label: label[c], color: c, csvName: `${c}_${field}`, points: this.stores[c].curve(field, layer) }));
    v.loss.update(curve('trainLoss'), { ...opts, marker });
    v.acc.update(curve('testAccuracy'), { ...opts, marker });
    const depth = Math.max(this.stores.a.depth, this.stores.b.depth);
    this.syncLayerSelect(depth);
    const bandLayer = Math.min(depth, Number($('t-layer').value) || depth);
    v.bands.spec.title = `Pre-activation percentiles of layer ${bandLayer}`;
    v.bands.update(COLUMNS.map(c => ({
      label: `${label[c]} (median; band 15-85)`, color: c, csvName: `${c}_layer${bandLayer}_p50`,
      points: this.stores[c].curve('preP50', bandLayer),
      band: this.stores[c].reports.map(r => [r.step, r.preP15[bandLayer], r.preP85[bandLayer]]),
    })), { ...opts, marker });
    const at = { a: this.stores.a.at(step), b: this.stores.b.at(step) };
    const tensorLabel = TENSORS[s.tensor];
    const titles = { a: 'without batch norm', b: 'with batch norm' };
    for (const c of COLUMNS) {
      v.hist[c].update(at[c], { tensorLabel, title: `${c.toUpperCase()}, ${titles[c]}` });
      v.dist[c].update(this.stores[c].reports, { mode: s.dist, tensorLabel, marker, title: `${c.toUpperCase()}, ${titles[c]}` });
      const layers = panelLayers(this.stores[c].depth || 1);
      v.ratio[c].update(layers.map((l, i) => ({
        label: `layer ${l}`, color: i === layers.length - 1 ? c : i === 0 ? 'muted' : 'fg', dash: i === 0 ? [4, 3] : i < layers.length - 1 ? [1, 3] : [],
        csvName: `${c}_layer${l}_log10_ratio`,
        points: this.stores[c].curve('updateRatioLog10', l).filter(p => Number.isFinite(p[1])),
      })), { ...opts, marker });
    }
    const profileOf = (c, field, name, dash) => at[c] ? [{
      label: `${c.toUpperCase()} ${name}`, color: c, dash, csvName: `${c}_${field}`,
      points: Array.from({ length: at[c].depth }, (_, i) => [i + 1, at[c][field][i + 1]]),
    }] : [];
    v.profile.spec.title = `Depth profile at step ${step}`;
    v.profile.update([
      ...COLUMNS.flatMap(c => profileOf(c, 'preStd', 'std of pre-activation', [])),
      ...COLUMNS.flatMap(c => profileOf(c, 'doutputStd', 'std of dL/dh', [5, 4])),
    ], { xMax: Math.max(1, depth) });
    if ($('t-table').closest('details').open) v.table.update(at, titles);
    this.drawFigure1(opts);
    // Every view holds its new numbers (exports read them); only those on screen draw now, the others
    // when they scroll in (a frame that re-rasters 15 canvases is a frame a control waits for).
    for (const view of this.drawnViews()) if (this.onScreen.has(view.element)) view.draw();
    const kept = COLUMNS.map(c => this.stores[c].reports.length);
    const bytes = COLUMNS.reduce((n, c) => n + this.stores[c].bytes(), 0);
    $('t-memory').textContent = `Kept for the scrubber: ${kept.join(' + ')} reports (at most ${CAPACITY} a column), ` +
      `${(bytes / 1024).toFixed(0)} KB`;
    this.root.dataset.drawMs = String(Math.round(performance.now() - t0));
    this.root.dataset.draws = String(Number(this.root.dataset.draws || 0) + 1);
  }

  syncLayerSelect(depth) {
    const select = $('t-layer');
    if (select.options.length === depth) return;
    // a new network: the last hidden layer, the one the paper's Figure 1 follows
    select.replaceChildren(...Array.from({ length: depth }, (_, i) => new Option(`layer ${i + 1}`, String(i + 1))));
    select.value = String(depth);
  }

  drawFigure1(opts) {
    const v = this.views;
    const acc = c => this.stores[c].curve('testAccuracy');
    v.fig1a.update([
      { label: 'without batch norm', color: 'a', csvName: 'a_test_accuracy', points: acc('a') },
      { label: 'with batch norm', color: 'b', csvName: 'b_test_accuracy', points: acc('b') },
    ], opts);
    const depth = this.stores.b.depth || this.stores.a.depth;
    const unit = this.configs.b?.tracked_unit ?? 0;
    let lo = Infinity, hi = -Infinity;
    const pcts = c => {
      const st = this.stores[c];
      const l = st.depth;
      const series = [['unitP15', 'p15', [4, 3]], ['unitP50', 'p50 (median)', []], ['unitP85', 'p85', [4, 3]]].map(([f, name, dash]) => {
        const points = l ? st.curve(f, l) : [];
        for (const [, y] of points) if (Number.isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
        return { label: name, color: c, dash, csvName: `${c}_layer${l}_unit${unit}_${f}`, points };
      });
      return series;
    };
    const sa = pcts('a'), sb = pcts('b');
    // (b) and (c) share one y axis, so the two drifts compare at a glance
    const domain = hi > lo ? [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)] : undefined;
    v.fig1b.spec.yDomain = v.fig1c.spec.yDomain = domain;
    const act = this.configs.b?.activation ?? 'sigmoid';
    v.fig1b.spec.yLabel = v.fig1c.spec.yLabel = `${act} input`;
    // the unit's name in the legend, where there is room for it (the embed's panels are small)
    if (this.embed !== 'fig1') for (const series of [sa, sb]) series[0].label = `unit ${unit} of layer ${depth || '–'}: p15`;
    v.fig1b.update(sa, opts);
    v.fig1c.update(sb, opts);
    const caption = figure1Caption({
      stores: this.stores, configs: this.configs, unit, seconds: this.runSeconds(), finished: this.finished(),
      pair: PAIRS[this.settings.preset],
    });
    $('t-fig1-caption').textContent = caption;
    $('t-fig1-title').textContent = PAIRS[this.settings.preset].figure;
  }

  // The whole run: settings, both columns' configs and every kept report.
  runJson() {
    return {
      layerscope: 'training run', settings: this.settings, settingsLine: settingsLine(this.configs),
      runSeconds: this.runSeconds(),
      columns: Object.fromEntries(COLUMNS.map(c => [c, this.stores[c].toJSON()])),
    };
  }
}

