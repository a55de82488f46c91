// "Four cures at depth 50" (issue 22): the one table of the five networks the cures figures draw (the
// same 50 ReLU layers of 100, Xavier normal, plain or with one cure), by the core's preset names, with
// their words and colours, and the figures' URL state. The init-time presets and the training presets
// share these names (config.cpp and training_config.cpp, cures-*).
import { PALETTES } from '../theme.js';
import { extraWorkerPool } from '../worker-pool.js';

export { CURE_TENSORS, curesState, curesUrl } from './cures-url.js';

// The section's own two column workers (worker-pool.js extraWorkerPool: the page's kind, on its compiled
// module), made on first use: the five profiles and the five trained runs never take the columns' workers,
// so a training run of the training view and the section's requests never meet.
let pool = null;
export const curesPool = () => (pool ??= extraWorkerPool());

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
