// The page's hook for the "Four cures at depth 50" section: its code (views/cures-entry.js, built as
// dist/lab-cures.js) is fetched on the section's first use, its button or a link that opens it (cures=,
// embed=cures), so the first download stays as it was.
import { curesState } from './views/cures-url.js';

const $ = id => document.getElementById(id);

export function mountCures(tooltip) {
  const section = $('cures');
  if (!section) return;
  const state = curesState(location.search);
  document.body.classList.toggle('cures-embed', state.embed);
  let opened = null;
  const open = () => {
    if (!document.querySelector('link[href="lab-cures.css"]')) {
      const css = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: 'lab-cures.css' });
      document.head.append(css);
    }
    // a computed specifier: esbuild leaves it to the browser, so the section's bundle stays its own file
    opened ??= import(new URL('lab-cures.js', document.baseURI).href)
      .then(m => m.openCures(section, tooltip, state))
      .catch(e => { $('cures-status').textContent = `The section could not load: ${e.message}`; opened = null; });
    return opened;
  };
  $('cures-open').addEventListener('click', open);
  if (state.open) open();
}
