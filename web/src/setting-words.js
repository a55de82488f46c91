// Messages shown to the reader name a setting by the words of its control ("Learning rate", "Depth
// (hidden layers) of A"), not by its URL key ("t.learning_rate", "a.depth"): the core's message after the
// key stays as it is. One rule for both views' URL notices and their fields' messages.
import { fieldLabel } from './views/field-words.js';

// The visible label of a control, or null when the page has no such control.
export function controlLabel(id) {
  const label = document.getElementById(id)?.labels?.[0];
  return label ? label.textContent.replace(/\s+/g, ' ').trim() : null;
}

// "t.learning_rate: must be ..." -> "Learning rate: must be ...". key: how the message names the setting
// (the URL key, or the core's field name); id: its control's (the URL key).
export function inControlWords(message, key, id = key) {
  const label = controlLabel(id);
  return label && message.startsWith(`${key}:`) ? label + message.slice(key.length) : message;
}

// How a row of the URL table (state.js) is named to the reader: its control's label; a column's field by
// the init-time view's label and the column; a key with no control by its name, said to come from the link.
export function settingWords(row) {
  if (row.scope === 'a' || row.scope === 'b') return `${fieldLabel(row.field)} of ${row.scope.toUpperCase()}`;
  const label = controlLabel(row.key);
  if (label) return label;
  const name = row.field.replace(/_/g, ' ');
  return `${name[0].toUpperCase()}${name.slice(1)} (${row.key} in the link)`;
}

// state.js parseQuery's words(message, row): a row's message in its control's words.
export function inRowWords(message, row) {
  return message.startsWith(`${row.key}:`) ? settingWords(row) + message.slice(row.key.length) : message;
}
