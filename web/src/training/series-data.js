// The numbers behind a line chart, for its CSV and JSON downloads: curves of [step, value] (and bands of
// [step, lo, hi]) as the chart holds them.
// Curves as CSV: one row per step of any curve, a column per curve (and per band edge); a curve without a
// point at a step leaves its cell empty.
export function seriesCsv(series) {
  const steps = [...new Set(series.flatMap(s => s.points.map(p => p[0])))].sort((a, b) => a - b);
  const cols = [];
  for (const s of series) {
    const name = (s.csvName || s.label || 'value').replace(/[, ]+/g, '_');
    cols.push({ name, map: new Map(s.points.map(p => [p[0], p[1]])) });
    if (s.band) {
      cols.push({ name: `${name}_band_lo`, map: new Map(s.band.map(p => [p[0], p[1]])) });
      cols.push({ name: `${name}_band_hi`, map: new Map(s.band.map(p => [p[0], p[2]])) });
    }
  }
  const lines = [['step', ...cols.map(c => c.name)].join(',')];
  for (const st of steps) lines.push([st, ...cols.map(c => (c.map.has(st) ? c.map.get(st) : ''))].join(','));
  return lines.join('\n') + '\n';
}

// Curves as JSON (non-finite values as null), under the chart's title and axis names.
export function seriesJson(spec, series) {
  const finite = v => (Number.isFinite(v) ? v : null);
  return {
    figure: spec.title, x: spec.xLabel, y: spec.yLabel,
    series: series.map(s => ({
      name: s.csvName || s.label, points: s.points.map(([a, b]) => [a, finite(b)]),
      ...(s.band ? { band: s.band.map(([a, l, h]) => [a, finite(l), finite(h)]) } : {}),
    })),
  };
}
