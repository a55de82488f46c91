// Step 0 against steps 1, 10 and 100 (issue 21 item 5): with batch norm and ReLU the gradient dL/dh grows
// toward the input at initialisation (format.js's story sentence says why), and one optimization step
// already changes that. A run with probes (the evidence lab's) reports these steps too (worker/training-session.js
// and probe-steps.js), so the scrubber can show them; this says, under the scrubber, what the numbers do.
import { fmt } from '../format.js';
import { SAME_WITHIN } from './probe-captions.js';
import { EARLY_STEPS } from './probe-steps.js';

// The range of dL/dh's std over a report's layers: largest over smallest (NaN when a layer has none).
export function gradientRange(report) {
  const s = Array.from(report?.doutputStd ?? []).slice(1).filter(v => v > 0 && Number.isFinite(v));
  return s.length >= 2 ? Math.max(...s) / Math.min(...s) : NaN;
}

// One column: zero = {step: 0, range}, later = [{step, range}] (steps 2, 11, 101: after step - 1 updates).
export function firstStepsCaption(name, zero, later) {
  if (!Number.isFinite(zero.range) || !later.length) return '';
  const updates = n => `${n.toLocaleString('en')} update${n === 1 ? '' : 's'}`;
  const parts = later.map(s => `${fmt(s.range)}× after ${updates(s.step - 1)} (step ${s.step.toLocaleString('en')})`);
  const one = later[0];
  const moved = one.range < zero.range / SAME_WITHIN ? 'shrinks' : one.range > zero.range * SAME_WITHIN ? 'grows' : 'stays about the same';
  return `${name}'s gradient dL/dh spans ${fmt(zero.range)}× across its layers at initialisation (largest std over smallest), ` +
    `${parts.join(', ')}: the range ${moved} with the first ${one.step === 2 ? 'update' : updates(one.step - 1)}.`;
}

// Both columns' sentences from their kept reports ('' until a column has step 0 and a step of EARLY_STEPS).
// The scrubber's steps 0 and 2, 11, 101 show the same numbers.
export function firstStepsText(stores) {
  return ['a', 'b'].map(col => {
    const reports = stores[col].reports, zero = reports.find(r => r.step === 0);
    const later = EARLY_STEPS.map(step => reports.find(r => r.step === step)).filter(Boolean).map(r => ({ step: r.step, range: gradientRange(r) }));
    return zero ? firstStepsCaption(col.toUpperCase(), { step: 0, range: gradientRange(zero) }, later) : '';
  }).filter(Boolean).join(' ');
}
