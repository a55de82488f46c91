// The per-layer statistics of one column and one tensor as an HTML table (the accessible view of the
// histograms). Cells are text; the raw number sits in data-value for scripts and tests.
import { fmt, pct, layerName } from '../format.js';
import { TENSOR_LABELS } from '../state.js';

const COLUMNS = [
  ['count', s => s.count, String],
  ['mean', s => s.mean, fmt],
  ['std', s => s.std, fmt],
  ['min', s => s.min, fmt],
  ['max', s => s.max, fmt],
  ['p5', s => s.percentiles && s.percentiles.p5, fmt],
  ['p50', s => s.percentiles && s.percentiles.p50, fmt],
  ['p95', s => s.percentiles && s.percentiles.p95, fmt],
  ['zeros', s => s.zeroFraction, pct],
  ['saturated', s => s.saturatedFraction, pct],
  ['NaN', s => s.nan, String],
  ['Inf', s => s.inf, String],
];

export class StatsTable {
  constructor(element, column) {
    this.element = element;
    this.column = column;
    this.table = document.createElement('table');
    this.table.className = 'stats';
    this.table.id = `table-${column}`;
    element.appendChild(this.table);
  }

  reset() {
    this.table.replaceChildren();
  }

  update(result, kind) {
    this.reset();
    const caption = document.createElement('caption');
    caption.textContent = `Column ${this.column.toUpperCase()}: ${TENSOR_LABELS[kind]} per layer`;
    this.table.appendChild(caption);
    const thead = this.table.createTHead().insertRow();
    for (const name of ['layer', ...COLUMNS.map(c => c[0])]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      thead.appendChild(th);
    }
    const body = this.table.createTBody();
    const summaries = result.summaries[kind] || [];
    summaries.forEach((s, layer) => {
      if (!s) return;
      const tr = body.insertRow();
      tr.dataset.layer = String(layer);
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = layerName(layer);
      tr.appendChild(th);
      for (const [name, get, show] of COLUMNS) {
        const td = tr.insertCell();
        const v = get(s);
        td.textContent = v === null || v === undefined ? '–' : show(v);
        td.dataset.key = name;
        if (typeof v === 'number') td.dataset.value = String(v);
        if ((name === 'NaN' || name === 'Inf') && v > 0) td.className = 'bad';
      }
    });
  }
}
