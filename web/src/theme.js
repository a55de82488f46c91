// Colours come from CSS custom properties, so canvas and SVG follow the light/dark theme.
const NAMES = ['bg', 'fg', 'muted', 'grid', 'col-a', 'col-b', 'zero', 'bad', 'panel'];

// Read once and kept: getComputedStyle after the page changed forces a style recalculation, and every
// view asks on every redraw. A change of colour scheme drops the copy (onThemeChange).
let cached = null;

export function themeColors() {
  if (cached) return cached;
  const style = getComputedStyle(document.documentElement);
  const colors = {};
  for (const n of NAMES) colors[n] = style.getPropertyValue('--' + n).trim() || '#888';
  colors.a = colors['col-a'];
  colors.b = colors['col-b'];
  cached = colors;
  return colors;
}

export function onThemeChange(callback) {
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  if (mq.addEventListener) mq.addEventListener('change', () => { cached = null; callback(); });
}

export const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
