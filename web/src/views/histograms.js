// Small multiples of one tensor's histograms, one row per layer, drawn on a single canvas. A grid shows
// one column (A or B) or both in the same row of each layer (overlay), full size or compact (the first
// screen). Exact zeros are counted apart by the core and drawn in their own box left of each row, so a
// layer that is 90% dead ReLUs reads as such instead of as one tall bar near zero. NaN/Inf are flagged red.
import { scaleLinear, scaleSymlog } from 'd3-scale';
import { themeColors, FONT_FAMILY } from '../theme.js';
import { fmt, pct, layerName } from '../format.js';
import { TENSOR_LABELS, TENSORS } from '../state.js';
import { SizedView } from './sized-view.js';

const GAP = 8, RIGHT = 10;
// In 'own' axis mode each row carries its own range: its two end labels sit in a strip above the bars.
const OWN_LABEL_STRIP = 10;

// Sizes of the two kinds of grid, in CSS pixels.
function layoutFor(width, compact, overlay, own) {
  if (compact) {
    return { top: 14, axisH: 18, rowH: 11 + (own ? OWN_LABEL_STRIP : 0), rowGap: 2, labelW: 28,
      zeroW: overlay ? 20 : 14, font: 10, zeroText: false, strip: own ? OWN_LABEL_STRIP : 0 };
  }
  const narrow = width < 420;
  return { top: 20, axisH: 26, rowH: (narrow ? 24 : 28) + (own ? OWN_LABEL_STRIP : 0), rowGap: 4,
    labelW: narrow ? 40 : 62, zeroW: overlay ? (narrow ? 64 : 74) : (narrow ? 46 : 50), font: 11,
    zeroText: true, strip: own ? OWN_LABEL_STRIP : 0 };
}

export class HistogramGrid extends SizedView {
  // element: the container the canvas lives in; tooltip: the shared Tooltip; compact: the first screen's
  // small version (fewer pixels a row, no zero percentages: the hover readout has them).
  constructor(element, tooltip, { compact = false, name = '' } = {}) {
    super(element);
    this.tooltip = tooltip;
    this.compact = compact;
    this.name = name;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'hist-canvas';
    this.canvas.setAttribute('role', 'img');
    element.appendChild(this.canvas);
    this.data = null;
    this.rows = [];
    this.lastHover = null;  // the pointer position of the readout on screen, redrawn when numbers arrive
    this.canvas.addEventListener('mousemove', e => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => this.leave());
    // A tap shows the tapped bin. (The focus a tap gives the canvas comes after the tap's mousemove and
    // must not replace that readout with the keyboard's first row: only keyboard focus reads a row.)
    this.canvas.addEventListener('pointerdown', e => { if (e.pointerType !== 'mouse') this.hover(e); });
    // Keyboard: focus the figure, then arrow keys walk the layers and show each one's readout.
    this.canvas.tabIndex = 0;
    this.focusRow = 0;
    this.canvas.addEventListener('focus', () => { if (this.canvas.matches(':focus-visible')) this.readRow(); });
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
    this.canvas.dataset.drawnBars = '0';
  }

  // data: {series: [{column: 'a'|'b', result (a worker column result)}], kind, layers (shown layer
  //        indices), range, axis, binning, symlogThreshold, count: 'linear'|'log'}
  update(data) {
    this.data = data;
    this.draw();
  }

  // The rows this grid has data for, in order.
  shownLayers(d = this.data) {
    return d.layers.filter(l => d.series.some(s => s.result.histograms[l]));
  }

  heightFor(d, width) {
    const L = layoutFor(width, this.compact, d.series.length > 1, d.axis === 'own');
    return L.top + this.shownLayers(d).length * (L.rowH + L.rowGap) + L.axisH;
  }

  draw() {
    const d = this.data;
    if (!d) return;
    const colors = themeColors();
    const width = Math.max(this.compact ? 120 : 280, this.takeWidth() || 480);
    const height = this.heightFor(d, width);
    const dpr = window.devicePixelRatio || 1;
    // The very same numbers drawn the same way (e.g. this column when only the other one changed):
    // the canvas already shows them.
    const keys = d.series.map(s => s.result.histogramsKey);
    const signature = [keys.join(), this.shownLayers(d).join(), d.count, d.axis, d.binning, d.kind, d.range,
      d.symlogThreshold, width, dpr].join('|');
    if (keys.every(Boolean) && signature === this.drawnSignature && colors === this.drawnColors) return;
    this.drawnSignature = signature;
    this.drawnColors = colors;
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
    const painted = this.paint(ctx, d, width, colors);
    this.rows = painted.rows;
    this.layout = painted.layout;
    this.canvas.dataset.drawnRows = String(painted.rows.length);
    this.canvas.dataset.drawnBars = String(painted.drawnBars);
    this.canvas.dataset.columns = d.series.map(s => s.column).join(',');
    // each row's top, the top of its bars and its bottom in CSS pixels, for tests and scripts
    this.canvas.dataset.rows = painted.rows.map(r => `${r.y0}:${r.y0 + painted.layout.strip}:${r.y1}`).join(',');
    const who = d.series.map(s => s.column.toUpperCase()).join(' and ');
    this.canvas.setAttribute('aria-label',
      `Histograms of ${TENSOR_LABELS[d.kind]} for ${painted.rows.length} layers, column${d.series.length > 1 ? 's' : ''} ` +
      `${who}. The table of per-layer statistics below has the numbers.`);
    this.refreshHover();  // a readout on screen shows the new numbers without waiting for the pointer
  }

  // A canvas of its own with the figure at `scale` pixels per CSS pixel (exports), in a given palette.
  renderImage({ width = 720, scale = 2, colors }) {
    const d = this.data;
    const height = this.heightFor(d, width);
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    this.paint(ctx, d, width, colors);
    return { canvas, width, height };
  }

  // Draws the whole grid on ctx (already scaled to CSS pixels) and returns the rows' geometry.
  paint(ctx, d, width, colors) {
    const overlay = d.series.length > 1;
    const shared = d.axis !== 'own';
    const L = layoutFor(width, this.compact, overlay, !shared);
    const layers = this.shownLayers(d);
    const height = L.top + layers.length * (L.rowH + L.rowGap) + L.axisH;
    const x0 = L.labelW + L.zeroW + GAP, x1 = width - RIGHT;
    const xScale = (lo, hi) => {
      const s = d.binning === 'symlog' ? scaleSymlog().constant(d.symlogThreshold) : scaleLinear();
      return s.domain([lo, hi]).range([x0, x1]);
    };
    ctx.fillStyle = colors.bg;
    ctx.fillRect(0, 0, width, height);
    ctx.font = `${L.font}px ${FONT_FAMILY}`;
    ctx.textBaseline = 'middle';

    ctx.fillStyle = colors.muted;
    ctx.textAlign = 'left';
    ctx.fillText('layer', 3, L.top / 2);
    if (L.zeroText) {
      ctx.textAlign = 'right';
      ctx.fillText(overlay ? 'zeros A · B' : 'zeros', L.labelW + L.zeroW - 4, L.top / 2);
    }
    ctx.textAlign = 'left';
    // the tensor's full name where it fits, its symbol where it does not (never a name cut short)
    const long = TENSOR_LABELS[d.kind] + (d.count === 'log' ? ', log count' : '') +
      (d.binning === 'symlog' ? `, symlog (linear within ±${fmt(d.symlogThreshold)})` : '') +
      (!shared ? ', each layer its own x range' : '');
    const brief = TENSOR_LABELS[d.kind] + (d.count === 'log' ? ', log' : '') +
      (d.binning === 'symlog' ? `, symlog ±${fmt(d.symlogThreshold)}` : '');
    const tiny = TENSORS[d.kind].short + (d.count === 'log' ? ', log' : '') +
      (d.binning === 'symlog' ? `, symlog ±${fmt(d.symlogThreshold)}` : '');
    const room = x1 - x0 - (overlay ? 56 : 0);
    const heading = [long, brief].find(t => ctx.measureText(t).width <= room) || tiny;
    ctx.fillText(heading, x0, L.top / 2);
    if (overlay) {
      // legend: which colour is which column
      ctx.textAlign = 'right';
      let x = x1;
      for (const s of [...d.series].reverse()) {
        const label = s.column.toUpperCase();
        ctx.fillStyle = colors.fg;
        ctx.fillText(label, x, L.top / 2);
        x -= ctx.measureText(label).width + 3;
        ctx.fillStyle = colors[s.column];
        ctx.fillRect(x - 9, L.top / 2 - 4, 9, 8);
        x -= 16;
      }
    }

    const sharedScale = shared ? xScale(d.range[0], d.range[1]) : null;
    const rows = [];
    let drawnBars = 0;
    const barH = L.rowH - L.strip;
    layers.forEach((layer, i) => {
      const y0 = L.top + i * (L.rowH + L.rowGap);
      const yb = y0 + L.strip;  // top of the bars' band
      const present = d.series.filter(s => s.result.histograms[layer]);
      let scale = sharedScale;
      if (!shared) {
        // the union of the columns' own ranges for this layer
        const lo = Math.min(...present.map(s => s.result.histograms[layer].edges[0]));
        const hi = Math.max(...present.map(s => { const e = s.result.histograms[layer].edges; return e[e.length - 1]; }));
        scale = xScale(lo, hi);
      }
      rows.push({ layer, y0, y1: y0 + L.rowH, scale });
      const [r0, r1] = scale.range();
      // baseline and zero line
      ctx.fillStyle = colors.grid;
      ctx.fillRect(r0, y0 + L.rowH - 1, r1 - r0, 1);
      const [dlo, dhi] = scale.domain();
      if (dlo < 0 && dhi > 0) ctx.fillRect(Math.round(scale(0)), yb, 1, barH);
      // bars: one path and one fill per layer and column rather than a fillRect per bin; in an overlay
      // both columns are translucent, so where they overlap both stay visible
      ctx.globalAlpha = overlay ? 0.55 : 1;
      for (const s of present) {
        const h = s.result.histograms[layer];
        const n = h.counts.length;
        let max = 0;
        for (let b = 0; b < n; b++) max = Math.max(max, h.counts[b]);
        const tr = d.count === 'log' ? c => Math.log1p(c) / Math.log1p(max) : c => c / max;
        ctx.fillStyle = colors[s.column];
        ctx.beginPath();
        let xb1 = scale(h.edges[0]);
        for (let b = 0; b < n; b++) {
          const xb0 = xb1;
          xb1 = scale(h.edges[b + 1]);
          const c = h.counts[b];
          if (!c) continue;
          const bh = Math.max(1, tr(c) * (barH - 2));
          ctx.rect(xb0, yb + barH - 1 - bh, Math.max(1, xb1 - xb0 - (xb1 - xb0 > 3 ? 0.5 : 0)), bh);
          drawnBars++;
        }
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      // exact-zero boxes (one per column): a bar whose height is the zero fraction
      const boxW = this.compact ? 6 : 8;
      const zeroTexts = [];
      d.series.forEach((s, k) => {
        const h = s.result.histograms[layer];
        const sum = s.result.summaries[d.kind][layer];
        const zx = L.labelW + L.zeroW - 4 - (d.series.length - k) * (boxW + 2);
        ctx.strokeStyle = colors.grid;
        ctx.strokeRect(zx + 0.5, yb + 0.5, boxW, barH - 2);
        if (!h) return;
        const total = sum ? sum.count : 0;
        const zf = total ? h.zeros / total : 0;
        if (zf > 0) {
          ctx.fillStyle = overlay ? colors[s.column] : colors.zero;
          const zh = Math.max(1, zf * (barH - 2));
          ctx.fillRect(zx + 1, yb + barH - 1 - zh, boxW - 1, zh);
        }
        zeroTexts.push(zf > 0 ? pct(zf) : '–');
      });
      if (L.zeroText) {
        ctx.fillStyle = colors.fg;
        ctx.textAlign = 'right';
        ctx.fillText(zeroTexts.join(' · '), L.labelW + L.zeroW - 6 - d.series.length * (boxW + 2), yb + barH / 2);
      }
      // layer label and NaN/Inf flag
      ctx.textAlign = 'left';
      const bad = present.filter(s => { const q = s.result.summaries[d.kind][layer]; return q && q.nan + q.inf > 0; });
      ctx.fillStyle = colors.fg;
      const label = this.compact ? (layer === 0 ? 'in' : 'L' + layer) : (layer === 0 ? 'input' : 'L' + layer);
      ctx.fillText(label, 3, y0 + (bad.length && !this.compact ? L.rowH / 2 - 6 : L.rowH / 2));
      if (bad.length) {
        // the counts are in the hover readout and the table; here just which kind, in red
        ctx.fillStyle = colors.bad;
        const q = bad[0].result.summaries[d.kind][layer];
        const what = (overlay ? bad.map(s => s.column.toUpperCase()).join('+') + ' ' : '') +
          (q.nan && q.inf ? 'NaN+Inf' : q.inf ? 'Inf' : 'NaN');
        if (!this.compact) ctx.fillText(what, 3, y0 + L.rowH / 2 + 6);
        ctx.strokeStyle = colors.bad;
        ctx.strokeRect(r0 + 0.5, y0 + 0.5, r1 - r0 - 1, L.rowH - 2);
        if (!this.compact && q.count) {
          ctx.textAlign = 'right';
          ctx.fillText(`${pct((q.nan + q.inf) / q.count)} non-finite`, r1 - 3, yb + barH / 2);
        }
      }
      if (!shared) {
        // this row's range, above its bars (never over them)
        ctx.fillStyle = colors.muted;
        ctx.font = `${L.font - 1}px ${FONT_FAMILY}`;
        ctx.textAlign = 'left';
        ctx.fillText(fmt(dlo), r0, y0 + OWN_LABEL_STRIP / 2);
        ctx.textAlign = 'right';
        ctx.fillText(fmt(dhi), r1, y0 + OWN_LABEL_STRIP / 2);
        ctx.font = `${L.font}px ${FONT_FAMILY}`;
      }
      const outside = present.reduce((n, s) => n + s.result.histograms[layer].outside, 0);
      if (outside && !this.compact) {
        ctx.fillStyle = colors.bad;
        ctx.textAlign = 'right';
        ctx.fillText(`${outside} outside`, r1, yb + barH / 2);
      }
    });

    // bottom axis for the shared range
    const yAxis = L.top + layers.length * (L.rowH + L.rowGap);
    ctx.fillStyle = colors.muted;
    if (shared && sharedScale) {
      ctx.fillRect(x0, yAxis, x1 - x0, 1);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      const ticks = d.binning === 'symlog' ? symlogTicks(sharedScale)
        : sharedScale.ticks(Math.max(2, Math.floor(width / (this.compact ? 70 : 110))));
      for (const t of ticks) {
        const x = sharedScale(t);
        ctx.fillRect(x, yAxis, 1, 4);
        ctx.fillText(fmt(t), x, yAxis + (this.compact ? 4 : 6));
      }
    } else {
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(this.compact ? 'own x range per row' : 'each layer on its own x range (its ends above each row)',
        x0, yAxis + 6);
    }
    ctx.textBaseline = 'middle';
    return { rows, drawnBars, layout: L };
  }

  readRow() {
    const row = this.rows[Math.min(this.focusRow, this.rows.length - 1)];
    if (!row) return;
    const rect = this.canvas.getBoundingClientRect();
    this.hover({ clientX: rect.left + this.layout.labelW / 2, clientY: rect.top + (row.y0 + row.y1) / 2 }, true);
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
    if (!d || !this.layout) return;
    this.lastHover = { event: { clientX: event.clientX, clientY: event.clientY }, keyboard };
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left, y = event.clientY - rect.top;
    const row = this.rows.find(r => y >= r.y0 && y < r.y1 + this.layout.rowGap);
    if (!row) return this.tooltip.hide();
    const [r0, r1] = row.scale.range();
    const lines = [`${d.series.map(s => s.column.toUpperCase()).join(' and ')} · ${layerName(row.layer)} · ${TENSOR_LABELS[d.kind]}`];
    for (const ser of d.series) {
      const h = ser.result.histograms[row.layer];
      const s = ser.result.summaries[d.kind][row.layer];
      if (!h) continue;
      const who = d.series.length > 1 ? `${ser.column.toUpperCase()}: ` : '';
      if (x >= r0 && x <= r1) {
        const v = row.scale.invert(x);
        let b = 0;
        while (b < h.counts.length - 1 && h.edges[b + 1] <= v) b++;
        lines.push(`${who}bin [${fmt(h.edges[b])}, ${fmt(h.edges[b + 1])}): ${h.counts[b]} values` +
          (s && s.count ? ` (${pct(h.counts[b] / s.count)})` : ''));
      } else if (x >= this.layout.labelW && x < r0 || keyboard) {
        lines.push(`${who}exactly zero: ${h.zeros} values` + (s && s.count ? ` (${pct(h.zeros / s.count)})` : ''));
      }
      if (s) {
        lines.push(`${who}mean ${fmt(s.mean)}   std ${fmt(s.std)}   min ${fmt(s.min)}   max ${fmt(s.max)}`);
        if (s.percentiles) {
          const p = s.percentiles;
          lines.push(`${who}p5 ${fmt(p.p5)}  p15 ${fmt(p.p15)}  p50 ${fmt(p.p50)}  p85 ${fmt(p.p85)}  p95 ${fmt(p.p95)}`);
        }
        lines.push(`${who}zeros ${pct(s.zeroFraction)}   saturated ${pct(s.saturatedFraction)}   of ${s.count}`);
        if (s.nan || s.inf) lines.push(`${who}non-finite: ${s.nan} NaN, ${s.inf} Inf`);
      }
    }
    this.tooltip.show(lines, event.clientX, event.clientY);
  }

  // The numbers behind the figure: every layer (not only the rows on screen) and every count, so that
  // each layer's rows add up to its number of values: the bins, the exact zeros, NaN, Inf and values
  // outside the range.
  csv() {
    const d = this.data;
    if (!d) return '';
    const out = ['column,tensor,layer,kind,low,high,count'];
    for (const ser of d.series) {
      const c = ser.column;
      ser.result.histograms.forEach((h, l) => {
        if (!h) return;
        const s = ser.result.summaries[d.kind][l] || { nan: 0, inf: h.nonfinite };
        for (let b = 0; b < h.counts.length; b++) out.push(`${c},${d.kind},${l},bin,${h.edges[b]},${h.edges[b + 1]},${h.counts[b]}`);
        out.push(`${c},${d.kind},${l},exact_zero,0,0,${h.zeros}`);
        out.push(`${c},${d.kind},${l},nan,,,${s.nan}`);
        out.push(`${c},${d.kind},${l},inf,,,${s.inf}`);
        out.push(`${c},${d.kind},${l},outside,,,${h.outside}`);
      });
    }
    return out.join('\n') + '\n';
  }

  json() {
    const d = this.data;
    if (!d) return null;
    return {
      tensor: d.kind,
      binning: d.binning,
      axis: d.axis,
      symlog_threshold: d.binning === 'symlog' ? d.symlogThreshold : null,
      note: 'layer 0 is the input; exact zeros are counted in "zeros", NaN and Inf in "nan" and "inf", never ' +
        'in the bins: per layer, sum(counts) + zeros + nan + inf + outside = values',
      columns: d.series.map(ser => ({
        column: ser.column,
        config: ser.result.config,
        layers: ser.result.histograms.map((h, l) => {
          if (!h) return null;
          const s = ser.result.summaries[d.kind][l];
          return { layer: l, values: s ? s.count : null, edges: Array.from(h.edges), counts: Array.from(h.counts),
            zeros: h.zeros, nan: s ? s.nan : null, inf: s ? s.inf : null, outside: h.outside };
        }).filter(Boolean),
      })),
    };
  }
}

// Ticks for a symlog axis: 0 first, then powers of ten on both sides from the largest down, each kept
// only where it does not crowd a tick already kept.
export function symlogTicks(scale, spacing = 46) {
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
    if (x < Math.min(r0, r1) - 1 || x > Math.max(r0, r1) + 1) continue;
    if (kept.every(k => Math.abs(scale(k) - x) >= spacing)) kept.push(t);
  }
  return kept.sort((p, q) => p - q);
}
