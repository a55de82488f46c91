// How a histogram grid (histograms.js) is painted on a 2-D context: the heading, one row per layer (its
// bars, its exact-zero boxes, its label and flags) and the shared x axis. Any context that takes the
// canvas calls draws it: the page's canvas, an export's, the training view's recording SVG context.
// d: the grid's data {series, kind, range, axis, binning, symlogThreshold, count}; L: its layout.
import { scaleLinear, scaleSymlog } from 'd3-scale';
import { FONT_FAMILY } from '../theme.js';
import { fmt, pct } from '../format.js';
import { TENSORS } from '../state.js';

export const GAP = 8, RIGHT = 10;
export const OWN_LABEL_STRIP = 10;

// Draws the whole grid and returns the rows' geometry {rows: [{layer, y0, y1, scale}], drawnBars, layout}.
export function paintGrid(ctx, d, width, colors, { compact, layers, layout: L }) {
  const shared = d.axis !== 'own';
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
  paintHeading(ctx, d, L, colors, x0, x1);
  const sharedScale = shared ? xScale(d.range[0], d.range[1]) : null;
  const rows = [];
  let drawnBars = 0;
  layers.forEach((layer, i) => {
    const y0 = L.top + i * (L.rowH + L.rowGap);
    const present = d.series.filter(s => s.result.histograms[layer]);
    let scale = sharedScale;
    if (!shared) {
      // the union of the columns' own ranges for this layer
      const lo = Math.min(...present.map(s => s.result.histograms[layer].edges[0]));
      const hi = Math.max(...present.map(s => { const e = s.result.histograms[layer].edges; return e[e.length - 1]; }));
      scale = xScale(lo, hi);
    }
    rows.push({ layer, y0, y1: y0 + L.rowH, scale });
    const row = { layer, y0, yb: y0 + L.strip, barH: L.rowH - L.strip, scale, present };
    drawnBars += paintBars(ctx, d, L, colors, row);
    paintZeros(ctx, d, L, colors, row, compact);
    paintFlags(ctx, d, L, colors, row, compact);
  });
  paintAxis(ctx, d, L, colors, { x0, x1, width, compact, sharedScale, yAxis: L.top + layers.length * (L.rowH + L.rowGap) });
  ctx.textBaseline = 'middle';
  return { rows, drawnBars, layout: L };
}

// The 'layer' and 'zeros' headers, the tensor's name where it fits, and in an overlay which colour is which.
function paintHeading(ctx, d, L, colors, x0, x1) {
  const overlay = d.series.length > 1, shared = d.axis !== 'own';
  ctx.fillStyle = colors.muted;
  ctx.textAlign = 'left';
  ctx.fillText('layer', 3, L.top / 2);
  if (L.zeroText) {
    ctx.textAlign = 'right';
    ctx.fillText(overlay ? 'zeros A · B' : 'zeros', L.labelW + L.zeroW - 4, L.top / 2);
  }
  ctx.textAlign = 'left';
  // the tensor's full name where it fits, its symbol where it does not (never a name cut short)
  const log = d.count === 'log', symlog = d.binning === 'symlog';
  const long = TENSORS[d.kind].label + (log ? ', log count' : '') +
    (symlog ? `, symlog (linear within ±${fmt(d.symlogThreshold)})` : '') + (!shared ? ', each layer its own x range' : '');
  const tail = (log ? ', log' : '') + (symlog ? `, symlog ±${fmt(d.symlogThreshold)}` : '');
  const room = x1 - x0 - (overlay ? 56 : 0);
  const heading = [long, TENSORS[d.kind].label + tail].find(t => ctx.measureText(t).width <= room) || TENSORS[d.kind].short + tail;
  ctx.fillText(heading, x0, L.top / 2);
  if (!overlay) return;
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

// A row's baseline, zero line and bars: one path and one fill per column rather than a fillRect per
// bin; in an overlay both columns are translucent, so where they overlap both stay visible. Returns the
// bars drawn.
function paintBars(ctx, d, L, colors, { layer, y0, yb, barH, scale, present }) {
  const [r0, r1] = scale.range();
  ctx.fillStyle = colors.grid;
  ctx.fillRect(r0, y0 + L.rowH - 1, r1 - r0, 1);
  const [dlo, dhi] = scale.domain();
  if (dlo < 0 && dhi > 0) ctx.fillRect(Math.round(scale(0)), yb, 1, barH);
  ctx.globalAlpha = d.series.length > 1 ? 0.55 : 1;
  let drawn = 0;
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
      drawn++;
    }
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  return drawn;
}

// The exact-zero boxes (one per column): a bar whose height is the share of values exactly 0.
function paintZeros(ctx, d, L, colors, { layer, yb, barH }, compact) {
  const boxW = compact ? 6 : 8;
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
      ctx.fillStyle = d.series.length > 1 ? colors[s.column] : colors.zero;
      const zh = Math.max(1, zf * (barH - 2));
      ctx.fillRect(zx + 1, yb + barH - 1 - zh, boxW - 1, zh);
    }
    zeroTexts.push(zf > 0 ? pct(zf) : '–');
  });
  if (!L.zeroText) return;
  ctx.fillStyle = colors.fg;
  ctx.textAlign = 'right';
  ctx.fillText(zeroTexts.join(' · '), L.labelW + L.zeroW - 6 - d.series.length * (boxW + 2), yb + barH / 2);
}

// The layer's label, its NaN/Inf flag (red: which kind and its share), its own range in 'own' axis mode
// (above its bars, never over them) and the values outside the axis.
function paintFlags(ctx, d, L, colors, { layer, y0, yb, barH, scale, present }, compact) {
  const [r0, r1] = scale.range(), [dlo, dhi] = scale.domain();
  ctx.textAlign = 'left';
  const bad = present.filter(s => { const q = s.result.summaries[d.kind][layer]; return q && q.nan + q.inf > 0; });
  ctx.fillStyle = colors.fg;
  const label = layer === 0 ? (compact ? 'in' : 'input') : 'L' + layer;
  ctx.fillText(label, 3, y0 + (bad.length && !compact ? L.rowH / 2 - 6 : L.rowH / 2));
  if (bad.length) {
    // the counts are in the hover readout and the table; here just which kind, in red
    ctx.fillStyle = colors.bad;
    const q = bad[0].result.summaries[d.kind][layer];
    const what = (d.series.length > 1 ? bad.map(s => s.column.toUpperCase()).join('+') + ' ' : '') +
      (q.nan && q.inf ? 'NaN+Inf' : q.inf ? 'Inf' : 'NaN');
    if (!compact) ctx.fillText(what, 3, y0 + L.rowH / 2 + 6);
    ctx.strokeStyle = colors.bad;
    ctx.strokeRect(r0 + 0.5, y0 + 0.5, r1 - r0 - 1, L.rowH - 2);
    if (!compact && q.count) {
      ctx.textAlign = 'right';
      ctx.fillText(`${pct((q.nan + q.inf) / q.count)} non-finite`, r1 - 3, yb + barH / 2);
    }
  }
  if (d.axis === 'own') {
    ctx.fillStyle = colors.muted;
    ctx.font = `${L.font - 1}px ${FONT_FAMILY}`;
    ctx.textAlign = 'left';
    ctx.fillText(fmt(dlo), r0, y0 + OWN_LABEL_STRIP / 2);
    ctx.textAlign = 'right';
    ctx.fillText(fmt(dhi), r1, y0 + OWN_LABEL_STRIP / 2);
    ctx.font = `${L.font}px ${FONT_FAMILY}`;
  }
  const outside = present.reduce((n, s) => n + s.result.histograms[layer].outside, 0);
  if (outside && !compact) {
    ctx.fillStyle = colors.bad;
    ctx.textAlign = 'right';
    ctx.fillText(`${outside} outside`, r1, yb + barH / 2);
  }
}

// The bottom axis of the shared range, or a note that each row has its own.
function paintAxis(ctx, d, L, colors, { x0, x1, width, compact, sharedScale, yAxis }) {
  ctx.fillStyle = colors.muted;
  ctx.textBaseline = 'top';
  if (!sharedScale) {
    ctx.textAlign = 'left';
    ctx.fillText(compact ? 'own x range per row' : 'each layer on its own x range (its ends above each row)', x0, yAxis + 6);
    return;
  }
  ctx.fillRect(x0, yAxis, x1 - x0, 1);
  ctx.textAlign = 'center';
  const ticks = d.binning === 'symlog' ? symlogTicks(sharedScale)
    : sharedScale.ticks(Math.max(2, Math.floor(width / (compact ? 70 : 110))));
  for (const t of ticks) {
    const x = sharedScale(t);
    ctx.fillRect(x, yAxis, 1, 4);
    ctx.fillText(fmt(t), x, yAxis + (compact ? 4 : 6));
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
