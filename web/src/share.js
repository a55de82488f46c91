// Sharing: the URL of the current view (written 150 ms after the last change, so a slider drag is one
// history entry), "Copy link", the embed snippet, and the embed's "Open in Layerscope" link.
import { serializeQuery } from './state.js';

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
    const q = serializeQuery(this.page.state, this.page.table, location.search);  // keeps the training view's keys
    history.replaceState(null, '', q ? '?' + q : location.pathname);
    $('open-full').href = this.url(false);
  }

  url(embed) {
    const { state, table } = this.page;
    const q = serializeQuery({ ...state, view: { ...state.view, embed } }, table);
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
