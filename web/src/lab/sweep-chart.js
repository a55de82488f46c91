// The lab's sweep charts: lines of measured points (and dashed theory lines) against a log x axis (the
// learning rate, the depth), on a log or linear y axis. A point that is not a number (a diverged run) is
// never drawn as one: the line breaks there and a cross marks it in a strip above the plot named
// "diverged". One function writes the SVG markup, so the page and the exported SVG/PNG are the same
// drawing; colours are presentation attributes (the page's CSP allows no style attributes).
import { scaleLinear, scaleLog } from 'd3-scale';
import { FONT_FAMILY } from '../theme.js';

const M = { top: 26, right: 14, bottom: 38, left: 58 };
const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = v => Math.round(v * 10) / 10;

// "1e-3", "0.01", "1", "100": an axis label of a power of ten (or any tick) in few characters.
export function shortNumber(v) {
  if (v === 0) return '0';
  const e = Math.log10(Math.abs(v));
  if (Number.isInteger(Math.round(e * 1e9) / 1e9) && (e < -2 || e > 3)) return `1e${Math.round(e)}`;
  return String(+v.toPrecision(3));
}

// Log ticks: the powers of ten inside the domain, thinned to at most `most`; a short domain takes the
// scale's own ticks.
function logTicks(scale, most) {
  const [lo, hi] = scale.domain();
  const powers = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) powers.push(10 ** e);
  if (powers.length < 3) {  // two decades or less: 1, 2 and 5 times a power of ten, never crowded
    const nice = scale.ticks(10).filter(t => [1, 2, 5].includes(+(t / 10 ** Math.floor(Math.log10(t) + 1e-9)).toPrecision(3)));
    return nice.length >= 2 ? nice : scale.ticks(3);
  }
  const step = Math.ceil(powers.length / most);
  return powers.filter((_, i) => i % step === 0);
}

// Where the chart's finite values lie, widened a little so no point sits on the frame.
function domainOf(values, log, fixed) {
  if (fixed) return fixed;
  const finite = values.filter(v => Number.isFinite(v) && (!log || v > 0));
  if (!finite.length) return log ? [0.1, 10] : [0, 1];
  let lo = Math.min(...finite), hi = Math.max(...finite);
  if (log) return lo === hi ? [lo / 2, hi * 2] : [lo / 1.3, hi * 1.3];
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.06;
  return [lo - pad, hi + pad];
}

// spec: {title, x: {label}, y: {label, log, domain?, format(v)}, height?}
// data: {xs: number[], series: [{label, color, dash?, markers?, values: number[] (NaN: not a number)}]}
// Returns {markup (the <svg>), width, height, x, y (the scales)}.
export function chartMarkup(spec, data, { width, colors }) {
  const height = spec.height ?? 230;
  const xs = data.xs.filter(v => v > 0);
  const x = scaleLog().domain(xs.length ? domainOf(xs, true) : [1, 10]).range([M.left, width - M.right]);
  const all = data.series.flatMap(s => s.values);
  const yScale = spec.y.log ? scaleLog() : scaleLinear();
  const y = yScale.domain(domainOf(all, spec.y.log, spec.y.domain)).range([height - M.bottom, M.top]);
  const yTicks = spec.y.log ? logTicks(y, 6) : y.ticks(5);
  const yFormat = spec.y.format ?? shortNumber;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(FONT_FAMILY)}" font-size="11" role="img" aria-label="${esc(spec.title)}">`];
  // grid and axes
  for (const t of logTicks(x, 8)) {
    parts.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${M.top}" y2="${height - M.bottom}" stroke="${colors.grid}"/>`,
      `<text x="${f(x(t))}" y="${height - M.bottom + 14}" text-anchor="middle" fill="${colors.muted}">${esc(shortNumber(t))}</text>`);
  }
  for (const t of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${width - M.right}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="${colors.grid}"/>`,
      `<text x="${M.left - 6}" y="${f(y(t)) + 4}" text-anchor="end" fill="${colors.muted}">${esc(yFormat(t))}</text>`);
  }
  parts.push(`<text x="${f((M.left + width - M.right) / 2)}" y="${height - 6}" text-anchor="middle" fill="${colors.fg}">${esc(spec.x.label)}</text>`,
    `<text transform="translate(13 ${f((M.top + height - M.bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="${colors.fg}">${esc(spec.y.label)}</text>`);
  const nonNumbers = data.series.some(s => s.values.some((v, i) => data.xs[i] > 0 && !(Number.isFinite(v) && (!spec.y.log || v > 0))));
  if (nonNumbers)
    parts.push(`<text x="${M.left - 6}" y="${M.top - 9}" text-anchor="end" fill="${colors.bad}">diverged</text>`,
      `<line x1="${M.left}" x2="${width - M.right}" y1="${M.top - 4}" y2="${M.top - 4}" stroke="${colors.grid}" stroke-dasharray="2 3"/>`);
  data.series.forEach((s, k) => {
    const color = colors[s.color] ?? s.color;  // a palette key ('a', 'b', 'zero') or a colour
    let path = '', open = false;
    s.values.forEach((v, i) => {
      const ok = Number.isFinite(v) && (!spec.y.log || v > 0) && data.xs[i] > 0;
      if (ok) { path += `${open ? 'L' : 'M'}${f(x(data.xs[i]))},${f(y(v))}`; open = true; } else open = false;
    });
    // a theory line (dashed) thinner and lighter than the measurement it is compared with
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="${s.dash ? 1.2 : 2}"` +
      (s.dash ? ` stroke-dasharray="${s.dash}" stroke-opacity="0.75"` : '') + '/>');
    s.values.forEach((v, i) => {
      if (!(data.xs[i] > 0)) return;
      const cx = f(x(data.xs[i]));
      if (Number.isFinite(v) && (!spec.y.log || v > 0)) {
        if (s.markers !== false) parts.push(`<circle cx="${cx}" cy="${f(y(v))}" r="3.5" fill="${color}"/>`);
      } else if (s.markers !== false && v !== undefined) {
        // a cross in the strip, offset per series so A's and B's do not hide each other
        const cy = M.top - 13 + 5 * k, d = 3.5;
        parts.push(`<path d="M${cx - d},${cy - d}L${cx + d},${cy + d}M${cx - d},${cy + d}L${cx + d},${cy - d}" stroke="${color}" stroke-width="2"/>`);
      }
    });
  });
  parts.push(`<line class="lab-guide" x1="0" x2="0" y1="${M.top}" y2="${height - M.bottom}" stroke="${colors.muted}" stroke-dasharray="3 3" visibility="hidden"/>`, '</svg>');
  return { markup: parts.join(''), width, height, x, y };
}

// A chart on the page: redrawn at its element's width; hover shows readout(index) at the nearest x.
export class SweepChart {
  // spec: chartMarkup's, plus readout(index) -> [lines] and a figure caption's text (optional)
  // colors(): the page's palette now (theme.js themeColors)
  constructor(element, spec, tooltip, colors) {
    Object.assign(this, { element, spec, tooltip, colors, data: null, drawn: null });
    element.addEventListener('mousemove', e => this.hover(e));
    element.addEventListener('mouseleave', () => { this.tooltip.hide(); this.guide(null); });
    let width = 0;  // only a new width needs a new drawing
    new ResizeObserver(entries => {
      const w = Math.round(entries.at(-1).contentRect.width);
      if (w !== width) { width = w; this.draw(); }
    }).observe(element);
  }

  update(data) {
    this.data = data;
    this.draw();
  }

  draw() {
    if (!this.data) return;
    const width = Math.max(260, Math.min(this.element.clientWidth || 480, 720));
    this.drawn = chartMarkup(this.spec, this.data, { width, colors: this.colors() });
    // The markup is this module's own (every text escaped), parsed as SVG: no script, no style attribute.
    const doc = new DOMParser().parseFromString(this.drawn.markup, 'image/svg+xml');
    this.element.replaceChildren(document.importNode(doc.documentElement, true));
  }

  // The same drawing at a fixed width in another palette (the exports).
  markupFor(colors, width) {
    return chartMarkup(this.spec, this.data, { width, colors });
  }

  guide(px) {
    const line = this.element.querySelector('.lab-guide');
    if (!line) return;
    line.setAttribute('visibility', px === null ? 'hidden' : 'visible');
    if (px !== null) { line.setAttribute('x1', px); line.setAttribute('x2', px); }
  }

  hover(event) {
    if (!this.drawn || !this.data?.xs.length) return;
    const box = this.element.querySelector('svg').getBoundingClientRect();
    const px = event.clientX - box.left;
    let best = -1, gap = Infinity;
    this.data.xs.forEach((v, i) => {
      const d = Math.abs(this.drawn.x(v) - px);
      if (v > 0 && d < gap) { gap = d; best = i; }
    });
    if (best < 0 || gap > 40) { this.tooltip.hide(); this.guide(null); return; }
    this.guide(f(this.drawn.x(this.data.xs[best])));
    this.tooltip.show(this.spec.readout(best), event.clientX, event.clientY);
  }
}
