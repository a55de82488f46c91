// The page's whole state as one declarative table, and its round trip through the URL.
//
// State shape: { view: {tensor, bins, count, axis, binning, every, layout, seed, embed, wasm}, a: config,
// b: config }
// where a config is a full Layerscope network config (schema field names). URL keys: view keys as they
// are (`tensor=grad_output`), column fields prefixed (`a.depth=30`, `b.normalization=none`). Only values
// that differ from the defaults are written, so a default page has a clean URL.
// Every control's id is its URL key.

import { isCuresKey } from './views/cures-url.js';

export const COLUMNS = ['a', 'b'];
// The default pair is fair: B is A plus batch norm, nothing else differs (the post's own two setups also
// differ in init and upstream scale; they are a preset pair of their own).
export const COLUMN_DEFAULT_PRESET = { a: 'blog-no-bn', b: 'xavier-bn' };

// Every tensor kind a run and a training report keep, by the core's names (layerscope.js ls.tensorKinds,
// the order of its packed summaries), with the page's words for it: the one table the labels, the
// selects' options, the histograms' short names and the sentences' words come from, in both views.
//   label: a control's and a caption's name; short: a compact histogram's; words: in a sentence (plural)
export const TENSORS = {
  pre_activation: { label: 'pre-activation p', short: 'p', words: 'pre-activations p', forward: true },
  activation: { label: 'activation f(p)', short: 'f(p)', words: 'activations f(p)', forward: true },
  output: { label: 'layer output h', short: 'h', words: 'outputs h', forward: true },
  grad_output: { label: 'gradient dL/dh', short: 'dL/dh', words: 'gradients dL/dh', forward: false },
  grad_weight: { label: 'gradient dL/dW', short: 'dL/dW', words: 'weight gradients dL/dW', forward: false },
};
export const TENSOR_LABELS = Object.fromEntries(Object.entries(TENSORS).map(([k, t]) => [k, t.label]));

// A select's options: one per tensor kind, in the table's order, labelled from it.
export function fillTensorSelect(select) {
  select.replaceChildren(...Object.entries(TENSORS).map(([k, t]) => new Option(t.label, k)));
}

// Page-level settings. Same entry shape as the core's schema so one validator serves both. The page binds
// every view key that has a form control of that id; `redraw`: a change only redraws the last result,
// the workers are not asked.
export const VIEW_FIELDS = [
  { name: 'tensor', type: 'choice', choices: Object.keys(TENSOR_LABELS), default: 'output',
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
  { name: 'embed', type: 'boolean', default: false, help: 'hide controls for embedding in a page' },
  { name: 'wasm', type: 'choice', choices: ['auto', 'simd128'], default: 'auto',
    help: 'WebAssembly build: auto takes relaxed SIMD where the browser has it; simd128 forces the other' },
];

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

// The table of every URL key: {key, spec, scope: 'view'|'a'|'b', field, default}.
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
  return rows;
}

export function defaultState(table) {
  const state = { view: {}, a: {}, b: {} };
  for (const row of table) state[row.scope][row.field] = row.default;
  return state;
}

// URL query -> state. Bad values fall back to their default and produce a notice; unknown keys too.
export function parseQuery(search, table) {
  const state = defaultState(table);
  const notices = [];
  const params = new URLSearchParams(search);
  const byKey = new Map(table.map(r => [r.key, r]));
  for (const [key, raw] of params) {
    if (isTrainingKey(key, raw) || isCuresKey(key, raw)) continue;  // the training view's (training/settings.js), the cures figures' (views/cures-common.js)
    const row = byKey.get(key);
    if (!row) {
      notices.push(`Unknown setting '${shown(key)}' in the link was ignored.`);
      continue;
    }
    const r = checkValue(key, row.spec, raw);
    if (r.ok) state[row.scope][row.field] = r.value;
    else notices.push(`${r.message}; using the default ${formatValue(row.spec, row.default)}.`);
  }
  return { state, notices };
}

// keep: a query string whose training-view keys are carried over unchanged (the page's own URL).
export function serializeQuery(state, table, keep = '') {
  const params = new URLSearchParams();
  for (const row of table) {
    const v = state[row.scope][row.field];
    if (v !== row.default) params.set(row.key, formatValue(row.spec, v));
  }
  for (const [key, raw] of new URLSearchParams(keep)) if (isTrainingKey(key, raw) || isCuresKey(key, raw)) params.set(key, raw);
  return params.toString();
}

// The training view's URL keys (`t.<setting>`, `view`, `embed=fig1`): not this table's; ignored when
// read and kept when the URL is rewritten.
export function isTrainingKey(key, raw) {
  return key.startsWith('t.') || key === 'view' || (key === 'embed' && raw === 'fig1');
}

// The full network config of a column (the shared seed included).
export function columnConfig(state, col) {
  return { ...state[col], seed: state.view.seed };
}
