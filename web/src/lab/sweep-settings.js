// The lab's sweep settings in the URL: `sweep.<field>` for the learning-rate sweep and `depth.<field>` for
// the depth sweep, the fields and their ranges being the core's tables (sweeps.cpp sweep_fields,
// depth_sweep_fields, read from the lab's module), each value judged by the core's rule (state.js
// checkValue: a bad one is named by its key with what it allows, and its default is used). `embed=lr-sweep`
// or `embed=depth-sweep` (with view=training) shows that figure alone. The init-time page and the training
// view leave these keys alone (state.js isTrainingKey).
import { checkValue, shown, LAB_SWEEP_KEYS } from '../state.js';

export const SWEEPS = LAB_SWEEP_KEYS;
export const LAB_EMBEDS = Object.values(SWEEPS).map(s => s.embed);

// Whether the URL asks for a sweep (a setting of it, or its embed): the page then opens it at once.
export function linkAsksFor(search, sweep) {
  const params = new URLSearchParams(search);
  return params.get('embed') === SWEEPS[sweep].embed || [...params.keys()].some(k => k.startsWith(SWEEPS[sweep].prefix));
}

// URL -> {settings: {field: value} of the keys given and taken, notices}. schema: the core's rows.
export function parseSweepQuery(search, sweep, schema) {
  const { prefix } = SWEEPS[sweep];
  const settings = {}, notices = [];
  for (const [key, raw] of new URLSearchParams(search)) {
    if (!key.startsWith(prefix)) continue;
    const spec = schema.find(s => s.name === key.slice(prefix.length));
    if (!spec) {
      notices.push(`Unknown setting '${shown(key)}' in the link was ignored (known: ${schema.map(s => prefix + s.name).join(', ')}).`);
      continue;
    }
    const r = checkValue(key, spec, raw);
    if (r.ok) settings[spec.name] = r.value;
    else notices.push(`${r.message}; using the default ${spec.default}.`);
  }
  return { settings, notices };
}

// One value typed into a control: {ok, value} or {ok: false, message} naming its URL key.
export function checkSweepValue(sweep, spec, raw) {
  return checkValue(SWEEPS[sweep].prefix + spec.name, spec, raw);
}

// The URL with this sweep's keys set to `settings` (only values off their default), every other key kept.
export function writeSweepQuery(search, sweep, schema, settings) {
  const params = new URLSearchParams(search);
  for (const spec of schema) {
    const key = SWEEPS[sweep].prefix + spec.name, v = settings[spec.name];
    if (v === undefined || v === spec.default) params.delete(key);
    else params.set(key, String(v));
  }
  return params;
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
