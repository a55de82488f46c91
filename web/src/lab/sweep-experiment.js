// What both of the lab's sweeps share: the section that owns one <details> of the lab (its settings form,
// built from the core's schema rows; Run, Cancel and a progress bar; the figure; its caption; the exports
// and links). A subclass gives its name, its paper, the figure's views, run(settings) and what it
// exports. The settings live in the URL (sweep-settings.js); a refusal names the field under the form.
import { exportButtons, framedSvg, svgToPng, PALETTES } from '../export.js';
import { themeColors } from '../theme.js';
import { linkAsksFor, parseSweepQuery, checkSweepValue, writeSweepQuery, embedUrl, SWEEPS } from './sweep-settings.js';

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, v);
  node.append(...children);
  return node;
};
export { el };

export class SweepExperiment {
  // details: the experiment's <details> (its .lab-body is filled here); sweep: 'lr' | 'depth';
  // client: the shared SweepClient; tooltip: the page's readout.
  constructor(details, sweep, client, tooltip) {
    Object.assign(this, { details, sweep, client, tooltip, schema: null, settings: {}, result: null, running: false });
    this.body = details.querySelector('.lab-body');
    this.colors = () => themeColors();
  }

  // Loads the schema (the lab's module, in a worker), reads the URL, builds the form. Once.
  open() {
    this.opening ??= this.#build().catch(e => this.fail(e));
    return this.opening;
  }

  async #build() {
    this.body.replaceChildren(el('p', { class: 'lab-status' }, 'loading the lab’s WebAssembly module (its own download, once)…'));
    this.schema = (await this.client.schema())[this.sweep === 'lr' ? 'sweep' : 'depth'];
    const { settings, notices } = parseSweepQuery(location.search, this.sweep, this.schema);
    this.settings = settings;
    const form = el('div', { class: 'lab-form', role: 'group', 'aria-label': `${this.title} settings` });
    this.inputs = {};
    for (const spec of this.schema) form.append(this.control(spec));
    this.runButton = el('button', { type: 'button', class: 't-primary' }, 'Run');
    this.cancelButton = el('button', { type: 'button', hidden: '' }, 'Cancel');
    this.runButton.addEventListener('click', () => this.start());
    this.cancelButton.addEventListener('click', () => this.client.cancel());
    form.append(el('div', { class: 't-buttons' }, this.runButton, this.cancelButton));
    this.fieldError = el('p', { class: 'field-error', role: 'alert', hidden: '' });
    this.notices = el('div', { class: 'notices', role: 'status', hidden: notices.length ? undefined : '' },
      ...notices.map(n => el('p', {}, n)));
    this.bar = el('progress', { max: '1', value: '0' });
    this.status = el('span', { class: 'lab-status-text', role: 'status' }, this.idleText);
    this.caption = el('p', { class: 't-caption lab-caption' });
    this.links = el('div', { class: 'lab-links chrome' });
    this.body.replaceChildren(el('p', { class: 'lab-paper' }, this.paper), form, this.fieldError, this.notices,
      el('div', { class: 'lab-progress' }, this.bar, this.status), this.figure(), this.caption, this.links);
    this.addLinks();
    if (this.autoRun || new URLSearchParams(location.search).get('embed') === SWEEPS[this.sweep].embed) this.start();
  }

  // One control per core field: a select for a choice, a text input for a number; its value is judged
  // by the core's rule when it changes.
  control(spec) {
    const id = `lab-${this.sweep}-${spec.name}`;
    let input;
    if (spec.type === 'choice') {
      input = el('select', { id }, ...spec.choices.map(c => new Option(c, c)));
      input.value = this.settings[spec.name] ?? spec.default;
    } else {
      input = el('input', { id, type: 'text', inputmode: 'decimal', size: '7', placeholder: String(spec.default) });
      if (this.settings[spec.name] !== undefined) input.value = String(this.settings[spec.name]);
    }
    input.title = spec.help;
    input.addEventListener('change', () => this.changed(spec, input));
    this.inputs[spec.name] = input;
    return el('div', { class: 't-item' }, el('label', { for: id }, this.labels[spec.name] ?? spec.name.replace(/_/g, ' ')), input);
  }

  changed(spec, input) {
    const raw = input.value.trim() === '' && spec.type !== 'choice' ? null : input.value;
    if (raw === null) delete this.settings[spec.name];
    else {
      const r = checkSweepValue(this.sweep, spec, raw);
      if (!r.ok) return this.showError(r.message);
      this.settings[spec.name] = r.value;
    }
    this.showError(null);
    history.replaceState(null, '', '?' + writeSweepQuery(location.search, this.sweep, this.schema, this.settings).toString());
  }

  // The legend on the page: a swatch and a label per item of legendItems (the export's legend too).
  drawLegend() {
    this.legend.replaceChildren(...this.legendItems(this.colors()).map(item => {
      const swatch = el('span', { class: 'lab-swatch' });
      swatch.style.background = item.color;  // CSSOM, allowed under the page's style-src 'self'
      return el('span', { class: 'lab-legend-item' }, swatch, item.label);
    }));
  }

  showError(message) {
    this.fieldError.textContent = message ?? '';
    this.fieldError.hidden = !message;
  }

  progress(fraction, text) {
    this.bar.value = fraction;
    this.status.textContent = text;
  }

  // Run with the settings on the form; Cancel (client.cancel) ends it and leaves what was drawn.
  async start() {
    if (this.running) return;
    this.running = true;
    this.details.dataset.state = 'running';
    this.runButton.disabled = true;
    this.cancelButton.hidden = false;
    this.showError(null);
    const started = performance.now();
    try {
      await this.run({ ...this.settings }, started);
      this.details.dataset.state = 'finished';
    } catch (e) {
      this.details.dataset.state = e.cancelled ? 'cancelled' : 'failed';
      if (e.cancelled) this.progress(this.bar.value, `Cancelled after ${((performance.now() - started) / 1000).toFixed(1)} s: ${this.cancelledText()}`);
      else if (e.field) { this.showError(e.message); this.progress(0, 'Nothing was run: a setting is out of range.'); }
      else this.fail(e);
    } finally {
      this.running = false;
      this.runButton.disabled = false;
      this.cancelButton.hidden = true;
    }
  }

  fail(e) {
    const p = el('p', { class: 'fatal', role: 'alert' }, `The ${this.title.toLowerCase()} failed: ${e.message}`);
    (this.fieldError ?? this.body).after(p);
  }

  // The figure's exports through the page's framer: SVG (and a PNG of it) with title, legend, the
  // settings and the link; CSV and JSON of the numbers.
  exportRow(name, chart, legend) {
    return exportButtons({
      name, vector: true,
      image: async ({ dark, svgOnly }) => {
        const colors = PALETTES[dark ? 'dark' : 'light'];
        const body = chart.markupFor(colors, 640);
        const frame = { title: `${chart.spec.title} — ${this.paperShort}`, legend: legend(colors),
          lines: [this.settingsLine(), ...(this.exportNote ? [this.exportNote] : []), ...this.captionLines()], source: `Layerscope · ${location.href}` };
        const svg = framedSvg(frame, body, { colors });
        return svgOnly ? { svg: svg.text } : { png: await svgToPng(svg, 2), svg: svg.text };
      },
      csv: () => this.csv(), json: () => this.json(),
    });
  }

  // The caption cut into lines that fit an exported image.
  captionLines() {
    const words = (this.caption.textContent || '').split(' '), lines = [];
    let line = '';
    for (const w of words) {
      if ((line + ' ' + w).length > 110) { lines.push(line); line = w; } else line = line ? `${line} ${w}` : w;
    }
    return line ? [...lines, line] : lines;
  }

  addLinks() {
    const field = el('textarea', { rows: '2', readonly: '', spellcheck: 'false', 'aria-label': 'Link or embed code', hidden: '' });
    const show = text => { field.value = text; field.hidden = false; field.select(); navigator.clipboard?.writeText(text).catch(() => {}); };
    const link = el('button', { type: 'button' }, 'Copy link to this sweep');
    const embed = el('button', { type: 'button' }, 'Embed this figure');
    link.addEventListener('click', () => {
      const url = new URL(location.href);
      url.search = writeSweepQuery(location.search, this.sweep, this.schema, this.settings).toString();
      show(url.href);
    });
    embed.addEventListener('click', () => show(`<iframe src="${embedUrl(this.sweep, this.schema, this.settings).replace(/&/g, '&amp;')}" ` +
      `width="700" height="560" loading="lazy" title="Layerscope: ${this.title}" frameborder="0"></iframe>`));
    this.links.replaceChildren(link, embed, field);
  }

  static mountAll(root, experiments) {
    for (const exp of experiments) {
      exp.details.addEventListener('toggle', () => { if (exp.details.open) exp.open(); });
      if (linkAsksFor(location.search, exp.sweep)) exp.details.open = true;
      if (exp.details.open) exp.open();
    }
  }
}
