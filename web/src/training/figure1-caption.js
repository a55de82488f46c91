// The caption under Figure 1: two sentences, from the run's own numbers. Before the first report they say
// what the panels will show and how to start; from step 0 on, the first gives the accuracies so far (and
// when each passed 90%), the second how the tracked unit's input moved.
import { fmt, pct } from '../format.js';

const steps = n => n.toLocaleString('en');

// How the sentences name the columns: what each is, in full and after the first mention (the presets:
// "with batch norm" ... "with it"), or by their letters when both columns are alike.
function spoken(words) {
  if (words.alike) return { a: 'in A', b: 'in B', aAgain: 'in A', bAgain: 'in B' };
  const preset = words.a === 'without batch norm' && words.b === 'with batch norm';
  return { a: words.a, b: words.b, aAgain: preset ? 'without' : words.a, bAgain: preset ? 'with it' : words.b };
}

// What the panels will show: config is the run's (or, before it, the preset's) with the steps to train.
function beforeRun(config, startLabel, say) {
  const unit = `unit ${config.tracked_unit} in layer ${config.depth}`;
  return `(a) will show both networks' test accuracy over ${steps(config.steps)} training steps, (b) and (c) the ` +
    `15th, 50th and 85th percentiles of the input to the ${config.activation} of ${unit} on 1,000 test images, ` +
    `${say.a} and ${say.bAgain}. Nothing is trained yet: press “${startLabel}” to train both in this browser.`;
}

// "95.1% with batch norm (over 90% from step 750)"
function accuracy(reports, name) {
  const last = reports.at(-1), passed = reports.find(r => r.testAccuracy >= 0.9);
  return `${pct(last.testAccuracy)} ${name}` + (passed ? ` (over 90% from step ${steps(passed.step)})` : '');
}

function unitSentence(a, b, config, say) {
  const l = Math.min(a[0].depth, b[0].depth);
  const what = `the median input to the ${config.activation} of unit ${config.tracked_unit} in layer ${l}`;
  if (a.length < 2 || b.length < 2) {
    return `At step 0 ${what} is ${fmt(a[0].unitP50[l])} ${say.a} and ${fmt(b[0].unitP50[l])} ${say.bAgain}.`;
  }
  const spread = r => r.unitP85[l] - r.unitP15[l];
  const move = (r, name) => `from ${fmt(r[0].unitP50[l])} to ${fmt(r.at(-1).unitP50[l])} ${name} (15-85 spread now ${fmt(spread(r.at(-1)))})`;
  // Step 0 is evaluated in eval mode, when batch norm's running statistics are still as initialised (mean 0,
  // variance 1): nothing is normalized yet, so (c) starts as narrow as (b). Said when the numbers show it.
  const narrowStart = spread(b[0]) < 0.01 * spread(b.at(-1))
    ? '; (c) starts as narrow as (b) because step 0 is evaluated with the initial running statistics' : '';
  return `${what[0].toUpperCase()}${what.slice(1)} moved ${move(a, say.a)} and ${move(b, say.bAgain)}${narrowStart}.`;
}

// stores: {a, b} ReportStores; config: column B's config (or the preset's before the run), with `steps`;
// seconds: the run's wall time; where: where it trained (default 'in this browser'; a saved run: saved-run.js); startLabel: the words of the button that starts the run; words: what each
// column is (exports.js columnWords).
export function figure1Caption({ stores, config, seconds, where = 'in this browser', finished, startLabel, words }) {
  const a = stores.a.reports, b = stores.b.reports, say = spoken(words);
  config = { ...config, activation: words.activation ?? config.activation };  // 'activation' where A's and B's differ
  if (!a.length || !b.length) return beforeRun(config, startLabel, say);
  const last = Math.min(a.at(-1).step, b.at(-1).step);
  const first = `${finished ? 'After' : 'At step'} ${steps(last)}${finished ? ' steps' : ` of ${steps(config.steps)}`}, ` +
    `test accuracy is ${accuracy(b, say.b)} and ${accuracy(a, say.aAgain)}, ` +
    `after ${seconds.toFixed(1)} s of training ${where}.`;
  return `${first} ${unitSentence(a, b, config, say)}`;
}

// One line for the exported figure: the accuracies at the newest report.
export function accuracyLine(stores, words) {
  const a = stores.a.reports.at(-1), b = stores.b.reports.at(-1);
  if (!a || !b) return 'Not trained yet.';
  return `Test accuracy at step ${steps(Math.min(a.step, b.step))}: A (${words.a}) ${pct(a.testAccuracy)}, ` +
    `B (${words.b}) ${pct(b.testAccuracy)}`;
}
