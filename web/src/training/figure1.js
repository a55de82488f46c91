// The caption under the Figure 1 panel, written from the run's own numbers: what to look at, the
// accuracies reached, when each network got going, how the tracked unit's input moved, and how long the
// run took in this browser.
import { fmt, pct } from '../format.js';

const first = (reports, test) => reports.find(test) || null;

// The median and the 15-85 spread of the tracked unit's input at a report (layer l).
function unitAt(report, l) {
  return { median: report.unitP50[l], spread: report.unitP85[l] - report.unitP15[l] };
}

export function figure1Caption({ stores, configs, unit, seconds, finished }) {
  const a = stores.a.reports, b = stores.b.reports;
  if (a.length < 2 || b.length < 2) {
    return 'Press “Batch-norm paper, Figure 1” to train both networks; the figure fills in as they learn. ' +
      'Look for two things: how soon each network’s test accuracy leaves 10% (a), and whether the input of ' +
      'one last-layer unit keeps its place while the layers below it learn (b, c).';
  }
  const lastA = a.at(-1), lastB = b.at(-1);
  const parts = [];
  parts.push(`${finished ? 'After' : 'So far, at'} ${lastB.step.toLocaleString('en')} steps the network with batch norm ` +
    `classifies ${pct(lastB.testAccuracy)} of the 10,000 test digits, the one without ${pct(lastA.testAccuracy)}.`);
  const passB = first(b, r => r.testAccuracy >= 0.9), passA = first(a, r => r.testAccuracy >= 0.9);
  if (passB) {
    parts.push(`With batch norm it passed 90% at step ${passB.step.toLocaleString('en')}` +
      (passA ? `, without it at step ${passA.step.toLocaleString('en')}.` : '; without it not yet.'));
  }
  const stuck = a.filter(r => r.step > 0 && r.testAccuracy < 0.2);
  if (stuck.length) {
    parts.push(`Without batch norm the accuracy stayed under 20% (about the share of the most common digit) ` +
      `up to step ${stuck.at(-1).step.toLocaleString('en')}.`);
  }
  const l = Math.min(lastA.depth, lastB.depth);
  const act = configs.b?.activation ?? 'sigmoid';
  const a0 = unitAt(a[0], l), a1 = unitAt(lastA, l), b0 = unitAt(b[0], l), b1 = unitAt(lastB, l);
  parts.push(`(b, c) The input of the ${act} of unit ${unit} in layer ${l}, on the first 1,000 test images: ` +
    `without batch norm its median went from ${fmt(a0.median)} to ${fmt(a1.median)} (15-85 spread ${fmt(a0.spread)} to ` +
    `${fmt(a1.spread)}); with batch norm from ${fmt(b0.median)} to ${fmt(b1.median)} (spread ${fmt(b0.spread)} to ${fmt(b1.spread)}).`);
  // Step 0 is evaluated as every report is, in eval mode: batch norm divides by its running statistics,
  // which start at mean 0 and variance 1, so the first point of (c) is the input not yet normalized (as
  // small as the one without batch norm); from the next report on the statistics follow the batches.
  if (b0.spread < 0.01 * b1.spread) {
    parts.push('With batch norm the step-0 point is as narrow as the one without: it is evaluated with the running ' +
      'statistics as initialised (mean 0, variance 1), so nothing is normalized yet; by the next report they ' +
      'follow the batches.');
  }
  // The paper's point: without batch norm the distribution a layer sees keeps moving as the layers below
  // learn. Said only when these numbers show it: A's median moved more than B's, measured in each one's
  // own spread at the end (a unit whose input barely varies has not "moved" by a shift of 0.01).
  const driftA = Math.abs(a1.median - a0.median) / Math.max(a1.spread, 1e-12);
  const driftB = Math.abs(b1.median - b0.median) / Math.max(b1.spread, 1e-12);
  if (a1.spread < 1e-3 * Math.max(b1.spread, 1e-12)) {
    parts.push(`Without batch norm this input hardly varies from image to image: the signal has faded before layer ${l}.`);
  } else if (driftA > 2 * driftB) {
    parts.push('Without batch norm the input moved by more of its own spread, so the layer above kept learning against a ' +
      'moving distribution; with batch norm it stayed in place.');
  }
  const opt = configs.b ? `${configs.b.optimizer === 'adam' ? 'Adam' : 'SGD'}, learning rate ${configs.b.learning_rate}` : '';
  parts.push(`${finished ? 'Trained' : 'Training'} in this browser for ${seconds.toFixed(1)} s, both networks side by side, ` +
    `one worker each (${opt}, batch ${configs.b?.batch ?? 60}).`);
  return parts.join(' ');
}
