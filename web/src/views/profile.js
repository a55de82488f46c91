// One panel of the depth profile: a quantity per layer for both columns, with the theory dashed, or
// percentile bands (p5-p95 and p15-p85 around the median) on a symmetric-log axis.
// SVG drawn with d3 scales and our own axes (axis.js); a redraw updates the elements in place and writes
// only the attributes that change (dom.js): each chart is redrawn on every change of either column.
// Colours are set as presentation attributes (not style attributes) so the page stays within its
// Content-Security-Policy and the exported SVG and PNG keep their colours.
import { scaleLinear, scaleLog, scaleSymlog } from 'd3-scale';
import { SizedView } from './sized-view.js';
import { themeColors, FONT_FAMILY } from '../theme.js';
import { symlogTicks } from './histograms.js';
import { drawAxis } from './axis.js';
import { fmt, pct, layerName } from '../format.js';
import { SVG_NS, setAttributes, setHidden, setText, svgChild, svgChildren } from './dom.js';

const M = { top: 10, right: 12, bottom: 34, left: 56 };

export class ProfileChart extends SizedView {
  // spec: {id, title, yLabel, log: bool, series: [{column, name? (the readout's, else the column's letter), label, dash, values: result => number[]}],
  //        theory: [{column, values: result => number[]}], percent: bool,
  //        bands: [{column, percentiles: result => {p5, p15, p50, p85, p95: number[]}}] with
//        symlog: results => the axis' linear threshold,
  //        signature: () => string (what else the chart depends on), height: number}
  // options: {colors (a fixed palette, for exports), width (fixed), compact}
  constructor(element, spec, tooltip, options = {}) {
    super(element);
    this.spec = spec;
    this.tooltip = tooltip;
    this.options = options;
    this.svg = svgChild(element, 'svg', { class: 'profile-svg', role: 'img', 'aria-label': spec.title, xmlns: SVG_NS });
    if (tooltip) {
      this.svg.addEventListener('mousemove', e => this.hover(e));
      this.svg.addEventListener('mouseleave', () => this.tooltip.hide());
    }
    // Notes about the chart (layers that are exactly 0, no theory line) sit under it, not over the lines.
    this.noteEl = document.createElement('p');
    this.noteEl.className = 'profile-note';
    this.noteEl.hidden = true;
    element.appendChild(this.noteEl);
    this.notes = [];
    this.results = null;
  }

  // results: {a: workerColumnResult|null, b: ...}
  update(results) {
    this.results = results;
    this.draw();
  }


  rows() {
    const out = [];
    for (const s of this.spec.series || []) {
      const r = this.results[s.column];
      if (r && r.ok) out.push({ ...s, data: Array.from(s.values(r)), theory: false });
    }
    for (const s of this.spec.theory || []) {
      const r = this.results[s.column];
      if (r && r.ok) out.push({ ...s, data: Array.from(s.values(r)), theory: true, dash: '5 4' });
    }
    for (const s of this.spec.bands || []) {
      const r = this.results[s.column];
      if (!r || !r.ok) continue;
      const q = s.percentiles(r);
      if (q.p50.some(Number.isFinite)) out.push({ ...s, lo: q.p5, lo2: q.p15, data: q.p50, hi2: q.p85, hi: q.p95, band: true });
    }
    return out;
  }

  // The chart's parts, made once (in drawing order: the bands under the lines, the markers on top); a
  // redraw updates them in place, which costs far less than rebuilding a few hundred SVG nodes per chart.
  parts() {
    if (this.part) return this.part;
    const g = () => svgChild(this.svg, 'g');
    this.part = { bg: svgChild(this.svg, 'rect'), gx: g(), gy: g(), grid: g(),
      label: svgChild(this.svg, 'text', { 'text-anchor': 'middle' }), bands: g(), lines: g(), marks: g() };
    return this.part;
  }

  reset() {
    this.svg.replaceChildren();
    this.part = null;
    this.results = null;
    this.drawnSignature = null;
    this.setNotes([]);
  }

  draw() {
    if (!this.results) return;
    const colors = this.options.colors || themeColors();
    const width = this.options.width || Math.max(240, this.takeWidth() || 400);
    const height = this.spec.height || (width < 420 ? 200 : 220);
    // Both columns' runs unchanged (a change of bins): the chart already shows these numbers.
    const signature = Object.entries(this.results).map(([c, r]) => `${c}:${r && r.ok ? r.runKey : 'none'}`)
      .join() + `|${width}|${this.spec.signature ? this.spec.signature(this.results) : ''}`;
    const keyed = Object.values(this.results).every(r => !r || !r.ok || r.runKey);
    if (keyed && signature === this.drawnSignature && colors === this.drawnColors) return;
    this.drawnSignature = signature;
    this.drawnColors = colors;
    this.width = width;
    setAttributes(this.svg, { width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': FONT_FAMILY, 'font-size': 11 });
    const part = this.parts();
    setAttributes(part.bg, { width, height, fill: colors.bg });
    const rows = this.rows();
    const maxLayer = Math.max(1, ...rows.map(r => r.data.length - 1));
    this.x = scaleLinear().domain([0, maxLayer]).range([M.left, width - M.right]);
    this.y = this.valueScale(rows, height);
    this.drawAxes(part, { width, height, maxLayer, colors });
    const notes = this.drawSeries(part, rows, { width, height, colors });
    // A measured series with no finite theory at all: say why there is no dashed line (once for both
    // columns when the reason is the same).
    const why = new Map();
    for (const s of this.spec.theory || []) {
      const r = this.results[s.column];
      const reason = r && r.ok && this.spec.noTheory && this.spec.noTheory(r);
      if (reason && !Array.from(s.values(r)).some(Number.isFinite)) why.set(reason, [...(why.get(reason) || []), s.column.toUpperCase()]);
    }
    for (const [reason, cols] of why) notes.push(`${cols.join(' and ')}: no theory line (${reason})`);
    if (this.spec.bands && !rows.some(r => r.band) && Object.values(this.results).some(r => r && r.ok))
      notes.push('the percentiles are sorted once the figures are drawn: the bands follow in a moment');
    this.setNotes(notes);
    this.height = height;
  }

  // The y scale: symmetric-log for the bands, log for the stds (at least two decades), linear for shares.
  valueScale(rows, height) {
    if (this.spec.bands) {
      let top = 0;
      for (const r of rows) for (const v of [...r.lo, ...r.hi]) if (Number.isFinite(v)) top = Math.max(top, Math.abs(v));
      top = top || 1;
      const c = Math.min(top / 10, this.spec.symlog(this.results) || top / 10);
      const anyNegative = rows.some(r => r.lo.some(v => v < 0));
      return scaleSymlog().constant(c).domain([anyNegative ? -top : 0, top]).range([height - M.bottom, M.top]).clamp(true);
    }
    if (this.spec.log) {
      let lo = Infinity, hi = -Infinity;
      for (const r of rows) for (const v of r.data) if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      if (!(lo <= hi)) { lo = 1e-3; hi = 1; }
      if (hi / lo < 100) { lo /= 10; hi *= 10; }
      return scaleLog().domain([lo / 2, hi * 2]).range([height - M.bottom, M.top]).clamp(true);
    }
    return scaleLinear().domain([0, 1]).range([height - M.bottom, M.top]);
  }

  drawAxes(part, { width, height, maxLayer, colors }) {
    const { x, y } = this;
    setAttributes(part.gx, { transform: `translate(0,${height - M.bottom})` });
    drawAxis(part.gx, { side: 'bottom', scale: x, values: x.ticks(Math.min(maxLayer, Math.floor(width / 50))),
      format: v => (Number.isInteger(v) ? String(v) : ''), color: colors.muted });
    // The y ticks: the grid's lines too, except on the linear (share) axis.
    let gridTicks = [], yTicks, yLabel = v => fmt(v);
    if (this.spec.bands) {
      gridTicks = yTicks = symlogTicks(y, 22);
    } else if (this.spec.log) {
      const [d0, d1] = y.domain();
      const decades = Math.log10(d1) - Math.log10(d0);
      const step = Math.max(1, Math.ceil(decades / 6));
      for (let e = Math.ceil(Math.log10(d0)); e <= Math.floor(Math.log10(d1)); e++) if (e % step === 0) gridTicks.push(10 ** e);
      yTicks = gridTicks;
    } else {
      yTicks = y.ticks(5);
      yLabel = v => pct(v);
    }
    setAttributes(part.gy, { transform: `translate(${M.left},0)` });
    drawAxis(part.gy, { side: 'left', scale: y, values: yTicks, format: yLabel, color: colors.muted });
    svgChildren(part.grid, 'line', gridTicks.length).forEach((line, i) => setAttributes(line, {
      x1: M.left, x2: width - M.right, y1: y(gridTicks[i]), y2: y(gridTicks[i]), stroke: colors.grid, 'stroke-width': 1 }));
    // The whole axis title needs about 230 px; a narrower chart (the embed's, a phone's) says the short one.
    const title = width - M.left - M.right >= 240 ? 'layer (0 = input, 1 = first hidden layer)' : 'layer (0 = input)';
    setAttributes(part.label, { x: (M.left + width - M.right) / 2, y: height - 4, fill: colors.muted });
    setText(part.label, title);
  }

  // The bands, lines and markers; returns the notes on layers exactly 0 (which a log axis cannot hold).
  drawSeries(part, rows, { width, height, colors }) {
    const { x, y } = this;
    const plotted = {};
    const notes = [];
    const bandLayers = r => r.data.map((v, i) => i).filter(i => Number.isFinite(r.lo[i]) && Number.isFinite(r.hi[i]));
    const bandPaths = rows.filter(r => r.band).flatMap(r => [
      { r, outer: true, d: bandPath(bandLayers(r), i => x(i), i => y(r.lo[i]), i => y(r.hi[i])) },
      { r, outer: false, d: bandPath(bandLayers(r).filter(i => Number.isFinite(r.lo2[i]) && Number.isFinite(r.hi2[i])),
        i => x(i), i => y(r.lo2[i]), i => y(r.hi2[i])) },
    ]);
    svgChildren(part.bands, 'path', bandPaths.length).forEach((path, i) => {
      const p = bandPaths[i];
      setAttributes(path, { d: p.d, fill: colors[p.r.column], 'fill-opacity': p.outer ? 0.14 : 0.28, stroke: 'none',
        class: p.outer ? 'band band-outer' : 'band band-inner', 'data-column': p.r.column });
    });
    const series = rows.map(r => {
      const pts = r.data.map((v, i) => [i, v]).filter(([, v]) => Number.isFinite(v) && (!this.spec.log || v > 0));
      const zeros = this.spec.log && !r.theory ? r.data.map((v, i) => [i, v]).filter(([, v]) => v === 0) : [];
      if (!r.theory) {
        if (zeros.length) notes.push(`${r.column.toUpperCase()}: ${zeros.length} layer(s) exactly 0, marked ▼ at the bottom`);
        plotted[r.column + '-' + r.key] = r.data;
      }
      return { ...r, pts, zeros, color: colors[r.column] };
    });
    // A band's median is not drawn as a line: near zero, on a symmetric-log axis, its sampling noise would
    // swing across decades and hide the bands (it is in the readout and the exports).
    const lines = series.filter(r => r.pts.length && !r.band);
    svgChildren(part.lines, 'path', lines.length).forEach((path, i) => {
      const r = lines[i];
      setAttributes(path, { d: linePath(r.pts.map(p => [x(p[0]), y(p[1])])), fill: 'none', stroke: r.color,
        'stroke-width': r.theory ? 1.5 : 2, 'stroke-dasharray': r.dash || null, opacity: r.theory ? 0.8 : 1,
        class: r.theory ? 'theory' : 'measured', 'data-column': r.column });
    });
    // Each measured series' markers as one path of small circles, and its layers that vanished to exactly
    // zero (float underflow, which a log axis cannot hold) as one path of ▼ marks at the bottom: two
    // elements a series rather than one per layer (a depth change moved some 250 circles over six charts,
    // each element restyled and laid out again).
    const radius = width < 420 ? 1.8 : 2.4;
    const marked = series.filter(r => !r.theory && !r.band);
    svgChildren(part.marks, 'g', marked.length).forEach((g, i) => {
      const r = marked[i];
      setAttributes(g, { fill: r.color, 'data-column': r.column });
      const [points, zeros] = svgChildren(g, 'path', 2);
      setAttributes(points, { class: 'points', 'data-points': r.pts.length,
        d: dotsPath(r.pts.map(p => [x(p[0]), y(p[1])]), radius) });
      setAttributes(zeros, { class: 'zero-marks', 'data-points': r.zeros.length,
        d: r.zeros.length ? r.zeros.map(p => `M${x(p[0]) - 3},${height - M.bottom - 7}l3,6l3,-6z`).join('') : null });
    });
    // Read-only numbers for tests and scripts: comma-separated values per layer.
    for (const [k, v] of Object.entries(plotted)) setAttributes(this.svg, { ['data-' + k]: Array.from(v).join(',') });
    return notes;
  }

  setNotes(notes) {
    this.notes = notes;
    const text = notes.join('; ');
    setText(this.noteEl, text);
    setHidden(this.noteEl, !text);
  }

  hover(event) {
    if (!this.results || !this.x) return;
    const rect = this.svg.getBoundingClientRect();
    const layer = Math.round(this.x.invert(event.clientX - rect.left));
    if (layer < 0) return this.tooltip.hide();
    const lines = [`${layerName(layer)} · ${this.spec.title}`];
    for (const r of this.rows()) {
      if (layer >= r.data.length) continue;
      const v = r.data[layer];
      if (r.band) {
        lines.push(`${r.column.toUpperCase()}: p5 ${fmt(r.lo[layer])}  p15 ${fmt(r.lo2[layer])}  p50 ${fmt(v)}  ` +
          `p85 ${fmt(r.hi2[layer])}  p95 ${fmt(r.hi[layer])}`);
        continue;
      }
      lines.push(`${r.name ?? r.column.toUpperCase()} ${r.theory ? 'theory' : r.label}: ${this.spec.percent ? pct(v) : fmt(v)}`);
    }
    this.tooltip.show(lines, event.clientX, event.clientY);
  }

  csv() {
    if (!this.results) return '';
    const rows = this.rows();
    const n = Math.max(0, ...rows.map(r => r.data.length));
    const cols = rows.flatMap(r => (r.band
      ? [['p5', r.lo], ['p15', r.lo2], ['p50', r.data], ['p85', r.hi2], ['p95', r.hi]].map(([k, v]) => [`${r.column}_${k}`, v])
      : [[`${r.column}_${r.theory ? 'theory' : r.key}`, r.data]]));
    const out = [['layer', ...cols.map(c => c[0])].join(',')];
    for (let l = 0; l < n; l++) out.push([l, ...cols.map(([, v]) => (l < v.length ? v[l] : ''))].join(','));
    return out.join('\n') + '\n';
  }

  json() {
    if (!this.results) return null;
    return {
      figure: this.spec.title,
      notes: this.notes,
      series: this.rows().flatMap(r => (r.band
        ? [['p5', r.lo], ['p15', r.lo2], ['p50', r.data], ['p85', r.hi2], ['p95', r.hi]].map(([k, v]) => ({ column: r.column, name: k, values: jsonNumbers(v) }))
        : [{ column: r.column, name: r.theory ? 'theory' : r.key, values: jsonNumbers(r.data) }])),
    };
  }
}

const jsonNumbers = v => Array.from(v, x => (Number.isFinite(x) ? x : String(x)));

// SVG path data of the polyline through [[x, y], ...] in pixels, null for no points (d3-shape's linear
// line() makes the same string; written here, it keeps d3-shape's 4 KB gzipped out of the download).
function linePath(points) {
  return points.length ? `M${points.map(([px, py]) => `${px},${py}`).join('L')}` : null;
}

// A filled circle of radius r around each [x, y] (two half-circle arcs each), null for no points.
function dotsPath(points, r) {
  return points.length ? points.map(([px, py]) => `M${px - r},${py}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`).join('') : null;
}

// The band over the layers `at`: along the upper edge forward, back along the lower, closed (d3-shape's
// linear area() with y0 = lower, y1 = upper).
function bandPath(at, px, lower, upper) {
  if (!at.length) return null;
  return `${linePath([...at.map(i => [px(i), upper(i)]), ...at.map(i => [px(i), lower(i)]).reverse()])}Z`;
}
