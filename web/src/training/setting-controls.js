// The training view's settings controls (#t.preset, #t.optimizer, the typed numbers, the drawing
// choices, #t.logx; each control's id is its URL key): each change is checked by the core's rule, kept
// in the controller's settings and written to the URL; a drawing choice only redraws, any other setting
// starts the run over.
import { TRAINING_FIELDS } from '../state.js';
import { checkSetting } from './settings.js';
import { inControlWords } from '../setting-words.js';
import { showBuiltSeed } from './built-pair.js';

const $ = id => document.getElementById(id);
// The settings typed as text (numbers): their inputs share one reading and one placeholder rule. Fields
// with no control (state.js TRAINING_FIELDS: the core's other training fields, set by a link) have no input.
const typedFields = () => TRAINING_FIELDS.filter(f => (f.type === 'integer' || f.type === 'real') && f.control !== false)
  .map(f => f.name);
// The settings that only change the drawing (the others start the run over).
const DRAWING_FIELDS = ['tensor', 'axis', 'dist', 'values', 'logx'];

export class SettingControls {
  // view: the TrainingController ({settings, built, presetValue(name), writeUrl(), syncControls(),
  // requestDraw(urgent), settingsChanged()})
  constructor(view) {
    this.view = view;
    for (const name of ['preset', 'optimizer', 'tensor', 'axis', 'dist', 'values'])
      $(`t.${name}`).addEventListener('change', e => this.set(name, e.target.value));
    for (const name of typedFields()) {
      const el = $(`t.${name}`);
      el.addEventListener('change', () => this.set(name, el.value));
      el.addEventListener('keydown', e => { if (e.key === 'Enter') this.set(name, el.value); });
    }
    $('t.logx').addEventListener('change', e => this.set('logx', e.target.checked ? '1' : '0'));
  }

  // The controls show the settings; a typed field left empty shows the preset's value as its placeholder.
  sync() {
    const s = this.view.settings;
    $('t.preset').value = s.preset;
    $('t.optimizer').value = s.optimizer ?? '';
    for (const name of typedFields()) {
      const el = $(`t.${name}`);
      if (document.activeElement !== el) el.value = s[name] === null ? '' : String(s[name]);
      el.placeholder = String(this.view.presetValue(name) ?? '');
    }
    showBuiltSeed($('t.seed'), this.view.built);
    for (const name of ['tensor', 'axis', 'dist', 'values']) $(`t.${name}`).value = s[name];
    $('t.logx').checked = s.logx;
  }

  // A field's new value, checked by the core's rule; a refusal names the field by its label.
  set(name, raw) {
    const spec = TRAINING_FIELDS.find(f => f.name === name);
    const el = $(spec.key), fieldError = $('t-field-error');
    if (String(raw).trim() === '' && spec.default === null) {
      this.view.settings[name] = null;
    } else {
      const r = checkSetting(spec, raw);
      if (!r.ok) {
        fieldError.textContent = inControlWords(r.message, spec.key);
        fieldError.hidden = false;
        el.setAttribute('aria-invalid', 'true');
        return;
      }
      this.view.settings[name] = r.value;
    }
    fieldError.hidden = true;
    el.removeAttribute('aria-invalid');
    this.view.writeUrl();
    this.view.syncControls();
    if (DRAWING_FIELDS.includes(name)) this.view.requestDraw(true);
    else this.view.settingsChanged();
  }
}
