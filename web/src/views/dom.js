// Writes to the page made only where they change something. Every commit and every result draws whole
// views again, and writing what is already there still counts as a change to the browser: a text node
// replaced (and laid out again), a control's value set (its form handling runs and the page is laid out).
// So the views write texts and values through these two.

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function setValue(el, value) {
  if (el.value !== value) el.value = value;
}
