// The training view's hook for the evidence lab's sweeps: their code (web/src/lab/sweep-*.js) is a bundle
// of its own, dist/lab-sweeps.js, with its own worker and wasm module, none of it part of the first
// download. It is fetched when a reader opens one of the sweeps, or at once when the link asks for one
// (a sweep.* or depth.* key, or embed=lr-sweep / depth-sweep, which also shows that figure alone).
import { LAB_SWEEP_KEYS } from '../state.js';

export function mountLabSweeps(root) {
  if (!root) return;
  const params = new URLSearchParams(location.search);
  const embed = Object.values(LAB_SWEEP_KEYS).find(s => s.embed === params.get('embed'));
  if (embed) document.body.classList.add('lab-embed', `lab-embed-${embed.embed}`);
  let loading = null;
  const load = () => (loading ??= import(new URL('lab-sweeps.js', document.baseURI).href)
    .then(m => m.mountSweeps(root))
    .catch(e => {
      const p = document.createElement('p');
      p.className = 'fatal';
      p.setAttribute('role', 'alert');
      p.textContent = `The evidence lab failed to load: ${e.message}`;
      root.append(p);
    }));
  for (const details of root.querySelectorAll('details')) details.addEventListener('toggle', () => { if (details.open) load(); });
  const asked = embed || [...params.keys()].some(k => Object.values(LAB_SWEEP_KEYS).some(s => k.startsWith(s.prefix)));
  if (asked) load();
}
