// The probes of a run's kept reports as the line charts' series ({label, color, dash, csvName, points,
// band}) and as the captions' numbers at one step. A report's probes are probes_to_js's layout
// (src/wasm/training_session.cpp) for one report: report-wide values [0], per layer [l] for l = 0..L+1,
// per step size [k]; null when the run has no probes.

const nan = NaN;
const at = (report, name, i = 0) => report.probes?.[name]?.[i] ?? nan;
const probed = store => store.reports.filter(r => r.probes);

export function median(values) {
  const v = values.filter(Number.isFinite).sort((x, y) => x - y);
  if (!v.length) return nan;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Layers 2..L+1: every layer that has layers before it (layer 1 has no covariate shift).
const shiftLayers = report => Array.from({ length: report.depth }, (_, i) => i + 2);

// The covariate shift of one report: median, min and max over its layers of `name` (shiftRelative,
// shiftCosine).
export function shiftAt(report, name) {
  const values = shiftLayers(report).map(l => at(report, name, l)).filter(Number.isFinite);
  return { median: median(values), lo: Math.min(...values), hi: Math.max(...values) };
}

// max over k of ||g - g_k|| (absolute) or of it over ||g|| (relative), and the values at every k.
export function changesAt(report, relative) {
  const K = report.probes?.stepCount ?? 0, norm = relative ? at(report, 'gradientNorm') : 1;
  return Array.from({ length: K }, (_, k) => at(report, 'gradientChanges', k) / norm);
}

// The step size closest to the learning rate (the middle one for an odd probe_steps).
function nearLr(report, lr) {
  const K = report.probes?.stepCount ?? 0;
  let best = 0;
  for (let k = 1; k < K; k++) if (Math.abs(Math.log(at(report, 'stepSizes', k) / lr)) < Math.abs(Math.log(at(report, 'stepSizes', best) / lr))) best = k;
  return best;
}

// One series per column: a line (the median, or the value at the learning rate) in a band (the range).
// cols: [{key: 'a' | 'b' | 'pa' | 'pb', store, label, color, dash, lr}]; value(report, col) -> {line, lo, hi}.
// A dashed column (an earlier run) is drawn as its line alone.
function bandSeries(cols, name, value) {
  return cols.map(c => {
    const rows = probed(c.store).map(r => [r.step, value(r, c)]);
    return { label: c.label, color: c.color, dash: c.dash, csvName: `${c.key}_${name}`,
      points: rows.map(([s, v]) => [s, v.line]), band: c.dash ? undefined : rows.map(([s, v]) => [s, v.lo, v.hi]) };
  });
}

const range = values => {
  const v = values.filter(Number.isFinite);
  return v.length ? { lo: Math.min(...v), hi: Math.max(...v) } : { lo: nan, hi: nan };
};

// The covariate-shift figure: (a) relative distance, (b) the turn 1 - cos(G, G') (on a log axis: the cosines
// are 0.999... and would read as 1); median over layers, band min..max.
export function shiftSeries(cols) {
  const relative = r => { const s = shiftAt(r, 'shiftRelative'); return { line: s.median, lo: s.lo, hi: s.hi }; };
  const turn = r => { const s = shiftAt(r, 'shiftCosine'); return { line: 1 - s.median, lo: 1 - s.hi, hi: 1 - s.lo }; };
  return { relative: bandSeries(cols, 'shift_relative', relative), turn: bandSeries(cols, 'shift_one_minus_cosine', turn) };
}

// The smoothness figure: (a) the loss along the gradient (line: the loss here, band: over the step sizes),
// (b) relative and (c) absolute gradient predictiveness (line: at the learning rate, band: over the sizes),
// (d) effective smoothness, ||g - g_k|| / ||eta_k g||: the gradient's change per distance moved, a
// Lipschitz estimate of the gradient along the line (the core's effective_smoothness is its max over k).
export function smoothnessSeries(cols) {
  const changes = relative => (r, c) => {
    const v = changesAt(r, relative);
    return { line: v[nearLr(r, c.lr)], ...range(v) };
  };
  const loss = r => {
    const K = r.probes.stepCount;
    return { line: at(r, 'loss'), ...range([at(r, 'loss'), ...Array.from({ length: K }, (_, k) => at(r, 'stepLosses', k))]) };
  };
  const smoothness = (r, c) => {
    const v = changesAt(r, false).map((change, k) => change / (at(r, 'stepSizes', k) * at(r, 'gradientNorm')));
    return { line: v[nearLr(r, c.lr)], ...range(v) };
  };
  return {
    loss: bandSeries(cols, 'probe_loss', loss),
    relative: bandSeries(cols, 'predictiveness_relative', changes(true)),
    absolute: bandSeries(cols, 'predictiveness', changes(false)),
    smoothness: bandSeries(cols, 'effective_smoothness', smoothness),
  };
}

// Which layers the rank figure draws: every layer up to 5, else 5 spread from the first to the last.
export function rankLayers(depth) {
  if (depth <= 5) return Array.from({ length: depth }, (_, i) => i + 1);
  return [...new Set([1, Math.round(depth / 4), Math.round(depth / 2), Math.round((3 * depth) / 4), depth])];
}
const DASHES = [[], [7, 3], [2, 2], [9, 3, 2, 3], [1, 3]];

// The rank figure: one chart per column, one line per drawn layer.
export function rankSeries(col) {
  const reports = probed(col.store), depth = col.store.depth;
  return rankLayers(depth).map((l, i) => ({ label: `layer ${l}`, color: col.color, dash: DASHES[i % DASHES.length],
    csvName: `${col.key}_layer${l}_effective_rank`, points: reports.map(r => [r.step, at(r, 'effectiveRank', l)]) }));
}

// The captions' numbers of one column at one report (null: no probes there).
export function numbersAt(report, label) {
  if (!report?.probes) return null;
  const ranks = Array.from({ length: report.depth + 1 }, (_, l) => (l ? at(report, 'effectiveRank', l) : nan));
  return {
    label, ranks,
    relative: shiftAt(report, 'shiftRelative').median, turn: 1 - shiftAt(report, 'shiftCosine').median,
    gradientNorm: at(report, 'gradientNorm'),
    predictivenessRelative: at(report, 'predictivenessRelative'), predictiveness: at(report, 'predictiveness'),
    effectiveSmoothness: at(report, 'effectiveSmoothness'),
  };
}
