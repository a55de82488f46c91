// The per-layer statistics of one column and one tensor as an HTML table (the accessible view of the
// histograms). Cells are text; the raw number sits in data-value for scripts and tests.
import { fmt, pct, layerName } from '../format.js';
import { TENSOR_LABELS } from '../state.js';
import { setText } from './dom.js';

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

// The effective rank of layer l's output (a trained step of a run with probes: result.effectiveRank), a
// column of the outputs h's table only when the step has it.
const rankColumn = rank => ['eff. rank', (s, layer) => rank[layer], fmt];

export class StatsTable {
  constructor(element, column) {
    this.columns = COLUMNS;  // and the rank's, at a trained step with probes
    this.element = element;
    this.column = column;
    this.table = document.createElement('table');
    this.table.className = 'stats';
    this.table.id = `table-${column}`;
    element.appendChild(this.table);
  }

  reset() {
    this.table.replaceChildren();
    this.body = null;
    this.drawnKey = null;
  }

  // Built once, then updated in place: a redraw changes cell texts, not the table's structure, unless
  // the number of layers changed.
  build() {
    this.table.replaceChildren();
    this.caption = document.createElement('caption');
    this.table.appendChild(this.caption);
    const thead = this.table.createTHead().insertRow();
    for (const name of ['layer', ...this.columns.map(c => c[0])]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      thead.appendChild(th);
    }
    this.body = this.table.createTBody();
  }

  // result.runKey: equal keys, the very same numbers (client.js), so the table already shows them unless
  // the tensor changed or percentiles arrived since (a change in the other column redraws nothing here).
  update(result, kind) {
    const summaries = result.summaries[kind] || [];
    const key = result.runKey ? `${result.runKey} ${kind} ${summaries.map(s => (s && s.percentiles ? 1 : 0)).join('')}` : null;
    if (key && key === this.drawnKey && this.body) return;
    this.drawnKey = key;
    const rank = kind === 'output' && result.effectiveRank ? result.effectiveRank : null;
    const columns = rank ? [...COLUMNS, rankColumn(rank)] : COLUMNS;
    const rebuild = !this.body || columns.length !== this.columns.length;
    this.columns = columns;
    if (rebuild) this.build();
    setText(this.caption, `Column ${this.column.toUpperCase()}: ${TENSOR_LABELS[kind]} per layer`);
    const shown = [];
    summaries.forEach((s, layer) => { if (s) shown.push(layer); });
    const rows = this.body.rows;
    while (rows.length > shown.length) this.body.deleteRow(-1);
    while (rows.length < shown.length) {
      const tr = this.body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      tr.appendChild(th);
      for (const [name] of this.columns) tr.insertCell().dataset.key = name;
    }
    shown.forEach((layer, i) => {
      const s = summaries[layer];
      const tr = rows[i];
      tr.dataset.layer = String(layer);
      setText(tr.cells[0], layerName(layer));
      this.columns.forEach(([name, get, show], c) => {
        const td = tr.cells[c + 1];
        const v = get(s, layer);
        setText(td, v === null || v === undefined ? '–' : show(v));
        if (typeof v === 'number') td.dataset.value = String(v);
        else delete td.dataset.value;
        td.className = (name === 'NaN' || name === 'Inf') && v > 0 ? 'bad' : '';
      });
    });
  }
}
