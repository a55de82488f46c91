// The training view's links: the page's own URL (settings under `t.`), the embed snippet for Figure 1,
// and the embed's relative link back to the full view with the same settings. table: the page's one URL
// table (state.js); this view writes its rows and `embed` (the view shown without its controls).
import { writeQuery } from '../state.js';

// `search` with the training view shown, these settings, and embed on or off.
function trainingQuery(table, search, settings, embed) {
  const state = { training: { ...settings, view: 'training' }, view: { embed } };
  return writeQuery(search, table, state, row => row.scope === 'training' || row.key === 'embed');
}

// The frame the embed is made for, and tested in (tests/e2e/training.test.mjs).
export const EMBED_SIZE = { width: 500, height: 500 };

// The keys an embed keeps from the page's URL: a saved run's `run` (saved-run.js), and for a built pair the
// init-time view's keys it is made of (a.*, b.*, seed).
function embedKeys(search, builtPair) {
  return [...new URLSearchParams(search)].filter(([key]) => key === 'run' || (builtPair && (/^[ab]\./.test(key) || key === 'seed')))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
}

// The link to these settings (embed: true, the view's own embed, Figure 1 alone; or one figure's name,
// state.js EMBED_FIGURES).
export function settingsUrl(table, settings, embed) {
  const base = location.href.split(/[?#]/)[0];
  const kept = !embed ? location.search : embedKeys(location.search, settings.preset === 'built');
  return base + '?' + trainingQuery(table, kept, settings, embed || false);
}

// target: the embed (true: Figure 1; or an evidence-lab figure, which says what it is in `labWhat`).
export function embedSnippet(table, settings, target = true, labWhat = null) {
  const src = settingsUrl(table, settings, target).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const what = labWhat ? labWhat : new URLSearchParams(location.search).has('run') ? 'a saved training run, drawn as the batch-norm paper\'s Figure 1'
    : settings.preset === 'built' ? 'a pair of networks built in Layerscope, trained in your browser as the batch-norm paper\'s Figure 1'
    : 'the batch-norm paper\'s Figure 1, trained in your browser';
  return `<iframe src="${src}" width="${EMBED_SIZE.width}" height="${EMBED_SIZE.height}" loading="lazy" ` +
    `title="Layerscope: ${what}" frameborder="0"></iframe>`;
}

// Relative (the site may live under any path): the same query without embed, so it opens the full view.
export function fullViewHref(table, settings) {
  return '?' + trainingQuery(table, location.search, settings, false);
}

// A link or snippet in the view's share box, selected and copied where the browser lets us.
export function shareText(text) {
  const field = document.getElementById('t-share-field');
  field.value = text;
  field.hidden = false;
  field.select();
  navigator.clipboard?.writeText(text).catch(() => {});
}
