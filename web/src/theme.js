// Colours come from CSS custom properties, so canvas and SVG follow the light/dark theme.
const NAMES = ['bg', 'fg', 'muted', 'grid', 'col-a', 'col-b', 'zero', 'bad', 'panel'];

// Read once and kept: getComputedStyle after the page changed forces a style recalculation, and every
// view asks on every redraw. A change of colour scheme drops the copy (onThemeChange).
let cached = null;

function withColumnKeys(colors) {
  colors.a = colors['col-a'];
  colors.b = colors['col-b'];
  return colors;
}

export function themeColors() {
  if (cached) return cached;
  const style = getComputedStyle(document.documentElement);
  const colors = {};
  for (const n of NAMES) colors[n] = style.getPropertyValue('--' + n).trim() || '#888';
  cached = withColumnKeys(colors);
  return colors;
}

// The palettes of style.css, for exports: an image pasted into a blog post is light whatever theme the
// page had when it was made, unless the reader asks for dark.
export const PALETTES = {
  light: withColumnKeys({ bg: '#ffffff', panel: '#f5f6f8', fg: '#1d232b', muted: '#5d6673', grid: '#dde1e6',
    'col-a': '#d1570e', 'col-b': '#1f6fd1', zero: '#7a4fc9', bad: '#c8102e' }),
  dark: withColumnKeys({ bg: '#14171c', panel: '#1d2128', fg: '#e6e9ee', muted: '#9aa3b0', grid: '#323843',
    'col-a': '#ff9a4d', 'col-b': '#6aa8ff', zero: '#b595ff', bad: '#ff6b7d' }),
};

export function onThemeChange(callback) {
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  if (mq.addEventListener) mq.addEventListener('change', () => { cached = null; callback(); });
}

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const FONT = `11px ${FONT_FAMILY}`;
