// Sizes a view's canvas for the device's pixel ratio (CSS pixels width x height) and returns its 2-D
// context scaled to CSS pixels. The size goes through the CSSOM (element.style), which the page's CSP
// allows, not through a style attribute.
import { FONT } from '../theme.js';

export function sizedContext(canvas, width, height) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(width * dpr), h = Math.round(height * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

// The canvas a view draws into, appended to its element; an image to assistive technology (each view
// sets its aria-label to what it shows).
export function viewCanvas(element) {
  const canvas = document.createElement('canvas');
  canvas.className = 't-canvas';
  canvas.setAttribute('role', 'img');
  element.append(canvas);
  return canvas;
}

// A view with no numbers yet: its background and one short line saying what will appear, centred. No
// axis, no ticks: an empty frame with a scale would read as a measurement.
export function paintEmpty(ctx, width, height, colors, text) {
  ctx.save();
  paintBackground(ctx, width, height, colors);
  ctx.fillStyle = colors.muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, width / 2, height / 2, width - 16);
  ctx.restore();
}

// Every view's first stroke: its background in the palette it paints with, and the views' font.
export function paintBackground(ctx, width, height, colors) {
  ctx.fillStyle = colors.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.font = FONT;
}
