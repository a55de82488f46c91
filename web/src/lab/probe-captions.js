// The evidence lab's captions: two sentences each, computed from the probes' numbers at one step (the
// scrubber's, or the newest both columns reached). They say what the numbers say, also where that is not
// what a paper says, and name the measure they use. Pure functions of plain numbers: tests/js/lab-captions
// checks each rule on numbers written by hand.
//
// A column's numbers: {label ('without batch norm'), ...the measure's values}; NaN where not measured.
// start: the words of the button that starts a run where the caption is read ('Play'; an embed's own).
import { fmt, times } from '../format.js';

// Within this factor of each other two measures are "about the same" (the probes of one batch are noisy).
export const SAME_WITHIN = 1.5;

const steps = n => n.toLocaleString('en');
const finite = (...v) => v.every(Number.isFinite);

// How b compares with a: 'smaller' | 'larger' | 'same' (b/a outside or inside SAME_WITHIN), and the factor.
export function compare(a, b) {
  const r = b / a;
  if (!(r > 0) || !Number.isFinite(r)) return { verdict: 'unknown', factor: NaN };
  if (r * SAME_WITHIN < 1) return { verdict: 'smaller', factor: 1 / r };
  if (r > SAME_WITHIN) return { verdict: 'larger', factor: r };
  return { verdict: 'same', factor: r };
}

// Covariate shift (Santurkar et al. 2018): relative = ||G - G'|| / ||G|| and turn = 1 - cos(G, G'), the median over
// the layers that have layers before them; gradientNorm: ||g|| over every parameter. bNormalizes: B has
// batch norm and A has not (then the verdict is read against the batch-norm paper's explanation).
export function shiftCaption({ step, a, b, layers, bNormalizes, start = 'Play' }) {
  if (!finite(a.relative, b.relative)) return `The covariate shift is measured at every report of a run with the probes on: press “${start}”.`;
  const { verdict, factor } = compare(a.relative, b.relative);
  const said = {
    smaller: `B's is ${times(factor)} smaller, so by this measure B, ${b.label}, has less shift than A` +
      (bNormalizes ? ', as the batch-norm paper\'s explanation has it' : ''),
    larger: `B's is ${times(factor)} larger, so by this measure B, ${b.label}, does not have less shift than A` +
      (bNormalizes ? ', contrary to the batch-norm paper\'s explanation' : ''),
    same: `the two are within ${SAME_WITHIN}× of each other, so by this measure B, ${b.label}, does not have less shift than A`,
  }[verdict];
  const first = `At step ${steps(step)}, the relative covariate shift ||G − G′|| / ||G|| (median over ${layers}) is ` +
    `${fmt(a.relative)} in A (${a.label}) and ${fmt(b.relative)} in B (${b.label}): ${said}.`;
  const plateau = finite(a.gradientNorm, b.gradientNorm) && compare(a.gradientNorm, b.gradientNorm).factor >= 100
    ? `; the whole gradient's norm is ${fmt(a.gradientNorm)} in A against ${fmt(b.gradientNorm)} in B, which is why the shift is compared relative to it`
    : '';
  const second = `The earlier layers' step turns a layer's gradient by 1 − cos(G, G′) = ${fmt(a.turn)} in A and ` +
    `${fmt(b.turn)} in B (0: not at all)${plateau}.`;
  return `${first} ${second}`;
}

// Smoothness along the gradient: relative = max_k ||g - g_k|| / ||g|| (relative gradient predictiveness,
// the caption's measure: the absolute one shrinks with the gradient, so a network on a plateau would look
// smooth for that reason alone), absolute = max_k ||g - g_k||; span: [smallest, largest] step size over
// the learning rate.
export function smoothnessCaption({ step, a, b, span, bNormalizes, start = 'Play' }) {
  if (!finite(a.relative, b.relative)) return `The loss landscape is probed along the gradient at every report of a run with the probes on: press “${start}”.`;
  const { verdict, factor } = compare(a.relative, b.relative);
  const first = `At step ${steps(step)}, a step along the gradient of ${fmt(span[0])}× to ${fmt(span[1])}× the learning rate ` +
    `changes the gradient by up to ${fmt(a.relative)} of its norm in A (${a.label}) and ${fmt(b.relative)} in B (${b.label}) ` +
    '(relative gradient predictiveness, the measure this caption uses; lower is smoother).';
  const paper = bNormalizes ? { smaller: ', as Santurkar et al. report for batch norm', larger: ', unlike what Santurkar et al. report for batch norm' } : {};
  const verdicts = {
    smaller: `By this measure B's landscape is ${times(factor)} smoother than A's${paper.smaller ?? ''}`,
    larger: `By this measure B's landscape is ${times(factor)} rougher than A's${paper.larger ?? ''}`,
    same: `By this measure the two landscapes are about as smooth (within ${SAME_WITHIN}×)`,
  };
  const absolute = finite(a.absolute, b.absolute) ? ` (absolute: ${fmt(a.absolute)} in A, ${fmt(b.absolute)} in B)` : '';
  return `${first} ${verdicts[verdict]}${absolute}.`;
}

// Effective rank per layer: a.ranks[l] for l = 1..L (index 0 unused); most: the largest a rank can be
// (min(width, probe batch)). A column has collapsed when its last layer's rank is below 2 while the other's
// is more than twice as large.
export function rankCaption({ step, a, b, most, start = 'Play' }) {
  const last = r => r.ranks[r.ranks.length - 1], first = r => r.ranks[1];
  if (!finite(last(a), last(b))) return `The effective rank of every layer is measured at every report of a run with the probes on: press “${start}”.`;
  const L = a.ranks.length - 1;
  const sentence1 = `At step ${steps(step)}, the effective rank of layer ${L}'s output on the probe batch is ${fmt(last(a))} in A ` +
    `(${a.label}) and ${fmt(last(b))} in B (${b.label}), of at most ${most}.`;
  const collapsed = (x, y) => last(x) < 2 && last(y) > 2 * last(x);
  const verdict = collapsed(a, b) ? ': A has collapsed toward rank one and B has not'
    : collapsed(b, a) ? ': B has collapsed toward rank one and A has not'
      : last(a) < 2 && last(b) < 2 ? ': both have collapsed toward rank one' : '';
  const sentence2 = `From layer 1 to layer ${L} it goes from ${fmt(first(a))} to ${fmt(last(a))} in A and from ` +
    `${fmt(first(b))} to ${fmt(last(b))} in B${verdict}.`;
  return `${sentence1} ${sentence2}`;
}
