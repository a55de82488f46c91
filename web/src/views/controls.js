// The settings form of one column, generated from the core's schema (the field table): every field of
// the schema gets a control, in the schema's order; FIELD_UI only says how it looks. Every control's id is
// its URL key (a.depth, b.normalization, ...). The form validates what is typed against the schema and
// reports accepted values through onChange(field, value); it never holds state of its own.
import { checkValue, describeAllowed } from '../state.js';

// How a field is shown: its label, whether it sits under "More settings", and its slider:
// 'linear' spans the field's whole range in steps of 1; 'log' spans it on a log scale (integers: from
// min to max; numbers whose range starts above 0: from `low`, since a log scale never reaches 0, to max;
// the box beside it takes any allowed value).
const FIELD_UI = {
  depth: { label: 'Depth (hidden layers)', slider: 'linear' },
  width: { label: 'Width (features per layer)', slider: 'log' },
  batch: { label: 'Batch size', slider: 'log' },
  input_scale: { label: 'Input scale', slider: 'log', low: 1e-6 },
  init: { label: 'Weight init' },
  init_scale: { label: 'Init std ("normal")', slider: 'log', low: 1e-6 },
  gain: { label: 'Init gain', slider: 'log', low: 1e-3 },
  activation: { label: 'Activation' },
  leaky_slope: { label: 'Leaky slope' },
  normalization: { label: 'Normalization' },
  placement: { label: 'Normalize' },
  residual: { label: 'Residual connections' },
  residual_scale: { label: 'Residual scale α' },
  epsilon: { label: 'Epsilon' },
  upstream: { label: 'Upstream gradient' },
  upstream_scale: { label: 'Upstream scale', slider: 'log', low: 1e-6 },
  input_dim: { label: 'Input features', more: true, slider: 'log' },
  momentum: { label: 'Momentum', more: true },
  bn_noise: { label: 'Batch norm + noise', more: true },
  bn_noise_mean: { label: 'Scale/shift noise: means ±m', more: true },
  bn_noise_std: { label: 'Scale/shift noise: stds up to s', more: true },
  mode: { label: 'Mode', more: true },
  warmup_batches: { label: 'Warm-up batches', more: true },
  bias: { label: 'Bias', more: true },
  classes: { label: 'Classes', more: true },
  seed: { shared: true },  // one seed for both columns: the view bar has it
};
const CHOICE_LABELS = {
  normalization: { none: 'none', batch: 'batch norm', per_sample: 'layer norm (per sample, the post’s axis)' },
  activation: { selu: 'SELU' },
  residual: { none: 'none', every_layer: 'every layer', every_second_layer: 'every second layer' },
  residual_scale: { one: '1', inv_sqrt_depth: '1/sqrt(depth)', trained: 'trained α from 0 (SkipInit)' },
  placement: { before: 'before f(p)', after: 'after f(p)' },
  upstream: { random: 'random × scale', mse: 'MSE loss', cross_entropy: 'cross-entropy' },
  init: { normal: 'N(0, std²)', xavier_normal: 'Xavier normal', xavier_uniform: 'Xavier uniform',
    he_normal: 'He normal', he_uniform: 'He uniform', lecun_normal: 'LeCun normal' },
};
// The longer story of a choice, as its tooltip (the labels above must fit a narrow select).
const CHOICE_TITLES = {
  normalization: { batch: 'each feature over the batch (Ioffe & Szegedy)',
    per_sample: 'each sample over its features: the post’s axis=0, a layer norm' },
  activation: { selu: 'self-normalizing (Klambauer et al. 2017): keeps mean 0 and variance 1 with LeCun normal init' },
  residual: { every_layer: 'h = h_prev + α·branch(h_prev) on layers 2..L (layer 1 changes the width)',
    every_second_layer: 'the skip on every second layer only' },
  residual_scale: { one: 'the branch added as it is', inv_sqrt_depth: 'each branch scaled down by 1/sqrt(depth)',
    trained: 'one learned scalar per layer, started at 0: the network starts as the identity (SkipInit, De & Smith 2020)' },
  placement: { before: 'normalize the linear output W h, then apply the activation (the paper)',
    after: 'apply the activation, then normalize its output (the post)' },
};
const roundSignificant = v => Number(v.toPrecision(3));
// Positions a slider has across its range: fine enough that one arrow key moves a value by under 1%
// on the log sliders (1024 -> 1007, not 511).
const LOG_SLIDER_STEPS = 400;

export const fieldLabel = field => (FIELD_UI[field] && FIELD_UI[field].label) || field;
export const choiceLabel = (field, value) => ((CHOICE_LABELS[field] || {})[value]) || String(value);

export class ColumnControls {
  constructor(element, column, schema, presets, onChange, onPreset) {
    this.element = element;
    this.column = column;
    this.schema = schema;
    this.presets = presets;
    this.inputs = new Map();  // field -> [elements]
    this.errors = new Map();
    this.onChange = onChange;

    const presetRow = this.row('preset', 'Preset');
    const select = document.createElement('select');
    select.id = `${column}.preset`;
    for (const p of presets) select.add(new Option(p.title, p.name));
    select.add(new Option('custom settings', 'custom'));
    select.addEventListener('change', () => { if (select.value !== 'custom') onPreset(select.value); });
    presetRow.label.htmlFor = select.id;
    presetRow.body.appendChild(select);
    this.presetSelect = select;
    this.presetHelp = document.createElement('p');
    this.presetHelp.className = 'help preset-help';
    presetRow.wrap.appendChild(this.presetHelp);
    element.appendChild(presetRow.wrap);

    const grid = document.createElement('div');
    grid.className = 'control-grid';
    element.appendChild(grid);
    const details = document.createElement('details');
    details.className = 'advanced';
    const summary = document.createElement('summary');
    summary.textContent = 'More settings';
    details.appendChild(summary);
    const grid2 = document.createElement('div');
    grid2.className = 'control-grid';
    details.appendChild(grid2);
    element.appendChild(details);
    this.more = details;
    for (const spec of schema) {
      const ui = FIELD_UI[spec.name] || { more: true };
      if (ui.shared) continue;
      this.addField(ui.more ? grid2 : grid, spec, ui);
    }
  }

  row(field, labelText) {
    const wrap = document.createElement('div');
    wrap.className = 'control';
    wrap.dataset.field = field;
    const label = document.createElement('label');
    label.textContent = labelText;
    const body = document.createElement('div');
    body.className = 'control-body';
    wrap.append(label, body);
    return { wrap, label, body };
  }

  addField(parent, spec, ui) {
    const field = spec.name;
    const key = `${this.column}.${field}`;
    const { wrap, label, body } = this.row(field, fieldLabel(field));
    const els = this.inputsFor(spec, ui, key);
    const help = `${spec.help || ''}. Allowed: ${describeAllowed(spec)}.`;
    label.htmlFor = key;
    for (const el of els) el.title = help;
    body.append(...els);
    const mark = document.createElement('span');
    mark.className = 'differs-mark';
    mark.hidden = true;
    label.append(' ', mark);
    const err = document.createElement('p');
    err.className = 'field-error';
    err.id = `${key}-error`;
    err.setAttribute('role', 'alert');
    err.hidden = true;
    wrap.appendChild(err);
    for (const el of els) el.setAttribute('aria-describedby', err.id);
    this.inputs.set(field, els);
    this.errors.set(field, err);
    parent.appendChild(wrap);
  }

  // A field's inputs by its type: a select, a checkbox, a slider with its number box, or a text box (with
  // a logarithmic slider where the field asks for one). The first input's id is the key.
  inputsFor(spec, ui, key) {
    const field = spec.name;
    const commit = (el, raw, live) => this.commit(field, spec, raw, el, live);
    if (spec.type === 'choice') {
      const select = document.createElement('select');
      select.id = key;
      for (const c of spec.choices) {
        const option = new Option(choiceLabel(field, c), c);
        const title = (CHOICE_TITLES[field] || {})[c];
        if (title) option.title = title;
        select.add(option);
      }
      select.addEventListener('change', () => commit(select, select.value));
      return [select];
    }
    if (spec.type === 'boolean') {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = key;
      box.addEventListener('change', () => commit(box, box.checked ? 'true' : 'false'));
      return [box];
    }
    if (spec.type === 'integer' && ui.slider) {
      // The slider's id is the key, the exact value sits in the box beside it.
      const slider = new Slider(spec, ui.slider, key, `${fieldLabel(field)} (slider${ui.slider === 'log' ? ', logarithmic' : ''})`);
      const num = document.createElement('input');
      Object.assign(num, { type: 'number', id: `${key}-number`, min: String(spec.min), max: String(spec.max), step: '1' });
      num.setAttribute('aria-label', `${fieldLabel(field)} (number)`);
      slider.onValue = (v, live) => commit(slider.el, String(v), live);
      num.addEventListener('change', () => commit(num, num.value));
      slider.el.slider = slider;
      return [slider.el, num];
    }
    const els = [];
    if (ui.slider === 'log') {
      const slider = new Slider({ ...spec, min: ui.low ?? spec.min }, 'log', `${key}-slider`, `${fieldLabel(field)} (logarithmic slider)`);
      slider.onValue = (v, live) => commit(slider.el, String(v), live);
      slider.el.slider = slider;
      els.push(slider.el);
    }
    const num = document.createElement('input');
    Object.assign(num, { type: 'text', inputMode: 'decimal', id: key, spellcheck: false });
    num.addEventListener('change', () => commit(num, num.value));
    num.addEventListener('keydown', e => { if (e.key === 'Enter') commit(num, num.value); });
    return [...els, num];
  }

  // live: a slider still being dragged (the page may skip the costly parts of the run).
  commit(field, spec, raw, source, live = false) {
    const key = `${this.column}.${field}`;
    const r = checkValue(key, spec, raw);
    const err = this.errors.get(field);
    if (!r.ok) {
      err.textContent = r.message;
      err.hidden = false;
      source.setAttribute('aria-invalid', 'true');
      return;
    }
    err.hidden = true;
    source.removeAttribute('aria-invalid');
    this.onChange(field, r.value, live);
  }

  // Shows a config (and which preset it matches) without firing change events. differs: the fields
  // whose value is not the other column's (marked, so the one difference of a fair pair stands out);
  // other: 'A' or 'B'.
  show(config, presetName, disabledFields, differs = [], other = '') {
    for (const [field, els] of this.inputs) {
      const v = config[field];
      for (const el of els) {
        if (el.slider) el.slider.show(v);
        else if (el.type === 'checkbox') el.checked = !!v;
        else if (el !== document.activeElement || el.tagName === 'SELECT') el.value = String(v);
        el.removeAttribute('aria-invalid');
      }
      this.errors.get(field).hidden = true;
      const wrap = els[0].closest('.control');
      wrap.classList.toggle('irrelevant', disabledFields.includes(field));
      const differ = differs.includes(field);
      wrap.classList.toggle('differs', differ);
      const mark = wrap.querySelector('.differs-mark');
      mark.hidden = !differ;
      mark.textContent = differ ? `≠ ${other}` : '';
      mark.title = differ ? `differs from column ${other}` : '';
    }
    // a difference inside "More settings" opens it, so no marked field is hidden
    if (differs.some(f => (FIELD_UI[f] || { more: true }).more)) this.more.open = true;
    this.presetSelect.value = presetName || 'custom';
    const p = this.presets.find(q => q.name === presetName);
    this.presetHelp.textContent = p ? p.description : 'Your own settings (no preset matches exactly).';
  }

  // A message from the run itself (e.g. batch < 2 with batch norm) shown under its field.
  fieldError(field, message) {
    const err = this.errors.get(field);
    if (!err) return false;
    err.textContent = message;
    err.hidden = false;
    // a field under "More settings" would hide its own message
    if (err.closest('details.advanced')) err.closest('details.advanced').open = true;
    return true;
  }
}

// A range input over a field's whole range, linear or logarithmic. Its value is a position; show(v)
// places it and onValue(v, live) reports the field value it stands for (integers rounded; a log step
// that rounds back to the same integer moves on to the next one, so small values are reachable).
class Slider {
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
    this.el.value = String(this.positionOf(v));
    this.el.setAttribute('aria-valuetext', String(v));
  }
}

// Settings that do nothing under the current config, dimmed so the form reads as the model does.
export function irrelevantFields(c) {
  const off = [];
  if (c.init !== 'normal') off.push('init_scale');
  if (c.activation !== 'leaky_relu') off.push('leaky_slope');
  if (c.normalization === 'none') off.push('placement', 'epsilon', 'momentum', 'mode', 'warmup_batches');
  if (c.normalization !== 'batch') off.push('bn_noise');
  if (c.normalization !== 'batch' || !c.bn_noise) off.push('bn_noise_mean', 'bn_noise_std');
  if (c.residual === 'none') off.push('residual_scale');
  if (c.mode !== 'eval') off.push('momentum', 'warmup_batches');
  if (c.upstream !== 'random') off.push('upstream_scale');
  if (c.upstream !== 'cross_entropy') off.push('classes');
  return off;
}
