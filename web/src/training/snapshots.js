// The reports of one column, kept in the page for the charts and the step scrubber.
//
// A report (worker/training-session.js) holds per-layer Float64Array(L + 1) fields (preP15 ... updateRatioLog10)
// and, of every tensor kind (byTensor[kind]), the histogram* fields: histogramLo/Hi/Zero/Nonfinite(L + 1)
// and histogramCounts((L + 1) * bins), the chosen kind's also on the report itself (showTensor). At most CAPACITY reports are kept: when full, every second one is
// dropped (the first, step 0, and the newest stay), the core's own rule (TrainingHistory), so the kept
// reports always span the whole run, at most 1.1 MB (Figure 1) or 6 MB (20 layers) a column.
export const CAPACITY = 1024;
// What toJSON leaves out: the store's own mark, every kind's histograms at the page's bins (byTensor: the file
// carries what redraws them, run-file.js `kept`) and a read-back report's kept arrays (written by run-file.js).
const NOT_SAVED = ['keep', 'byTensor', 'kept'];

export class ReportStore {
  constructor() {
    this.reset();
  }

  reset() {
    this.reports = [];
    this.stride = 1;   // reports made per report kept (doubles at each thinning)
    this.seen = 0;
    this.config = null;
    this.tensor = null;  // the tensor kind whose histograms the reports' histogram* fields hold
  }

  // Every report's histogram* fields become those of `kind` (each report keeps every kind, byTensor): the
  // views draw the chosen tensor, nothing is recomputed.
  showTensor(kind) {
    if (kind === this.tensor) return;
    this.tensor = kind;
    for (const r of this.reports) if (r.byTensor?.[kind]) Object.assign(r, r.byTensor[kind]);
  }

  add(report) {
    this.seen++;
    const last = this.reports.at(-1);
    // Once thinned, only every stride-th report is kept (the newest always, until the next one comes).
    if (last && this.stride > 1 && this.reports.length > 1 && last.keep === false) this.reports.pop();
    report.keep = this.seen % this.stride === 0;
    if (this.tensor && report.byTensor?.[this.tensor]) Object.assign(report, report.byTensor[this.tensor]);
    this.reports.push(report);
    if (this.reports.length > CAPACITY) {
      this.reports = this.reports.filter((r, i) => i === 0 || i === this.reports.length - 1 || i % 2 === 0);
      this.stride *= 2;
    }
  }

  get latest() { return this.reports.at(-1) || null; }
  get depth() { return this.latest ? this.latest.depth : 0; }

  // The newest report at or before `step` (the scrubber's step).
  at(step) {
    let found = null;
    for (const r of this.reports) {
      if (r.step > step) break;
      found = r;
    }
    return found || this.reports[0] || null;
  }

  // [step, value] pairs of a report-wide field, or of one layer's per-layer field.
  curve(field, layer = null) {
    return this.reports.map(r => [r.step, layer === null ? r[field] : r[field][layer]]);
  }

  bytes() {
    let n = 0;
    const size = v => (ArrayBuffer.isView(v) ? v.byteLength : v && typeof v === 'object' ? Object.values(v).reduce((t, x) => t + size(x), 0) : 8);
    for (const r of this.reports) for (const [k, v] of Object.entries(r)) if (!k.startsWith('histogram')) n += size(v);
    return n;
  }

  // Every kept report as plain JSON (typed arrays as arrays; NaN, the input's blank layer, as null), but NOT_SAVED.
  toJSON() {
    const plain = v => (ArrayBuffer.isView(v) ? Array.from(v, x => (Number.isFinite(x) ? x : null))
      : typeof v === 'number' && !Number.isFinite(v) ? null
        : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v);
    return {
      config: this.config,
      reportsMade: this.seen,
      reportsKept: this.reports.length,
      reports: this.reports.map(r => Object.fromEntries(Object.entries(r).filter(([k]) => !NOT_SAVED.includes(k)).map(([k, v]) => [k, plain(v)]))),
    };
  }
}
