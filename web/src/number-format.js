// The page's one rule for a number in a sentence, a table cell or a readout: 4 significant digits from 1 to
// 1e4, 3 from 1e-3 to 1, scientific beyond; NaN and the infinities by name. A module of its own so that code
// fetched on first use (the gradient check's panel) takes this rule without the rest of format.js.
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
