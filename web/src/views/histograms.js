// Small multiples of one tensor's histograms, one row per layer, drawn on a single canvas. A grid shows
// one column (A or B) or both in the same row of each layer (overlay), full size or compact (the first
// screen). Exact zeros are counted apart by the core and drawn in their own box left of each row, so a
// layer that is 90% dead ReLUs reads as such instead of as one tall bar near zero. NaN/Inf are flagged red.
import { themeColors } from '../theme.js';
import { fmt, pct, layerName } from '../format.js';
import { TENSOR_LABELS } from '../state.js';
import { SizedView } from './sized-view.js';
import { paintGrid, OWN_LABEL_STRIP } from './histogram-paint.js';

export { symlogTicks } from './histogram-paint.js';

// In 'own' axis mode each row carries its own range: its two end labels sit in a strip above the bars
// (histogram-paint.js OWN_LABEL_STRIP).

// Sizes of the two kinds of grid, in CSS pixels.
export function layoutFor(width, compact, overlay, own) {
  if (compact) {
    return { top: 14, axisH: 18, rowH: 11 + (own ? OWN_LABEL_STRIP : 0), rowGap: 2, labelW: 28,
      zeroW: overlay ? 20 : 14, font: 10, zeroText: false, strip: own ? OWN_LABEL_STRIP : 0 };
  }
  const narrow = width < 420;
  return { top: 20, axisH: 26, rowH: (narrow ? 24 : 28) + (own ? OWN_LABEL_STRIP : 0), rowGap: 4,
    labelW: narrow ? 40 : 62, zeroW: overlay ? (narrow ? 64 : 74) : (narrow ? 46 : 50), font: 11,
    zeroText: true, strip: own ? OWN_LABEL_STRIP : 0 };
}

// The canvas height (CSS pixels) for a figure of `height`, given the canvas's height now: unchanged while
// the figure fits and leaves less than two steps unused, else the figure's height rounded up to a step.
// With 32-pixel rows a step holds 8 layers, so stepping the depth through 20..50 resizes 4 times, not 30.
const ROOM_STEP = 256;
export function backingRoom(height, room) {
  if (height <= room && room - height < 2 * ROOM_STEP) return room;
  return Math.ceil(height / ROOM_STEP) * ROOM_STEP;
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
    // The box that shows the figure's own height of a canvas that may be taller (backingRoom below).
    this.clip = document.createElement('div');
    this.clip.className = 'hist-clip';
    this.clip.appendChild(this.canvas);
    element.appendChild(this.clip);
    this.room = 0;  // the canvas's height in CSS pixels: the figure's height or a little more
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
    // (The symlog threshold moves with the other column's smallest std, and only symlog bins use it.)
    const signature = [keys.join(), this.shownLayers(d).join(), d.count, d.axis, d.binning, d.kind, d.range,
      d.binning === 'symlog' ? d.symlogThreshold : '', width, dpr].join('|');
    if (keys.every(Boolean) && signature === this.drawnSignature && colors === this.drawnColors) return;
    this.drawnSignature = signature;
    this.drawnColors = colors;
    // Resizing a canvas reallocates its pixels and the compositor's copy of them: 6-27 ms for a column's
    // grid in headless Chromium, against 0.3 ms to repaint it at the same size, and a depth change adds or
    // drops a row each time. So the canvas keeps room for a few more rows (backingRoom), the clipping box
    // shows the figure's own height, and what lies below the figure is painted over in the background.
    this.room = backingRoom(height, this.room);
    const [cw, ch] = [Math.round(width * dpr), Math.round(this.room * dpr)];
    if (this.canvas.width !== cw || this.canvas.height !== ch) {
      this.canvas.width = cw;
      this.canvas.height = ch;
      this.canvas.style.width = width + 'px';
      this.canvas.style.height = this.room + 'px';
    }
    this.clip.style.height = height + 'px';
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (this.room > height) {
      ctx.fillStyle = colors.bg;
      ctx.fillRect(0, height, width, this.room - height);
    }
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
    return paintGrid(ctx, d, width, colors, { compact: this.compact, layers: this.shownLayers(d),
      layout: layoutFor(width, this.compact, d.series.length > 1, d.axis === 'own') });
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
