// A slider of the settings form (views/controls.js): a field's whole range, linear or logarithmic.
import { setAttributes, setValue } from './dom.js';

const roundSignificant = v => Number(v.toPrecision(3));
// Positions a slider has across its range: fine enough that one arrow key moves a value by under 1%
// on the log sliders (1024 -> 1007, not 511).
const LOG_SLIDER_STEPS = 400;

// A range input over a field's whole range, linear or logarithmic. Its value is a position; show(v)
// places it and onValue(v, live) reports the field value it stands for (integers rounded; a log step
// that rounds back to the same integer moves on to the next one, so small values are reachable).
export class Slider {
  constructor(spec, scale, id, ariaLabel) {
    this.spec = spec;
    this.log = scale === 'log';
    this.integer = spec.type === 'integer';
    this.current = null;
    const el = this.el = document.createElement('input');
    el.type = 'range';
    el.id = id;
    el.setAttribute('aria-label', ariaLabel);
    if (this.log) {
      const [lo, hi] = [Math.log10(Math.max(spec.min, this.integer ? 1 : 0)), Math.log10(spec.max)];
      el.min = String(lo);
      el.max = String(hi);
      el.step = String((hi - lo) / LOG_SLIDER_STEPS);
    } else {
      el.min = String(spec.min);
      el.max = String(spec.max);
      el.step = '1';
    }
    el.addEventListener('input', () => this.report(true));
    el.addEventListener('change', () => this.report(false));
  }

  valueAt(position) {
    if (!this.log) return Number(position);
    let v = 10 ** Number(position);
    if (!this.integer) return roundSignificant(v);
    v = Math.round(v);
    if (this.current !== null && v === this.current && Number(position) !== this.positionOf(this.current)) {
      v += Number(position) > this.positionOf(this.current) ? 1 : -1;
    }
    return Math.max(this.spec.min, Math.min(this.spec.max, v));
  }

  positionOf(v) {
    return this.log ? Math.log10(v) : v;
  }

  report(live) {
    const v = this.valueAt(this.el.value);
    if (this.onValue) this.onValue(v, live);
  }

  show(v) {
    this.current = v;
    setValue(this.el, String(this.positionOf(v)));
    setAttributes(this.el, { 'aria-valuetext': v });
  }
}
