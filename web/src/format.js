// Number formatting shared by the views.
import { format } from 'd3-format';

const general = format('.3~g');
const scientific = format('.2~e');
const four = format('.4~g');

export function fmt(v) {
  if (v === null || v === undefined) return '–';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '−Inf';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1 && a < 1e4) return four(v);
  return a >= 1e-3 && a < 1 ? general(v) : scientific(v);
}

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
