// Number formatting shared by the views (a number alone: number-format.js's fmt, re-exported here).
import { format } from 'd3-format';
import { fmt } from './number-format.js';
import { TENSORS } from './state.js';
import { choiceLabel } from './views/field-words.js';

export { fmt };

export function pct(fraction) {
  if (!Number.isFinite(fraction)) return '–';
  if (fraction === 0) return '0%';
  if (fraction < 0.001) return '<0.1%';
  return format('.3~r')(fraction * 100) + '%';
}

// Layer names as the page uses them: layer 0 is the input x, layer l >= 1 the l-th hidden layer.
export function layerName(l) {
  return l === 0 ? 'input x' : `layer ${l}`;
}

// Which layers the small multiples show: all when few, else every k-th with the first and last kept.
export function layersToShow(layers, every) {
  if (layers.length === 0) return layers;
  let k = every;
  if (!k) k = layers.length <= 25 ? 1 : Math.ceil(layers.length / 20);
  const shown = layers.filter((l, i) => i % k === 0);
  const last = layers[layers.length - 1];
  if (shown[shown.length - 1] !== last) shown.push(last);
  return shown;
}

// --- words for settings and results ---------------------------------------------------------

// "830×", "1,200×", or for huge factors "10^23×" in words: a ratio of two stds read at a glance.
export function times(r) {
  if (!Number.isFinite(r)) return 'infinitely';
  if (r < 1e6) return `${format(r < 10 ? '.2~r' : ',.2r')(r)}×`;
  return `about 10^${Math.round(Math.log10(r))} times`;
}

// One short line of a config's settings, for a column's subtitle and an export's settings line.
export function settingsLine(c) {
  const norm = c.normalization === 'none' ? 'no normalization'
    : `${c.normalization === 'batch' ? 'batch norm' : 'layer norm'} ${c.placement} f` +
      (c.epsilon === 0 ? ', eps 0' : '') + (c.mode === 'eval' ? ', eval mode' : '') +
      (c.normalization === 'batch' && c.bn_noise ? ' + noise' : '');
  // residual, when there is one: where and its scale alpha, in the controls' choice words
  const res = !c.residual || c.residual === 'none' ? ''
    : `, residual ${choiceLabel('residual', c.residual)} × ${choiceLabel('residual_scale', c.residual_scale)}`;
  const init = c.init === 'normal' ? `N(0, ${c.init_scale}²)` : c.init.replace('_', ' ');
  const up = c.upstream === 'random' ? `upstream ${c.upstream_scale} N(0,1)`
    : c.upstream === 'mse' ? 'MSE loss' : `cross-entropy, ${c.classes} classes`;
  return `${c.depth} × ${c.width} ${c.activation}, batch ${c.batch}, ${init}` + (c.gain !== 1 ? ` × ${c.gain}` : '') +
    `, ${norm}${res}, ${up}` + (c.bias ? ', bias' : '');
}

// The std of one tensor of a column result at one layer (NaN when undefined).
function stdAt(r, kind, layer) {
  const s = r.summaries[kind][layer];
  if (!s) return NaN;
  return s.finite > 0 && s.nan + s.inf === 0 ? s.std : NaN;
}

// Batch norm's own gradient explosion at initialisation (issue 21 item 5), said when a column with batch
// norm and ReLU has dL/dh growing toward the input at initialisation (a run, or step 0 of a training).
// Backward, batch norm divides by the batch std of its input, the linear map of a ReLU of standardized
// values (variance sigma_w^2 (pi - 1) / (2 pi)); with the ReLU passing half and W's sigma_w^2, the squared
// norm grows by pi / (pi - 1) a layer: sqrt(pi / (pi - 1)) = 1.21 (README, "Batch norm's explosion at
// initialisation"; the default pair measures 1.22). Normalizing the forward pass does not tame the backward.
function explosion(columns, forward) {
  const grown = columns.filter(([, r, f]) => !forward && f > 1.1 && !(r.step > 0) && r.config?.normalization === 'batch' && r.config?.activation === 'relu');
  if (!grown.length) return '';
  const names = grown.map(([name]) => name).join(' and ');
  return ` ${names}'s growth is batch norm's own gradient explosion at initialisation: with batch norm and ReLU, dL/dh ` +
    'grows about √(π/(π−1)) ≈ 1.21× a layer toward the input (the rate derived for this case; Yang et al., “A Mean Field ' +
    'Theory of Batch Normalization”, ICLR 2019, explain it).';
}

// The first screen's sentence, computed from the numbers: how the two columns' spreads compare where the
// story is told (the last layer going forward, layer 1 coming back); and a second one, the factor per layer.
// Returns {text, detail}.
export function storySentence(columns, kind) {
  const [text, detail = ''] = [].concat(storyParts(columns, kind));
  return { text, detail };
}

function storyParts(columns, kind) {
  const [a, b] = [columns.a, columns.b];
  const words = TENSORS[kind].words;
  if (!a.ok && !b.ok) return 'Neither column can run with these settings: see the messages under their settings.';
  const forward = TENSORS[kind].forward;
  const depth = Math.min(...[a, b].filter(r => r.ok).map(r => r.depth));
  const layer = forward ? depth : 1;
  const where = `At ${layerName(layer)}`;
  if (!a.ok || !b.ok) {
    const [ok, okName, bad] = a.ok ? [a, 'A', 'B'] : [b, 'B', 'A'];
    return `Column ${bad} cannot run with these settings (its message is under its settings); ` +
      `${where.toLowerCase()}, ${okName}'s ${words} have std ${fmt(stdAt(ok, kind, layer))}.`;
  }
  const [sa, sb] = [stdAt(a, kind, layer), stdAt(b, kind, layer)];
  // the geometric mean factor a layer, from the far end to `layer` (NaN when it cannot be read)
  const factor = (r, s) => {
    const far = forward ? 1 : depth, s1 = stdAt(r, kind, far);
    return s1 > 0 && s > 0 && depth >= 3 ? (s / s1) ** (1 / Math.abs(layer - far)) : NaN;
  };
  const perLayer = f => (!Number.isFinite(f) ? '' : f < 0.9 ? `shrink about ${times(1 / f)} a layer` : f > 1.1 ? `grow about ${times(f)} a layer` : 'keep their size');
  const trend = (name, r, s) => { const t = perLayer(factor(r, s)); return t ? `${name}'s ${t}` : ''; };
  const trends = [trend('A', a, sa), trend('B', b, sb)].filter(Boolean);
  const tail = trends.length ? `${forward ? 'From layer 1 on' : 'From the last layer back'}, ${trends.join('; ')}.` +
    explosion([['A', a, factor(a, sa)], ['B', b, factor(b, sb)]], forward) : '';
  if (!Number.isFinite(sa) || !Number.isFinite(sb)) {
    const bad = !Number.isFinite(sa) ? 'A' : 'B';
    return `${where}, ${bad}'s ${words} are not finite (NaN or Inf): the run has broken down.`;
  }
  if (sa === 0 || sb === 0) {
    const [zero, other, s] = sa === 0 ? ['A', 'B', sb] : ['B', 'A', sa];
    return [`${where}, ${zero}'s ${words} are all exactly 0 (they vanished below float range); ${other}'s have std ${fmt(s)}.`, tail];
  }
  const r = sb / sa;
  if (r >= 2) return [`${where}, A's ${words} are ${times(r)} smaller than B's (std ${fmt(sa)} against ${fmt(sb)}).`, tail];
  if (r <= 0.5) return [`${where}, A's ${words} are ${times(1 / r)} larger than B's (std ${fmt(sa)} against ${fmt(sb)}).`, tail];
  return [`${where}, A's and B's ${words} have about the same spread (std ${fmt(sa)} and ${fmt(sb)}).`, tail];
}
