// The "Four cures at depth 50" section's URL state, apart from its code (cures-common.js and the rest of
// views/cures-*.js, fetched on first use): the section's hook needs only this. Its key, `cures=<tensor>`,
// is a row of the page's one URL table (state.js curesRows), read and written by the table's one reader
// and writer; `embed=cures` (state.js INIT_EMBEDS) shows the section alone.
import { curesRows, parseQuery, writeQuery, CURES_KEY, CURE_TENSORS } from '../state.js';
import { inRowWords } from '../setting-words.js';

export { CURE_TENSORS };

// {open, embed, tensor, notice}: the section opens when the link gives its key (a bad value too: it is
// drawn for the outputs, and the notice says why) or its embed.
export function curesState(search) {
  const { state, notices } = parseQuery(search, curesRows(), { scopes: ['cures'], words: inRowWords });
  const embed = state.view.embed === CURES_KEY;
  const notice = notices.length ? notices.join(' ') : null;
  return { open: state.cures.tensor !== null || notice !== null || embed, embed, tensor: state.cures.tensor ?? 'output', notice };
}

// The URL with the figures' state written in (the rest of the page's keys kept as they are).
export function curesUrl(tensor, { embed = false, href = location.href } = {}) {
  const url = new URL(href);
  const params = new URLSearchParams(writeQuery(url.search, curesRows(), { cures: { tensor } }, () => true));
  if (embed) params.set('embed', CURES_KEY);
  else if (params.get('embed') === CURES_KEY) params.delete('embed');
  url.search = params.toString();
  return url.toString();
}
