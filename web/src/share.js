// Sharing: the URL of the current view (written 150 ms after the last change, so a slider drag is one
// history entry), "Copy link", the embed snippet, the embed's "Open in Layerscope" link, and "Train this
// pair", the training view's link to these two networks.
import { writeQuery } from './state.js';

const $ = id => document.getElementById(id);

export class Share {
  // page: {state, table, embedTitle()}: read when a link is made
  constructor(page) {
    this.page = page;
    this.timer = null;
    const status = $('share-status');
    $('copy-link').addEventListener('click', () => {
      const url = this.url(false);
      this.showBox(url, 'Link to this view');
      copyText(url, status, 'Link copied.');
    });
    $('embed-button').addEventListener('click', () => {
      const snippet = this.snippet();
      this.showBox(snippet, 'Embed code (paste into your page)');
      $('share-field').select();
      copyText(snippet, status, 'Embed code copied.');
    });
    // A plain click stays on the page: the URL now, then the training view reads the pair from it and
    // trains (training/controller.js). Any other click (a new tab) follows the link.
    $('train-pair').addEventListener('click', e => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      this.write();
      window.dispatchEvent(new CustomEvent('layerscope:train-built'));
    });
    $('train-pair').href = this.trainHref();
    $('open-full').addEventListener('click', e => {
      e.preventDefault();
      window.open(this.url(false), '_blank', 'noopener');
    });
  }

  showBox(text, label) {
    $('share-box').hidden = false;
    $('share-field').value = text;
    $('share-label').textContent = label;
  }

  // The address bar follows the state, a little after the last change.
  scheduleWrite() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.write(), 150);
  }

  write() {
    const q = writeQuery(location.search, this.page.table, this.page.state);  // the page's rows; the training view's kept
    history.replaceState(null, '', q ? '?' + q : location.pathname);
    $('open-full').href = this.url(false);
    $('train-pair').href = this.trainHref();
  }

  // Relative: this URL (the pair's a.* / b.* / seed keys, the one copy both views read) in the training
  // view with the built pair chosen.
  trainHref() {
    const params = new URLSearchParams(writeQuery(location.search, this.page.table, this.page.state));
    params.set('view', 'training');
    params.set('t.preset', 'built');
    return '?' + params;
  }

  url(embed) {
    const { state, table } = this.page;
    const q = writeQuery('', table, { ...state, view: { ...state.view, embed } });
    return location.href.split(/[?#]/)[0] + (q ? '?' + q : '');
  }

  // A 700 x 500 frame holds the embed's compact layout; the title says what the frame shows, for readers
  // of the host page and their screen readers.
  snippet() {
    const attr = s => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    return `<iframe src="${attr(this.url(true))}" width="700" height="500" style="max-width:100%" loading="lazy" ` +
      `title="${attr(this.page.embedTitle())}" frameborder="0"></iframe>`;
  }
}

async function copyText(text, status, done) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = done;
  } catch {
    status.textContent = 'Copy it from the box below.';
  }
}
