// Entry of the training view (bundled to dist/training.js, loaded by its own <script type="module">).
// It only finds the view's section and hands it to the controller once the core's checks are up; the
// init-time page (app.js) neither loads nor needs anything of it.
import { TrainingController } from './training/controller.js';
import { startCoreChecks } from './core-checks.js';
import { useCorePresets, useCorePairs } from './training/settings.js';
import { stateTable } from './state.js';
import { useCoreTrainable } from './training/built-pair.js';
import { mountSavedRuns } from './saved-run.js';
import { mountLabSweeps } from './lab/sweep-mount.js';

// The controller reads its URL settings with the core's rule and ranges (core-checks.js: the instance
// the init-time page made, or one of its own if that page is not there).
async function start() {
  const root = document.getElementById('training');
  if (!root) return;
  try {
    const core = await startCoreChecks();
    useCorePresets(core.trainingPresets);
    useCorePairs(core.trainingPairs, (pair, a, b) => core.pairCaption(pair, a, b));
    useCoreTrainable(core);
    mountSavedRuns(new TrainingController(root, stateTable(core.schema, core.presets)));  // "Open a saved run": file picker, drop, run=
    mountLabSweeps(document.getElementById('lab'));  // the evidence lab's sweeps: fetched when opened
  } catch (e) {
    root.hidden = false;
    const p = document.createElement('p');
    p.className = 'fatal';
    p.setAttribute('role', 'alert');
    p.textContent = `The training view failed to start: ${e.message}`;
    root.prepend(p);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
