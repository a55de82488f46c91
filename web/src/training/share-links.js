// The training view's links: the page's own URL (settings under `t.`), the embed snippet for Figure 1,
// and the embed's relative link back to the full view with the same settings.
import { writeTrainingQuery } from './settings.js';

// The frame the embed is made for, and tested in (tests/e2e/training.test.mjs).
export const EMBED_SIZE = { width: 500, height: 500 };

// The keys an embed keeps from the page's URL: a saved run's `run` (saved-run.js), and for a built pair the
// init-time view's keys it is made of (a.*, b.*, seed).
function embedKeys(search, builtPair) {
  return [...new URLSearchParams(search)].filter(([key]) => key === 'run' || (builtPair && (/^[ab]\./.test(key) || key === 'seed')))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
}

// The link to these settings (embed: true, the Figure 1 embed's own URL instead; or another embed's name).
export function settingsUrl(settings, embed) {
  const base = location.href.split(/[?#]/)[0];
  const kept = !embed ? location.search : embedKeys(location.search, settings.preset === 'built');
  return base + '?' + writeTrainingQuery(kept, { ...settings }, 'training', embed === true ? 'fig1' : embed || null);
}

// target: the embed (true: Figure 1; or an evidence-lab figure, which says what it is in `what`).
export function embedSnippet(settings, target = true, labWhat = null) {
  const src = settingsUrl(settings, target).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const what = labWhat ? labWhat : new URLSearchParams(location.search).has('run') ? 'a saved training run, drawn as the batch-norm paper\'s Figure 1'
    : settings.preset === 'built' ? 'a pair of networks built in Layerscope, trained in your browser as the batch-norm paper\'s Figure 1'
    : 'the batch-norm paper\'s Figure 1, trained in your browser';
  return `<iframe src="${src}" width="${EMBED_SIZE.width}" height="${EMBED_SIZE.height}" loading="lazy" ` +
    `title="Layerscope: ${what}" frameborder="0"></iframe>`;
}

// Relative (the site may live under any path): the same query without embed, so it opens the full view.
export function fullViewHref(settings) {
  return '?' + writeTrainingQuery(location.search, settings, 'training', null);
}

// A link or snippet in the view's share box, selected and copied where the browser lets us.
export function shareText(text) {
  const field = document.getElementById('t-share-field');
  field.value = text;
  field.hidden = false;
  field.select();
  navigator.clipboard?.writeText(text).catch(() => {});
}
