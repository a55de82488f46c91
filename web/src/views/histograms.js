// Small multiples of one tensor's histograms, one row per layer, drawn on a single canvas.
// Exact zeros are counted apart by the core and drawn in their own box left of each row, so a layer
// that is 90% dead ReLUs reads as such instead of as one tall bar near zero. NaN/Inf are flagged red.
import { scaleLinear, scaleSymlog } from 'd3-scale';
import { themeColors, FONT } from '../theme.js';
import { fmt, pct, layerName } from '../format.js';
import { TENSOR_LABELS } from '../state.js';
import { SizedView } from './sized-view.js';

const SHORT_LABELS = { pre_activation: 'p', activation: 'f(p)', output: 'h', grad_output: 'dL/dh', grad_weight: 'dL/dW' };
const GAP = 8, RIGHT = 10, TOP = 20, AXIS_H = 26, ROW_GAP = 4;

export class HistogramGrid extends SizedView {
  // column: 'a' or 'b'; element: the container the canvas lives in; tooltip: shared Tooltip.
  constructor(element, column, tooltip) {
    super(element);
    this.column = column;
    this.tooltip = tooltip;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'hist-canvas';
    this.canvas.setAttribute('role', 'img');
    element.appendChild(this.canvas);
    this.data = null;
    this.rows = [];
    this.lastHover = null;  // the pointer position of the readout on screen, redrawn when numbers arrive
    this.canvas.addEventListener('mousemove', e => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => this.leave());
    // Keyboard: focus the figure, then arrow keys walk the layers and show each one's readout.
    this.canvas.tabIndex = 0;
    this.focusRow = 0;
    this.canvas.addEventListener('focus', () => this.readRow());
    this.canvas.addEventListener('blur', () => this.leave());
    this.canvas.addEventListener('keydown', e => {
      const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 5, PageUp: -5 }[e.key];
      if (step === undefined && e.key !== 'Home' && e.key !== 'End') return;
      e.preventDefault();
      const n = this.rows.length;
      if (e.key === 'Home') this.focusRow = 0;
      else if (e.key === 'End') this.focusRow = n - 1;
      else this.focusRow = Math.max(0, Math.min(n - 1, this.focusRow + step));
      this.readRow();
    });
  }

  reset() {
    this.data = null;
    this.rows = [];
    this.drawnSignature = null;
    const ctx = this.canvas.getContext('2d');
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.canvas.dataset.drawnRows = '0';
  }

  // data: {result (a worker column result), kind, layers (shown layer indices), range, axis, binning,
  //        symlogThreshold, count: 'linear'|'log'}
  update(data) {
    this.data = data;
    this.draw();
  }


  xScale(lo, hi) {
    const d = this.data;
    const s = d.binning === 'symlog' ? scaleSymlog().constant(d.symlogThreshold) : scaleLinear();
    return s.domain([lo, hi]).range([this.labelW + this.zeroW + GAP, this.width - RIGHT]);
  }

  draw() {
    const d = this.data;
    if (!d) return;
    const colors = themeColors();
    const hists = d.result.histograms;
    const layers = d.layers.filter(l => hists[l]);
    const width = Math.max(280, this.takeWidth() || 480);
    const rowH = width < 420 ? 24 : 28;
    const height = TOP + layers.length * (rowH + ROW_GAP) + AXIS_H;
    const dpr = window.devicePixelRatio || 1;
    // The very same numbers drawn the same way (e.g. this column when only the other one changed):
    // the canvas already shows them.
    const signature = [d.result.histogramsKey, layers.join(), d.count, d.axis, d.binning, d.kind, d.range,
      d.symlogThreshold, width, dpr].join('|');
    if (d.result.histogramsKey && signature === this.drawnSignature && colors === this.drawnColors) return;
    this.drawnSignature = signature;
    this.drawnColors = colors;
    this.width = width;
    this.labelW = width < 420 ? 40 : 62;
    this.zeroW = width < 420 ? 46 : 50;
    // Resizing a canvas reallocates and clears it: only when the size really changed.
    const [cw, ch] = [Math.round(width * dpr), Math.round(height * dpr)];
    if (this.canvas.width !== cw || this.canvas.height !== ch) {
      this.canvas.width = cw;
      this.canvas.height = ch;
      this.canvas.style.width = width + 'px';
      this.canvas.style.height = height + 'px';
    }
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = colors.bg;
    ctx.fillRect(0, 0, width, height);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';

    ctx.fillStyle = colors.muted;
    ctx.textAlign = 'left';
    ctx.fillText('layer', 4, TOP / 2);
    ctx.textAlign = 'right';
    ctx.fillText('zeros', this.labelW + this.zeroW - 4, TOP / 2);
    ctx.textAlign = 'left';
    const compact = width < 420;
    const heading = compact
      ? SHORT_LABELS[d.kind] + (d.count === 'log' ? ', log' : '') + (d.binning === 'symlog' ? `, symlog ±${fmt(d.symlogThreshold)}` : '')
      : TENSOR_LABELS[d.kind] + (d.count === 'log' ? ', log count' : '') +
        (d.binning === 'symlog' ? `, symlog (linear within ±${fmt(d.symlogThreshold)})` : '');
    ctx.fillText(heading, this.labelW + this.zeroW + GAP, TOP / 2);

    const fill = colors[this.column];
    const summaries = d.result.summaries[d.kind];
    const shared = d.axis !== 'own';
    const sharedScale = shared ? this.xScale(d.range[0], d.range[1]) : null;
    this.rows = [];
    let drawnBars = 0;
    layers.forEach((layer, i) => {
      const h = hists[layer];
      const s = summaries[layer];
      const y0 = TOP + i * (rowH + ROW_GAP);
      const n = h.counts.length;
      const scale = shared ? sharedScale : this.xScale(h.edges[0], h.edges[n]);
      this.rows.push({ layer, y0, y1: y0 + rowH, scale });
      // baseline and zero line
      ctx.fillStyle = colors.grid;
      ctx.fillRect(scale.range()[0], y0 + rowH - 1, scale.range()[1] - scale.range()[0], 1);
      const [dlo, dhi] = scale.domain();
      if (dlo < 0 && dhi > 0) ctx.fillRect(Math.round(scale(0)), y0, 1, rowH);
      // bars
      let max = 0;
      for (let b = 0; b < n; b++) max = Math.max(max, h.counts[b]);
      const tr = d.count === 'log' ? c => Math.log1p(c) / Math.log1p(max) : c => c / max;
      // one path and one fill per layer rather than a fillRect per bin
      ctx.fillStyle = fill;
      ctx.beginPath();
      let x1 = scale(h.edges[0]);
      for (let b = 0; b < n; b++) {
        const x0 = x1;
        x1 = scale(h.edges[b + 1]);
        const c = h.counts[b];
        if (!c) continue;
        const bh = Math.max(1, tr(c) * (rowH - 2));
        ctx.rect(x0, y0 + rowH - 1 - bh, Math.max(1, x1 - x0 - (x1 - x0 > 3 ? 0.5 : 0)), bh);
        drawnBars++;
      }
      ctx.fill();
      // exact-zero box: a bar whose height is the zero fraction
      const total = s ? s.count : 0;
      const zf = total ? h.zeros / total : 0;
      const zx = this.labelW + this.zeroW - 10;
      ctx.strokeStyle = colors.grid;
      ctx.strokeRect(zx + 0.5, y0 + 0.5, 8, rowH - 2);
      if (zf > 0) {
        ctx.fillStyle = colors.zero;
        const zh = Math.max(1, zf * (rowH - 2));
        ctx.fillRect(zx + 1, y0 + rowH - 1 - zh, 7, zh);
      }
      ctx.fillStyle = zf > 0 ? colors.fg : colors.muted;
      ctx.textAlign = 'right';
      ctx.fillText(zf > 0 ? pct(zf) : '–', zx - 3, y0 + rowH / 2);
      // layer label and NaN/Inf flag
      ctx.textAlign = 'left';
      const bad = s ? s.nan + s.inf : h.nonfinite;
      ctx.fillStyle = colors.fg;
      ctx.fillText(layer === 0 ? 'input' : 'L' + layer, 4, y0 + (bad ? rowH / 2 - 6 : rowH / 2));
      if (bad) {
        // the counts are in the hover readout and the table; here just which kind, in red
        ctx.fillStyle = colors.bad;
        const what = s && s.nan && s.inf ? 'NaN+Inf' : s && s.inf ? 'Inf' : 'NaN';
        ctx.fillText(what, 4, y0 + rowH / 2 + 6);
        ctx.strokeStyle = colors.bad;
        const [p0, p1] = scale.range();
        ctx.strokeRect(p0 + 0.5, y0 + 0.5, p1 - p0 - 1, rowH - 2);
        if (s && s.count) {
          ctx.textAlign = 'right';
          ctx.fillText(`${pct((s.nan + s.inf) / s.count)} non-finite`, p1 - 3, y0 + rowH / 2);
        }
      }
      if (!shared) {
        ctx.fillStyle = colors.muted;
        ctx.textAlign = 'left';
        ctx.fillText(fmt(h.edges[0]), scale.range()[0] + 2, y0 + 6);
        ctx.textAlign = 'right';
        ctx.fillText(fmt(h.edges[n]), scale.range()[1], y0 + 6);
      }
      if (h.outside) {
        ctx.fillStyle = colors.bad;
        ctx.textAlign = 'right';
        ctx.fillText(`${h.outside} outside`, scale.range()[1], y0 + rowH / 2);
      }
    });

    // bottom axis for the shared range
    const yAxis = TOP + layers.length * (rowH + ROW_GAP);
    if (shared && sharedScale) {
      ctx.fillStyle = colors.muted;
      ctx.fillRect(sharedScale.range()[0], yAxis, sharedScale.range()[1] - sharedScale.range()[0], 1);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      const ticks = d.binning === 'symlog' ? symlogTicks(sharedScale) : sharedScale.ticks(Math.max(2, Math.floor(width / 110)));
      for (const t of ticks) {
        const x = sharedScale(t);
        ctx.fillRect(x, yAxis, 1, 4);
        ctx.fillText(fmt(t), x, yAxis + 6);
      }
    } else {
      ctx.fillStyle = colors.muted;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText('each layer on its own x range (ends shown per row)', this.labelW + this.zeroW + GAP, yAxis + 6);
    }
    this.canvas.dataset.drawnRows = String(layers.length);
    this.canvas.dataset.drawnBars = String(drawnBars);
    this.canvas.setAttribute('aria-label',
      `Histograms of ${TENSOR_LABELS[d.kind]} for ${layers.length} layers, column ${this.column.toUpperCase()}. ` +
      'The table of per-layer statistics below has the numbers.');
    this.refreshHover();  // a readout on screen shows the new numbers without waiting for the pointer
  }

  readRow() {
    const row = this.rows[Math.min(this.focusRow, this.rows.length - 1)];
    if (!row) return;
    const rect = this.canvas.getBoundingClientRect();
    this.hover({ clientX: rect.left + this.labelW / 2, clientY: rect.top + (row.y0 + row.y1) / 2 }, true);
  }

  leave() {
    this.lastHover = null;
    this.tooltip.hide();
  }

  // The readout again, where it is, after the numbers behind it changed (percentiles arrive after the
  // figures are drawn, while the pointer may be resting on a row).
  refreshHover() {
    if (this.lastHover) this.hover(this.lastHover.event, this.lastHover.keyboard);
  }

  hover(event, keyboard = false) {
    const d = this.data;
    if (!d) return;
    this.lastHover = { event: { clientX: event.clientX, clientY: event.clientY }, keyboard };
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left, y = event.clientY - rect.top;
    const row = this.rows.find(r => y >= r.y0 && y < r.y1 + ROW_GAP);
    if (!row) return this.tooltip.hide();
    const h = d.result.histograms[row.layer];
    const s = d.result.summaries[d.kind][row.layer];
    const lines = [`${this.column.toUpperCase()} · ${layerName(row.layer)} · ${TENSOR_LABELS[d.kind]}`];
    const [r0, r1] = row.scale.range();
    if (x >= r0 && x <= r1) {
      const v = row.scale.invert(x);
      let b = 0;
      while (b < h.counts.length - 1 && h.edges[b + 1] <= v) b++;
      lines.push(`bin [${fmt(h.edges[b])}, ${fmt(h.edges[b + 1])}): ${h.counts[b]} values` +
        (s && s.count ? ` (${pct(h.counts[b] / s.count)})` : ''));
    } else if (x >= this.labelW && x < r0 || keyboard) {
      lines.push(`exactly zero: ${h.zeros} values` + (s && s.count ? ` (${pct(h.zeros / s.count)})` : ''));
    }
    if (s) {
      lines.push(`mean ${fmt(s.mean)}   std ${fmt(s.std)}`);
      lines.push(`min ${fmt(s.min)}   max ${fmt(s.max)}`);
      if (s.percentiles) {
        const p = s.percentiles;
        lines.push(`p5 ${fmt(p.p5)}  p15 ${fmt(p.p15)}  p50 ${fmt(p.p50)}  p85 ${fmt(p.p85)}  p95 ${fmt(p.p95)}`);
      }
      lines.push(`zeros ${pct(s.zeroFraction)}   saturated ${pct(s.saturatedFraction)}   of ${s.count}`);
      if (s.nan || s.inf) lines.push(`non-finite: ${s.nan} NaN, ${s.inf} Inf`);
    }
    this.tooltip.show(lines, event.clientX, event.clientY);
  }

  // The numbers behind the figure.
  csv() {
    const d = this.data;
    if (!d) return '';
    const out = ['layer,bin_low,bin_high,count'];
    for (const l of d.layers) {
      const h = d.result.histograms[l];
      if (!h) continue;
      for (let b = 0; b < h.counts.length; b++) out.push(`${l},${h.edges[b]},${h.edges[b + 1]},${h.counts[b]}`);
      out.push(`${l},0,0,${h.zeros}`);
    }
    return out.join('\n') + '\n';
  }

  json() {
    const d = this.data;
    if (!d) return null;
    return {
      column: this.column,
      tensor: d.kind,
      binning: d.binning,
      axis: d.axis,
      config: d.result.config,
      note: 'exact zeros are counted in "zeros", not in the bins; layer 0 is the input',
      layers: d.layers.filter(l => d.result.histograms[l]).map(l => {
        const h = d.result.histograms[l];
        return { layer: l, edges: Array.from(h.edges), counts: Array.from(h.counts), zeros: h.zeros, outside: h.outside, nonfinite: h.nonfinite };
      }),
    };
  }
}

// Ticks for a symlog axis: 0 first, then powers of ten on both sides from the largest down, each kept
// only where it does not crowd a tick already kept.
function symlogTicks(scale) {
  const [lo, hi] = scale.domain();
  const [r0, r1] = scale.range();
  const candidates = lo <= 0 && hi >= 0 ? [0] : [];
  const top = Math.max(Math.abs(lo), Math.abs(hi));
  const c = scale.constant();
  for (let e = Math.floor(Math.log10(top)); e >= Math.ceil(Math.log10(c)) && candidates.length < 60; e--) {
    const t = 10 ** e;
    if (t <= hi) candidates.push(t);
    if (-t >= lo) candidates.push(-t);
  }
  const kept = [];
  for (const t of candidates) {
    const x = scale(t);
    if (x < r0 - 1 || x > r1 + 1) continue;
    if (kept.every(k => Math.abs(scale(k) - x) >= 46)) kept.push(t);
  }
  return kept.sort((p, q) => p - q);
}
