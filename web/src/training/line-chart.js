// A line chart on a canvas: curves of [step, value] against step, optional shaded bands, reference lines,
// a legend, and a hover readout (step, value of every curve). It owns its element: a canvas and one
// readout line. paint() draws into any 2-D context at any size and palette, so the page and the exports
// (svg-context.js) draw the same figure. With nothing to draw it says what will appear (spec.empty)
// instead of inventing an axis: ticks 0..1 over no data would read as data.
import { themeColors } from '../theme.js';
import { fmt, pct } from '../format.js';
import { sizedContext, viewCanvas, paintEmpty, paintBackground } from './canvas.js';
import { ticks, scaleLinear, logStep, unlogStep, logStepTicks } from './chart-scales.js';
import { seriesCsv, seriesJson } from './series-data.js';
import { legendLayout, paintLegend } from './chart-legend.js';

export { seriesCsv };

const MARGIN = { top: 26, right: 14, bottom: 38, left: 58 };  // paint() pushes the top down for a legend of several rows

export function colorOf(colors, key) {
  return colors[key] || key;
}

export class LineChart {
  // spec: {title, xLabel, yLabel, percent?, logY?, yDomain?: [lo, hi] (as plotted), refLines?: [{y, label}],
  //        height?, xName? ('step'), integerX?, maxXTicks?, empty?: what the chart will show, said while it has no data}
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
    // what a test or a screen reader can check: the tick labels and legend entries drawn (none when empty)
    this.canvas.dataset.yTicks = (this.scales?.yTicks || []).join(' ');
    this.canvas.dataset.legend = (this.scales?.legend || []).join('|');
    this.canvas.setAttribute('aria-label', this.scales ? this.spec.title : `${this.spec.title}: ${this.emptyText()}`);
  }

  emptyText() {
    return this.spec.empty || 'Nothing to show yet.';
  }

  // The curves that put at least one mark on the chart: only they get a legend entry.
  drawnSeries(series) {
    const finite = s => s.points.some(p => Number.isFinite(p[1])) || (s.band || []).some(b => Number.isFinite(b[1]) || Number.isFinite(b[2]));
    return series.filter(finite);
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

  // Returns the scales drawn with, or null when there was nothing to draw.
  paint(ctx, width, height, colors) {
    const series = this.drawnSeries(this.plotted());
    if (!series.length) {
      paintEmpty(ctx, width, height, colors, this.emptyText());
      return null;
    }
    const legend = legendLayout(ctx, width, series, MARGIN);
    // the plot starts below the legend's rows (one row: the margin's own 26 px)
    const M = { ...MARGIN, top: MARGIN.top + 14 * Math.max(0, legend.rows - 1) };
    const { xHi, yLo, yHi } = this.domains(series);
    const tx = this.logX ? logStep : v => v;
    // log y: values are plotted as log10(v) (v <= 0 has no place and is left out), ticks read 10^k.
    const x = scaleLinear(0, tx(xHi), M.left, width - M.right);
    const y = scaleLinear(yLo, yHi, height - M.bottom, M.top, this.spec.yDomain ? 0 : 5);
    const plot = { M, width, height, xHi, x, y, X: v => x(tx(v)), left: M.left, right: width - M.right, top: M.top, bottom: height - M.bottom };
    ctx.save();
    paintBackground(ctx, width, height, colors);
    const yTicks = this.paintAxes(ctx, plot, colors);
    this.paintReferenceLines(ctx, plot, colors);
    this.paintCurves(ctx, plot, series, colors);
    if (this.marker !== null && this.marker !== undefined) {  // the scrubber's step
      ctx.strokeStyle = colors.fg;
      ctx.globalAlpha = 0.5;
      ctx.beginPath();
      ctx.moveTo(Math.round(plot.X(this.marker)) + 0.5, plot.top);
      ctx.lineTo(Math.round(plot.X(this.marker)) + 0.5, plot.bottom);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    paintLegend(ctx, legend, colors, MARGIN);
    ctx.restore();
    return { x, y, tx, yTicks, legend: legend.entries.map(e => e.s.label) };
  }

  // Grid, ticks and axis labels; returns the y tick labels drawn.
  paintAxes(ctx, plot, colors) {
    const { y, X, left, right, top, bottom, width, height } = plot;
    const yFormat = this.spec.percent ? v => pct(v) : this.spec.logY ? v => fmt(10 ** v) : v => fmt(v);
    ctx.strokeStyle = colors.grid;
    ctx.lineWidth = 1;
    ctx.fillStyle = colors.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    // about one tick per 30 px of plot height, so a small chart's labels do not crowd
    const yTicks = ticks(y.domain[0], y.domain[1], Math.max(3, Math.min(5, Math.floor((bottom - top) / 30))));
    for (const t of yTicks) {
      ctx.beginPath();
      ctx.moveTo(left, Math.round(y(t)) + 0.5);
      ctx.lineTo(right, Math.round(y(t)) + 0.5);
      ctx.stroke();
      ctx.fillText(yFormat(t), left - 5, y(t));
    }
    // x ticks: steps (on the log axis at 0, 1, 10, 100, ...)
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const xTicks = this.logX ? logStepTicks(plot.xHi)
      : ticks(0, plot.xHi, Math.max(2, Math.min(this.spec.maxXTicks || 99, Math.floor(width / 90))))
        .filter(t => !this.spec.integerX || Number.isInteger(t));
    ctx.strokeStyle = colors.muted;
    ctx.beginPath();
    ctx.moveTo(left, bottom + 0.5);
    ctx.lineTo(right, bottom + 0.5);
    ctx.moveTo(left + 0.5, top);
    ctx.lineTo(left + 0.5, bottom);
    ctx.stroke();
    for (const t of xTicks) {
      const px = Math.round(X(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, bottom);
      ctx.lineTo(px, bottom + 4);
      ctx.stroke();
      ctx.fillText(t >= 10000 ? `${t / 1000}k` : String(t), px, bottom + 6);
    }
    ctx.fillText(this.logX ? `${this.spec.xLabel} (log scale)` : this.spec.xLabel, (left + right) / 2, height - 14);
    ctx.save();
    ctx.translate(12, (top + bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(this.spec.yLabel, 0, 0);
    ctx.restore();
    return yTicks.map(yFormat);
  }

  paintReferenceLines(ctx, { y, left, right }, colors) {
    ctx.setLineDash([5, 4]);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    for (const r of this.spec.refLines || []) {
      ctx.strokeStyle = colors.muted;
      ctx.beginPath();
      ctx.moveTo(left, y(r.y));
      ctx.lineTo(right, y(r.y));
      ctx.stroke();
      ctx.fillText(r.label, right - 2, y(r.y) - 2);
    }
    ctx.setLineDash([]);
  }

  // Bands, then lines, clipped to the plot area; a curve of one point is a dot.
  paintCurves(ctx, { X, y, left, right, top, bottom }, series, colors) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top - 2, right - left, bottom - top + 4);
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
  }

  hover(event) {
    if (!this.scales) return;
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
    return seriesCsv(this.series);
  }

  json() {
    return seriesJson(this.spec, this.series);
  }
}

