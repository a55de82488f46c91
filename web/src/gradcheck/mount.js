// "Check gradients" in the first download: only this. The panel (panel.js, its client and table code) is
// bundled apart as dist/gradcheck-panel.js and fetched, like the check's worker and wasm module, on the first
// press; that press then runs the check. The networks are read here, from the page's own state, at each press.
import { columnConfig } from '../state.js';

const COLUMNS = ['a', 'b'];

export function mountGradientCheck(page) {
  const root = document.getElementById('gradcheck');
  const run = root?.querySelector('#gc-run');
  if (!run) return;
  const configs = () => Object.fromEntries(COLUMNS.map(c => [c, columnConfig(page.state, c)]));
  const title = col => document.getElementById(`title-${col}`)?.textContent ?? col.toUpperCase();
  run.addEventListener('click', async () => {
    run.disabled = true;
    try {
      const { mountGradientCheckPanel } = await import(new URL('./gradcheck-panel.js', import.meta.url).href);
      mountGradientCheckPanel(root, configs, title).check();
    } catch (e) {
      root.querySelector('#gc-verdict').textContent = `The gradient check could not load: ${e.message}`;
    } finally {
      run.disabled = false;
    }
  }, { once: true });
}
