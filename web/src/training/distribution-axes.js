// The axes of the distribution views: which layers get a panel, the value axis (linear or symlog) and the
// step axis (linear or log10(1 + step), as the line charts' "log step axis"), and a report's histogram
// moved onto a panel's value rows.
//
// Each report bins each layer on its own range [histogramLo, histogramHi] (the core's choice: the values'
// min and max, in equal bins). A panel puts every report on one value axis, the union of their ranges.
import { logStep, logStepTicks } from './chart-scales.js';

// Which layers get a panel: all up to 4, else the first, the last and two evenly between.
export function panelLayers(depth) {
  if (depth <= 4) return Array.from({ length: depth }, (_, i) => i + 1);
  return [...new Set([1, Math.round(1 + (depth - 1) / 3), Math.round(1 + (2 * (depth - 1)) / 3), depth])];
}

// The value axis over [lo, hi]: pos(v) in 0..1 and its inverse. Symlog is sign(v) log10(1 + |v|/c): linear
// within about c of 0, logarithmic beyond. c is one bin's width of the narrowest report range, since the
// core's equal bins give no finer detail near 0 than that.
export function valueAxis(lo, hi, mode, linearWithin) {
  const c = Math.max(linearWithin, 1e-30);
  const t = mode === 'symlog' ? v => Math.sign(v) * Math.log10(1 + Math.abs(v) / c) : v => v;
  const inv = mode === 'symlog' ? u => Math.sign(u) * c * (10 ** Math.abs(u) - 1) : u => u;
  const t0 = t(lo), span = t(hi) - t0 || 1;
  return { lo, hi, mode, linearWithin: c, pos: v => (t(v) - t0) / span, value: p => inv(t0 + p * span) };
}

// The step axis from step 0 to `last`, linear or log10(1 + step) as the line charts': pos(step) in 0..1,
// and where to put tick labels.
export function stepAxis(last, logX) {
  const t = logX ? logStep : s => s;
  const span = t(last) || 1;
  return { logX, pos: s => t(s) / span, ticks: logX ? logStepTicks(last) : [0, last] };
}

// A report's histogram of layer l moved onto `rows` equal rows of the value axis, as shares of the report's
// binned values (so reports and layers compare alike). A bin's share goes to the rows its value interval
// overlaps, in proportion to the overlap in value (the values are taken as even within a bin).
export function resample(report, l, axis, rows) {
  const bins = report.bins;
  const out = new Float64Array(rows);
  const rLo = report.histogramLo[l], rHi = report.histogramHi[l];
  const counts = report.histogramCounts.subarray(l * bins, (l + 1) * bins);
  let total = 0;
  for (let b = 0; b < bins; b++) total += counts[b];
  if (!total || !(axis.hi > axis.lo)) return out;
  const edge = r => axis.value(r / rows);  // the value at the lower edge of row r
  const w = (rHi - rLo) / bins;
  for (let b = 0; b < bins; b++) {
    if (!counts[b]) continue;
    const share = counts[b] / total;
    const a = rLo + b * w, z = rLo + (b + 1) * w;
    const first = Math.max(0, Math.min(rows - 1, Math.floor(axis.pos(a) * rows)));
    const last = Math.max(0, Math.min(rows - 1, Math.ceil(axis.pos(z) * rows) - 1));
    if (!(z - a > 1e-12 * Math.max(1, Math.abs(a))) || first >= last) { out[first] += share; continue; }
    for (let r = first; r <= last; r++) out[r] += (share * Math.max(0, Math.min(z, edge(r + 1)) - Math.max(a, edge(r)))) / (z - a);
  }
  return out;
}

// The union of the reports' ranges of layer l, and the narrowest report's bin width (symlog's linear part).
export function layerRange(reports, l) {
  let lo = Infinity, hi = -Infinity, binWidth = Infinity;
  for (const r of reports) {
    const a = r.histogramLo[l], b = r.histogramHi[l];
    if (Number.isFinite(a)) lo = Math.min(lo, a);
    if (Number.isFinite(b)) hi = Math.max(hi, b);
    if (b > a) binWidth = Math.min(binWidth, (b - a) / r.bins);
  }
  if (!(hi > lo)) { lo = Number.isFinite(lo) ? lo - 1 : -1; hi = lo + 2; }
  return { lo, hi, binWidth: Number.isFinite(binWidth) ? binWidth : (hi - lo) / 32 };
}
