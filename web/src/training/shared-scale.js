// One y range for charts that are read side by side (Figure 1's (b) and (c), A's and B's update ratios):
// a curve that looks higher must be higher. The range covers every finite value of every chart's curves
// and bands (and `include`, e.g. a reference line), padded by 5%; undefined when there is no value yet.
export function sharedDomain(seriesLists, include = []) {
  let lo = Infinity, hi = -Infinity;
  const take = y => { if (Number.isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); } };
  for (const series of seriesLists) {
    for (const s of series) {
      for (const [, y] of s.points) take(y);
      for (const [, l, h] of s.band || []) { take(l); take(h); }
    }
  }
  if (!(hi >= lo)) return undefined;
  include.forEach(take);
  const pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
  return [lo - pad, hi + pad];
}
