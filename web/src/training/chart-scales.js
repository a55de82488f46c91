// The training charts' scales: round ticks, a linear map, and the step axis on a log scale, which every
// chart of steps (line charts, the heatmap) shares so that "log step axis" means one thing.

// Round tick steps: 1, 2 or 5 times a power of ten, about `count` of them over the span.
function tickStep(span, count) {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

export function ticks(lo, hi, count) {
  if (!(hi > lo)) return [lo];
  const step = tickStep(hi - lo, count);
  const out = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

// A linear map from [d0, d1] to [r0, r1]; nice widens the domain to round ticks (about `nice` of them).
export function scaleLinear(d0, d1, r0, r1, nice = 0) {
  if (nice && d1 > d0) {
    const step = tickStep(d1 - d0, nice);
    d0 = Math.floor(d0 / step + 1e-9) * step;
    d1 = Math.ceil(d1 / step - 1e-9) * step;
  }
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = v => r0 + (v - d0) * k;
  f.invert = px => (k ? d0 + (px - r0) / k : d0);
  f.domain = [d0, d1];
  return f;
}

// The step axis on a log scale: x' = log10(1 + step), so step 0 (the initialisation) stays on the chart.
export const logStep = s => Math.log10(1 + Math.max(0, s));
export const unlogStep = v => 10 ** v - 1;
// Its ticks up to `last`: 0, 1, 10, 100, ...
export const logStepTicks = last => [0, ...Array.from({ length: Math.floor(Math.log10(Math.max(1, last))) + 1 }, (_, e) => 10 ** e)];
