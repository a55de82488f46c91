// The settings form of one column, generated from the core's schema. Every control's id is its URL key
// (a.depth, b.normalization, ...). The form validates what is typed against the schema and reports
// accepted values through onChange(field, value); it never holds state of its own.
import { checkValue, describeAllowed } from '../state.js';

const LABELS = {
  depth: 'Depth (hidden layers)', width: 'Width (features per layer)', batch: 'Batch size',
  input_scale: 'Input scale', init: 'Weight init', init_scale: 'Init std ("normal")', gain: 'Init gain',
  activation: 'Activation', leaky_slope: 'Leaky slope', normalization: 'Normalization',
  placement: 'Normalize', epsilon: 'Epsilon', upstream: 'Upstream gradient', upstream_scale: 'Upstream scale',
  input_dim: 'Input features', momentum: 'Momentum', mode: 'Mode', warmup_batches: 'Warm-up batches',
  bias: 'Bias', classes: 'Classes',
};
const CHOICE_LABELS = {
  normalization: { none: 'none', batch: 'batch norm', per_sample: 'per sample (the post)' },
  placement: { before: 'before the activation', after: 'after the activation' },
  upstream: { random: 'random × scale', mse: 'MSE loss', cross_entropy: 'cross-entropy loss' },
  init: { normal: 'N(0, std²)', xavier_normal: 'Xavier normal', xavier_uniform: 'Xavier uniform',
    he_normal: 'He normal', he_uniform: 'He uniform', lecun_normal: 'LeCun normal' },
};
// The longer story of a choice, as its tooltip (the labels above must fit a narrow select).
const CHOICE_TITLES = {
  normalization: { batch: 'each feature over the batch (Ioffe & Szegedy)',
    per_sample: 'each sample over its features: the post’s axis=0, a layer norm' },
};
const MAIN = ['depth', 'width', 'batch', 'input_scale', 'init', 'init_scale', 'gain', 'activation', 'leaky_slope',
  'normalization', 'placement', 'epsilon', 'upstream', 'upstream_scale'];
const ADVANCED = ['input_dim', 'mode', 'momentum', 'warmup_batches', 'bias', 'classes'];
const SLIDERS = { depth: [1, 100], width: [2, 512], batch: [2, 2048] };
// Scale-like settings get a slider in log10 units beside their text box (the box holds the exact value).
const LOG_SLIDERS = { gain: [-1, 1], init_scale: [-4, 1], input_scale: [-3, 3], upstream_scale: [-4, 4] };
const roundSignificant = v => Number(v.toPrecision(3));

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
    for (const f of MAIN) this.addField(grid, f);
    const details = document.createElement('details');
    details.className = 'advanced';
    const summary = document.createElement('summary');
    summary.textContent = 'More settings';
    details.appendChild(summary);
    const grid2 = document.createElement('div');
    grid2.className = 'control-grid';
    details.appendChild(grid2);
    element.appendChild(details);
    for (const f of ADVANCED) this.addField(grid2, f);
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

  addField(parent, field) {
    const spec = this.schema.find(s => s.name === field);
    if (!spec) return;
    const key = `${this.column}.${field}`;
    const { wrap, label, body } = this.row(field, LABELS[field] || field);
    const els = [];
    const help = `${spec.help || ''}. Allowed: ${describeAllowed(spec)}.`;
    if (spec.type === 'choice') {
      const select = document.createElement('select');
      select.id = key;
      for (const c of spec.choices) {
        const option = new Option((CHOICE_LABELS[field] || {})[c] || c, c);
        const title = (CHOICE_TITLES[field] || {})[c];
        if (title) option.title = title;
        select.add(option);
      }
      select.addEventListener('change', () => this.commit(field, spec, select.value, select));
      els.push(select);
    } else if (spec.type === 'boolean') {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = key;
      box.addEventListener('change', () => this.commit(field, spec, box.checked ? 'true' : 'false', box));
      els.push(box);
    } else if (SLIDERS[field]) {
      const range = document.createElement('input');
      range.type = 'range';
      range.id = key;
      [range.min, range.max] = SLIDERS[field].map(String);
      range.step = '1';
      const num = document.createElement('input');
      num.type = 'number';
      num.id = `${key}-number`;
      num.min = String(spec.min);
      num.max = String(spec.max);
      num.step = '1';
      num.setAttribute('aria-label', `${LABELS[field]} (number)`);
      range.addEventListener('input', () => this.commit(field, spec, range.value, range, true));
      range.addEventListener('change', () => this.commit(field, spec, range.value, range));
      num.addEventListener('change', () => this.commit(field, spec, num.value, num));
      els.push(range, num);
    } else {
      if (LOG_SLIDERS[field]) {
        const range = document.createElement('input');
        range.type = 'range';
        range.id = `${key}-slider`;
        [range.min, range.max] = LOG_SLIDERS[field].map(String);
        range.step = '0.05';
        range.setAttribute('aria-label', `${LABELS[field]} (logarithmic slider)`);
        range.setAttribute('aria-valuetext', '');
        const value = () => String(roundSignificant(10 ** Number(range.value)));
        range.addEventListener('input', () => this.commit(field, spec, value(), range, true));
        range.addEventListener('change', () => this.commit(field, spec, value(), range));
        els.push(range);
      }
      const num = document.createElement('input');
      num.type = 'text';
      num.inputMode = 'decimal';
      num.id = key;
      num.spellcheck = false;
      num.addEventListener('change', () => this.commit(field, spec, num.value, num));
      num.addEventListener('keydown', e => { if (e.key === 'Enter') this.commit(field, spec, num.value, num); });
      els.push(num);
    }
    label.htmlFor = key;
    for (const el of els) el.title = help;
    body.append(...els);
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

  // Shows a config (and which preset it matches) without firing change events.
  show(config, presetName, disabledFields) {
    for (const [field, els] of this.inputs) {
      const v = config[field];
      for (const el of els) {
        if (el.id.endsWith('-slider')) {
          el.value = String(Math.log10(v));
          el.setAttribute('aria-valuetext', String(v));
          continue;
        }
        if (el.type === 'checkbox') el.checked = !!v;
        else if (el !== document.activeElement || el.type === 'range' || el.tagName === 'SELECT') el.value = String(v);
        el.removeAttribute('aria-invalid');
      }
      this.errors.get(field).hidden = true;
      const wrap = els[0].closest('.control');
      wrap.classList.toggle('irrelevant', disabledFields.includes(field));
    }
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
    return true;
  }
}

// Settings that do nothing under the current config, dimmed so the form reads as the model does.
export function irrelevantFields(c) {
  const off = [];
  if (c.init !== 'normal') off.push('init_scale');
  if (c.activation !== 'leaky_relu') off.push('leaky_slope');
  if (c.normalization === 'none') off.push('placement', 'epsilon', 'momentum', 'mode', 'warmup_batches');
  if (c.mode !== 'eval') off.push('momentum', 'warmup_batches');
  if (c.upstream !== 'random') off.push('upstream_scale');
  if (c.upstream !== 'cross_entropy') off.push('classes');
  return off;
}
