// One floating readout shared by all figures. Content is set as text, never as HTML.
export class Tooltip {
  constructor() {
    this.el = document.createElement('div');
    this.el.className = 'tooltip';
    this.el.setAttribute('role', 'status');
    this.el.hidden = true;
    document.body.appendChild(this.el);
  }

  // lines: array of strings; the first is drawn as a heading.
  show(lines, clientX, clientY) {
    this.el.replaceChildren();
    lines.forEach((line, i) => {
      const div = document.createElement('div');
      if (i === 0) div.className = 'tooltip-head';
      div.textContent = line;
      this.el.appendChild(div);
    });
    this.el.hidden = false;
    const pad = 12;
    const w = this.el.offsetWidth, h = this.el.offsetHeight;
    let x = clientX + pad, y = clientY + pad;
    if (x + w > window.innerWidth - 4) x = Math.max(4, clientX - w - pad);
    if (y + h > window.innerHeight - 4) y = Math.max(4, clientY - h - pad);
    this.el.style.left = x + 'px';
    this.el.style.top = y + 'px';
  }

  hide() {
    this.el.hidden = true;
  }
}

// The page's one readout: both bundles (app.js, training.js) carry this file, so the instance sits in
// a global registry and whichever view asks first makes it.
export function sharedTooltip() {
  return (globalThis[Symbol.for('layerscope.tooltip')] ??= new Tooltip());
}
