// The plain values the wasm module's results become (layerscope.js is the one module that calls the
// module; these functions only read and check what it hands over): the core's errors as
// LayerscopeError, the packed per-layer summaries as objects, and the page's histogram options as the
// core's arguments.

// The tensor kinds' names in the core's order (the order of its packed summaries): read from the core
// (tensorKinds) when a module loads.
let TENSOR_KINDS = [];
export function useTensorKinds(names) { TENSOR_KINDS = [...names]; }
export const PERCENTILE_NAMES = ['p5', 'p15', 'p50', 'p85', 'p95'];

// A bad setting or a run that cannot be made. .field names the setting ('depth', 'batch', ...) or is
// null when the error is not about one setting.
export class LayerscopeError extends Error {
  constructor(message, field = null) {
    super(message);
    this.name = 'LayerscopeError';
    this.field = field;
  }
}

// The glue returns {ok: true, value} or {ok: false, error, field} (training adds divergedAt: the step a
// run stopped at when its loss stopped being finite; the error then carries it too).
export function unwrap(result) {
  if (result.ok) return result.value;
  const error = new LayerscopeError(result.error, result.field ?? null);
  if (result.divergedAt !== undefined) error.divergedAt = result.divergedAt;
  throw error;
}

export function checkKind(kind) {
  if (!TENSOR_KINDS.includes(kind))
    throw new LayerscopeError(`tensor: must be one of: ${TENSOR_KINDS.join(', ')} (got '${kind}')`, 'tensor');
}

// A report's index for the core: an integer (-1: the newest), else LayerscopeError naming 'report'.
export function reportIndex(index) {
  if (!Number.isInteger(index)) throw new LayerscopeError(`report: must be an integer index (got ${index})`, 'report');
  return index;
}

export function unpackSummaries(packed, depth, stride) {
  const summaries = {};
  TENSOR_KINDS.forEach((kind, k) => {
    const layers = [];
    for (let l = 0; l <= depth; ++l) {
      const o = (l * TENSOR_KINDS.length + k) * stride;
      if (!packed[o]) { layers.push(null); continue; }
      const [count, finite, nan, inf, zeros, saturated, mean, std, min, max, hasPercentiles] =
          packed.subarray(o + 1, o + 12);
      let percentiles = null;
      if (hasPercentiles) {
        percentiles = {};
        PERCENTILE_NAMES.forEach((name, i) => { percentiles[name] = packed[o + 12 + i]; });
      }
      layers.push({
        count, finite, nan, inf, zeros, saturated, mean, std, min, max,
        zeroFraction: finite ? zeros / finite : 0,
        saturatedFraction: finite ? saturated / finite : 0,
        percentiles,
      });
    }
    summaries[kind] = layers;
  });
  return summaries;
}

// The core's histograms() arguments from the page's options, for a run and a training report alike:
// range: 'own' | 'shared' | [lo, hi]; binning: 'linear' | 'symlog'.
// figure: {lo, hi, smallestStd}, what the figure shows over several runs (the page's two columns): the
// union of their finite ranges and their smallest std, from which the core picks the one axis and symlog
// threshold (stats.hpp histogram_axis).
export function histogramArguments(kind, { bins = 64, range = 'own', binning = 'linear', symlogThreshold, figure } = {}) {
  checkKind(kind);
  let mode = range, lo = 0, hi = 0, smallestStd = 0;
  if (figure) [lo, hi, smallestStd] = [Number(figure.lo), Number(figure.hi), Number(figure.smallestStd) || 0];
  if (Array.isArray(range)) {
    if (range.length !== 2) throw new LayerscopeError('range: must be [lo, hi]', 'range');
    [lo, hi] = range.map(Number);
    mode = 'explicit';
  }
  if (!Number.isInteger(bins)) throw new LayerscopeError(`bins: must be an integer from 1 to 4096 (got ${bins})`, 'bins');
  const threshold = symlogThreshold === undefined ? 0 : Number(symlogThreshold);
  return [kind, bins, String(mode), lo, hi, String(binning), threshold, smallestStd];
}
