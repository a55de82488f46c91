// The evidence lab's probe figures (issue 21), bundled to dist/lab-probes.js and fetched the first time a
// run has probes or an embed asks for one of them (probe-host.js). Three figures beside the running
// training, drawn from the reports' probes (the core's, probes.hpp): covariate shift, smoothness along the
// gradient, and effective rank per layer. The run before this one (the training view's previous-run
// overlay) is drawn dashed in grey: after "Internal covariate shift, measured", the "Noisy batch norm"
// pair (batch norm vs noisy batch norm) shows the standard network that way, its third run.
import { ProbeFigure, EMBED_START } from './probe-figure.js';
import { shiftSeries, smoothnessSeries, rankSeries, numbersAt } from './probe-series.js';
import { shiftCaption, smoothnessCaption, rankCaption } from './probe-captions.js';
import { sharedDomain } from '../training/shared-scale.js';
import { setText } from '../views/dom.js';

const SANTURKAR = 'Testing the explanation of Santurkar, Tsipras, Ilyas and Madry, “How Does Batch Normalization Help Optimization?” (NeurIPS 2018).';
const FIGURES = [
  { id: 'lab-ics', embed: 'ics', title: 'Internal covariate shift, measured', paper: SANTURKAR,
    note: 'For every layer with layers before it: its weight gradient G on a batch, and G′ on the same batch after the ' +
      'layers before it took a plain gradient step. Drawn relative to ||G|| because the two networks\' gradients differ ' +
      'by orders of magnitude, so the absolute distance would mostly compare gradient sizes. Line: median over the ' +
      'layers; band: their range.',
    charts: [
      { key: 'relative', title: 'Relative shift ||G − G′|| / ||G||', yLabel: 'relative distance', logY: true, empty: 'The relative covariate shift, once a run with probes reports.' },
      { key: 'turn', title: 'Turn of the gradient, 1 − cos(G, G′)', yLabel: '1 − cosine', logY: true, empty: 'How far the step turns the gradient.' },
    ] },
  { id: 'lab-smooth', embed: 'smoothness', title: 'Smoothness of the loss landscape', paper: SANTURKAR,
    note: 'At each report the parameters move along the gradient g by step sizes from 1/probe_span to probe_span ' +
      '(default 4) times the learning rate (the band); the line is the loss here, or the gradient change at the ' +
      'learning rate itself. Effective smoothness is the gradient\'s change per distance moved, ||g − g′|| / ||η g||, ' +
      'an estimate of how fast the gradient turns along the line (Santurkar et al. take its largest value). The caption uses the relative gradient predictiveness, max ||g − g′|| / ||g||: on a ' +
      'plateau the gradient is tiny, so the absolute measures are tiny for that reason alone.',
    charts: [
      { key: 'loss', title: 'Loss along the gradient', yLabel: 'loss' },
      { key: 'relative', title: 'Gradient change / ||g|| (relative)', yLabel: '||g − g′|| / ||g||', logY: true },
      { key: 'absolute', title: 'Gradient change ||g − g′|| (absolute)', yLabel: '||g − g′||', logY: true },
      { key: 'smoothness', title: 'Effective smoothness ||g − g′|| / ||ηg||', yLabel: 'change per distance moved', logY: true },
    ] },
  { id: 'lab-rank', embed: 'rank', title: 'Rank of the representations',
    paper: 'Testing the observation of Daneshmand, Kohler, Bach, Hofmann and Lucchi, “Batch normalization provably avoids ' +
      'rank collapse for randomly initialised deep networks” (NeurIPS 2020); the effective rank is Roy and Vetterli\'s (2007).',
    note: 'Effective rank of each layer\'s output on the probe batch: exp of the entropy of its normalized singular values, ' +
      'from 1 (every sample on one direction) to min(width, batch).',
    sharedY: series => sharedDomain(series),
    charts: [
      { key: 'a', title: 'A', yLabel: 'effective rank', empty: 'A\'s effective rank per layer, once a run with probes reports.' },
      { key: 'b', title: 'B', yLabel: 'effective rank', empty: 'B\'s effective rank per layer.' },
    ] },
];

// What a column is, from its config: the words that tell the lab's networks apart (and dedupe the
// earlier run's columns against this run's).
function labelOf(config) {
  if (!config) return '';
  if (config.normalization === 'batch') return config.bn_noise ? 'with noisy batch norm' : 'with batch norm';
  return config.normalization === 'none' ? 'without batch norm' : 'with layer norm';
}

// This run's columns, and those of the run before it that this run does not repeat.
function columns(stores, previous, configs) {
  const now = ['a', 'b'].map(key => ({ key, store: stores[key], color: key, label: `${key.toUpperCase()}: ${labelOf(configs[key])}`,
    plain: labelOf(configs[key]), lr: configs[key]?.learning_rate }));
  const earlier = !previous ? [] : ['a', 'b'].filter(k => previous[k].reports.some(r => r.probes))
    .map(k => ({ key: `earlier_${k}`, store: previous[k], color: 'muted', dash: [5, 3], plain: labelOf(previous[k].config),
      label: `earlier run: ${labelOf(previous[k].config)}`, lr: previous[k].config?.learning_rate }))
    .filter(c => !now.some(n => n.plain === c.plain));
  return [...now, ...earlier];
}

export const NOISY_THIRD = 'The third network, the standard one without batch norm, is the run before this one drawn dashed: ' +
  'train the pair “Internal covariate shift, measured” first (in the full view), then this one.';

export class ProbeLab {
  // element: #t-lab; run: the exports' {settingsLines(), source(), words()}; actions: {start(embed),
  // embedSnippet(embed)}
  constructor(element, run, actions) {
    this.element = element;
    this.figures = FIGURES.map(spec => new ProbeFigure(element, spec, run, { start: () => actions.start(spec.embed), embedSnippet: actions.embedSnippet }));
  }

  // stores, previous: the runner's; configs: {a, b}; step: the scrubber's; opts: the line charts'
  // embed: the view's (state.js), whose start button the captions name before a run
  update({ stores, previous, configs, pair, step, opts, embed, fullViewHref }) {
    const start = embed ? EMBED_START : 'Play';
    const cols = columns(stores, previous, configs), [a, b] = cols;
    // Noisy batch norm's third network, the standard one, is the run before it (the core's pair table says
    // why): without it the figure says how to get it.
    const third = pair?.name === 'lab-noisy' && cols.length === 2 ? ` ${NOISY_THIRD}` : '';
    const shown = c => (step === null ? c.store.latest : c.store.at(step));
    const num = c => numbersAt(shown(c), c.plain) ?? { label: c.plain, ranks: [NaN], relative: NaN, turn: NaN };
    const [na, nb] = [num(a), num(b)];
    const s = shown(b)?.step ?? 0, depth = Math.max(stores.a.depth, stores.b.depth);
    const bNormalizes = configs.b?.normalization === 'batch' && configs.a?.normalization === 'none';
    const shift = shiftSeries(cols);
    this.figures[0].update([shift.relative, shift.turn], opts,
      shiftCaption({ step: s, a: na, b: nb, layers: `layers 2–${depth} and the output layer`, bNormalizes, start }) + third, fullViewHref);
    const smooth = smoothnessSeries(cols), span = configs.b?.probe_span ?? 4;
    this.figures[1].update([smooth.loss, smooth.relative, smooth.absolute, smooth.smoothness], opts, smoothnessCaption({ step: s, span: [1 / span, span],
      a: { label: na.label, relative: na.predictivenessRelative, absolute: na.predictiveness },
      b: { label: nb.label, relative: nb.predictivenessRelative, absolute: nb.predictiveness }, bNormalizes, start }), fullViewHref);
    const most = Math.min(configs.b?.width ?? NaN, configs.b?.batch ?? NaN);
    this.figures[2].charts.forEach((chart, i) => {
      chart.spec.title = cols[i].label;
      const caption = chart.element.querySelector('figcaption');
      setText(caption, cols[i].label);
    });
    this.figures[2].update([rankSeries(a), rankSeries(b)], opts, rankCaption({ step: s, a: na, b: nb, most, start }), fullViewHref);
  }

  draw() {
    for (const f of this.figures) f.draw();
  }
}
