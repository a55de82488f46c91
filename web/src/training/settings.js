// The training view's pairs and what its settings mean: the one-click pairs, the configs both columns
// start from, the preset's value of a setting left empty, and the settings line of the exports. The
// settings themselves are rows of the page's one URL table (state.js TRAINING_FIELDS, the `t.` keys).
import { checkValue, TENSOR_LABELS, TRAINING_FIELDS, CORE_FIELDS } from '../state.js';
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

// The core's training presets ({name, config}), for what a field left empty means (presetSetting).
let corePresets = [];
export function useCorePresets(trainingPresets) { corePresets = trainingPresets; }

// One value given as text: {ok, value} or {ok: false, message} naming the URL key and what it allows,
// by the core's rule (state.js checkValue).
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

// The training settings as the one URL table has them by default (state.js TRAINING_FIELDS).
export function defaultSettings() {
  return Object.fromEntries(TRAINING_FIELDS.map(f => [f.name, f.default]));
}

// The training settings both columns share: every set core field, and the binned tensor.
export function trainingOverrides(settings) {
  const overrides = { histogram_tensor: settings.tensor };
  for (const name of CORE_FIELDS) if (settings[name] !== null && settings[name] !== undefined) overrides[name] = settings[name];
  return overrides;
}

// The config each column's core session starts from: the pair's preset (an evidence-lab pair turns the
// probes on), then every set core field (a preset pair; the built pair's come from built-pair.js).
export function columnConfigs(settings) {
  const pair = PAIRS[settings.preset], overrides = trainingOverrides(settings), probes = pair.probes ? { probes: true } : {};
  return { a: { preset: pair.a, ...probes, ...overrides }, b: { preset: pair.b, ...probes, ...overrides } };
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
