// The evidence lab's caption rules (web/src/lab/probe-captions.js) and the probes' series
// (probe-series.js), on numbers written by hand: each verdict is reached from its numbers, and says so
// where it goes against a paper. The numbers of the first test are last stop's measurement on Figure 1's
// pair at 5,000 steps (README, "Evidence probes"): A's shift 1e-7 to 1e-4, B's 0.03 to 0.11.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shiftCaption, smoothnessCaption, rankCaption, compare } from '../../web/src/lab/probe-captions.js';
import { firstStepsCaption, firstStepsText, gradientRange } from '../../web/src/lab/probe-first-steps.js';
import { shiftAt, changesAt, median, rankLayers, shiftSeries, numbersAt } from '../../web/src/lab/probe-series.js';
import { loadForNode } from './load.mjs';

const A = 'without batch norm', B = 'with batch norm';

test('covariate shift: batch norm with the larger relative shift is said not to reduce it, against the 2015 explanation', () => {
  const text = shiftCaption({ step: 5000, layers: 'layers 2–3 and the output layer', bNormalizes: true,
    a: { label: A, relative: 2e-5, turn: 1e-12, gradientNorm: 1e-5 }, b: { label: B, relative: 0.06, turn: 2e-3, gradientNorm: 0.5 } });
  assert.match(text, /^At step 5,000, the relative covariate shift/);
  assert.match(text, /2e-5|2\.00e-5|2e-05/i);
  assert.match(text, /B's is 3,000× larger, so by this measure B, with batch norm, does not have less shift than A, contrary to the batch-norm paper's explanation\./);
  assert.match(text, /turns a layer's gradient by 1 − cos\(G, G′\) = 1e-12 in A and 0\.002 in B/);
  assert.match(text, /norm is 1(\.00)?e-5 in A against 0\.5 in B, which is why the shift is compared relative to it\.$/);
  assert.equal(text.split('. ').length >= 2, true);
});

test('covariate shift: a smaller shift in B is said to be reduced; within 1.5x is the same', () => {
  const smaller = shiftCaption({ step: 10, layers: 'x', bNormalizes: true, a: { label: A, relative: 0.3, turn: 0.1 }, b: { label: B, relative: 0.1, turn: 0.01 } });
  assert.match(smaller, /B's is 3× smaller, so by this measure B, with batch norm, has less shift than A, as the batch-norm paper's explanation has it/);
  assert.doesNotMatch(smaller, /why the shift is compared relative/);
  const same = shiftCaption({ step: 10, layers: 'x', a: { label: A, relative: 0.1, turn: 0.1 }, b: { label: B, relative: 0.14, turn: 0.1 } });
  assert.match(same, /within 1\.5× of each other/);
  // before a run: the words of the button that starts one, Play in the full view, an embed's own in an embed
  const empty = { step: 0, layers: 'x', a: { label: A, relative: NaN }, b: { label: B, relative: 0.1 } };
  assert.match(shiftCaption(empty), /press “Play”\.$/);
  assert.match(shiftCaption({ ...empty, start: 'Train both networks' }), /press “Train both networks”\.$/);
});

test('smoothness: the caption names relative predictiveness and reads it against Santurkar et al.', () => {
  const rougher = smoothnessCaption({ step: 5000, span: [0.25, 4], bNormalizes: true,
    a: { label: A, relative: 0.035, absolute: 1e-6 }, b: { label: B, relative: 0.42, absolute: 0.2 } });
  assert.match(rougher, /relative gradient predictiveness, the measure this caption uses/);
  assert.match(rougher, /B's landscape is 12× rougher than A's, unlike what Santurkar et al\. report for batch norm/);
  const smoother = smoothnessCaption({ step: 5, span: [0.25, 4], bNormalizes: false,
    a: { label: 'x', relative: 0.4, absolute: 1 }, b: { label: 'y', relative: 0.1, absolute: 1 } });
  assert.match(smoother, /B's landscape is 4× smoother than A's \(absolute/);
  assert.doesNotMatch(smoother, /Santurkar/);
});

test('rank: a collapse toward rank one is named for the column that has it', () => {
  const text = rankCaption({ step: 100, most: 60, a: { label: A, ranks: [NaN, 5, 1.2, 1.05] }, b: { label: B, ranks: [NaN, 30, 25, 20] } });
  assert.match(text, /layer 3's output on the probe batch is 1\.05 in A \(without batch norm\) and 20 in B \(with batch norm\), of at most 60\./);
  assert.match(text, /from 5 to 1\.05 in A and from 30 to 20 in B: A has collapsed toward rank one and B has not\.$/);
  const both = rankCaption({ step: 1, most: 60, a: { label: A, ranks: [NaN, 1.5, 1.1] }, b: { label: B, ranks: [NaN, 1.4, 1.3] } });
  assert.match(both, /both have collapsed/);
});

test('first steps: the gradient range at initialisation against 1, 10 and 100 updates (steps 2, 11, 101)', () => {
  const text = firstStepsCaption('B', { step: 0, range: 52 }, [{ step: 2, range: 3.1 }, { step: 11, range: 2.5 }, { step: 101, range: 2 }]);
  assert.match(text, /^B's gradient dL\/dh spans 52× across its layers at initialisation/);
  assert.match(text, /3\.1× after 1 update \(step 2\), 2\.5× after 10 updates \(step 11\), 2× after 100 updates \(step 101\): the range shrinks with the first update\.$/);
  assert.equal(firstStepsCaption('B', { step: 0, range: NaN }, []), '');
  // from kept reports: dL/dh's std per layer (index 0, the input, has none)
  const r = (step, std) => ({ step, doutputStd: Float64Array.from([NaN, ...std]) });
  assert.equal(gradientRange(r(0, [52, 10, 1])), 52);
  // step 1 holds the weights as initialised (not read); steps 2 and 101: after 1 and 100 updates
  const stores = { a: { reports: [r(0, [1, 1, 1])] }, b: { reports: [r(0, [8, 2, 1]), r(1, [8, 2, 1]), r(2, [1, 1, 1.5]), r(101, [2, 1, 1])] } };
  assert.equal(firstStepsText(stores), "B's gradient dL/dh spans 8× across its layers at initialisation (largest std over smallest), " +
    '1.5× after 1 update (step 2), 2× after 100 updates (step 101): the range shrinks with the first update.');
});

test('compare: factors and verdicts', () => {
  assert.deepEqual(compare(1, 3), { verdict: 'larger', factor: 3 });
  assert.deepEqual(compare(3, 1), { verdict: 'smaller', factor: 3 });
  assert.equal(compare(1, 1.4).verdict, 'same');
  assert.equal(compare(0, 1).verdict, 'unknown');
});

// A report as the worker posts it (probes_to_js's layout for one report): depth 3, layers 0..4, 3 step sizes.
function report(step, shift, cosine) {
  const f = a => Float64Array.from(a);
  return { step, depth: 3, probes: { layers: 5, stepCount: 3, loss: f([2.3]), gradientNorm: f([2]),
    shiftRelative: f([NaN, NaN, ...shift]), shiftCosine: f([NaN, NaN, ...cosine]), effectiveRank: f([9, 8, 4, 2, NaN]),
    stepSizes: f([0.005, 0.01, 0.02]), stepLosses: f([2.2, 2.1, 2.5]), gradientChanges: f([0.1, 0.2, 0.8]),
    predictivenessRelative: f([0.4]), predictiveness: f([0.8]) } };
}

test('series: median and range over layers 2..L+1, changes over the gradient norm, the drawn layers', () => {
  const r = report(500, [0.1, 0.3, 0.2], [0.9, 0.8, 0.7]);
  assert.deepEqual(shiftAt(r, 'shiftRelative'), { median: 0.2, lo: 0.1, hi: 0.3 });
  assert.deepEqual(changesAt(r, true), [0.05, 0.1, 0.4]);
  assert.equal(median([3, NaN, 1, 2, 4]), 2.5);
  assert.deepEqual(rankLayers(3), [1, 2, 3]);
  assert.deepEqual(rankLayers(20), [1, 5, 10, 15, 20]);
  const store = { reports: [{ step: 0, depth: 3, probes: null }, r], depth: 3 };
  const s = shiftSeries([{ key: 'a', store, label: 'A', color: 'a' }]);
  assert.deepEqual(s.relative[0].points, [[500, 0.2]]);
  assert.deepEqual(s.relative[0].band, [[500, 0.1, 0.3]]);
  const n = numbersAt(r, A);
  assert.deepEqual(Array.from(n.ranks.slice(1)), [8, 4, 2]);
  assert.ok(Math.abs(n.turn - 0.2) < 1e-12);
  assert.equal(numbersAt({ step: 0, probes: null }, A), null);
});

// The story sentence's explosion clause (web/src/format.js): a column result as the page's worker sends it.
test('story: batch norm with ReLU whose dL/dh grows toward the input is named as batch norm\'s own explosion, at init only', async () => {
  const { storySentence } = await import('../../web/src/format.js');
  // the tensor words come from the core's table (state.js TENSORS is empty until the page fills it)
  const { useCoreTensors } = await import('../../web/src/state.js');
  useCoreTensors((await loadForNode()).tensorTable);
  const column = (growth, config, step) => ({ ok: true, depth: 10, step, config,
    summaries: { grad_output: [null, ...Array.from({ length: 10 }, (_, i) => ({ finite: 100, nan: 0, inf: 0, std: growth ** (10 - i - 1) }))] } });
  const bnRelu = { normalization: 'batch', activation: 'relu' };
  const said = storySentence({ a: column(0.7, { normalization: 'none', activation: 'relu' }), b: column(1.22, bnRelu) }, 'grad_output');
  assert.match(said.detail, /B's grow about 1\.2× a layer\. B's growth is batch norm's own gradient explosion at initialisation: .*√\(π\/\(π−1\)\) ≈ 1\.21× a layer/);
  assert.doesNotMatch(said.detail, /A's growth/);
  // not when it does not grow, not for tanh, not at a trained step
  for (const b of [column(1.0, bnRelu), column(1.22, { normalization: 'batch', activation: 'tanh' }), column(1.22, bnRelu, 300)])
    assert.doesNotMatch(storySentence({ a: column(0.7, {}), b }, 'grad_output').detail, /explosion/);
});
