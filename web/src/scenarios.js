// The init-time view's pair buttons: the one-click pairs (.scenarios button[data-a][data-b]: a preset for
// each column) and "B = A + batch norm", each pressed while the columns are that pair; and which preset a
// column's config is.
import { irrelevantFields } from './views/controls.js';

const $ = id => document.getElementById(id);

// Fields in which two configs differ, leaving out those that do nothing in either (a placement when
// neither column normalizes).
export function differingFields(a, b) {
  const offA = irrelevantFields(a), offB = irrelevantFields(b);
  return Object.keys(a).filter(f => f !== 'seed' && a[f] !== b[f] && !(offA.includes(f) && offB.includes(f)));
}

export class Scenarios {
  // page: {state, schema, presets, commit()}
  constructor(page) {
    this.page = page;
    for (const button of document.querySelectorAll('.scenarios button[data-a]')) {
      button.addEventListener('click', () => {
        this.apply('a', button.dataset.a);
        this.apply('b', button.dataset.b);
        page.commit();
      });
    }
    // The fair comparison in one click: B becomes A with batch norm, every other setting A's.
    $('b-equals-a-bn').addEventListener('click', () => {
      page.state.b = { ...page.state.a, normalization: 'batch' };
      page.commit();
    });
  }

  // Which preset a column's config equals (ignoring the shared seed), or null.
  matching(config) {
    for (const p of this.page.presets) {
      if (this.page.schema.every(s => s.name === 'seed' || p.config[s.name] === config[s.name])) return p.name;
    }
    return null;
  }

  apply(col, name) {
    const config = { ...this.page.presets.find(p => p.name === name).config };
    delete config.seed;  // the seed stays shared and unchanged
    this.page.state[col] = config;
  }

  sync() {
    const { state } = this.page;
    const a = this.matching(state.a), b = this.matching(state.b);
    for (const button of document.querySelectorAll('.scenarios button[data-a]')) {
      button.setAttribute('aria-pressed', String(button.dataset.a === a && button.dataset.b === b));
    }
    const fair = differingFields(state.a, state.b).join() === 'normalization' &&
      state.a.normalization === 'none' && state.b.normalization === 'batch';
    $('b-equals-a-bn').setAttribute('aria-pressed', String(fair));
  }
}
