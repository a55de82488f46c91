// The settings form of one column, generated from the core's schema (the field table): every field of
// the schema gets a control, in the schema's order; FIELD_UI only says how it looks. Every control's id is
// its URL key (a.depth, b.normalization, ...). The form validates what is typed against the schema and
// reports accepted values through onChange(field, value); it never holds state of its own.
import { checkValue, describeAllowed } from '../state.js';
import { FIELD_UI, CHOICE_TITLES, fieldLabel, choiceLabel } from './field-words.js';
import { Slider } from './slider.js';
import { setAttributes, setHidden, setText, setValue } from './dom.js';

export { fieldLabel, choiceLabel };

export class ColumnControls {
  constructor(element, column, schema, presets, onChange, onPreset) {
    this.element = element;
    this.column = column;
    this.schema = schema;
    this.presets = presets;
    this.inputs = new Map();  // field -> [elements]
    this.errors = new Map();
    this.onChange = onChange;
    // The element is a <form> of its own (index.html): the browser's form handling (autofill's reading
    // of the fields around a changed one) then reads this column's controls, not every unowned control
    // of the page, on each change: half the time of that task in Chromium. It is never submitted.
    element.addEventListener('submit', e => e.preventDefault());

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
      // in the words of the field's own label (the core names it by its key)
      err.textContent = r.message.startsWith(`${key}:`) ? fieldLabel(field) + r.message.slice(key.length) : r.message;
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
        else if (el.type === 'checkbox') { if (el.checked !== !!v) el.checked = !!v; }
        else if (el !== document.activeElement || el.tagName === 'SELECT') setValue(el, String(v));
        setAttributes(el, { 'aria-invalid': null });
      }
      setHidden(this.errors.get(field), true);
      const wrap = els[0].closest('.control');
      wrap.classList.toggle('irrelevant', disabledFields.includes(field));
      const differ = differs.includes(field);
      wrap.classList.toggle('differs', differ);
      const mark = wrap.querySelector('.differs-mark');
      setHidden(mark, !differ);
      setText(mark, differ ? `≠ ${other}` : '');
      const title = differ ? `differs from column ${other}` : '';
      if (mark.title !== title) mark.title = title;
    }
    // a difference inside "More settings" opens it, so no marked field is hidden
    if (differs.some(f => (FIELD_UI[f] || { more: true }).more)) this.more.open = true;
    setValue(this.presetSelect, presetName || 'custom');
    const p = this.presets.find(q => q.name === presetName);
    setText(this.presetHelp, p ? p.description : 'Your own settings (no preset matches exactly).');
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
