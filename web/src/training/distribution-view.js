// One column's chosen tensor, per layer, over the steps of the run: a ridgeline (TensorBoard's "offset"
// histograms: one curve per report, the oldest at the back) or a heatmap (x = step, y = value, shade =
// the share of the report's values in that row, with its colour scale). Both follow the value axis setting
// (linear or symlog); the heatmap's step axis follows the log step axis setting as the line charts do.
// It owns one element (a canvas).
import { themeColors } from '../theme.js';
import { fmt } from '../format.js';
import { colorOf } from './line-chart.js';
import { sizedContext, viewCanvas, paintEmpty, paintBackground } from './canvas.js';
import { panelLayers, valueAxis, stepAxis, layerRange } from './distribution-axes.js';
import { paintHeatmap, paintColourScale } from './heatmap.js';

export { panelLayers };

const PANEL_H = 118;
const SCALE_H = 40;        // the heatmap's colour scale, above the panels
const EMPTY_H = 90;
const M = { top: 18, right: 12, bottom: 22, left: 66 };
const RIDGES = 24;         // curves drawn at most: evenly spaced reports, the scrubbed one always

const stepText = s => (s >= 10000 ? `${s / 1000}k` : String(s));

export class DistributionView {
  constructor(element, column) {
    this.element = element;
    this.column = column;
    this.canvas = viewCanvas(element);
    this.reports = [];
    this.mode = 'ridgeline';
    this.values = 'linear';
    this.logX = false;
    this.tensorLabel = '';
    this.marker = null;
  }

  // options: {mode: 'ridgeline'|'heatmap', values: 'linear'|'symlog', logX, tensorLabel, marker, title}
  update(reports, { mode, values = 'linear', logX = false, tensorLabel, marker, title }) {
    Object.assign(this, { reports, mode, values, logX, tensorLabel, marker, title });
    this.canvas.setAttribute('aria-label', reports.length
      ? `${title}: ${tensorLabel} per layer over the steps, as a ${mode}` : `${title}: ${this.emptyText()}`);
  }

  emptyText() {
    return `Each layer's ${this.tensorLabel} over the steps appears here once training starts.`;
  }

  size() {
    const width = Math.max(260, this.element.clientWidth || 400);
    if (!this.reports.length) return { width, height: EMPTY_H };
    const top = this.mode === 'heatmap' ? SCALE_H : 0;
    return { width, height: top + panelLayers(this.reports[0].depth).length * PANEL_H };
  }

  draw() {
    const { width, height } = this.size();
    const ctx = sizedContext(this.canvas, width, height);
    const drawn = this.paint(ctx, width, height, themeColors());
    this.canvas.dataset.mode = this.mode;
    this.canvas.dataset.values = this.values;
    this.canvas.dataset.reports = String(this.reports.length);
    this.canvas.dataset.colourScale = (drawn?.colourScale || []).join(' ');
  }

  paint(ctx, width, height, colors) {
    if (!this.reports.length) { paintEmpty(ctx, width, height, colors, this.emptyText()); return null; }
    paintBackground(ctx, width, height, colors);
    let top = 0, colourScale = null;
    if (this.mode === 'heatmap') {
      colourScale = paintColourScale(ctx, { x: M.left, y: 4, width: Math.min(180, width - M.left - M.right),
        labelWidth: width - M.left - M.right, color: colorOf(colors, this.column), colors });
      top = SCALE_H;
    }
    panelLayers(this.reports[0].depth).forEach((l, i) => {
      ctx.save();
      ctx.translate(0, top + i * PANEL_H);
      this.paintLayer(ctx, l, width, colors);
      ctx.restore();
    });
    return { colourScale };
  }

  paintLayer(ctx, l, width, colors) {
    const range = layerRange(this.reports, l);
    const axis = valueAxis(range.lo, range.hi, this.values, range.binWidth);
    const box = { x: M.left, y: M.top, width: width - M.left - M.right, height: PANEL_H - M.top - M.bottom };
    ctx.fillStyle = colors.fg;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const how = this.mode === 'heatmap' ? 'x: step, y: value' : 'x: value, newest in front';
    const symlog = this.values === 'symlog' ? `, symlog (linear within ±${fmt(axis.linearWithin)})` : '';
    ctx.fillText(`layer ${l} · ${this.tensorLabel} · ${how}${symlog}`, M.left, M.top - 9, box.width);
    ctx.fillStyle = colors.muted;
    ctx.strokeStyle = colors.muted;
    ctx.lineWidth = 1;
    if (this.mode === 'heatmap') this.paintHeatmapPanel(ctx, l, axis, box, colors);
    else this.paintRidgeline(ctx, l, axis, box, colors);
  }

  paintHeatmapPanel(ctx, l, axis, box, colors) {
    const reports = this.reports;
    const steps = stepAxis(reports.at(-1).step, this.logX);
    paintHeatmap(ctx, { reports, layer: l, valueAxis: axis, stepAxis: steps, box, color: colorOf(colors, this.column), colors });
    ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.width, box.height);
    const Y = v => box.y + box.height * (1 - axis.pos(v));
    ctx.textAlign = 'right';
    ctx.fillText(fmt(axis.hi), box.x - 4, box.y + 4);
    ctx.fillText(fmt(axis.lo), box.x - 4, box.y + box.height - 4);
    if (axis.lo < 0 && axis.hi > 0) ctx.fillText('0', box.x - 4, Y(0));
    ctx.textBaseline = 'top';
    ctx.textAlign = 'center';
    const X = s => box.x + steps.pos(s) * box.width;
    for (const s of steps.ticks) {
      ctx.textAlign = s === 0 ? 'left' : steps.pos(s) > 0.95 ? 'right' : 'center';
      ctx.fillText(s === 0 ? 'step 0' : stepText(s), X(s), box.y + box.height + 4);
    }
    if (this.marker !== null && reports.length > 1) {
      ctx.strokeStyle = colors.fg;
      ctx.beginPath();
      ctx.moveTo(X(this.marker), box.y);
      ctx.lineTo(X(this.marker), box.y + box.height);
      ctx.stroke();
    }
    ctx.save();
    ctx.translate(10, box.y + box.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('value', 0, 0);
    ctx.restore();
  }

  // The reports a ridgeline draws: evenly spaced, and the scrubbed one; returns {order, markIdx}.
  ridges() {
    const n = this.reports.length, picks = new Set(), count = Math.min(RIDGES, n);
    for (let i = 0; i < count; i++) picks.add(count === 1 ? 0 : Math.round((i * (n - 1)) / (count - 1)));
    let markIdx = -1;
    if (this.marker !== null) {
      markIdx = this.reports.findIndex(r => r.step >= this.marker);
      if (markIdx < 0) markIdx = n - 1;
      picks.add(markIdx);
    }
    return { order: [...picks].sort((a, b) => a - b), markIdx };
  }

  // x = value, one curve per chosen report, offset downwards as steps grow (newest in front)
  paintRidgeline(ctx, l, axis, box, colors) {
    const { order, markIdx } = this.ridges();
    const gap = order.length > 1 ? (box.height * 0.55) / (order.length - 1) : 0;
    const amp = box.height - gap * (order.length - 1);
    const X = v => box.x + axis.pos(v) * box.width;
    const color = colorOf(colors, this.column);
    order.forEach((idx, k) => {
      // the report's own bins, at their centres on the panel's value axis (heights: share of the report's
      // largest bin, so each curve shows its shape)
      const r = this.reports[idx], bins = r.bins, w = (r.histogramHi[l] - r.histogramLo[l]) / bins;
      const counts = r.histogramCounts.subarray(l * bins, (l + 1) * bins);
      let max = 0;
      for (const c of counts) max = Math.max(max, c);
      const base = box.y + amp + gap * k;
      ctx.beginPath();
      ctx.moveTo(X(r.histogramLo[l]), base);
      for (let b = 0; b < bins; b++) ctx.lineTo(X(r.histogramLo[l] + (b + 0.5) * w), base - (max > 0 ? (counts[b] / max) * amp : 0));
      ctx.lineTo(X(r.histogramHi[l]), base);
      ctx.closePath();
      ctx.fillStyle = colors.bg;
      ctx.globalAlpha = 0.85;
      ctx.fill();
      ctx.globalAlpha = idx === markIdx ? 1 : 0.35 + (0.65 * k) / Math.max(1, order.length - 1);
      ctx.strokeStyle = idx === markIdx ? colors.fg : color;
      ctx.lineWidth = idx === markIdx ? 2 : 1;
      ctx.stroke();
      ctx.globalAlpha = 1;
    });
    const bottom = box.y + box.height;
    ctx.strokeStyle = colors.muted;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(box.x, bottom + 0.5);
    ctx.lineTo(box.x + box.width, bottom + 0.5);
    ctx.stroke();
    ctx.fillStyle = colors.muted;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(fmt(axis.lo), box.x, bottom + 4);
    ctx.textAlign = 'right';
    ctx.fillText(fmt(axis.hi), box.x + box.width, bottom + 4);
    ctx.textAlign = 'center';
    if (axis.lo < 0 && axis.hi > 0) ctx.fillText('0', X(0), bottom + 4);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(`step ${stepText(this.reports[0].step)}`, box.x - 4, box.y + amp);
    ctx.fillText(`step ${stepText(this.reports.at(-1).step)}`, box.x - 4, box.y + amp + gap * (order.length - 1));
  }

  // The numbers behind the panels: each panel layer's histogram at every kept report.
  json() {
    const layers = this.reports.length ? panelLayers(this.reports[0].depth) : [];
    return {
      figure: `${this.title}: ${this.tensorLabel} over the steps`,
      layers: layers.map(l => ({
        layer: l,
        reports: this.reports.map(r => ({ step: r.step, lo: r.histogramLo[l], hi: r.histogramHi[l],
          counts: Array.from(r.histogramCounts.subarray(l * r.bins, (l + 1) * r.bins)) })),
      })),
    };
  }

  csv() {
    const rows = this.json().layers.flatMap(p => p.reports.map(r => [r.step, p.layer, r.lo, r.hi, ...r.counts].join(',')));
    const bins = this.reports[0]?.bins ?? 0;
    return [['step', 'layer', 'lo', 'hi', ...Array.from({ length: bins }, (_, b) => `bin${b}`)].join(','), ...rows].join('\n') + '\n';
  }
}
