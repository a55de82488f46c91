// Sizes a view's canvas for the device's pixel ratio (CSS pixels width x height) and returns its 2-D
// context scaled to CSS pixels. The size goes through the CSSOM (element.style), which the page's CSP
// allows, not through a style attribute.
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
