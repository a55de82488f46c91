// Entry of the training view (bundled to dist/training.js, loaded by its own <script type="module">).
// It only finds the view's section and hands it to the controller; the init-time page (app.js) neither
// loads nor needs anything of it.
import { TrainingController } from './training/controller.js';

function start() {
  const root = document.getElementById('training');
  if (!root) return;
  try {
    new TrainingController(root);
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
