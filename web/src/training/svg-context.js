// A recording 2-D context: the part of CanvasRenderingContext2D the training views paint with, written
// out as SVG elements. Each view has one paint(ctx, width, height, colors); handed this context instead of
// a canvas's, the same code gives the vector figure, so the SVG export cannot drift from what the page draws.
//
// Paths and rectangles are stored in figure coordinates (the current transform applied to each point);
// text keeps the transform as an attribute, since rotated axis labels need it. A clip opens a group that
// the matching restore() closes. Bitmaps (the heatmap) are embedded as PNG data: they are pixels already.
import { FONT } from '../theme.js';

const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = v => String(Math.round(v * 100) / 100);
const ANCHOR = { left: 'start', start: 'start', right: 'end', end: 'end', center: 'middle' };
// SVG has no "top" baseline as canvas does: a shift of the em box in ems gives the same placement.
const BASELINE_SHIFT = { top: '0.8em', hanging: '0.8em', middle: '0.35em', bottom: '-0.2em', alphabetic: '0', ideographic: '-0.2em' };

// "600 13px family, ..." -> {weight, size, family}
function parseFont(font) {
  const m = /^\s*(?:(\w+)\s+)?(\d+(?:\.\d+)?)px\s+(.+)$/.exec(font);
  return m ? { weight: m[1] || 'normal', size: Number(m[2]), family: m[3] } : { weight: 'normal', size: 11, family: 'sans-serif' };
}

// [a, b, c, d, e, f] as in setTransform; multiply(m, n): n applied first, then m.
const IDENTITY = [1, 0, 0, 1, 0, 0];
const multiply = (m, n) => [
  m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1], m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3], m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5],
];

let contexts = 0;  // clip ids stay unique when several recordings go into one file

export class SvgContext {
  constructor() {
    this.idPrefix = `ls${++contexts}-`;
    this.parts = [];
    this.state = { fillStyle: '#000', strokeStyle: '#000', lineWidth: 1, font: FONT, textAlign: 'start',
      textBaseline: 'alphabetic', globalAlpha: 1, dash: [], matrix: IDENTITY, groups: 0 };
    this.stack = [];
    this.path = '';
    this.clips = 0;
    this.imageSmoothingEnabled = true;
    this.measurer = document.createElement('canvas').getContext('2d');
  }

  setLineDash(dash) { this.state.dash = [...dash]; }

  save() { this.stack.push({ ...this.state }); this.state = { ...this.state, groups: 0 }; }
  restore() {
    for (let i = 0; i < this.state.groups; i++) this.parts.push('</g>');
    if (this.stack.length) this.state = this.stack.pop();
  }
  transform(a, b, c, d, e, f) { this.state.matrix = multiply(this.state.matrix, [a, b, c, d, e, f]); }
  setTransform(a, b, c, d, e, f) { this.state.matrix = [a, b, c, d, e, f]; }
  translate(x, y) { this.transform(1, 0, 0, 1, x, y); }
  scale(x, y) { this.transform(x, 0, 0, y, 0, 0); }
  rotate(angle) { const c = Math.cos(angle), s = Math.sin(angle); this.transform(c, s, -s, c, 0, 0); }

  point(x, y) {
    const m = this.state.matrix;
    return `${num(m[0] * x + m[2] * y + m[4])},${num(m[1] * x + m[3] * y + m[5])}`;
  }
  beginPath() { this.path = ''; }
  moveTo(x, y) { this.path += `M${this.point(x, y)}`; }
  lineTo(x, y) { this.path += `L${this.point(x, y)}`; }
  closePath() { this.path += 'Z'; }
  rect(x, y, w, h) { this.path += `M${this.point(x, y)}L${this.point(x + w, y)}L${this.point(x + w, y + h)}L${this.point(x, y + h)}Z`; }

  alpha() { return this.state.globalAlpha < 1 ? ` opacity="${num(this.state.globalAlpha)}"` : ''; }
  strokeAttrs() {
    const s = this.state;
    return `fill="none" stroke="${esc(s.strokeStyle)}" stroke-width="${num(s.lineWidth)}"` +
      (s.dash.length ? ` stroke-dasharray="${s.dash.join(' ')}"` : '') + this.alpha();
  }
  stroke() { if (this.path) this.parts.push(`<path d="${this.path}" ${this.strokeAttrs()}/>`); }
  fill() { if (this.path) this.parts.push(`<path d="${this.path}" fill="${esc(this.state.fillStyle)}"${this.alpha()}/>`); }
  clip() {
    const id = `${this.idPrefix}clip${++this.clips}`;
    this.parts.push(`<clipPath id="${id}"><path d="${this.path}"/></clipPath><g clip-path="url(#${id})">`);
    this.state.groups++;
  }
  // fillRect and strokeRect leave the current path as it was, as canvas does.
  paintRect(x, y, w, h, paint) {
    const saved = this.path;
    this.path = '';
    this.rect(x, y, w, h);
    paint();
    this.path = saved;
  }
  fillRect(x, y, w, h) { this.paintRect(x, y, w, h, () => this.fill()); }
  strokeRect(x, y, w, h) { this.paintRect(x, y, w, h, () => this.stroke()); }

  measureText(text) {
    this.measurer.font = this.state.font;
    return this.measurer.measureText(text);
  }
  fillText(text, x, y, maxWidth) {
    const s = this.state, f = parseFont(s.font), m = s.matrix;
    // a text wider than canvas would allow is squeezed to maxWidth, as canvas does
    const squeeze = maxWidth && this.measureText(text).width > maxWidth ? ` textLength="${num(maxWidth)}" lengthAdjust="spacingAndGlyphs"` : '';
    this.parts.push(`<text transform="matrix(${m.map(num).join(' ')})" x="${num(x)}" y="${num(y)}" dy="${BASELINE_SHIFT[s.textBaseline] ?? '0'}" ` +
      `text-anchor="${ANCHOR[s.textAlign] || 'start'}" font-size="${f.size}" font-weight="${f.weight}" fill="${esc(s.fillStyle)}"${this.alpha()}${squeeze}>` +
      `${esc(text)}</text>`);
  }
  // A bitmap drawn (a canvas): embedded as a PNG, scaled to the rectangle it fills.
  drawImage(image, x, y, w = image.width, h = image.height) {
    const m = this.state.matrix;
    this.parts.push(`<image transform="matrix(${m.map(num).join(' ')})" x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" ` +
      `preserveAspectRatio="none"${this.imageSmoothingEnabled ? '' : ' image-rendering="pixelated"'} href="${image.toDataURL('image/png')}"/>`);
  }

  // The recorded figure as the outer markup of one <svg> of width x height.
  markup(width, height) {
    while (this.stack.length) this.restore();
    for (; this.state.groups > 0; this.state.groups--) this.parts.push('</g>');
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="${esc(parseFont(FONT).family)}">${this.parts.join('')}</svg>`;
  }
}

// The drawing state as canvas exposes it: plain properties, kept in the state that save()/restore() stack.
for (const name of ['fillStyle', 'strokeStyle', 'lineWidth', 'font', 'textAlign', 'textBaseline', 'globalAlpha']) {
  Object.defineProperty(SvgContext.prototype, name, {
    get() { return this.state[name]; },
    set(value) { this.state[name] = value; },
  });
}
