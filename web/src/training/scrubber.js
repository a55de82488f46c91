// The step scrubber (it owns .t-scrub: the range input and its readout): which kept report the
// histograms, the depth profile and the table show. Its far right end follows the newest report.

export class StepScrubber {
  // moved(): the reader moved it (draw again)
  constructor(element, moved) {
    this.element = element;
    this.input = element.querySelector('input[type=range]');
    this.out = element.querySelector('output');
    this.index = null;  // null: follow the newest report
    this.input.addEventListener('input', () => {
      const i = Number(this.input.value);
      this.index = i >= Number(this.input.max) ? null : i;
      moved();
    });
  }

  // Back to following the newest report (a new run).
  follow() { this.index = null; }

  get following() { return this.index === null; }

  // The steps it moves over: those both columns reached, so A and B always show the same step (its
  // right end: the newest both reached). Returns the step shown (null before any report).
  sync(steps) {
    this.input.max = String(Math.max(0, steps.length - 1));
    const index = this.index === null ? steps.length - 1 : Math.min(this.index, steps.length - 1);
    this.input.value = String(Math.max(0, index));
    const step = steps.length ? steps[Math.max(0, index)] : null;
    this.out.textContent = step === null ? 'no reports yet'
      : `step ${step.toLocaleString('en')}${this.index === null ? ' (newest)' : ''}`;
    return step;
  }
}
