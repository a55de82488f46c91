// Writes to the page made only where they change something. Every commit and every result draws whole
// views again, and writing what is already there still counts as a change to the browser: a text node
// replaced (and laid out again), a control's value set (its form handling runs and the page is laid out),
// an attribute set to its own value (the element's style is recomputed and, in SVG, its layout redone:
// 2,000 circles given their own cx again cost 12-16 ms of style and layout in Chromium 156, 1-5 ms when
// each is compared first). So the views write texts, values and attributes through these.

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function setValue(el, value) {
  if (el.value !== value) el.value = value;
}

// hidden is an attribute too: set to what it already is, it still restyles the element.
export function setHidden(el, hidden) {
  if (el.hidden !== hidden) el.hidden = hidden;
}

// attributes: {name: value}; null or undefined removes the attribute.
export function setAttributes(el, attributes) {
  for (const name in attributes) {
    const value = attributes[name];
    if (value === null || value === undefined) {
      if (el.hasAttribute(name)) el.removeAttribute(name);
    } else {
      const text = String(value);
      if (el.getAttribute(name) !== text) el.setAttribute(name, text);
    }
  }
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

// A new SVG element with its attributes, appended to parent.
export function svgChild(parent, name, attributes = {}) {
  const el = document.createElementNS(SVG_NS, name);
  setAttributes(el, attributes);
  parent.appendChild(el);
  return el;
}

// parent's children made to be exactly n elements `name` (the first n kept, the rest removed, new ones
// appended): a redraw reuses them, as a d3 join by index does.
export function svgChildren(parent, name, n) {
  const kept = [...parent.children];
  for (const extra of kept.splice(n)) extra.remove();
  while (kept.length < n) kept.push(svgChild(parent, name));
  return kept;
}
