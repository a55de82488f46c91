// Entry of the evidence lab's sweeps (bundled to dist/lab-sweeps.js; sweep-mount.js loads it when a reader
// opens one of them or a link asks for one). It mounts the learning-rate sweep and the depth sweep into
// their <details> of the training view's lab section, each with a client of its own, and the lab's styles.
import { startCoreChecks } from '../core-checks.js';
import { sharedTooltip } from '../views/tooltip.js';
import { onThemeChange } from '../theme.js';
import { SweepExperiment } from './sweep-experiment.js';
import { SweepClient } from './sweep-client.js';
import { LearningRateSweep } from './sweep-lr.js';
import { DepthSweep } from './sweep-depth.js';

export async function mountSweeps(root) {
  if (!document.querySelector('link[href="lab-sweeps.css"]'))
    document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: 'lab-sweeps.css' }));
  await startCoreChecks();  // this bundle's state.js checks values by the core's rule too
  const tooltip = sharedTooltip();
  const experiments = [new LearningRateSweep(root.querySelector('#lab-lr'), new SweepClient(), tooltip),
    new DepthSweep(root.querySelector('#lab-depth'), new SweepClient(), tooltip)];
  SweepExperiment.mountAll(root, experiments);
  onThemeChange(() => { for (const e of experiments) e.draw(); });  // the charts' colours are the theme's
  // for tests and the benchmark: read only
  window.__layerscopeLab = Object.fromEntries(experiments.map(e => [e.sweep, e]));
  return experiments;
}
