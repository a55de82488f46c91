// What the depth-profile charts plot: each panel's series as functions of a column result. The panels
// of the profile section, the first screen's overlay and the percentile bands all come from here.
import { COLUMNS } from './state.js';

// The std of a tensor kind per layer of a result (NaN where a layer has no finite value).
export const std = kind => r => r.summaries[kind].map(s => (s && s.finite > 0 ? s.std : NaN));

// Why a column has no mean-field line for its gradients: the theory follows a random or MSE upstream
// gradient through the layers; a cross-entropy head's gradient depends on the logits it produced.
export function noTheoryReason(r) {
  if (r.step !== null && r.step !== undefined) return 'the prediction is for the weights as initialised, not trained ones';
  if (r.config && r.config.upstream === 'cross_entropy')
    return 'the prediction assumes a random or MSE upstream gradient; with cross-entropy it depends on the logits';
  return 'no prediction for these settings';
}

// The result's theory row for each tensor kind the core predicts (the depth profile's dashed lines).
export const THEORY_KEYS = { pre_activation: 'preActivationStd', output: 'outputStd', grad_output: 'gradOutputStd',
  grad_weight: 'gradWeightStd' };

function stdSpec(title, kind, { height } = {}) {
  return {
    title, log: true, height,
    series: COLUMNS.map(c => ({ column: c, key: 'std', label: 'measured', values: std(kind) })),
    theory: THEORY_KEYS[kind] ? COLUMNS.map(c => ({ column: c, key: 'theory', values: r => r.theory[THEORY_KEYS[kind]] })) : [],
    noTheory: noTheoryReason,
  };
}

export const PROFILE_PANELS = [
  // A kept step of a run with the probes on (the evidence lab's): the effective rank of each layer's output
  // (probes.hpp), shown only when a column has it.
  { id: 'rank', title: 'Effective rank of the layer outputs h (log scale; a trained step with probes)', hidden: rs => !rs.some(r => r?.effectiveRank),
    spec: () => ({ title: 'Effective rank of h', log: true,  // from 1 (collapsed) to min(width, batch): a log axis
      series: COLUMNS.map(c => ({ column: c, key: 'rank', label: 'effective rank', values: r => r.effectiveRank ?? [] })) }) },
  { id: 'output', title: 'Std of layer outputs h (forward)', spec: () => stdSpec('Std of layer outputs h (forward)', 'output') },
  { id: 'grad_output', title: 'Std of dL/dh (backward)', spec: () => stdSpec('Std of dL/dh (backward)', 'grad_output') },
  { id: 'grad_weight', title: 'Std of dL/dW (weight gradients)', spec: () => stdSpec('Std of dL/dW (weight gradients)', 'grad_weight') },
  {
    id: 'dead',
    title: 'Dead (exactly 0) and saturated units of the activation f(p)',
    spec: () => {
      const frac = key => r => r.summaries.activation.map(s => (s ? s[key] : NaN));
      return {
        title: 'Dead and saturated units of f(p)', log: false, percent: true,
        series: COLUMNS.flatMap(c => [
          { column: c, key: 'dead', label: 'dead', values: frac('zeroFraction') },
          { column: c, key: 'saturated', label: 'saturated', dash: '1 3', values: frac('saturatedFraction') },
        ]),
      };
    },
  },
];

// Percentile bands of the tensor on screen: p5-p95 (light) and p15-p85 (darker) around the median, on a
// symmetric-log axis (signed values; the histograms' threshold keeps the smallest spreads readable).
export function bandsSpec(getView, result) {
  const pick = name => r => r.summaries[getView().tensor].map(s => (s && s.percentiles ? s.percentiles[name] : NaN));
  return {
    title: 'Percentiles against depth',
    bands: COLUMNS.map(c => ({
      column: c, key: 'p50', label: 'median',
      percentiles: r => ({ p5: pick('p5')(r), p15: pick('p15')(r), p50: pick('p50')(r), p85: pick('p85')(r), p95: pick('p95')(r) }),
    })),
    symlog: () => (result() ? result().symlogThreshold : 0),
    signature: results => getView().tensor + Object.values(results)
      .map(r => (r && r.ok ? r.summaries[getView().tensor].filter(s => s && s.percentiles).length : 0)).join(),
  };
}

// The first screen's chart: the std of the tensor on screen against depth, both columns and their theory.
export function overviewSpec(getView) {
  const spec = {
    title: 'Std against depth, A and B',
    log: true,
    height: 230,
    series: COLUMNS.map(c => ({ column: c, key: 'std', label: 'measured', values: r => std(getView().tensor)(r) })),
    theory: COLUMNS.map(c => ({ column: c, key: 'theory',
      values: r => { const k = THEORY_KEYS[getView().tensor]; return k ? r.theory[k] : r.theory.outputStd.map(() => NaN); } })),
    noTheory: r => (THEORY_KEYS[getView().tensor] ? noTheoryReason(r) : 'no prediction for f(p) itself; see h'),
    signature: () => getView().tensor,
  };
  return spec;
}
