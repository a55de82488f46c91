// One column's chosen tensor, per layer, over the steps of the run: a ridgeline (TensorBoard's "offset"
// histograms: one curve per report, the oldest at the back) or a heatmap (x = step, y = value, shade =
// the share of the report's values in that bin). It owns one element (a canvas).
//
// Each report bins each layer on its own range [histogramLo, histogramHi] (the core's choice: the
// values' min and max). A layer's panel puts every report on one value axis, the union of their
// ranges, and moves each bin's count to where its value interval lies on that axis.
import { themeColors, FONT } from '../theme.js';
import { fmt } from '../format.js';
import { colorOf } from './line-chart.js';
import { sizedContext, viewCanvas } from './canvas.js';

const PANEL_H = 118;
const M = { top: 18, right: 12, bottom: 22, left: 66 };
const RIDGES = 24;         // curves drawn at most: evenly spaced reports, the scrubbed one always
const VALUE_ROWS = 64;     // heatmap resolution along the value axis

// Which layers get a panel: all up to 4, else the first, the last and two evenly between.
export function panelLayers(depth) {
  if (depth <= 4) return Array.from({ length: depth }, (_, i) => i + 1);
  return [...new Set([1, Math.round(1 + (depth - 1) / 3), Math.round(1 + (2 * (depth - 1)) / 3), depth])];
}

// A report's histogram of layer l, resampled onto [lo, hi] in `rows` equal bins, as shares of the report's
// binned values (so reports and layers compare alike). Each bin's share is spread over the rows its
// value interval overlaps, in proportion to the overlap (no aliasing when bins and rows do not line up).
function resample(report, l, lo, hi, rows) {
  const bins = report.bins;
  const out = new Float64Array(rows);
  const rLo = report.histogramLo[l], rHi = report.histogramHi[l];
  const counts = report.histogramCounts.subarray(l * bins, (l + 1) * bins);
  let total = 0;
  for (let b = 0; b < bins; b++) total += counts[b];
  if (!total || !(hi > lo)) return out;
  const toRow = v => ((v - lo) / (hi - lo)) * rows;  // value -> fractional row
  const w = (rHi - rLo) / bins;
  for (let b = 0; b < bins; b++) {
    if (!counts[b]) continue;
    const share = counts[b] / total;
    const a = toRow(rLo + b * w), z = toRow(rLo + (b + 1) * w);
    if (!(z - a > 1e-9)) {  // a bin of (nearly) zero width: every value equal
      out[Math.max(0, Math.min(rows - 1, Math.floor(a)))] += share;
      continue;
    }
    for (let r = Math.max(0, Math.floor(a)); r < Math.min(rows, Math.ceil(z)); r++)
      out[r] += (share * (Math.min(z, r + 1) - Math.max(a, r))) / (z - a);
  }
  return out;
}

const stepText = s => (s >= 10000 ? `${s / 1000}k` : String(s));

export class DistributionView {
  constructor(element, column) {
    this.element = element;
    this.column = column;
    this.canvas = viewCanvas(element);
    this.reports = [];
    this.mode = 'ridgeline';
    this.tensorLabel = '';
    this.marker = null;
  }

  update(reports, { mode, tensorLabel, marker, title }) {
    this.reports = reports;
    this.mode = mode;
    this.tensorLabel = tensorLabel;
    this.marker = marker;
    this.title = title;
    this.canvas.setAttribute('aria-label', `${title}: ${tensorLabel} per layer over the steps, as a ${mode}`);
  }

  size() {
    const depth = this.reports.length ? this.reports[0].depth : 0;
    return { width: Math.max(260, this.element.clientWidth || 400), height: Math.max(1, panelLayers(depth).length) * PANEL_H };
  }

  draw() {
    const { width, height } = this.size();
    const ctx = sizedContext(this.canvas, width, height);
    this.paint(ctx, width, height, themeColors());
    this.canvas.dataset.mode = this.mode;
    this.canvas.dataset.reports = String(this.reports.length);
  }

  paint(ctx, width, height, colors) {
    ctx.fillStyle = colors.bg;
    ctx.fillRect(0, 0, width, height);
    ctx.font = FONT;
    if (!this.reports.length) return;
    const layers = panelLayers(this.reports[0].depth);
    layers.forEach((l, i) => {
      ctx.save();
      ctx.translate(0, i * PANEL_H);
      this.paintLayer(ctx, l, width, colors);
      ctx.restore();
    });
  }

  paintLayer(ctx, l, width, colors) {
    const reports = this.reports;
    let lo = Infinity, hi = -Infinity;
    for (const r of reports) {
      if (Number.isFinite(r.histogramLo[l])) lo = Math.min(lo, r.histogramLo[l]);
      if (Number.isFinite(r.histogramHi[l])) hi = Math.max(hi, r.histogramHi[l]);
    }
    if (!(hi > lo)) { lo = Number.isFinite(lo) ? lo - 1 : -1; hi = lo + 2; }
    const pw = width - M.left - M.right, ph = PANEL_H - M.top - M.bottom;
    const color = colorOf(colors, this.column);
    ctx.fillStyle = colors.fg;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const how = this.mode === 'heatmap' ? 'x: step, y: value' : 'x: value, newest in front';
    ctx.fillText(`layer ${l} · ${this.tensorLabel} · ${how}`, M.left, M.top - 9);
    ctx.fillStyle = colors.muted;
    ctx.strokeStyle = colors.muted;
    ctx.lineWidth = 1;
    const first = reports[0].step, last = reports.at(-1).step;
    if (this.mode === 'heatmap') {
      // x = step (report by report), y = value; shade = share of the report's values in that value row
      const n = reports.length;
      const off = document.createElement('canvas');
      off.width = n;
      off.height = VALUE_ROWS;
      const octx = off.getContext('2d');
      const img = octx.createImageData(n, VALUE_ROWS);
      const rgb = parseColor(color), bg = parseColor(colors.bg);
      reports.forEach((r, j) => {
        const shares = resample(r, l, lo, hi, VALUE_ROWS);
        let max = 0;
        for (const s of shares) max = Math.max(max, s);
        for (let row = 0; row < VALUE_ROWS; row++) {
          const t = max > 0 ? Math.sqrt(shares[row] / max) : 0;  // sqrt: thin tails stay visible
          const o = ((VALUE_ROWS - 1 - row) * n + j) * 4;
          for (let k = 0; k < 3; k++) img.data[o + k] = Math.round(bg[k] + (rgb[k] - bg[k]) * t);
          img.data[o + 3] = 255;
        }
      });
      octx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(off, M.left, M.top, pw, ph);
      ctx.strokeRect(M.left + 0.5, M.top + 0.5, pw, ph);
      ctx.textAlign = 'right';
      ctx.fillText(fmt(hi), M.left - 4, M.top + 4);
      ctx.fillText(fmt(lo), M.left - 4, M.top + ph - 4);
      if (lo < 0 && hi > 0) ctx.fillText('0', M.left - 4, M.top + ph * (hi / (hi - lo)));
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(`step ${stepText(first)}`, M.left, M.top + ph + 4);
      ctx.textAlign = 'right';
      ctx.fillText(`step ${stepText(last)} →`, M.left + pw, M.top + ph + 4);
      if (this.marker !== null && n > 1) {
        const idx = reports.findIndex(r => r.step >= this.marker);
        const j = idx < 0 ? n - 1 : idx;
        ctx.strokeStyle = colors.fg;
        ctx.beginPath();
        ctx.moveTo(M.left + ((j + 0.5) / n) * pw, M.top);
        ctx.lineTo(M.left + ((j + 0.5) / n) * pw, M.top + ph);
        ctx.stroke();
      }
      ctx.save();
      ctx.translate(10, M.top + ph / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'center';
      ctx.fillStyle = colors.muted;
      ctx.fillText('value', 0, 0);
      ctx.restore();
      return;
    }
    // ridgeline: x = value, one curve per chosen report, offset downwards as steps grow (newest in front)
    const picks = new Set();
    const n = reports.length;
    const count = Math.min(RIDGES, n);
    for (let i = 0; i < count; i++) picks.add(count === 1 ? 0 : Math.round((i * (n - 1)) / (count - 1)));
    let markIdx = -1;
    if (this.marker !== null) {
      markIdx = reports.findIndex(r => r.step >= this.marker);
      if (markIdx < 0) markIdx = n - 1;
      picks.add(markIdx);
    }
    const order = [...picks].sort((a, b) => a - b);
    const gap = order.length > 1 ? (ph * 0.55) / (order.length - 1) : 0;
    const amp = ph - gap * (order.length - 1);
    const X = v => M.left + ((v - lo) / (hi - lo)) * pw;
    order.forEach((idx, k) => {
      // the report's own bins, drawn at their centres on the panel's value axis (heights: share of the
      // report's largest bin, so each curve shows its shape)
      const r = reports[idx], bins = r.bins, w = (r.histogramHi[l] - r.histogramLo[l]) / bins;
      const counts = r.histogramCounts.subarray(l * bins, (l + 1) * bins);
      let max = 0;
      for (const c of counts) max = Math.max(max, c);
      const base = M.top + amp + gap * k;
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
    ctx.strokeStyle = colors.muted;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(M.left, M.top + ph + 0.5);
    ctx.lineTo(M.left + pw, M.top + ph + 0.5);
    ctx.stroke();
    ctx.fillStyle = colors.muted;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(fmt(lo), M.left, M.top + ph + 4);
    ctx.textAlign = 'right';
    ctx.fillText(fmt(hi), M.left + pw, M.top + ph + 4);
    ctx.textAlign = 'center';
    if (lo < 0 && hi > 0) ctx.fillText('0', M.left + pw * (-lo / (hi - lo)), M.top + ph + 4);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(`step ${stepText(first)}`, M.left - 4, M.top + amp);
    ctx.fillText(`step ${stepText(last)}`, M.left - 4, M.top + amp + gap * (order.length - 1));
  }
}

// '#rrggbb' or 'rgb(r, g, b)' -> [r, g, b]
function parseColor(c) {
  const s = String(c).trim();
  if (s.startsWith('#') && s.length >= 7) return [1, 3, 5].map(i => parseInt(s.slice(i, i + 2), 16));
  const m = s.match(/\d+(\.\d+)?/g);
  return m && m.length >= 3 ? m.slice(0, 3).map(Number) : [128, 128, 128];
}
