// One column's histograms at the scrubbed step in the training view, drawn by the init-time view's own
// renderer (views/histograms.js) on the core's axis rule: one x axis shared by every layer of A and B by
// default (per layer as the toggle), exact zeros in their own box, NaN/Inf counted and flagged. The
// numbers are the step's kept report redrawn by the core (runner.viewStep, the 'training' channel): a
// change of tensor, axis or value scale redraws from what the run kept and never touches the run.
// StepGrid is the view (it owns its figure's holder; the exports call size/paint/csv/json); StepGrids
// asks for the numbers of both at once, since the shared axis spans both columns.
import { HistogramGrid } from '../views/histograms.js';
import { sharedTooltip } from '../views/tooltip.js';

const COLUMNS = ['a', 'b'];

class StepGrid {
  constructor(element, column) {
    this.element = element;
    this.column = column;
    const holder = document.createElement('div');
    holder.className = 'hist-holder';
    element.querySelector('figcaption').after(holder);
    this.grid = new HistogramGrid(holder, sharedTooltip(), { name: column.toUpperCase() });
    this.canvas = this.grid.canvas;
    this.empty = document.createElement('p');
    this.empty.className = 't-empty';
    holder.before(this.empty);
    this.data = null;
  }

  update(data, emptyText) {
    this.data = data;
    this.empty.hidden = !!data;
    this.empty.textContent = data ? '' : emptyText;
    this.grid.canvas.hidden = !data;
    if (!data) this.canvas.setAttribute('aria-label', `Column ${this.column.toUpperCase()}: ${emptyText}`);
  }

  draw() {
    if (!this.data) return;
    this.grid.measure();
    this.grid.update(this.data);
    this.canvas.dataset.step = String(this.data.step);
    this.canvas.dataset.signature = `${this.data.step}:${this.data.series[0].result.histogramsKey}`;
  }

  // For the exports (training/exports.js): the figure at a width, painted into any 2-D context.
  size() {
    const width = Math.max(280, this.element.clientWidth || 480);
    return { width, height: this.data ? this.grid.heightFor(this.data, width) : 60 };
  }

  paint(ctx, width, height, colors) {
    if (this.data) this.grid.paint(ctx, this.data, width, colors);
  }

  csv() { return this.data ? this.grid.csv() : ''; }
  json() { return this.data ? { step: this.data.step, ...this.grid.json() } : null; }
}

export class StepGrids {
  // request(step, view): the run's kept step as a client.js result (runner.viewStep); changed(): redraw
  constructor(request, changed) {
    Object.assign(this, { request, changed });
    this.views = Object.fromEntries(COLUMNS.map(c => [c, new StepGrid(document.getElementById(`t-hist-${c}`), c)]));
    this.asked = '';
  }

  // step: the scrubbed step (null: none yet); show: {tensor, tensorLabel, axis, binning, runKey}
  update(step, show) {
    const empty = `Each layer's histogram of the ${show.tensorLabel} appears here once training starts.`;
    if (step === null) {
      this.asked = '';
      for (const c of COLUMNS) this.views[c].update(null, empty);
      return;
    }
    const key = JSON.stringify([show.runKey, step, show.tensor, show.axis, show.binning]);
    if (key === this.asked) return;
    this.asked = key;
    this.request(step, { tensor: show.tensor, bins: 64, axis: show.axis, binning: show.binning }).then(msg => {
      if (!msg || this.asked !== key) return;
      // A column that cannot draw the step says why there (a saved run's file without histograms).
      for (const c of COLUMNS) this.views[c].update(gridData(msg, c, show), msg.columns[c].error?.message ?? empty);
      this.changed();
    });
  }
}

// The renderer's input (page.js draws its grids from the same) for one column of a result.
function gridData(msg, col, show) {
  const r = msg.columns[col];
  if (!r.ok) return null;
  const layers = r.histograms.map((h, l) => (h ? l : -1)).filter(l => l >= 0);
  return { series: [{ column: col, result: r }], kind: msg.kind, layers, range: msg.range, axis: show.axis,
    binning: show.binning, symlogThreshold: msg.symlogThreshold, count: 'linear', step: msg.step };
}
