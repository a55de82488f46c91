// The training view's controller: the settings (URL and controls), the run (runner.js), and one throttled
// redraw of every view (redraws.js). It holds no drawing code: each view owns its element (figure1.js,
// dashboard.js).
import { downloadText } from '../export.js';
import { fillMenus } from './pair-menu.js';
import { onThemeChange } from '../theme.js';
import { TENSORS, PAIRS, pairCaption, presetSetting, presetConfig, columnConfigs, settingsLines } from './settings.js';
import { parseQuery, writeQuery, TRAINING_EMBEDS } from '../state.js';
import { SettingControls } from './setting-controls.js';
import { PairRunner, COLUMNS } from './runner.js';
import { CAPACITY } from './snapshots.js';
import { Figure1Panel } from './figure1.js';
import { Dashboard } from './dashboard.js';
import { showNotices } from './messages.js';
import { inControlWords, inRowWords } from '../setting-words.js';
import { showRunWarnings } from './run-warnings.js';
import { settingsUrl, embedSnippet, fullViewHref, shareText } from './share-links.js';
import { Redraws } from './redraws.js';
import { BuiltPairSource, BuiltPairNote, pairOnScreen } from './built-pair.js';
import { StepScrubber } from './scrubber.js';
import { runJson, columnWords } from './exports.js';
import { mountProbeLab } from '../lab/probe-host.js';
import { setText } from '../views/dom.js';

const REDRAWS_PER_SECOND = 10;
const $ = id => document.getElementById(id);
export class TrainingController {
  // table: the page's one URL table (state.js stateTable); this view reads all of it and writes its rows.
  constructor(root, table) {
    this.root = root;
    this.table = table;
    const parsed = parseQuery(location.search, table, { scopes: ['training'], words: inRowWords });
    this.settings = parsed.state.training;
    // `embed` means shown alone, without controls: 1, this whole view (the Figure 1 panel alone); or one
    // figure by name (state.js EMBED_FIGURES: a probe figure, drawn by the lab; a sweep's, by its mount).
    const embed = parsed.state.view.embed;
    this.embed = typeof embed === 'string' ? (TRAINING_EMBEDS.includes(embed) ? embed : null) : embed && this.view === 'training' ? 'fig1' : null;
    this.run = new PairRunner({
      changed: redraw => this.progressChanged(redraw),
      failed: (col, e) => this.columnFailed(col, e),
      dataState: (state, head) => this.setState(state, head),
      newRun: () => { this.scrubber.follow(); this.syncControls(); this.publishRun(true); },
    });
    this.scrubber = new StepScrubber($('t-scrub').closest('.t-scrub'), () => this.requestDraw(true));
    this.redraws = new Redraws(() => { if (this.view === 'training') this.draw(); }, REDRAWS_PER_SECOND);
    this.builtPair = new BuiltPairSource(new BuiltPairNote($('t-built')));
    showNotices($('t-notices'), [...parsed.notices, ...(this.builtPair.sync(this.settings)?.notices ?? [])]);
    // what the exports print under a figure, read at the click
    const exportRun = { settingsLines: () => settingsLines(this.run.configs), source: () => `Layerscope · ${settingsUrl(table, this.settings, false)}`,
      words: () => this.columnWords() };
    this.figure1 = new Figure1Panel(this.embed === 'fig1', exportRun);
    this.dashboard = new Dashboard(exportRun, (step, view) => this.run.viewStep(step, view, 'training'), () => this.requestDraw(true));
    this.lab = mountProbeLab(this, exportRun);  // the evidence lab's figures (issue 21), fetched when a run has probes
    this.bindControls();
    this.syncControls();
    this.progressChanged(false);  // the status line in this mode's words
    this.applyView();
    onThemeChange(() => this.requestDraw());
    // Only a new width needs a new drawing (the drawing itself changes the height).
    let width = 0;
    new ResizeObserver(entries => {
      const w = Math.round(entries.at(-1).contentRect.width);
      if (w !== width) { width = w; this.requestDraw(); }
    }).observe(root);
    this.onScreen = this.redraws.watch(this.drawnViews().map(v => v.element));
    $('t-table').closest('details').addEventListener('toggle', () => this.requestDraw(true));
    // The init-time page's "Train this pair" (share.js): the URL holds the pair it built.
    window.addEventListener('layerscope:train-built', () => this.runPair('built', { ...this.settings, preset: 'built' }));
    window.__layerscopeTraining = this;  // for tests and the benchmark: read-only use
  }

  // For tests and the benchmark (read only): the kept reports and the running configs.
  get stores() { return this.run.stores; }
  get configs() { return this.run.configs; }

  // Which view is shown ('init' or 'training'): the URL table's `view` row, kept with the settings.
  get view() { return this.settings.view; }
  set view(v) { this.settings.view = v; }

  drawnViews() {
    return [...this.figure1.views(), ...this.dashboard.views(), this.lab];
  }

  // --- settings and URL ----------------------------------------------------------------------

  writeUrl() {
    const q = writeQuery(location.search, this.table, { training: this.settings }, row => row.scope === 'training');
    history.replaceState(null, '', q ? '?' + q : location.pathname);
    this.figure1.setFullViewHref(fullViewHref(this.table, this.settings));
  }

  // Placeholders show the preset's value of a field left empty: the running config's, or the core's preset.
  presetValue(name) {
    const c = this.run.configs.b;
    if (c && c[name] !== undefined) return c[name];
    return presetSetting(this.settings.preset, name);
  }

  // The built pair while it is chosen (builtPair's result; null for a preset pair). For tests: read only.
  get built() { return this.builtPair.pair; }

  // The configs both columns start from, or null when the built pair cannot train (its refusal is shown).
  pairConfigs() {
    return this.settings.preset === 'built' ? this.builtPair.configs(this.settings) : columnConfigs(this.settings);
  }

  // Runs `action(configs)` when there are configs to run.
  withConfigs(action) {
    const configs = this.pairConfigs();
    return configs ? action(configs) : undefined;
  }

  syncControls() {
    this.builtPair.sync(this.settings);
    this.controls.sync();
    if ($('t-fig1')) $('t-fig1').textContent = `Batch-norm paper, Figure 1: train both to ${this.stepsToTrain().toLocaleString('en')} steps`;
    this.figure1.setFullViewHref(fullViewHref(this.table, this.settings));
  }

  stepsToTrain() {
    return this.settings.steps ?? presetSetting(this.settings.preset, 'steps') ?? presetSetting('fig1', 'steps');
  }

  bindControls() {
    this.controls = new SettingControls(this);
    $('t-layer').addEventListener('change', () => this.requestDraw(true));
    $('t-play').addEventListener('click', () => (this.run.playing ? this.run.pause() : this.withConfigs(c => this.run.play(c))));
    $('t-step').addEventListener('click', () => this.withConfigs(c => this.run.advance(c)));
    $('t-reset').addEventListener('click', () => this.withConfigs(c => this.run.reset(c)));
    fillMenus(name => this.runPreset(name));
    // The embed trains its Figure 1: the paper's pair, or the pair a reader built and embedded.
    $('t-embed-start').addEventListener('click', () => (this.settings.preset === 'built' ? this.runPair('built', this.settings) : this.runPreset('fig1')));
    $('t-data-retry').addEventListener('click', () => { this.run.dataPromise = null; this.withConfigs(c => this.run.play(c)); });
    $('t-export-run').addEventListener('click', async () =>
      downloadText(JSON.stringify(await runJson(this.settings, this.run, this.runBuiltFrom()), null, 1), 'layerscope-training-run.json', 'application/json'));
    $('t-copy-link').addEventListener('click', () => shareText(settingsUrl(this.table, this.settings, false)));
    $('t-embed').addEventListener('click', () => shareText(embedSnippet(this.table, this.settings)));
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
    this.lab.applyEmbed(this.embed);
    for (const button of document.querySelectorAll('#view-switch [data-view]'))
      button.setAttribute('aria-pressed', String(button.dataset.view === this.view));
    if (!training) return;
    this.syncControls();
    this.requestDraw();
    // Back from the init view with the built pair changed there: the run on screen is of the old pair, so
    // it starts over with the new one, as after a changed setting.
    if (this.run.started && this.builtPair.moved()) this.settingsChanged();
  }

  // --- running -------------------------------------------------------------------------------

  // head: what the run is doing (announced to screen readers when it changes); counts: the step
  // readout, updated many times a second and so not announced.
  setState(state, head, counts = '') {
    this.root.dataset.state = state;
    setText($('t-state'), head);
    $('t-counts').textContent = counts;
  }

  // A setting the core uses changed: the run so far was made with other settings, so it starts over.
  settingsChanged() {
    if (!this.run.started) { this.requestDraw(true); return; }
    const was = this.run.playing;
    const configs = this.pairConfigs();
    if (!configs) { this.run.pause(); return; }  // the refusal is shown; the run so far stays on screen
    this.run.reset(configs).then(() => { if (was) this.run.play(configs); });
  }

  runPreset(pair) {
    // The preset's recipe (optimizer, learning rate); the step count and report interval stay as set.
    const settings = { ...this.settings, preset: pair, optimizer: null, learning_rate: null };
    if (pair !== 'fig1') settings.steps = null;
    this.runPair(pair, settings);
  }

  // Trains `settings` from step 0 in the training view (a built pair training cannot take runs nothing
  // and says why beside Play).
  runPair(pair, settings) {
    this.settings = settings;
    this.view = 'training';
    this.writeUrl();
    this.syncControls();
    this.applyView();
    this.run.pause();
    const configs = this.pairConfigs();
    if (!configs) return;
    this.run.play(configs, true);
    $('t-fig1-panel').scrollIntoView?.({ block: 'nearest' });
  }

  columnFailed(col, e) {
    // the core names a setting by its key ('learning_rate: ...'); the reader sees the control's words
    const message = e.field ? inControlWords(e.message, e.field, `t.${e.field}`) : e.message;
    const what = e.divergedAt ? `stopped at step ${e.divergedAt}: ${message}` : message;
    $('t-field-error').textContent = `Column ${col.toUpperCase()} ${what}`;
    $('t-field-error').hidden = false;
    this.progressChanged();
  }

  // redraw: new numbers came (a report, a new run); a worker's progress alone updates the readout.
  progressChanged(redraw = true) {
    const state = this.run.state();
    const parts = [];
    for (const col of COLUMNS) {
      const p = this.run.progress(col);
      if (!p) continue;
      const total = this.run.configs[col]?.steps ?? this.presetValue('steps');
      parts.push(`${col.toUpperCase()}: step ${p.stepsDone.toLocaleString('en')} of ${Number(total).toLocaleString('en')}` +
        (p.playing && p.stepsPerSecond ? `, ${Math.round(p.stepsPerSecond).toLocaleString('en')} steps/s` : ''));
      this.root.dataset[`steps${col.toUpperCase()}`] = String(p.stepsDone);
    }
    if (this.root.dataset.state !== 'loading' || this.run.started) {
      const head = { idle: `Press ${this.embed ? '“Train both networks”' : 'Play'} to train.`,
        finished: `Finished in ${this.run.seconds().toFixed(1)} s.`, running: 'Training…', paused: 'Paused.' }[state];
      this.setState(state, head, parts.join(' · '));
    }
    showRunWarnings($('t-warnings'), this.run.warnings ?? {});
    $('t-play').textContent = this.run.playing ? 'Pause' : 'Play';
    $('t-play').setAttribute('aria-pressed', String(this.run.playing));
    if (redraw || state !== this.drawnState) { this.requestDraw(); this.publishRun(false); }
    this.drawnState = state;
  }

  // The init view's pair the run on screen was built from: a live run of the built pair's, a saved run's
  // own (its file's builtFrom), else null.
  runBuiltFrom() {
    if (this.run.fromFile) return this.run.builtFrom;
    return this.settings.preset === 'built' && this.run.started ? this.builtPair.ranFrom : null;
  }

  // Tells the init-time view (page.js, through run-steps.js) what this run holds: its steps both
  // columns reached and how to draw one of them there. newRun: it starts over (from step 0). A saved run
  // is the built pair's there only when its file was built from the very pair the init view shows now.
  publishRun(newRun) {
    const built = this.run.fromFile
      ? Boolean(this.run.builtFrom) && JSON.stringify(this.run.builtFrom) === JSON.stringify(pairOnScreen(location.search))
      : this.settings.preset === 'built' && this.run.started;
    window.dispatchEvent(new CustomEvent('layerscope:run', { detail: {
      newRun, built, steps: this.run.commonSteps(),
      request: (step, view) => this.run.viewStep(step, view),
    } }));
  }

  // --- drawing -------------------------------------------------------------------------------

  requestDraw(urgent = false) {
    this.redraws.request(urgent);
  }

  draw() {
    const t0 = performance.now();
    const s = this.settings, stores = this.run.stores;
    for (const c of COLUMNS) stores[c].showTensor(s.tensor);
    const step = this.scrubber.sync(this.run.commonSteps());
    const previous = this.run.previous;
    const xMax = Math.max(...COLUMNS.map(c => Math.max(this.run.configs[c]?.steps || 0, previous?.[c].latest?.step || 0)), 1);
    const opts = { logX: s.logx, xMax, marker: this.scrubber.following ? null : step };
    const depth = Math.max(stores.a.depth, stores.b.depth);
    const at = { a: step === null ? null : stores.a.at(step), b: step === null ? null : stores.b.at(step) };
    this.dashboard.update(stores, at, opts, {
      tensor: s.tensor, tensorLabel: TENSORS[s.tensor], axis: s.axis, runKey: this.run.runNumber, dist: s.dist, values: s.values, bandLayer: this.dashboard.syncLayerSelect(depth),
      tableOpen: $('t-table').closest('details').open, words: this.columnWords(), previous: this.run.previous,
    });
    const config = this.run.configs.b ?? { ...(this.built?.configs?.b ?? presetConfig(s.preset)), steps: this.stepsToTrain() };
    this.figure1.update({ stores, config, opts, seconds: this.run.seconds(), where: this.run.trainedWhere, finished: this.run.finished(),
      startLabel: this.embed ? $('t-embed-start').textContent : 'Play', figureTitle: PAIRS[s.preset].figure, words: this.columnWords() });
    const pair = PAIRS[s.preset];
    const caption = pairCaption(s.preset, stores) ?? (pair?.core ? `${pair.title}. A: ${pair.aLabel}; B: ${pair.bLabel}.` : '');
    setText($('t-pair-caption'), caption);
    this.lab.update({ stores, previous, configs: this.run.configs, pair, embed: this.embed, step, opts, fullViewHref: fullViewHref(this.table, this.settings) });
    // Every view holds its new numbers (exports read them); only those on screen draw now, the others
    // when they scroll in (a frame that re-rasters 15 canvases is a frame a control waits for).
    for (const view of this.drawnViews()) if (this.onScreen.has(view.element)) view.draw();
    const kept = COLUMNS.map(c => stores[c].reports.length);
    const bytes = COLUMNS.reduce((n, c) => n + stores[c].bytes(), 0);
    $('t-memory').textContent = `Kept for the scrubber: ${kept.join(' + ')} reports (at most ${CAPACITY} a column), ` +
      `${(bytes / 1024).toFixed(0)} KB`;
    this.root.dataset.drawMs = String(Math.round(performance.now() - t0));
    this.root.dataset.draws = String(Number(this.root.dataset.draws || 0) + 1);
  }

  // What each column is (the running configs', or before a run the built pair's or the presets').
  columnWords() {
    return columnWords(this.run.configs.a || this.run.configs.b ? this.run.configs : this.built?.configs ?? {});
  }

}
