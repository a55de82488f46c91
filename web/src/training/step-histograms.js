// One column's histograms of the chosen tensor at the scrubbed step: a row per layer, each on its own
// range [lo, hi] (the core bins each layer on its values' min and max), bars scaled to the row's largest
// bin. Values exactly 0 are counted apart by the core (dead ReLU units); the row says their share.
// It owns one element (a canvas); dataset.signature changes whenever the drawn numbers do.
import { themeColors } from '../theme.js';
import { fmt, pct } from '../format.js';
import { colorOf } from './line-chart.js';
import { sizedContext, viewCanvas, paintEmpty, paintBackground } from './canvas.js';

const ROW_H = 34;
const M = { top: 20, right: 12, left: 62 };

export class StepHistograms {
  constructor(element, column) {
    this.element = element;
    this.column = column;
    this.canvas = viewCanvas(element);
    this.report = null;
  }

  update(report, { tensorLabel, title }) {
    this.report = report;
    this.tensorLabel = tensorLabel;
    this.title = title;
    this.canvas.setAttribute('aria-label', report ? `${title}: histograms of the ${tensorLabel} at step ${report.step}`
      : `${title}: ${this.emptyText()}`);
  }

  emptyText() {
    return `Each layer's histogram of the ${this.tensorLabel} appears here once training starts.`;
  }

  size() {
    const width = Math.max(260, this.element.clientWidth || 400);
    return { width, height: this.report ? M.top + this.report.depth * ROW_H + 6 : 90 };
  }

  draw() {
    const { width, height } = this.size();
    const ctx = sizedContext(this.canvas, width, height);
    this.paint(ctx, width, height, themeColors());
    const r = this.report;
    this.canvas.dataset.step = r ? String(r.step) : '';
    this.canvas.dataset.signature = r ? `${r.step}:${Array.from(r.histogramCounts).join(' ')}` : '';
  }

  paint(ctx, width, height, colors) {
    const r = this.report;
    if (!r) { paintEmpty(ctx, width, height, colors, this.emptyText()); return; }
    paintBackground(ctx, width, height, colors);
    ctx.fillStyle = colors.fg;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillText(`step ${r.step} · ${this.tensorLabel} · each layer on its own range [min, max]`, M.left, 9);
    const pw = width - M.left - M.right;
    const bins = r.bins;
    for (let l = 1; l <= r.depth; l++) {
      const y0 = M.top + (l - 1) * ROW_H;
      const counts = r.histogramCounts.subarray(l * bins, (l + 1) * bins);
      let max = 0, total = 0;
      for (const c of counts) { max = Math.max(max, c); total += c; }
      const barH = ROW_H - 14;
      ctx.fillStyle = colorOf(colors, this.column);
      for (let b = 0; b < bins; b++) {
        if (!counts[b]) continue;
        const h = Math.max(1, (counts[b] / max) * barH);
        ctx.fillRect(M.left + (b / bins) * pw, y0 + barH - h, Math.max(1, pw / bins - 1), h);
      }
      ctx.strokeStyle = colors.grid;
      ctx.beginPath();
      ctx.moveTo(M.left, y0 + barH + 0.5);
      ctx.lineTo(M.left + pw, y0 + barH + 0.5);
      ctx.stroke();
      ctx.fillStyle = colors.muted;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(`layer ${l}`, M.left - 6, y0 + barH / 2);
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      ctx.fillText(fmt(r.histogramLo[l]), M.left, y0 + barH + 1);
      ctx.textAlign = 'right';
      ctx.fillText(fmt(r.histogramHi[l]), M.left + pw, y0 + barH + 1);
      const zero = r.histogramZero[l], bad = r.histogramNonfinite[l];
      const notes = [];
      if (zero) notes.push(`${pct(zero / (zero + total))} exactly 0`);
      if (bad) notes.push(`${bad} NaN/Inf`);
      if (notes.length) {
        ctx.textAlign = 'center';
        ctx.fillStyle = bad ? colors.bad : colors.zero;
        ctx.fillText(notes.join(' · '), M.left + pw / 2, y0 + barH + 1);
      }
    }
  }

  // The numbers drawn: per layer its range and bin counts.
  json() {
    const r = this.report;
    if (!r) return null;
    const layers = [];
    for (let l = 1; l <= r.depth; l++) {
      layers.push({ layer: l, lo: r.histogramLo[l], hi: r.histogramHi[l], zero: r.histogramZero[l],
        nonfinite: r.histogramNonfinite[l], counts: Array.from(r.histogramCounts.subarray(l * r.bins, (l + 1) * r.bins)) });
    }
    return { figure: `${this.title}: ${this.tensorLabel} at step ${r.step}`, step: r.step, layers };
  }

  csv() {
    const j = this.json();
    if (!j) return '';
    const head = ['layer', 'lo', 'hi', 'zero', 'nonfinite', ...j.layers[0].counts.map((_, b) => `bin${b}`)];
    return [head.join(','), ...j.layers.map(x => [x.layer, x.lo, x.hi, x.zero, x.nonfinite, ...x.counts].join(','))].join('\n') + '\n';
  }
}
