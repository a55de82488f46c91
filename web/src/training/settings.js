// The training view's settings: one declarative table, read from and written to the URL under the `t.`
// prefix (`t.optimizer=adam`, `t.learning_rate=0.001`), beside `view=training` and `embed=fig1`. The
// init-time page ignores these keys and keeps them when it rewrites the URL (state.js: isTrainingKey).
//
// A setting left at null follows the chosen pair's preset (the core's own table: bn-paper-fig1 has 50,000
// steps and a report every 500, blog-deep-relu 5,000 and 100), so a default link stays short and a preset
// change brings its own step count.
import { checkValue, shown, TENSOR_LABELS } from '../state.js';
import { settingsLine } from '../format.js';

// The one-click pairs: the core's pair table (training_pair_list, ls.trainingPairs: {name, title, a, b,
// aLabel, bLabel}, read by useCorePairs) and the pair a reader built in the init-time view. Until the
// core's table is read, the two pairs this view has always had, so that a link's t.preset parses.
export const PAIRS = {
  fig1: { a: 'bn-paper-fig1-baseline', b: 'bn-paper-fig1', title: 'Batch-norm paper, Figure 1' },
  blog: { a: 'blog-deep-relu', b: 'blog-deep-relu-bn', title: "The post's setting" },
};
// The pair a reader built in the init-time view: its networks are the URL's a.* / b.* / seed keys (one
// copy of them for both views, built-pair.js reads them); `recipe` is the core preset whose training
// settings (optimizer, learning rate, 5,000 steps, a report every 100) it starts from.
const BUILT = {
  recipe: 'blog-deep-relu',
  title: 'The pair you built in the init-time view: A and B as set there',
  figure: 'The pair built in the init-time view, trained, drawn as the paper\'s Figure 1',
};
PAIRS.built = BUILT;

// The Figure 1 panel's title for a pair.
function figureTitle(pair) {
  return pair.name === 'fig1' ? 'Figure 1 of the batch-norm paper, retrained on MNIST' : `${pair.title}: trained, drawn as the paper's Figure 1`;
}

let coreCaption = null;  // (pair, historyA, historyB) -> the core's two sentences (ls.pairCaption)

// A core pair's caption from the kept reports of both columns (what the core reads of a history: the
// steps, test and train accuracies), or null (the built pair; no reports yet; the core refused).
export function pairCaption(pair, stores) {
  if (!PAIRS[pair]?.core || !coreCaption || !stores.a.reports.length || !stores.b.reports.length) return null;
  const history = s => ({ step: s.reports.map(r => r.step), testAccuracy: s.reports.map(r => r.testAccuracy),
    trainAccuracy: s.reports.map(r => r.trainAccuracy) });
  try { return coreCaption(pair, history(stores.a), history(stores.b)); } catch { return null; }
}

// The core's pairs, in its order, then the built pair; the preset setting takes their names.
export function useCorePairs(pairs, caption = null) {
  coreCaption = caption;
  for (const name of Object.keys(PAIRS)) delete PAIRS[name];
  for (const p of pairs) PAIRS[p.name] = { ...p, core: true, figure: figureTitle(p) };
  PAIRS.built = BUILT;
  TRAINING_FIELDS.find(f => f.name === 'preset').choices = Object.keys(PAIRS);
}

// The tensors the views draw: every kind a report keeps (state.js's one table), by their labels.
export const TENSORS = TENSOR_LABELS;

// Same entry shape as the core's schema ({name, type, min, max, choices, default, help}); `key` is the
// URL key. The settings that go to the core (CORE_FIELDS) take their type, range and choices from the
// core's own tables (useCoreSpecs: training.cpp's, and config.cpp's seed) before anything is read; the
// page adds only the key, the help and the default (null: the preset's).
export const TRAINING_FIELDS = [
  { name: 'preset', type: 'choice', choices: Object.keys(PAIRS), default: 'fig1',
    help: 'the pair of networks: one of the core\'s pairs (fig1, the batch-norm paper; blog, the post\'s 20 ReLU layers; ...) or built (A and B of the init-time view)' },
  { name: 'optimizer', default: null, help: 'sgd (momentum 0.9) or adam' },
  { name: 'learning_rate', default: null, help: 'step size' },
  { name: 'steps', default: null, help: 'training steps (batches of 60)' },
  { name: 'log_every', default: null, help: 'steps between reports' },
  { name: 'seed', default: 1, help: 'seed of both columns (weights and batches)' },
  { name: 'tensor', type: 'choice', choices: Object.keys(TENSORS), default: 'pre_activation',
    help: 'the tensor whose distribution is drawn per layer (every kind is kept: a change only redraws)' },
  { name: 'axis', type: 'choice', choices: ['shared', 'own'], default: 'shared',
    help: 'x axis of the histograms at the chosen step: one for every layer of A and B (shared), or each layer its own' },
  { name: 'dist', type: 'choice', choices: ['ridgeline', 'heatmap'], default: 'ridgeline',
    help: 'distribution over steps: offset histograms or a heatmap' },
  { name: 'values', type: 'choice', choices: ['linear', 'symlog'], default: 'linear',
    help: 'value axis of the distributions over steps: linear, or symlog (logarithmic on both sides of 0)' },
  { name: 'logx', type: 'boolean', default: false, help: 'log scale for the step axis' },
].map(f => ({ ...f, key: `t.${f.name}` }));

// The settings that go to the core (the rest only change the drawing). useCoreSpecs adds every other
// field of the core's training table (`t.weight_decay`, `t.nesterov`, ...): the URL holds them all.
export const CORE_FIELDS = ['optimizer', 'learning_rate', 'steps', 'log_every', 'seed'];
// Core training fields the view leaves alone: every tensor kind is kept, the view's `tensor` picks one.
const VIEW_OWNED_CORE_FIELDS = ['histogram_tensor'];

// The core's training presets ({name, config}), for what a field left empty means (presetSetting).
let corePresets = [];

// Fills in CORE_FIELDS' specs from the core's schemas (Layerscope's trainingSchema and schema), adds a
// `t.` key (left at null: the preset's value) for every other field of the training table, and keeps
// its trainingPresets.
export function useCoreSpecs(trainingSchema, networkSchema, trainingPresets = []) {
  corePresets = trainingPresets;
  for (const core of trainingSchema) {
    if (CORE_FIELDS.includes(core.name) || VIEW_OWNED_CORE_FIELDS.includes(core.name)) continue;
    // No control of its own on this view (control: false): a link sets it.
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

// One value given as text: {ok, value} or {ok: false, message} naming the URL key and what it allows,
// by the core's rule (state.js checkValue; training-entry.js starts the core's checks first).
export function checkSetting(spec, raw) {
  return checkValue(spec.key, spec, raw);
}

// A setting's value in the core's preset of a pair (column B's; both columns of a pair train alike), or
// undefined before the core's presets are in.
export function presetSetting(pair, name) {
  return presetConfig(pair)?.[name];
}

// The whole core preset of a pair's column B, or of the built pair's recipe (null before the core's
// presets are in).
export function presetConfig(pair) {
  const name = PAIRS[pair]?.recipe ?? PAIRS[pair]?.b;
  return corePresets.find(p => p.name === name)?.config ?? null;
}

export function defaultSettings() {
  return Object.fromEntries(TRAINING_FIELDS.map(f => [f.name, f.default]));
}

// URL -> {settings, view: 'init'|'training', embed: null|'fig1', notices}. A bad value keeps its default
// and adds a notice; keys of the init-time page are not ours and are left alone. words(message, key): how
// the page names the setting in the notice (messages.js: the control's label).
export function parseTrainingQuery(search, words = message => message) {
  const params = new URLSearchParams(search);
  const settings = defaultSettings();
  const notices = [];
  for (const spec of TRAINING_FIELDS) {
    if (!params.has(spec.key)) continue;
    const r = checkSetting(spec, params.get(spec.key));
    if (r.ok) settings[spec.name] = r.value;
    else notices.push(`${words(r.message, spec.key)}; using ${spec.default === null ? "the preset's value" : `the default ${spec.default}`}.`);
  }
  for (const key of params.keys()) {
    if (key.startsWith('t.') && !TRAINING_FIELDS.some(f => f.key === key))
      notices.push(`Unknown training setting '${shown(key)}' in the link was ignored (known: ${TRAINING_FIELDS.map(f => f.key).join(', ')}).`);
  }
  let view = params.get('view') === 'training' ? 'training' : 'init';
  if (params.has('view') && !['training', 'init'].includes(params.get('view')))
    notices.push(`view must be one of: init, training (got '${shown(params.get('view'))}'); showing the init-time view.`);
  const embed = params.get('embed') === 'fig1' ? 'fig1' : null;
  if (embed) view = 'training';
  return { settings, view, embed, notices };
}

// Writes our keys into `search` (keeping every other key as it is): only values off their default.
export function writeTrainingQuery(search, settings, view, embed = null) {
  const params = new URLSearchParams(search);
  for (const spec of TRAINING_FIELDS) {
    const v = settings[spec.name];
    if (v === spec.default || v === null || v === undefined) params.delete(spec.key);
    else params.set(spec.key, spec.type === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  if (view === 'training') params.set('view', 'training');
  else params.delete('view');
  if (embed) params.set('embed', embed);
  else if (params.get('embed') === 'fig1') params.delete('embed');
  return params.toString();
}

// The training settings both columns share: every set core field, and the binned tensor.
export function trainingOverrides(settings) {
  const overrides = { histogram_tensor: settings.tensor };
  for (const name of CORE_FIELDS) if (settings[name] !== null && settings[name] !== undefined) overrides[name] = settings[name];
  return overrides;
}

// The config each column's core session starts from: the pair's preset, then every set core field (a
// preset pair; the built pair's come from built-pair.js).
export function columnConfigs(settings) {
  const pair = PAIRS[settings.preset], overrides = trainingOverrides(settings);
  return { a: { preset: pair.a, ...overrides }, b: { preset: pair.b, ...overrides } };
}

// The settings printed in every exported figure: one line per column (the network: init, normalization
// and its placement, bias; format.js's line, as the init-time page's exports print it) and one for the
// training both share. [] before the run has a config.
export function settingsLines(configs) {
  const c = configs.b || configs.a;
  if (!c) return [];
  const network = col => configs[col] && `${col.toUpperCase()}: ${settingsLine(configs[col])}${configs[col].bias ? '' : ', no bias'}`;
  const opt = c.optimizer === 'adam' ? 'Adam' : `SGD momentum ${c.sgd_momentum}`;
  return [network('a'), network('b'),
    `MNIST, ${opt}, learning rate ${c.learning_rate}, ${c.steps} steps, a report every ${c.log_every}, seed ${c.seed}`].filter(Boolean);
}
