// The init-time view's step scrubber (it owns #run-steps): once the pair on screen has trained (the
// training view's run of the built pair, "Train this pair on MNIST"), every figure of this view (the
// histograms, the depth profile, the percentile bands, the table and the sentence) shows the step chosen
// here, A and B at the same step, redrawn from what the run kept (worker/training-session.js 'run' and 'bin').
// Its left end is this view's own run on its random batch (before training); then every step both
// columns reached, step 0 (the first MNIST batch, the network as initialised) to the newest, which it
// follows while it sits at the right end. The arrow keys move it when no control has the focus.
import { setAttributes, setHidden, setText, setValue } from './views/dom.js';

export class RunSteps {
  // pairKey(): the pair on screen (a run of another pair is not shown); moved(): draw the chosen step
  constructor(element, { pairKey, moved }) {
    Object.assign(this, { element, pairKey, moved });
    this.input = element.querySelector('input[type=range]');
    this.out = element.querySelector('output');
    this.run = null;          // the training view's latest word on its run (controller.js publishRun)
    this.trainedKey = null;   // the pair that run trains
    this.choice = 'newest';   // 'init' | 'newest' | a step
    this.shown = null;        // the step drawn (null: the init-time run)
    this.input.addEventListener('input', () => this.choose(Number(this.input.value)));
    window.addEventListener('layerscope:run', e => this.heard(e.detail));
    document.addEventListener('keydown', e => this.key(e));
    document.querySelector('#view-switch [data-view=init]')?.addEventListener('click', () => this.back());
  }

  get steps() { return this.run && this.run.built ? this.run.steps : []; }
  get active() { return this.steps.length > 0 && this.trainedKey === this.pairKey(); }

  // The step the figures show: null for the init-time view's own run.
  get step() {
    if (!this.active || this.choice === 'init') return null;
    const steps = this.steps;
    if (this.choice === 'newest') return steps.at(-1);
    return steps.includes(this.choice) ? this.choice : steps.reduce((best, s) => (s <= this.choice ? s : best), steps[0]);
  }

  request(step, view) { return this.run.request(step, view); }

  heard(run) {
    if (run.newRun && run.built) { this.trainedKey = this.pairKey(); this.choice = 'newest'; }
    this.run = run;
    this.sync();
    // Not drawn while the training view is on screen: when this view comes back.
    if (document.body.dataset.view === 'training') this.stale = true;
    else if (this.step !== this.shown) this.moved();
  }

  back() {
    if (!this.stale) return;
    this.stale = false;
    if (this.step !== this.shown) this.moved();
  }

  // position 0: the init-time run; i >= 1: steps[i - 1]
  choose(position) {
    const steps = this.steps;
    this.choice = position <= 0 ? 'init' : position >= steps.length ? 'newest' : steps[position - 1];
    this.sync();
    this.moved();
  }

  key(e) {
    if (!this.active || !['ArrowLeft', 'ArrowRight'].includes(e.key) || document.body.dataset.view === 'training') return;
    const t = e.target;
    // a control that takes the arrows itself (the range input moves itself)
    if (t.closest && t.closest('input, select, textarea, [contenteditable]')) return;
    e.preventDefault();
    this.choose(Number(this.input.value) + (e.key === 'ArrowRight' ? 1 : -1));
  }

  // The element from the run and the pair on screen; called again when the pair changes.
  sync() {
    setHidden(this.element, !this.active);
    if (!this.active) return;
    const steps = this.steps, step = this.step;
    const text = step === null ? 'before training (this view’s random batch)'
      : `step ${step.toLocaleString('en')}${this.choice === 'newest' ? ' (newest)' : ''} of ${steps.at(-1).toLocaleString('en')}`;
    setAttributes(this.input, { max: steps.length, 'aria-valuetext': text });
    setValue(this.input, String(step === null ? 0 : steps.indexOf(step) + 1));
    setText(this.out, text);
  }
}

// The sentence's lead-in at a step of the run.
export function withStep(step, sentence) {
  if (step === null || step === undefined) return sentence;
  return `At step ${step.toLocaleString('en')} of training on MNIST, ${sentence.replace(/^At /, 'at ')}`;
}
