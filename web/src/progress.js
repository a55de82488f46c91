// Feedback while the workers compute for longer than 200 ms: a progress bar with an estimate from the
// speed of the last runs, the figures on screen dimmed (they belong to the previous settings), and a
// Cancel button (the page decides what cancelling does).
import { COLUMNS, columnConfig } from './state.js';
import { setText } from './views/dom.js';

const $ = id => document.getElementById(id);

// Multiply-adds of one forward pass, the unit the estimate scales by (backward costs about twice that,
// and eval mode's warm-up batches run forward passes too, so the measured rate absorbs both).
export function workOf(c) {
  const passes = 1 + (c.normalization !== 'none' && c.mode === 'eval' ? c.warmup_batches / 3 : 0);
  return passes * c.batch * (c.input_dim * c.width + (c.depth - 1) * c.width * c.width + 20 * c.depth * c.width);
}

export class Progress {
  constructor(onCancel) {
    this.msPerWork = null;  // measured speed of the slower column
    this.timer = null;
    this.what = 'computing';
    $('cancel').addEventListener('click', onCancel);
  }

  // A result arrived: how fast was it (only runs long enough to time)? state: the one it was made for.
  learn(msg, state) {
    if (!state || !msg.timing || !(msg.timing.run > 30)) return;
    const work = Math.max(...COLUMNS.map(c => workOf(columnConfig(state, c))));
    this.msPerWork = msg.timing.run / work;
  }

  // pending: {start, configs} of the request out; shown: the state of the figures on screen.
  estimateMs(pending, shown) {
    if (!pending || !this.msPerWork) return null;
    const changed = COLUMNS.filter(c => !shown || JSON.stringify(pending.configs[c]) !== JSON.stringify(columnConfig(shown, c)));
    if (!changed.length) return null;
    return Math.max(...changed.map(c => workOf(pending.configs[c]))) * this.msPerWork;
  }

  // The client reports a request out for over 200 ms (text) and its updates (update); getPending()
  // returns the request out, or null once it is done.
  show(text, update, getPending, getShown) {
    if (text) this.what = text;
    if (update) this.what = update;
    const first = getPending();
    if (!first) return;
    const box = $('progress');
    box.hidden = false;
    if (first.revert) {
      // After Cancel the figures on screen are the current settings again; the client has stopped the
      // cancelled run (its worker replaced) and the worker checks them again.
      box.querySelector('progress').removeAttribute('value');
      setText($('progress-text'), 'cancelled: back to the settings on screen');
      return;
    }
    setStale(true);
    const tick = () => {
      const pending = getPending();
      if (!pending) return;
      const elapsed = performance.now() - pending.start;
      const estimate = this.estimateMs(pending, getShown());
      const bar = box.querySelector('progress');
      const what = this.what.replace(/…$/, '');
      if (estimate && estimate > 400) {
        bar.max = 1;
        bar.value = Math.min(0.97, elapsed / estimate);
        setText($('progress-text'), `${what}: ${seconds(elapsed)} of about ${seconds(estimate)} (estimated from the ` +
          'last run); the figures below still show the previous settings');
      } else {
        bar.removeAttribute('value');
        setText($('progress-text'), `${what}: ${seconds(elapsed)}`);
      }
    };
    tick();
    if (!this.timer) this.timer = setInterval(tick, 250);
  }

  hide() {
    $('progress').hidden = true;
    clearInterval(this.timer);
    this.timer = null;
    setStale(false);
  }
}

export function setStale(stale) {
  document.body.classList.toggle('stale', stale);
}

function seconds(ms) {
  return ms < 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
