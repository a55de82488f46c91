// One request to the pair of column workers, A and B (worker.js), for whichever part serves it: a run of
// a config (the init-time view) or a kept report of a step (the column's training session). Both answer
// the same two messages, so this is the one client protocol of the page:
//   {type:'run', id, ...what}  -> {type:'run', id, ok, runNumber, config, loss, depth, summaries, theory, warnings?, timing}
//   {type:'bin', id, kind, bins, range, binning, figure} -> {type:'histograms', id, ok, histograms, axis, key, timing}
// Both columns answer 'run'; then one x range over both (shared axes) is sent to each to bin on; then
// the page gets one result. Newest request wins: answers to an older id are dropped.
// A request for what the workers already hold (the same configs or step as the last answered request,
// with no other 'run' sent since: a change of tensor, bins or axis) skips the 'run' round trip: its runs
// are the last ones, and only the binning is asked. That round trip waited for the page's frame between the
// two messages (10-12 ms of a tensor change's 55 ms median in bench/page-bench.mjs). Likewise a column whose
// run is unchanged and whose counts would come out the same (the other column changed, and with linear
// bins the figure's smallest std, which that change moves, does not enter the counts) keeps its last
// histograms without asking: its worker stays idle and its figures are not redrawn.
import { epochNow } from './worker/common.js';

export const COLUMNS = ['a', 'b'];

export class PairRequests {
  // post(col, msg): sends to a column's worker; finished(result, req): the assembled result (client.js
  // ComputeClient's result msg). channel: tags every message, for workers that serve several requesters
  // (the training workers serve the init view's scrubber and the training view's histograms).
  constructor(post, finished, channel = undefined) {
    Object.assign(this, { finished, channel });
    this.post = channel === undefined ? post : (col, msg) => post(col, { ...msg, channel });
    this.latest = 0;
    this.current = null;
    this.held = null;  // {key, runs}: the runs the workers hold, answered to the last request
    this.binned = {};  // column -> {key, msg}: its last histograms answer and what they were binned from
  }

  // what: the rest of each column's 'run' message ({column, config} or {step}); view {tensor, bins, axis, binning}.
  request(what, view, extra = {}) {
    const id = ++this.latest, key = JSON.stringify(what);
    this.current = { id, view, ...extra, key, start: performance.now(), runs: {}, hists: {} };
    if (this.held && this.held.key === key) {
      const now = epochNow();
      for (const col of COLUMNS) this.current.runs[col] = { ...this.held.runs[col], id, timing: { start: now, sent: now, ms: 0 } };
      this.bin(this.current);
      return id;
    }
    this.held = null;  // the workers now run something else
    for (const col of COLUMNS) this.post(col, { type: 'run', id, column: col, ...what[col] });
    return id;
  }

  // The workers may no longer hold the last runs (a worker was replaced or failed): the next request runs.
  forget() {
    this.held = null;
    this.current = null;
    this.binned = {};
  }

  // A worker's 'run' or 'histograms' answer; true when it was one of them.
  receive(col, msg) {
    const req = this.current;
    if ((msg.type !== 'run' && msg.type !== 'histograms') || msg.channel !== this.channel) return false;
    if (!req || msg.id !== req.id) return true;  // stale: a newer request is on its way
    if (msg.type === 'run') {
      req.runs[col] = msg;
      if (COLUMNS.every(c => req.runs[c])) this.bin(req);
    } else {
      req.hists[col] = msg;
      if (msg.ok && req.countsKeys[col]) this.binned[col] = { key: req.countsKeys[col], msg };
      else delete this.binned[col];
      if (COLUMNS.every(c => req.hists[c] || !req.runs[c].ok)) this.finish(req);
    }
    return true;
  }

  // Both columns have run: what the figure spans over every layer of both (the union of their finite
  // ranges, their smallest std), sent to each worker, where the core makes the one x axis and symlog
  // threshold of it (stats.hpp histogram_axis: the same rule as the command-line tool's) and bins on it.
  bin(req) {
    const kind = req.view.tensor;
    const live = COLUMNS.filter(c => req.runs[c].ok);
    const figure = figureSpan(live.map(c => req.runs[c].summaries[kind] || []));
    req.kind = kind;
    const msg = { type: 'bin', id: req.id, kind, bins: req.view.bins,
      range: req.view.axis === 'own' ? 'own' : [figure.lo, figure.hi], binning: req.view.binning, figure };
    // What a column's counts depend on: its run, and the bins (the figure's smallest std only for symlog).
    req.countsKeys = {};
    for (const c of live) {
      const { runNumber } = req.runs[c];
      req.countsKeys[c] = runNumber === undefined ? null
        : JSON.stringify([runNumber, kind, msg.bins, msg.range, msg.binning, msg.binning === 'symlog' ? figure : null]);
    }
    const kept = c => req.countsKeys[c] && this.binned[c] && this.binned[c].key === req.countsKeys[c];
    // At least one column bins on this figure: its answer brings the figure's axis (the core's rule).
    const asked = live.some(c => !kept(c)) ? live.filter(c => !kept(c)) : live;
    for (const c of live) if (!asked.includes(c)) req.hists[c] = { ...this.binned[c].msg, id: req.id, kept: true };
    for (const c of asked) this.post(c, msg);
    if (!live.length) this.finish(req);
  }

  finish(req) {
    this.current = null;
    if (COLUMNS.every(c => req.runs[c].ok)) this.held = { key: req.key, runs: req.runs };
    this.finished(assemble(req), req);
  }
}

// The union of the layers' finite ranges and their smallest positive std ([0, 0] when nothing is finite:
// the core widens it).
export function figureSpan(columnsSummaries) {
  const figure = { lo: Infinity, hi: -Infinity, smallestStd: 0 };
  for (const layers of columnsSummaries) {
    for (const s of layers) {
      if (!s) continue;
      if (Number.isFinite(s.min)) figure.lo = Math.min(figure.lo, s.min);
      if (Number.isFinite(s.max)) figure.hi = Math.max(figure.hi, s.max);
      if (s.std > 0 && Number.isFinite(s.std) && (!figure.smallestStd || s.std < figure.smallestStd)) figure.smallestStd = s.std;
    }
  }
  if (!(figure.lo <= figure.hi)) [figure.lo, figure.hi] = [0, 0];
  return figure;
}

// The page's result: {type:'result', id, ms, kind, range, symlogThreshold, columns:{a, b}, timing, step?};
// a column is {ok, runKey, config, loss, depth, summaries, theory, warnings, step, effectiveRank (a trained step with
// probes, else null), histograms, histogramsKey} or
// {ok:false, error}; equal keys mean the very same numbers as an earlier result.
function assemble(req) {
  // The axis the core chose (both workers compute it from the same figure, so either one's that binned
  // now; a kept answer's may be of an earlier figure).
  const fresh = COLUMNS.map(c => req.hists[c]).filter(h => h && h.ok && !h.kept);
  const axis = fresh.length ? fresh[0].axis : undefined;
  const columns = {};
  for (const c of COLUMNS) {
    const r = req.runs[c], h = req.hists[c];
    if (!r.ok) columns[c] = { ok: false, error: r.error };
    else if (!h.ok) columns[c] = { ok: false, error: h.error };
    else {
      const { runNumber, config, loss, depth, summaries, theory, warnings = [], step = null, effectiveRank = null } = r;
      columns[c] = { ok: true, runKey: `${c}${runNumber}`, config, loss, depth, summaries, theory, warnings, step, effectiveRank,
        histograms: h.histograms, histogramsKey: `${c}${h.key}` };
    }
  }
  // timing for bench/page-bench.mjs: the slower column's run and binning (they run side by side)
  const runs = COLUMNS.map(c => req.runs[c].timing), hists = fresh.map(h => h.timing);
  const timing = {
    start: Math.min(...runs.map(t => t.start)),
    sent: Math.max(...hists.map(t => t.sent), ...runs.map(t => t.sent)),
    run: Math.max(...runs.map(t => t.ms)),
    histograms: Math.max(0, ...hists.map(t => t.ms)),
    between: hists.length ? Math.min(...hists.map(t => t.start)) - Math.max(...runs.map(t => t.sent)) : 0,
  };
  return {
    type: 'result', id: req.id, ms: performance.now() - req.start, kind: req.kind,
    range: axis ? [axis.lo, axis.hi] : [-0.5, 0.5], symlogThreshold: axis ? axis.symlogThreshold : 1e-6,
    columns, timing, step: req.step ?? null,
  };
}
