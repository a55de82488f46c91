// The page's whole state as one declarative table, and its round trip through the URL.
//
// State shape: { view: {tensor, bins, count, axis, binning, every, layout, seed, embed, wasm}, a: config,
// b: config, training: {view, preset, optimizer, learning_rate, ..., tensor, axis, dist, values, logx} }
// where a config is a full Layerscope network config (schema field names). URL keys: view keys as they
// are (`tensor=grad_output`), column fields prefixed (`a.depth=30`, `b.normalization=none`), training
// settings under `t.` (`t.learning_rate=0.05`) and `view=training`. Both views read this one table; each
// writes its own rows (writeQuery). Only values that differ from the defaults are written, so a default
// page has a clean URL.
// Every control's id is its URL key.

import { LAB_EMBED_PAIRS } from './lab/probe-embeds.js';

export const COLUMNS = ['a', 'b'];
// The default pair is fair: B is A plus batch norm, nothing else differs (the post's own two setups also
// differ in init and upstream scale; they are a preset pair of their own).
export const COLUMN_DEFAULT_PRESET = { a: 'blog-no-bn', b: 'xavier-bn' };

// Every tensor kind a run and a training report keep, by the core's names, with the core's words for it
// (src/core/tensor_kinds.hpp, through ls.tensorTable; useCoreTensors fills these in before any view is
// made): the one table the labels, the selects' options, the histograms' short names and the sentences'
// words come from, in both views.
//   label: a control's and a caption's name; short: a compact histogram's; words: in a sentence (plural)
export const TENSORS = {};
export const TENSOR_LABELS = {};

// A select's options: one per tensor kind, in the table's order, labelled from it.
export function fillTensorSelect(select) {
  select.replaceChildren(...Object.entries(TENSORS).map(([k, t]) => new Option(t.label, k)));
}

// Page-level settings. Same entry shape as the core's schema so one validator serves both. The page binds
// every view key that has a form control of that id; `redraw`: a change only redraws the last result,
// the workers are not asked.
export const VIEW_FIELDS = [
  { name: 'tensor', type: 'choice', choices: [], default: 'output',  // the core's kinds (useCoreTensors)
    help: 'which tensor the histograms show' },
  { name: 'bins', type: 'integer', min: 4, max: 256, default: 64, help: 'histogram bins' },
  { name: 'count', type: 'choice', choices: ['linear', 'log'], default: 'linear', redraw: true,
    help: 'count axis' },
  { name: 'axis', type: 'choice', choices: ['shared', 'own'], default: 'shared',
    help: 'shared: one x axis for every layer of both columns; own: each layer its own range' },
  { name: 'binning', type: 'choice', choices: ['linear', 'symlog'], default: 'linear',
    help: 'symlog spreads bins logarithmically on both sides of zero' },
  { name: 'every', type: 'integer', min: 0, max: 100, default: 0, redraw: true,
    help: 'show every k-th layer (0 = choose automatically)' },
  { name: 'layout', type: 'choice', choices: ['side', 'overlay'], default: 'side', redraw: true,
    help: 'side: A and B in their own columns; overlay: A and B in the same row of each layer' },
  { name: 'embed', type: 'boolean', default: false,
    help: 'shown alone, without controls, fitted to a frame in another page: 1, the view shown (view=); or one figure by its name (EMBED_FIGURES)' },
  { name: 'wasm', type: 'choice', choices: ['auto', 'simd128'], default: 'auto',
    help: 'WebAssembly build: auto takes relaxed SIMD where the browser has it; simd128 forces the other' },
];

// The evidence lab's sweeps in the URL: each one's key prefix (`sweep.steps`, `depth.depths`: rows of
// this table made from the lab module's schema, sweepRows) and its figure's embed name.
export const LAB_SWEEP_KEYS = {
  lr: { prefix: 'sweep.', embed: 'lr-sweep' },
  depth: { prefix: 'depth.', embed: 'depth-sweep' },
};

// The "Four cures at depth 50" section's key, `cures=<tensor>` (its row: curesRows, read and written by the
// section, views/cures-url.js), and its choices: the tensors with a std per layer and a theory line.
export const CURES_KEY = 'cures';
export const CURE_TENSORS = ['output', 'grad_output', 'pre_activation', 'grad_weight'];

// `embed` names what is shown alone: 1, the whole view (view=); or one figure by name: of the training
// view, the evidence lab's probe figures (lab/probe-embeds.js) and sweeps, a name that implies
// view=training; of the init-time view, the cures section (INIT_EMBEDS), which leaves the view as it is.
// Figure 1's old `embed=fig1` is the training view's whole embed (embed=1, rewritten so).
export const INIT_EMBEDS = [CURES_KEY];
export const EMBED_FIGURES = [...Object.keys(LAB_EMBED_PAIRS), ...Object.values(LAB_SWEEP_KEYS).map(s => s.embed), ...INIT_EMBEDS];
// The training view's embeds drawn by its own controller: Figure 1 (the view's whole embed) and the probe figures.
export const TRAINING_EMBEDS = ['fig1', ...Object.keys(LAB_EMBED_PAIRS)];

// Config fields never stored per column: the seed is shared by both columns so they start alike.
export const SHARED_CONFIG_FIELDS = ['seed'];

export function describeAllowed(spec) {
  switch (spec.type) {
    case 'choice': return 'one of: ' + spec.choices.join(', ');
    case 'boolean': return 'true or false';
    case 'integer': return `an integer from ${spec.min} to ${spec.max}`;
    default:
      return `a number ${spec.minOpen ? 'greater than' : 'at least'} ${spec.min} and ` +
        `${spec.maxOpen ? 'below' : 'at most'} ${spec.max}`;
  }
}

// A value as a notice shows it: cut after 40 characters, control characters escaped (\x1b, \r, \0) as the
// core's messages do (config.hpp escape_for_message).
export function shown(raw) {
  const s = String(raw);
  const cut = s.length > 40 ? s.slice(0, 40) + '…' : s;
  const named = { '\0': '\\0', '\r': '\\r', '\n': '\\n', '\t': '\\t' };
  return cut.replace(/[\x00-\x1f\x7f-\x9f]/g, c => named[c] || '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

// One value given as text (URL, form control) read against a schema entry by the core's rule
// (config.hpp: the grammar and ranges of the command line and the wasm API), through the main thread's
// instance of the module (core-checks.js). Returns {ok: true, value} with a typed value, or {ok: false,
// message} naming the key and what is allowed, with the value quoted and its control characters escaped.
// Until the core is installed nothing is taken: the page has no second rule of its own.
let coreChecker = null;  // (spec, raw) -> {ok, value} | {ok: false, message}
export function useCoreChecker(check) { coreChecker = check; }

export function checkValue(key, spec, raw) {
  if (!coreChecker) return { ok: false, message: `${key}: could not be checked (the WebAssembly module is not loaded)` };
  const r = coreChecker({ ...spec, name: key }, String(raw));
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.message };
}

export function formatValue(spec, v) {
  if (spec.type === 'boolean') return v ? '1' : '0';
  return String(v);
}

// The training settings: rows of the same table under the `t.` prefix (`t.optimizer=adam`), in the
// 'training' scope. Same entry shape as the core's schema; a setting left at null follows the chosen
// pair's preset (the core's own table: bn-paper-fig1 has 50,000 steps and a report every 500), so a
// default link stays short and a preset change brings its own step count. The settings that go to the
// core (CORE_FIELDS) take their type, range and choices from the core's own tables (useCoreSpecs, run by
// core-checks.js before any URL is read); the page adds only the key, the help and the default.
// `view` (which view is shown) lives here too: the training view's switch owns it.
export const TRAINING_FIELDS = [
  { name: 'view', type: 'choice', choices: ['init', 'training'], default: 'init', control: false,
    help: 'the view shown: init (the networks as initialised) or training (trained on MNIST)' },
  { name: 'preset', type: 'choice', choices: ['fig1', 'blog', 'built'], default: 'fig1',
    help: 'the pair of networks: one of the core\'s pairs (fig1, the batch-norm paper; blog, the post\'s 20 ReLU layers; ...) or built (A and B of the init-time view)' },
  { name: 'optimizer', default: null, help: 'sgd (momentum 0.9) or adam' },
  { name: 'learning_rate', default: null, help: 'step size' },
  { name: 'steps', default: null, help: 'training steps (batches of 60)' },
  { name: 'log_every', default: null, help: 'steps between reports' },
  { name: 'seed', default: 1, help: 'seed of both columns (weights and batches)' },
  { name: 'tensor', type: 'choice', choices: [], default: 'pre_activation',  // the core's kinds
    help: 'the tensor whose distribution is drawn per layer (every kind is kept: a change only redraws)' },
  { name: 'axis', type: 'choice', choices: ['shared', 'own'], default: 'shared',
    help: 'x axis of the histograms at the chosen step: one for every layer of A and B (shared), or each layer its own' },
  { name: 'dist', type: 'choice', choices: ['ridgeline', 'heatmap'], default: 'ridgeline',
    help: 'distribution over steps: offset histograms or a heatmap' },
  { name: 'values', type: 'choice', choices: ['linear', 'symlog'], default: 'linear',
    help: 'value axis of the distributions over steps: linear, or symlog (logarithmic on both sides of 0)' },
  { name: 'logx', type: 'boolean', default: false, help: 'log scale for the step axis' },
].map(f => ({ ...f, key: f.name === 'view' ? 'view' : `t.${f.name}` }));

// The core's tensor kinds ({name, label, short, words, forward}, ls.tensorTable) become TENSORS and the
// `tensor` keys' choices of both views.
export function useCoreTensors(rows) {
  for (const { name, ...words } of rows) {
    TENSORS[name] = words;
    TENSOR_LABELS[name] = words.label;
  }
  const names = rows.map(r => r.name);
  VIEW_FIELDS.find(f => f.name === 'tensor').choices = names;
  TRAINING_FIELDS.find(f => f.name === 'tensor').choices = [...names];
}

// The training settings that go to the core (the rest only change the drawing). useCoreSpecs adds every
// other field of the core's training table (`t.weight_decay`, `t.nesterov`, ...): the URL holds them all.
export const CORE_FIELDS = ['optimizer', 'learning_rate', 'steps', 'log_every', 'seed'];
// Core training fields no URL key sets: every tensor kind is kept, the view's `t.tensor` picks one.
const VIEW_OWNED_CORE_FIELDS = ['histogram_tensor'];

// Fills in CORE_FIELDS' specs from the core's schemas (its trainingSchema, and schema's seed) and adds
// a `t.` key (left at null: the preset's value; no control of its own, a link sets it) for every other
// field of the training table. Runs once: a second call finds every field there.
export function useCoreSpecs(trainingSchema, networkSchema) {
  for (const core of trainingSchema) {
    if (CORE_FIELDS.includes(core.name) || VIEW_OWNED_CORE_FIELDS.includes(core.name)) continue;
    TRAINING_FIELDS.push({ name: core.name, default: null, help: core.help, key: `t.${core.name}`, control: false });
    CORE_FIELDS.push(core.name);
  }
  for (const field of TRAINING_FIELDS) {
    if (!CORE_FIELDS.includes(field.name)) continue;
    const core = trainingSchema.find(s => s.name === field.name) ?? networkSchema.find(s => s.name === field.name);
    if (!core) throw new Error(`the core has no setting '${field.name}'`);
    const { type, min, max, minOpen, maxOpen, choices } = core;
    Object.assign(field, { type, min, max, minOpen, maxOpen, choices });
  }
}

// The table of every URL key: {key, spec, scope: 'view'|'a'|'b'|'training', field, default}.
export function stateTable(schema, presets) {
  const presetConfig = name => presets.find(p => p.name === name).config;
  const rows = [];
  for (const spec of VIEW_FIELDS) rows.push({ key: spec.name, spec, scope: 'view', field: spec.name, default: spec.default });
  const seedSpec = schema.find(s => s.name === 'seed');
  rows.push({ key: 'seed', spec: seedSpec, scope: 'view', field: 'seed', default: seedSpec.default });
  for (const col of COLUMNS) {
    const base = presetConfig(COLUMN_DEFAULT_PRESET[col]);
    for (const spec of schema) {
      if (SHARED_CONFIG_FIELDS.includes(spec.name)) continue;
      rows.push({ key: `${col}.${spec.name}`, spec, scope: col, field: spec.name, default: base[spec.name] });
    }
  }
  for (const spec of TRAINING_FIELDS) rows.push({ key: spec.key, spec, scope: 'training', field: spec.name, default: spec.default });
  return rows;
}

export function defaultState(table) {
  const state = { view: {}, a: {}, b: {}, training: {} };
  for (const row of table) (state[row.scope] ??= {})[row.field] = row.default;
  return state;
}

// URL query -> {state, notices}. A bad value keeps its default and gives a notice, an unknown key too.
// scopes: the rows whose notices this reader shows (the init-time page the view and column keys, the
// training view its own); every row is read. words(message, row): the message in the words of the
// field's control (setting-words.js), instead of its URL key.
export function parseQuery(search, table, { scopes = ['view', 'a', 'b'], words = m => m } = {}) {
  const state = defaultState(table);
  const notices = [];
  const params = new URLSearchParams(search);
  const byKey = new Map(table.map(r => [r.key, r]));
  const say = (scope, text) => { if (scopes.includes(scope)) notices.push(text); };
  for (const [key, raw] of params) {
    // The Figure 1 embed's links before `embed` had one meaning: the training view, embedded.
    if (key === 'embed' && raw === 'fig1') { state.view.embed = true; state.training.view = 'training'; continue; }
    // one figure alone; a training view's figure switches to that view
    if (key === 'embed' && EMBED_FIGURES.includes(raw)) { state.view.embed = raw; if (!INIT_EMBEDS.includes(raw)) state.training.view = 'training'; continue; }
    const row = byKey.get(key);
    if (!row) {
      const scope = keyScope(key);
      if (!OTHER_KEYS.includes(key)) say(scope, `Unknown ${scope === 'training' ? 'training ' : ''}setting '${shown(key)}' in the link was ignored${known(table, scope)}.`);
      continue;
    }
    if (row.spec.default === null && raw === '') continue;  // left empty: the preset's
    const r = checkValue(key, row.spec, raw);
    if (r.ok) state[row.scope][row.field] = r.value;
    else say(row.scope, `${words(row.key === 'embed' ? embedAllowed(r.message) : r.message, row)}; using ${usedInstead(row)}.`);
  }
  return { state, notices };
}

// The core judges `embed` as a boolean; a figure's name is allowed too, and the notice says so.
const embedAllowed = message => message.replace('must be true or false',
  `must be true or false (1 or 0: the whole view), or one figure's name (${['fig1', ...EMBED_FIGURES].join(', ')})`);

// A notice's word for what replaces a bad value: the default, or what a null default stands for (spec.unset).
const usedInstead = row => row.default !== null ? `the default ${formatValue(row.spec, row.default)}`
  : row.spec.unset ?? "the preset's value";

// Keys read elsewhere: a saved run's file (saved-run.js).
const OTHER_KEYS = ['run'];

// The scope a key belongs to, known or not: the cures section's (curesRows), a sweep's by its prefix (its
// rows come with the lab's module, so the page's own table leaves them to the lab), the training view's,
// or the page's.
function keyScope(key) {
  if (key === CURES_KEY) return 'cures';
  const sweep = Object.entries(LAB_SWEEP_KEYS).find(([, s]) => key.startsWith(s.prefix));
  return sweep ? sweep[0] : key.startsWith('t.') ? 'training' : 'view';
}
// A notice's list of a prefixed scope's known keys.
function known(table, scope) {
  if (scope === 'view') return '';
  return ` (known: ${table.filter(r => r.scope === scope).map(r => r.key).join(', ')})`;
}

// A sweep's rows of the table (sweep: 'lr' | 'depth'): its fields from the lab module's schema (the
// core's sweeps.cpp sweep_fields, depth_sweep_fields), keyed under its prefix, scope the sweep.
export function sweepRows(sweep, schema) {
  const { prefix } = LAB_SWEEP_KEYS[sweep];
  return schema.map(spec => ({ key: prefix + spec.name, spec, scope: sweep, field: spec.name, default: spec.default }));
}

// The cures section's row (scope 'cures'): null leaves the section folded; a bad value opens it on the outputs.
export function curesRows() {
  const spec = { name: CURES_KEY, type: 'choice', choices: CURE_TENSORS, default: null, unset: 'output',
    help: 'the tensor the "Four cures at depth 50" chart shows; given, the section opens' };
  return [{ key: CURES_KEY, spec, scope: 'cures', field: 'tensor', default: null }];
}

// `search` with the rows `owns(row)` set from `state` (only values off their default are written) and
// every other key kept as it is: each view writes its own rows into the page's one URL.
export function writeQuery(search, table, state, owns = row => row.scope !== 'training') {
  const params = new URLSearchParams(search);
  if (params.get('embed') === 'fig1') { params.set('embed', '1'); params.set('view', 'training'); }
  for (const row of table) {
    if (!owns(row)) continue;
    const v = state[row.scope][row.field];
    if (v === row.default || v === null || v === undefined) params.delete(row.key);
    else params.set(row.key, row.key === 'embed' && typeof v === 'string' ? v : formatValue(row.spec, v));
  }
  return params.toString();
}

// The URL of a state alone (no other key kept).
export function serializeQuery(state, table) {
  return writeQuery('', table, state, () => true);
}

// The full network config of a column (the shared seed included).
export function columnConfig(state, col) {
  return { ...state[col], seed: state.view.seed };
}
