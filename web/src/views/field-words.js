// What the init-time view's settings form calls each field of the core's schema and each of its choices,
// and how the field is shown (views/controls.js builds the form from it; messages and exports name
// settings by these words).

// How a field is shown: its label, whether it sits under "More settings", and its slider:
// 'linear' spans the field's whole range in steps of 1; 'log' spans it on a log scale (integers: from
// min to max; numbers whose range starts above 0: from `low`, since a log scale never reaches 0, to max;
// the box beside it takes any allowed value).
export const FIELD_UI = {
  depth: { label: 'Depth (hidden layers)', slider: 'linear' },
  width: { label: 'Width (features per layer)', slider: 'log' },
  batch: { label: 'Batch size', slider: 'log' },
  input_scale: { label: 'Input scale', slider: 'log', low: 1e-6 },
  init: { label: 'Weight init' },
  init_scale: { label: 'Init std ("normal")', slider: 'log', low: 1e-6 },
  gain: { label: 'Init gain', slider: 'log', low: 1e-3 },
  activation: { label: 'Activation' },
  leaky_slope: { label: 'Leaky slope' },
  normalization: { label: 'Normalization' },
  placement: { label: 'Normalize' },
  residual: { label: 'Residual connections' },
  residual_scale: { label: 'Residual scale α' },
  epsilon: { label: 'Epsilon' },
  upstream: { label: 'Upstream gradient' },
  upstream_scale: { label: 'Upstream scale', slider: 'log', low: 1e-6 },
  input_dim: { label: 'Input features', more: true, slider: 'log' },
  momentum: { label: 'Momentum', more: true },
  bn_noise: { label: 'Batch norm + noise', more: true },
  bn_noise_mean: { label: 'Scale/shift noise: means ±m', more: true },
  bn_noise_std: { label: 'Scale/shift noise: stds up to s', more: true },
  mode: { label: 'Mode', more: true },
  warmup_batches: { label: 'Warm-up batches', more: true },
  bias: { label: 'Bias', more: true },
  classes: { label: 'Classes', more: true },
  seed: { shared: true },  // one seed for both columns: the view bar has it
};
export const CHOICE_LABELS = {
  normalization: { none: 'none', batch: 'batch norm', per_sample: 'layer norm (per sample, the post’s axis)' },
  activation: { selu: 'SELU' },
  residual: { none: 'none', every_layer: 'every layer', every_second_layer: 'every second layer' },
  residual_scale: { one: '1', inv_sqrt_depth: '1/sqrt(depth)', trained: 'trained α from 0 (SkipInit)' },
  placement: { before: 'before f(p)', after: 'after f(p)' },
  upstream: { random: 'random × scale', mse: 'MSE loss', cross_entropy: 'cross-entropy' },
  init: { normal: 'N(0, std²)', xavier_normal: 'Xavier normal', xavier_uniform: 'Xavier uniform',
    he_normal: 'He normal', he_uniform: 'He uniform', lecun_normal: 'LeCun normal' },
};
// The longer story of a choice, as its tooltip (the labels above must fit a narrow select).
export const CHOICE_TITLES = {
  normalization: { batch: 'each feature over the batch (Ioffe & Szegedy)',
    per_sample: 'each sample over its features: the post’s axis=0, a layer norm' },
  activation: { selu: 'self-normalizing (Klambauer et al. 2017): keeps mean 0 and variance 1 with LeCun normal init' },
  residual: { every_layer: 'h = h_prev + α·branch(h_prev) on layers 2..L (layer 1 changes the width)',
    every_second_layer: 'the skip on every second layer only' },
  residual_scale: { one: 'the branch added as it is', inv_sqrt_depth: 'each branch scaled down by 1/sqrt(depth)',
    trained: 'one learned scalar per layer, started at 0: the network starts as the identity (SkipInit, De & Smith 2020)' },
  placement: { before: 'normalize the linear output W h, then apply the activation (the paper)',
    after: 'apply the activation, then normalize its output (the post)' },
};
export const fieldLabel = field => (FIELD_UI[field] && FIELD_UI[field].label) || field;
export const choiceLabel = (field, value) => ((CHOICE_LABELS[field] || {})[value]) || String(value);
