// "Four cures at depth 50" (issue 22): the one table of the five networks the cures figures draw (the
// same 50 ReLU layers of 100, Xavier normal, plain or with one cure), by the core's preset names, with
// their words and colours, and the figures' URL state. The init-time presets and the training presets
// share these names (config.cpp and training_config.cpp, cures-*).
import { PALETTES } from '../theme.js';

// key: the series' key in the charts and the exports; preset: the core's (both tables).
export const CURES = [
  { key: 'plain', preset: 'cures-plain', label: 'no cure', light: '#6b7280', dark: '#a3aab5' },
  { key: 'batch', preset: 'cures-batch-norm', label: 'batch norm', light: '#1f6fd1', dark: '#6aa8ff' },
  { key: 'layer', preset: 'cures-layer-norm', label: 'layer norm', light: '#2e8b57', dark: '#6fd39a' },
  { key: 'residual', preset: 'cures-residual', label: 'residual (α 1/sqrt(50))', light: '#d1570e', dark: '#ff9a4d' },
  { key: 'selu', preset: 'cures-selu', label: 'SELU (LeCun init)', light: '#8b3fc9', dark: '#c397ff' },
];

const dark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches;
// A palette (the page's, or an export's light or dark one) with one colour per cure under its key.
export function cureColors(base, darkPalette = base === PALETTES.dark || (base !== PALETTES.light && dark())) {
  const colors = { ...base };
  for (const c of CURES) colors[c.key] = darkPalette ? c.dark : c.light;
  return colors;
}

// Steps between reports when the five are trained (the saved run's tool and "Train here" alike): about 40
// reports a run, never more often than every 5 steps (each report evaluates the 10,000 test images).
export const curesLogEvery = steps => Math.max(5, Math.round(steps / 40));

// The tensors the profile chart offers: those with a std per layer and, for most, the core's theory.
export const CURE_TENSORS = ['output', 'grad_output', 'pre_activation', 'grad_weight'];

// The figures' URL state: `cures=<tensor>` opens the section drawn for that tensor; `embed=cures` shows
// only the figures (the page's embed target for them). state.js leaves these keys to this module.
export function isCuresKey(key, raw) {
  return key === 'cures' || (key === 'embed' && raw === 'cures');
}

export function curesState(search) {
  const params = new URLSearchParams(search);
  const raw = params.get('cures');
  const embed = params.get('embed') === 'cures';
  const tensor = CURE_TENSORS.includes(raw) ? raw : 'output';
  const notice = raw !== null && raw !== '' && !CURE_TENSORS.includes(raw)
    ? `cures: must be one of: ${CURE_TENSORS.join(', ')} (got '${raw.slice(0, 40)}'); using output.` : null;
  return { open: raw !== null || embed, embed, tensor, notice };
}

// The URL with the figures' state written in (the rest of the page's keys kept as they are).
export function curesUrl(tensor, { embed = false, href = location.href } = {}) {
  const url = new URL(href);
  url.searchParams.set('cures', tensor);
  if (embed) url.searchParams.set('embed', 'cures');
  else if (url.searchParams.get('embed') === 'cures') url.searchParams.delete('embed');
  return url.toString();
}

// Text as lines of at most `width` characters, for an exported image's frame (one line each).
export function wrapLines(text, width = 100) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
