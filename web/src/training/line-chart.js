// A line chart on a canvas: curves of [step, value] against step, optional shaded bands, reference lines,
// a legend, and a hover readout (step, value of every curve). It owns its element: a canvas and one
// readout line. paint() draws into any 2-D context at any size and palette, so the page and the PNG export
// (2x, light background) draw the same figure.
import { themeColors, FONT } from '../theme.js';
import { fmt, pct } from '../format.js';
import { sizedContext, viewCanvas } from './canvas.js';

const MARGIN = { top: 26, right: 14, bottom: 38, left: 58 };  // paint() pushes the top down for a legend of several rows

// Round tick steps: 1, 2 or 5 times a power of ten, about `count` of them over the span.
function tickStep(span, count) {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

export function ticks(lo, hi, count) {
  if (!(hi > lo)) return [lo];
  const step = tickStep(hi - lo, count);
  const out = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

// A linear map from [d0, d1] to [r0, r1]; nice() widens the domain to round ticks.
function scaleLinear(d0, d1, r0, r1, nice = 0) {
  if (nice && d1 > d0) {
    const step = tickStep(d1 - d0, nice);
    d0 = Math.floor(d0 / step + 1e-9) * step;
    d1 = Math.ceil(d1 / step - 1e-9) * step;
  }
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = v => r0 + (v - d0) * k;
  f.invert = px => (k ? d0 + (px - r0) / k : d0);
  f.domain = [d0, d1];
  return f;
}

// The step axis on a log scale: x' = log10(1 + step), so step 0 (the initialisation) stays on the chart.
const logStep = s => Math.log10(1 + Math.max(0, s));
const unlogStep = v => 10 ** v - 1;

export function colorOf(colors, key) {
  return colors[key] || key;
}

export class LineChart {
  // spec: {title, xLabel, yLabel, percent?, logY?, yDomain?: [lo, hi] (as plotted), refLines?: [{y, label}],
  //        height?, xName? ('step'), integerX?, maxXTicks?}
  constructor(element, spec) {
    this.element = element;
    this.spec = spec;
    this.canvas = viewCanvas(element);
    this.canvas.setAttribute('aria-label', spec.title);
    this.readout = document.createElement('p');
    this.readout.className = 't-readout';
    this.readout.setAttribute('aria-live', 'off');
    this.readout.textContent = 'Hover the chart for values.';
    element.append(this.readout);
    this.series = [];
    this.logX = false;
    this.marker = null;
    this.canvas.addEventListener('mousemove', e => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => { this.readout.textContent = 'Hover the chart for values.'; });
  }

  // series: [{label, color ('a' | 'b' | theme key | CSS colour), dash?, points: [[x, y]], band?: [[x, lo, hi]]}]
  // options: {logX, marker: the scrubber's step or null, xMax}
  update(series, { logX = false, marker = null, xMax = null } = {}) {
    this.series = series;
    this.logX = logX;
    this.marker = marker;
    this.xMax = xMax;
  }

  size() {
    const width = Math.max(260, this.element.clientWidth || 400);
    return { width, height: this.spec.height || (width < 420 ? 210 : 240) };
  }

  draw() {
    const { width, height } = this.size();
    const ctx = sizedContext(this.canvas, width, height);
    this.scales = this.paint(ctx, width, height, themeColors());
    this.canvas.dataset.points = String(this.series.reduce((n, s) => n + s.points.length, 0));
  }

  // The series as plotted: log10 of the values on a log y axis.
  plotted() {
    if (!this.spec.logY) return this.series;
    const lg = v => (v > 0 ? Math.log10(v) : NaN);
    return this.series.map(s => ({ ...s, points: s.points.map(([a, b]) => [a, lg(b)]),
      band: s.band && s.band.map(([a, l, h]) => [a, lg(l), lg(h)]) }));
  }

  domains(series) {
    let xHi = this.xMax || 1, lo = Infinity, hi = -Infinity;
    for (const s of series) {
      for (const [x, y] of s.points) {
        if (x > xHi) xHi = x;
        if (Number.isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
      }
      for (const [, l, h] of s.band || []) {
        if (Number.isFinite(l)) lo = Math.min(lo, l);
        if (Number.isFinite(h)) hi = Math.max(hi, h);
      }
    }
    for (const r of this.spec.refLines || []) { lo = Math.min(lo, r.y); hi = Math.max(hi, r.y); }
    if (this.spec.yDomain) [lo, hi] = this.spec.yDomain;
    if (!(lo <= hi)) { lo = 0; hi = 1; }
    if (lo === hi) { lo -= 0.5; hi += 0.5; }
    const pad = this.spec.yDomain ? 0 : (hi - lo) * 0.05;
    return { xHi, yLo: lo - pad, yHi: hi + pad };
  }

  // Legend entries laid out in rows that fit the width: [{series, x, row}], and the number of rows.
  legendLayout(ctx, width) {
    ctx.font = FONT;
    const entries = [];
    let lx = 4, row = 0;
    for (const s of this.series) {
      if (!s.label) continue;
      const w = 28 + ctx.measureText(s.label).width;
      if (lx > 4 && MARGIN.left + lx + w - 8 > width - MARGIN.right) { lx = 4; row++; }
      entries.push({ s, x: MARGIN.left + lx, row });
      lx += w;
    }
    return { entries, rows: entries.length ? row + 1 : 0 };
  }

  paint(ctx, width, height, colors) {
    const legend = this.legendLayout(ctx, width);
    // the plot starts below the legend's rows (one row: the margin's own 26 px)
    const M = { ...MARGIN, top: MARGIN.top + 14 * Math.max(0, legend.rows - 1) };
    const series = this.plotted();
    const { xHi, yLo, yHi } = this.domains(series);
    const tx = this.logX ? logStep : v => v;
    // log y: values are plotted as log10(v) (v <= 0 has no place and is left out), ticks read 10^k.
    const x = scaleLinear(0, tx(xHi), M.left, width - M.right);
    const y = scaleLinear(yLo, yHi, height - M.bottom, M.top, this.spec.yDomain ? 0 : 5);
    const X = v => x(tx(v));
    ctx.save();
    ctx.fillStyle = colors.bg;
    ctx.fillRect(0, 0, width, height);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    // grid and y ticks
    const yFormat = this.spec.percent ? v => pct(v) : this.spec.logY ? v => fmt(10 ** v) : v => fmt(v);
    ctx.strokeStyle = colors.grid;
    ctx.lineWidth = 1;
    ctx.fillStyle = colors.muted;
    ctx.textAlign = 'right';
    // about one tick per 30 px of plot height, so a small chart's labels do not crowd
    for (const t of ticks(y.domain[0], y.domain[1], Math.max(3, Math.min(5, Math.floor((height - M.top - M.bottom) / 30))))) {
      ctx.beginPath();
      ctx.moveTo(M.left, Math.round(y(t)) + 0.5);
      ctx.lineTo(width - M.right, Math.round(y(t)) + 0.5);
      ctx.stroke();
      ctx.fillText(yFormat(t), M.left - 5, y(t));
    }
    // x ticks: steps (on the log axis at 0, 1, 10, 100, ...)
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const xTicks = this.logX
      ? [0, ...Array.from({ length: Math.floor(Math.log10(xHi)) + 1 }, (_, e) => 10 ** e)]
      : ticks(0, xHi, Math.max(2, Math.min(this.spec.maxXTicks || 99, Math.floor(width / 90))))
        .filter(t => !this.spec.integerX || Number.isInteger(t));
    ctx.strokeStyle = colors.muted;
    ctx.beginPath();
    ctx.moveTo(M.left, height - M.bottom + 0.5);
    ctx.lineTo(width - M.right, height - M.bottom + 0.5);
    ctx.moveTo(M.left + 0.5, M.top);
    ctx.lineTo(M.left + 0.5, height - M.bottom);
    ctx.stroke();
    for (const t of xTicks) {
      const px = Math.round(X(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, height - M.bottom);
      ctx.lineTo(px, height - M.bottom + 4);
      ctx.stroke();
      ctx.fillText(t >= 10000 ? `${t / 1000}k` : String(t), px, height - M.bottom + 6);
    }
    // axis labels
    ctx.fillText(this.logX ? `${this.spec.xLabel} (log scale)` : this.spec.xLabel, (M.left + width - M.right) / 2, height - 14);
    ctx.save();
    ctx.translate(12, (M.top + height - M.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(this.spec.yLabel, 0, 0);
    ctx.restore();
    // reference lines
    ctx.setLineDash([5, 4]);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    for (const r of this.spec.refLines || []) {
      ctx.strokeStyle = colors.muted;
      ctx.beginPath();
      ctx.moveTo(M.left, y(r.y));
      ctx.lineTo(width - M.right, y(r.y));
      ctx.stroke();
      ctx.fillText(r.label, width - M.right - 2, y(r.y) - 2);
    }
    ctx.setLineDash([]);
    // plot area clip, then bands and lines
    ctx.save();
    ctx.beginPath();
    ctx.rect(M.left, M.top - 2, width - M.left - M.right, height - M.top - M.bottom + 4);
    ctx.clip();
    for (const s of series) {
      if (!s.band || !s.band.length) continue;
      ctx.fillStyle = colorOf(colors, s.color);
      ctx.globalAlpha = 0.18;
      ctx.beginPath();
      s.band.forEach(([sx, lo], i) => (i ? ctx.lineTo(X(sx), y(lo)) : ctx.moveTo(X(sx), y(lo))));
      for (let i = s.band.length - 1; i >= 0; i--) ctx.lineTo(X(s.band[i][0]), y(s.band[i][2]));
      ctx.closePath();
      ctx.fill();
      ctx.globalAlpha = 1;
    }
    for (const s of series) {
      ctx.strokeStyle = colorOf(colors, s.color);
      ctx.lineWidth = s.width || 2;
      ctx.setLineDash(s.dash || []);
      ctx.beginPath();
      let pen = false;
      for (const [sx, sy] of s.points) {
        if (!Number.isFinite(sy)) { pen = false; continue; }
        if (pen) ctx.lineTo(X(sx), y(sy));
        else ctx.moveTo(X(sx), y(sy));
        pen = true;
      }
      ctx.stroke();
      if (s.points.length === 1 && Number.isFinite(s.points[0][1])) {
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fillRect(X(s.points[0][0]) - 2, y(s.points[0][1]) - 2, 4, 4);
      }
    }
    ctx.setLineDash([]);
    ctx.restore();
    // the scrubber's step
    if (this.marker !== null && this.marker !== undefined) {
      ctx.strokeStyle = colors.fg;
      ctx.globalAlpha = 0.5;
      ctx.beginPath();
      ctx.moveTo(Math.round(X(this.marker)) + 0.5, M.top);
      ctx.lineTo(Math.round(X(this.marker)) + 0.5, height - M.bottom);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    // legend, top left, one entry per labelled curve
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (const { s, x: lx, row } of legend.entries) {
      const ly = MARGIN.top - 13 + 14 * row;
      ctx.strokeStyle = colorOf(colors, s.color);
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dash || []);
      ctx.beginPath();
      ctx.moveTo(lx, ly);
      ctx.lineTo(lx + 16, ly);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = colors.fg;
      ctx.fillText(s.label, lx + 20, ly);
    }
    ctx.restore();
    return { x, y, tx };
  }

  hover(event) {
    if (!this.scales || !this.series.length) return;
    const rect = this.canvas.getBoundingClientRect();
    const v = this.scales.x.invert(event.clientX - rect.left);
    const step = this.logX ? unlogStep(v) : v;
    const parts = [];
    let shownStep = null;
    for (const s of this.series) {
      if (!s.points.length) continue;
      let best = s.points[0];
      for (const p of s.points) if (Math.abs(p[0] - step) < Math.abs(best[0] - step)) best = p;
      shownStep ??= best[0];
      const value = this.spec.percent ? pct(best[1]) : fmt(best[1]);
      parts.push(`${s.label || s.readoutLabel || ''}: ${value}`);
    }
    this.readout.textContent = `${this.spec.xName || 'step'} ${shownStep} · ${parts.join(' · ')}`;
  }

  // The numbers behind the figure: one row per step of every curve.
  csv() {
    const steps = [...new Set(this.series.flatMap(s => s.points.map(p => p[0])))].sort((a, b) => a - b);
    const cols = [];
    for (const s of this.series) {
      const name = (s.csvName || s.label || 'value').replace(/[, ]+/g, '_');
      cols.push({ name, map: new Map(s.points.map(p => [p[0], p[1]])) });
      if (s.band) {
        cols.push({ name: `${name}_band_lo`, map: new Map(s.band.map(p => [p[0], p[1]])) });
        cols.push({ name: `${name}_band_hi`, map: new Map(s.band.map(p => [p[0], p[2]])) });
      }
    }
    const lines = [['step', ...cols.map(c => c.name)].join(',')];
    for (const st of steps) lines.push([st, ...cols.map(c => (c.map.has(st) ? c.map.get(st) : ''))].join(','));
    return lines.join('\n') + '\n';
  }

  json() {
    const finite = v => (Number.isFinite(v) ? v : null);
    return {
      figure: this.spec.title, x: this.spec.xLabel, y: this.spec.yLabel,
      series: this.series.map(s => ({
        name: s.csvName || s.label, points: s.points.map(([a, b]) => [a, finite(b)]),
        ...(s.band ? { band: s.band.map(([a, l, h]) => [a, finite(l), finite(h)]) } : {}),
      })),
    };
  }
}
