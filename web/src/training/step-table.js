// Per-layer statistics of both columns at the scrubbed step, as a table (keyboard and screen-reader
// friendly). It owns one element: the table.
import { fmt, pct } from '../format.js';

const COLUMNS_SHOWN = [
  ['preMean', 'pre-act. mean', fmt], ['preStd', 'pre-act. std', fmt],
  ['preP15', 'p15', fmt], ['preP50', 'p50', fmt], ['preP85', 'p85', fmt],
  ['activationStd', 'act. std', fmt], ['deadFraction', 'dead', pct], ['saturatedFraction', 'saturated', pct],
  ['doutputStd', 'std dL/dh', fmt], ['dweightStd', 'std dL/dW', fmt],
  ['updateRatioLog10', 'log10 update/W', v => (Number.isFinite(v) ? v.toFixed(2) : '–')],
];

export class StepTable {
  constructor(element) {
    this.element = element;
    this.table = document.createElement('table');
    this.table.className = 't-table';
    element.append(this.table);
  }

  // reports: {a: report|null, b: report|null}
  update(reports, titles) {
    this.table.replaceChildren();
    const caption = this.table.createCaption();
    const steps = Object.values(reports).filter(Boolean).map(r => r.step);
    if (!steps.length) {  // no "step –" over an empty table: say what will be here
      caption.textContent = 'Each layer\'s statistics appear here once training starts.';
      return;
    }
    caption.textContent = `Per-layer statistics at step ${Math.max(...steps)} ` +
      '(pre-activation and activation on the first 1,000 test images in eval mode; gradients and update of that step\'s batch)';
    const head = this.table.createTHead().insertRow();
    for (const text of ['column', 'layer', ...COLUMNS_SHOWN.map(c => c[1])]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = text;
      head.appendChild(th);
    }
    const body = this.table.createTBody();
    for (const [col, r] of Object.entries(reports)) {
      if (!r) continue;
      for (let l = 1; l <= r.depth; l++) {
        const tr = body.insertRow();
        tr.dataset.column = col;
        tr.dataset.layer = String(l);
        const th = document.createElement('th');
        th.scope = 'row';
        th.textContent = `${col.toUpperCase()} (${titles[col]})`;
        tr.appendChild(th);
        tr.insertCell().textContent = String(l);
        for (const [key, , format] of COLUMNS_SHOWN) {
          const td = tr.insertCell();
          td.dataset.key = key;
          td.dataset.value = String(r[key][l]);
          td.textContent = format(r[key][l]);
        }
      }
    }
  }
}
