// The config warnings of a training run (the core's config_warnings, which each column's worker sends
// with 'started': e.g. SELU with an init off its fixed point), in the amber box the init-time view shows
// them in. A warning, not a refusal: the run trains anyway, since a learner may want to see it break.
import { controlLabel, inControlWords } from '../setting-words.js';
import { setText } from '../views/dom.js';

// warningsByColumn: {a: [...], b: [...]}, each "field: message" as the core words it; the field is named
// by its control's words: the training view's, else the init-time view's form (a network field: "Weight init").
export function showRunWarnings(box, warningsByColumn) {
  const lines = [];
  for (const [col, warnings] of Object.entries(warningsByColumn)) {
    for (const w of warnings ?? []) {
      const field = /^([a-z_]+): /.exec(w)?.[1];
      const id = field && (controlLabel(`t.${field}`) ? `t.${field}` : `${col}.${field}`);
      lines.push(`Column ${col.toUpperCase()}: ${field ? inControlWords(w, field, id) : w}`);
    }
  }
  const text = lines.length ? `Warning: ${lines.join(' · ')}` : '';
  setText(box, text);
  box.hidden = !lines.length;
}
