// One column (A or B) of the page: its settings form, its full-size histograms, its table, its title,
// captions and messages. It draws what the page hands it and reports setting changes upward; it holds no
// numbers of its own.
import { ColumnControls, irrelevantFields, fieldLabel } from './views/controls.js';
import { HistogramGrid } from './views/histograms.js';
import { StatsTable } from './views/table.js';
import { fmt, settingsLine } from './format.js';
import { setText } from './views/dom.js';

const $ = id => document.getElementById(id);

export class ColumnController {
  // handlers: {change(field, value, live), preset(name)}; exportRow: the export buttons of its histograms
  constructor(col, { schema, presets, tooltip, tablesElement, handlers, exportRow }) {
    this.col = col;
    this.name = col.toUpperCase();
    this.lastChanged = null;  // the field the reader changed last: a refusal is shown under it
    this.controls = new ColumnControls($(`controls-${col}`), col, schema, presets,
      (field, value, live) => { this.lastChanged = field; this.lastValue = value; handlers.change(field, value, live); },
      name => { this.lastChanged = null; handlers.preset(name); });
    this.grid = new HistogramGrid($(`hist-${col}`), tooltip, { name: this.name });
    this.table = new StatsTable(tablesElement, col);
    this.tools = $(`hist-tools-${col}`);
    this.tools.appendChild(exportRow(this.grid));
  }

  // The form, title and difference marks for a config. other: the other column's config.
  showSettings(config, presetName, title, differs) {
    const other = this.col === 'a' ? 'B' : 'A';
    this.controls.show(config, presetName, irrelevantFields(config), differs, other);
    setText($(`title-${this.col}`), title);
    setText($(`settings-line-${this.col}`), settingsLine(config));
    setText($(`differs-${this.col}`), differs.length
      ? `· differs from ${other} in ${differs.map(f => fieldLabel(f).replace(/ \(.*\)$/, '').toLowerCase()).join(', ')}`
      : `· same as ${other}`);
  }

  // A result of this column: {ok, ...} as client.js hands it; view: the page's view state; kind, range,
  // symlogThreshold: the result's; layers: the layers to show.
  showResult(r, { kind, layers, range, symlogThreshold, view, drawGrid }) {
    const errBox = $(`error-${this.col}`);
    $(`column-${this.col}`).classList.toggle('no-result', !r.ok);
    this.showWarnings(r.ok ? r.warnings : []);
    if (!r.ok) return this.showError(r.error);
    errBox.hidden = true;
    if (drawGrid) {
      this.grid.update({ series: [{ column: this.col, result: r }], kind, layers, range, axis: view.axis,
        binning: view.binning, symlogThreshold, count: view.count });
    }
    this.table.update(r, kind);
    const all = r.histograms.filter(Boolean).length;
    const step = layers.length > 1 ? layers[1] - layers[0] : 1;
    const nth = step === 2 ? '2nd' : step === 3 ? '3rd' : `${step}th`;
    setText($(`subset-${this.col}`), layers.length < all
      ? `· showing every ${nth} of ${all} layers and the last (the exports and the table hold all)` : '');
    const last = r.summaries.output[r.depth];
    const lastStd = last && last.finite > 0 ? last.std : NaN;
    const bad = last ? last.nan + last.inf : 0;
    const summary = $(`summary-${this.col}`);
    setText(summary, `${r.depth} layers · last layer output std ` +
      (Number.isFinite(lastStd) ? fmt(lastStd) : 'undefined') + (bad ? ` (${bad} NaN/Inf values)` : '') +
      ` · loss ${fmt(r.loss)}`);
    summary.dataset.lastOutputStd = String(lastStd);
    this.tools.hidden = false;
    return undefined;
  }

  // The config's warnings (layerscope.js Run.warnings: the run was made, but e.g. SELU's fixed point is
  // broken by the init), under the column's settings, each "field: message" with the field's label; none
  // (a config that warrants none, a failed run) hides the box. A trained step's run carries its session's.
  showWarnings(warnings = []) {
    const box = $(`warning-${this.col}`);
    const lines = warnings.map(w => {
      const m = /^([a-z_]+): (.*)$/s.exec(w);
      return m ? `${fieldLabel(m[1])}: ${m[2]}` : w;
    });
    setText(box, lines.length ? `Warning: ${lines.join(' · ')}` : '');
    box.hidden = !lines.length;
  }

  // No result: the message under the field that was changed (a memory refusal names the budget, not the
  // field: the reader's last change is what to undo), and nothing left over from the last result.
  showError(error) {
    this.grid.reset();
    this.table.reset();
    const errBox = $(`error-${this.col}`);
    errBox.textContent = `Column ${this.name} cannot run: ${error.message}`;
    errBox.hidden = false;
    const budget = /budget/.test(error.message);
    const field = budget && this.lastChanged ? this.lastChanged : error.field;
    if (field) {
      const lead = budget && field !== error.field
        ? `${fieldLabel(field)} ${this.lastValue} is too large together with the other settings: ` : '';
      this.controls.fieldError(field, lead + error.message + (this.budgetNote ? ` ${this.budgetNote}` : ''));
    }
    for (const id of ['summary', 'subset']) {
      setText($(`${id}-${this.col}`), '');
    }
    delete $(`summary-${this.col}`).dataset.lastOutputStd;
    this.tools.hidden = true;
  }
}
