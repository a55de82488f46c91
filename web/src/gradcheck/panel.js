// "Check gradients" (issue 22): the view that owns the #gradcheck section, bundled apart (dist/gradcheck-panel.js)
// and fetched on the first press (mount.js), with the check's own worker and module. On that press it loads the
// check's own wasm module in a worker (client.js), checks A and B exactly as set in the init view (their
// configs read at the press), and shows per network a table of the worst relative error of each layer and
// kind against the core's tolerance, with the core's two sentences on the method. The toggle runs the post's
// batch-norm backward too (bn_backward = post, the wrong one), beside ours in every cell.
import { fmt } from '../number-format.js';
import { GradcheckClient } from './client.js';

const COLUMNS = ['a', 'b'];
// The kinds in the core's row order (gradcheck.hpp: h, then the parameter table's order), as headers.
const KIND_LABELS = { h: 'dL/dh', weight: 'W', bias: 'b', gamma: 'γ', beta: 'β' };
const BACKWARDS = { correct: 'ours', post: 'the post’s (wrong)' };

export class GradcheckPanel {
  // root: the #gradcheck section; configs(): {a, b}, the networks as set now (each with the shared seed);
  // title(col): what the page calls that column.
  constructor(root, configs, title) {
    Object.assign(this, { root, configs, title });
    this.client = new GradcheckClient();
    this.results = null;      // {key, configs, titles, checks: {a: {correct, post?}, b: {...}}}
    this.running = false;
    const $ = sel => root.querySelector(sel);
    this.el = { run: $('#gc-run'), post: $('#gc-post'), progress: $('#gc-progress'), bar: $('#gc-progress-bar'),
      text: $('#gc-progress-text'), cancel: $('#gc-cancel'), method: $('#gc-method'), verdict: $('#gc-verdict'),
      tables: $('#gc-tables'), stale: $('#gc-stale') };
    this.el.run.addEventListener('click', () => this.check());
    this.el.post.addEventListener('change', () => (this.results ? this.check(true) : undefined));
    this.el.cancel.addEventListener('click', () => this.client.cancel());
    // The tables are of the networks at the press: when the columns' settings lines change (the page
    // redraws them on every change of a setting), say whether the tables still show the networks on screen.
    const watch = new MutationObserver(() => this.markStale());
    for (const col of COLUMNS) {
      const line = document.getElementById(`settings-line-${col}`);
      if (line) watch.observe(line, { childList: true, characterData: true, subtree: true });
    }
  }

  markStale() {
    if (!this.results || this.running) return;
    const stale = JSON.stringify(this.configs()) !== this.results.key;
    this.root.dataset.stale = String(stale);
    this.el.stale.hidden = !stale;
  }

  // A new check of the networks on screen; keepIfSame: the toggle, which reuses what was checked when the
  // networks have not changed since and only adds (or hides) the post's backward.
  async check(keepIfSame = false) {
    if (this.running) return;
    const configs = this.configs();
    const key = JSON.stringify(configs);
    const titles = Object.fromEntries(COLUMNS.map(c => [c, this.title(c)]));
    const same = keepIfSame && this.results?.key === key;
    const checks = same ? this.results.checks : { a: {}, b: {} };
    const backwards = this.el.post.checked ? ['correct', 'post'] : ['correct'];
    const jobs = COLUMNS.flatMap(col => backwards.filter(bw => !checks[col][bw]).map(bw => ({ col, bw })));
    this.results = { key, configs, titles, checks };
    if (jobs.length === 0) return this.draw();
    this.running = true;
    this.root.dataset.state = 'running';
    this.el.run.disabled = true;
    const stages = jobs.length + (this.client.loaded ? 0 : 1);
    let done = 0;
    const say = text => { this.el.bar.value = done / stages; this.el.text.textContent = text; };
    this.el.progress.hidden = false;
    if (!this.client.loaded) say('fetching the gradient check’s module (its own download, once)…');
    try {
      for (const { col, bw } of jobs) {
        const what = `checking ${col.toUpperCase()} with ${BACKWARDS[bw]} backward`;
        if (this.client.loaded) say(`${what}…`);
        try {
          if (!checks[col].error)
            checks[col][bw] = await this.client.check(configs[col], { bn_backward: bw }, () => { done++; say(`${what}…`); });
        } catch (e) {
          if (e.cancelled || e.fatal) throw e;
          checks[col].error = e.message;  // the core's refusal, naming the field; the other column goes on
        }
        done++;
        say(`${what}: done`);
      }
      this.root.dataset.state = 'done';
    } catch (e) {
      this.root.dataset.state = e.cancelled ? 'cancelled' : 'error';
      this.results = null;
      this.el.tables.replaceChildren();
      this.el.verdict.textContent = e.cancelled ? 'Check cancelled.' : `The check could not run: ${e.message}`;
      this.el.verdict.className = e.cancelled ? '' : 'gc-fail';
    } finally {
      this.running = false;
      this.el.run.disabled = false;
      this.el.progress.hidden = true;
    }
    if (this.results) this.draw();
  }

  draw() {
    const { checks, titles } = this.results;
    const showPost = this.el.post.checked;
    const checked = COLUMNS.filter(c => !checks[c].error);
    const tables = () => COLUMNS.map(col => this.table(col, titles[col], checks[col], showPost, checks[checked[0]]?.correct.tolerance));
    this.markStale();
    if (checked.length === 0) {
      this.el.verdict.textContent = 'Neither network could be checked (see under each).';
      this.el.verdict.className = 'gc-fail';
      return this.el.tables.replaceChildren(...tables());
    }
    const first = checks[checked[0]].correct;
    this.el.method.textContent = first.method;
    this.el.method.hidden = false;
    const tolerance = first.tolerance;
    const ours = checked.map(c => checks[c].correct);
    const oursPass = ours.every(r => r.passed);
    const over = checked.length === 2 ? 'A and B' : checked[0].toUpperCase();
    let text = `Our backward: worst relative error ${fmt(Math.max(...ours.map(r => r.worst)))} over ${over}, ` +
      (oursPass ? `within the tolerance ${fmt(tolerance)}.` : `above the tolerance ${fmt(tolerance)}.`);
    if (showPost) {
      const used = checked.filter(c => checks[c].post.postBackwardUsed);
      text += used.length === 0
        ? ' The post’s backward replaces only batch norm’s in train mode and per-sample normalization’s: neither network has one, so its numbers equal ours.'
        : ` The post’s batch-norm backward: worst ${fmt(Math.max(...used.map(c => checks[c].post.worst)))} in ` +
          `${used.map(c => c.toUpperCase()).join(' and ')}` +
          (used.every(c => checks[c].post.passed) ? ', within the tolerance here.' : ', far outside the tolerance: it is wrong.');
    }
    this.el.verdict.textContent = text;
    this.el.verdict.className = oursPass ? 'gc-pass' : 'gc-fail';
    this.el.tables.replaceChildren(...tables());
  }

  // One network's title and table: a row per layer, a column per kind, each cell the worst relative error of ours
  // (and under it the post's), coloured against the tolerance.
  table(col, title, check, showPost, tolerance) {
    if (check.error) {
      const block = el('div', 'gc-block');
      const heading = el('p', 'gc-title');
      heading.append(badge(col), ` ${title}`);
      block.append(heading, el('p', 'gc-error', `Not checked: ${check.error}`));
      return block;
    }
    const rows = check.correct.rows;
    const depth = check.correct.config.depth;
    const kinds = Object.keys(KIND_LABELS).filter(k => rows.some(r => r.kind === k));
    const post = showPost ? check.post : null;
    const block = el('div', 'gc-block');
    const heading = el('p', 'gc-title');
    heading.id = `gc-title-${col}`;
    heading.append(badge(col), ` ${title}`);
    if (post && !post.postBackwardUsed)
      heading.append(el('span', 'gc-note', ' (the post’s backward is not used here: it replaces batch norm’s in train mode and per-sample normalization’s)'));
    const table = el('table', 'gc-table');
    table.dataset.col = col;
    table.setAttribute('aria-labelledby', heading.id);
    block.append(heading, table);
    const head = table.createTHead().insertRow();
    for (const label of ['layer', ...kinds.map(k => KIND_LABELS[k])]) head.append(el('th', null, label));
    const body = table.createTBody();
    const layers = [...new Set(rows.map(r => r.layer))].sort((x, y) => x - y);
    for (const layer of layers) {
      const tr = body.insertRow();
      tr.append(el('th', null, layer === 0 ? 'input' : layer === depth + 1 ? 'output' : String(layer)));
      for (const kind of kinds) {
        const td = tr.insertCell();
        const i = rows.findIndex(r => r.layer === layer && r.kind === kind);
        if (i < 0) { td.className = 'gc-none'; continue; }
        td.append(cell(rows[i], tolerance, 'gc-ours', 'ours'));
        const postRow = post?.rows.find(r => r.layer === layer && r.kind === kind);
        if (postRow) td.append(cell(postRow, tolerance, 'gc-post', 'the post’s'));
      }
    }
    return block;
  }
}

// The hook in the init view's entry (main.js): the panel on the page's #gradcheck section, checking the
// columns as the page holds them (state.js columnConfig) under the titles on screen.
// The panel on #gradcheck, made on the first press of "Check gradients" (mount.js fetches this file then).
// configs(): {a, b} as set now; title(col): what the page calls that column.
export function mountGradientCheckPanel(root, configs, title) {
  return new GradcheckPanel(root, configs, title);
}

function cell(row, tolerance, cls, whose) {
  const within = row.worst <= tolerance;
  const span = el('span', `${cls} ${within ? 'gc-ok' : 'gc-bad'}`, row.checked ? fmt(row.worst) : 'skipped');
  span.title = `${whose}: worst relative error ${row.worst} over ${row.checked} entries` +
    (row.skipped ? ` (${row.skipped} skipped at a ReLU kink)` : '') +
    `; at its worst entry backward gave ${row.analytic}, the central difference ${row.numeric}`;
  return span;
}

function badge(col) {
  return el('span', `badge badge-${col}`, col.toUpperCase());
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
