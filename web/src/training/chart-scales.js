// The training charts' scales: round ticks, a linear map, and the step axis on a log scale, which every
// chart of steps (line charts, the heatmap) shares so that "log step axis" means one thing.
import { scaleLinear as d3ScaleLinear } from 'd3-scale';

// Round ticks and a linear map, from d3-scale as every other chart of the page (views/profile.js,
// views/histograms.js): the training charts only wrap it in the call shape they draw with.
export function ticks(lo, hi, count) {
  return hi > lo ? d3ScaleLinear().domain([lo, hi]).ticks(Math.max(1, count)) : [lo];
}

// A linear map from [d0, d1] to [r0, r1] (f(v), f.invert(px), f.domain); nice widens the domain to round
// ticks (about `nice` of them). An empty domain maps everything to r0.
export function scaleLinear(d0, d1, r0, r1, nice = 0) {
  const s = d3ScaleLinear().domain([d0, d1]).range([r0, r1]);
  if (nice && d1 > d0) s.nice(nice);
  const empty = !(d1 !== d0);
  const f = v => (empty ? r0 : s(v));
  f.invert = px => (empty ? d0 : s.invert(px));
  f.domain = s.domain();
  return f;
}

// The step axis on a log scale: x' = log10(1 + step), so step 0 (the initialisation) stays on the chart.
export const logStep = s => Math.log10(1 + Math.max(0, s));
export const unlogStep = v => 10 ** v - 1;
// Its ticks up to `last`: 0, 1, 10, 100, ...
export const logStepTicks = last => [0, ...Array.from({ length: Math.floor(Math.log10(Math.max(1, last))) + 1 }, (_, e) => 10 ** e)];
