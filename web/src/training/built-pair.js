// The pair a reader built in the init-time view, trained (`t.preset=built`). Its two networks are the
// URL's a.* / b.* / seed keys, the init-time page's own (one copy for both views), read by that page's
// table (state.js); the core's trainable() makes each the classifier training trains and says what it
// changed and why. BuiltPairNote (it owns #t-built) says that beside the Play button, or why the pair
// cannot train.
import { COLUMNS, stateTable, parseQuery, columnConfig } from '../state.js';
import { fieldLabel, choiceLabel } from '../views/field-words.js';
import { PAIRS, trainingOverrides } from './settings.js';
import { TRAINING_FIELDS } from '../state.js';
import { inControlWords, inRowWords } from '../setting-words.js';

let core = null;  // {schema, presets, trainable(network, training)}: the main thread's core (core-checks.js)
export function useCoreTrainable(c) { core = c; }

// The built pair under `search` with the training settings: {configs: {a, b}, changes: {a, b}, notices,
// errors} (configs ready for createTraining; notices: the link's a.* / b.* values that fell back to
// defaults; errors: [{col, field, message}] for each column training cannot take, [] when both can).
export function builtPair(search, settings) {
  const { state, notices } = parseQuery(search, stateTable(core.schema, core.presets), { scopes: ['a', 'b'], words: inRowWords });
  // The networks' seed is the init-time view's (`seed`, part of what was built): t.seed is not sent.
  const { seed, ...training } = trainingOverrides(settings);
  const pair = { configs: {}, changes: {}, notices, errors: [] };
  for (const col of COLUMNS) {
    try {
      const { config, changes } = core.trainable(columnConfig(state, col), { preset: PAIRS.built.recipe, ...training });
      pair.configs[col] = config;
      pair.changes[col] = changes;
    } catch (e) {
      pair.errors.push({ col, field: e.field ?? null, message: e.message ?? String(e) });
    }
  }
  return pair;
}

// The pair the init-time view shows under `search`, each column's settings as that view holds them
// ({a, b}, state.js columnConfig): what a saved run of the built pair records it was built from
// (run-file.js builtFrom), and what the init view must show for it to draw that file's steps.
export function pairOnScreen(search) {
  const { state } = parseQuery(search, stateTable(core.schema, core.presets));
  return { a: columnConfig(state, 'a'), b: columnConfig(state, 'b') };
}

// A refusal in the reader's words: a training setting by its control's label (or its URL key where it
// has no control), a network setting by its label in the init-time view. cols: the columns it refuses.
function refusalText({ field, message }, cols) {
  const names = cols.map(c => c.toUpperCase()).join(' and ');
  const training = field && TRAINING_FIELDS.find(f => f.name === field);
  let text = message;
  if (training && training.control !== false) text = inControlWords(message, field, training.key);
  else if (training) text = inRowWords(message.replace(`${field}:`, `${training.key}:`), { key: training.key, scope: 'training', field });
  else if (field) text = message.replace(`${field}:`, `${fieldLabel(field)} of ${names} (set in the init-time view):`);
  return `${names} cannot train: ${text}.`;
}

// Each refusal once (A and B refused alike: one sentence naming both), then what follows.
export function refusalsText(errors) {
  const alike = errors.length === 2 && errors[0].field === errors[1].field && errors[0].message === errors[1].message;
  const lines = alike ? [refusalText(errors[0], ['a', 'b'])] : errors.map(e => refusalText(e, [e.col]));
  return `${lines.join(' ')} Nothing trains until it is changed.`;
}

// "input features 100 → 784, because the input is ...", or for a kept field that does nothing: "input
// scale 2 has no effect: ..."
function changePhrase({ field, from, to, why }) {
  const label = fieldLabel(field).replace(/ \(.*\)$/, '').toLowerCase();
  if (from === to) return `${label} ${choiceLabel(field, from)} ${why}`;
  return `${label} ${choiceLabel(field, from)} → ${choiceLabel(field, to)}, because ${why}`;
}

// One sentence when both columns change alike, else one per column.
export function changesText(changes) {
  const list = cs => (cs.length ? cs.map(changePhrase).join('; ') : 'nothing, trained exactly as built');
  if (JSON.stringify(changes.a) === JSON.stringify(changes.b))
    return `To train on MNIST, both networks change: ${list(changes.a)}. Every other setting is as you built it.`;
  return COLUMNS.map(col => `To train ${col.toUpperCase()}: ${list(changes[col])}.`).join(' ') +
    ' Every other setting is as you built it.';
}

// The seed control while the built pair is chosen: its seed is the init-time view's (part of what was
// built), shown here but set there. pair: builtPair's result, or null (a preset pair: the control is live).
export function showBuiltSeed(input, pair) {
  input.disabled = Boolean(pair);
  input.title = pair ? 'The seed of the pair you built: set it in the init-time view' : '';
  if (pair) input.value = String(pair.configs.a?.seed ?? pair.configs.b?.seed ?? '');
}

// The built pair as the training view holds it: read again at each use (the init view may have changed
// it), its note kept current, and the configs the run on screen started from remembered.
export class BuiltPairSource {
  constructor(note) {
    this.note = note;   // a BuiltPairNote
    this.pair = null;   // builtPair()'s result while the built pair is chosen
    this.ran = null;    // the configs the last run started from, as JSON
    this.ranFrom = null; // the init view's pair that run was built from (pairOnScreen)
  }

  // The pair for these settings (null for a preset pair), read and shown now.
  sync(settings) {
    this.pair = settings.preset === 'built' ? builtPair(location.search, settings) : null;
    this.note.update(this.pair);
    return this.pair;
  }

  // The configs to run, remembered as the run's; null when refused (the note says why).
  configs(settings) {
    const pair = this.sync(settings);
    this.ran = pair.errors.length ? null : JSON.stringify(pair.configs);
    this.ranFrom = this.ran && pairOnScreen(location.search);
    return this.ran && pair.configs;
  }

  // Whether the pair now differs from the one the run on screen was made of.
  moved() {
    return Boolean(this.pair && this.ran) && JSON.stringify(this.pair.configs) !== this.ran;
  }
}

export class BuiltPairNote {
  constructor(element) {
    this.element = element;
    this.note = element.appendChild(document.createElement('p'));
    this.note.className = 't-changes';
    this.error = element.appendChild(document.createElement('p'));
    this.error.className = 'field-error';
    this.error.setAttribute('role', 'alert');
  }

  // pair: builtPair's result, or null (a preset pair: nothing to say)
  update(pair) {
    this.element.hidden = !pair;
    if (!pair) return;
    const refused = pair.errors.length > 0;
    this.note.hidden = refused;
    this.error.hidden = !refused;
    if (refused) this.error.textContent = refusalsText(pair.errors);
    else this.note.textContent = changesText(pair.changes);
  }
}
