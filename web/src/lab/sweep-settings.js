// The lab's sweep settings in the URL: `sweep.<field>` for the learning-rate sweep and `depth.<field>` for
// the depth sweep, the fields and their ranges being the core's tables (sweeps.cpp sweep_fields,
// depth_sweep_fields, read from the lab's module), each value judged by the core's rule (state.js
// checkValue: a bad one is named by its key with what it allows, and its default is used). `embed=lr-sweep`
// or `embed=depth-sweep` (with view=training) shows that figure alone. The init-time page and the training
// view leave these keys to the lab (state.js keyScope) and keep them when they rewrite the URL.
import { checkValue, parseQuery, writeQuery, sweepRows, LAB_SWEEP_KEYS } from '../state.js';

export const SWEEPS = LAB_SWEEP_KEYS;
export const LAB_EMBEDS = Object.values(SWEEPS).map(s => s.embed);

// Whether the URL asks for a sweep (a setting of it, or its embed): the page then opens it at once.
export function linkAsksFor(search, sweep) {
  const params = new URLSearchParams(search);
  return params.get('embed') === SWEEPS[sweep].embed || [...params.keys()].some(k => k.startsWith(SWEEPS[sweep].prefix));
}

// URL -> {settings: {field: value} of the keys given and taken, off their default, notices}. schema: the core's rows, made
// rows of the page's one URL table (state.js sweepRows) and read by its one reader.
export function parseSweepQuery(search, sweep, schema) {
  const table = sweepRows(sweep, schema);
  const { state, notices } = parseQuery(search, table, { scopes: [sweep] });
  // the values off their default (a bad one kept its default): the form shows the rest as placeholders
  const settings = Object.fromEntries(table.filter(r => state[sweep][r.field] !== r.default).map(r => [r.field, state[sweep][r.field]]));
  return { settings, notices };
}

// One value typed into a control: {ok, value} or {ok: false, message} naming its URL key.
export function checkSweepValue(sweep, spec, raw) {
  return checkValue(SWEEPS[sweep].prefix + spec.name, spec, raw);
}

// The URL with this sweep's keys set to `settings` (only values off their default), every other key kept:
// the table's one writer.
export function writeSweepQuery(search, sweep, schema, settings) {
  const table = sweepRows(sweep, schema);
  return new URLSearchParams(writeQuery(search, table, { [sweep]: settings }, () => true));
}

// The link to this sweep's figure alone, for an iframe: the page's URL with view=training and embed set.
export function embedUrl(sweep, schema, settings) {
  const params = writeSweepQuery(location.search, sweep, schema, settings);
  params.set('view', 'training');
  params.set('embed', SWEEPS[sweep].embed);
  const url = new URL(location.href);
  url.search = params.toString();
  return url.href;
}
