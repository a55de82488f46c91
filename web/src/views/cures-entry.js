// The "Four cures at depth 50" section's code, fetched on first use as dist/lab-cures.js (build-wasm.sh
// bundles it on its own and counts it apart from the first download): cures-hook.js imports it when the
// section is opened (its button, or a link with cures= or embed=cures).
import { startCoreChecks } from '../core-checks.js';
import { TENSORS } from '../state.js';
import { onThemeChange } from '../theme.js';
import { CURES, CURE_TENSORS, curesUrl } from './cures-common.js';
import { CuresProfiles } from './cures-profiles.js';
import { CuresTrained } from './cures-trained.js';

const $ = id => document.getElementById(id);

// The section's body (index.html keeps only its heading and button: the first download stays small).
// Static markup, no values in it; parsed, not assigned as HTML, so nothing runs.
const BODY = `
  <p class="cures-explain">Each line is one network's std per layer at initialisation, on one batch of 1,000 samples
    from the same seed; dashed, the core's mean-field prediction where it has one. Plain: Xavier normal and ReLU; the
    cures: batch norm or layer norm after each ReLU, residual connections h = h + g/sqrt(50), SELU with LeCun normal weights.</p>
  <div class="cures-tools"><label for="cures-tensor">Tensor</label> <select id="cures-tensor"></select>
    <span class="chrome"><button type="button" id="cures-link">Copy link</button> <button type="button" id="cures-embed">Embed</button></span></div>
  <textarea id="cures-share" class="chrome" rows="2" readonly spellcheck="false" aria-label="Link or embed code" hidden></textarea>
  <figure id="cures-profile" class="cures-figure" aria-label="Std per layer of the five networks"></figure>
  <div id="cures-trained" class="cures-trained">
    <h3>Trained on MNIST, one after the other</h3>
    <div class="cures-trained-tools chrome"><label for="cures-steps">Steps each</label>
      <input id="cures-steps" type="number" min="10" max="20000" step="10" value="2000">
      <button type="button" id="cures-train">Train here</button></div>
    <p class="cures-trained-status" role="status"></p>
    <div class="cures-trained-charts"></div>
    <p class="cures-trained-caption t-caption" role="status"></p>
  </div>`;

// section: #cures; tooltip: the page's readout; state: cures-common.js curesState of the URL.
export async function openCures(section, tooltip, state) {
  const body = $('cures-body');
  body.replaceChildren(...new DOMParser().parseFromString(`<body>${BODY}</body>`, 'text/html').body.childNodes);
  body.hidden = false;
  $('cures-open').hidden = true;
  const status = $('cures-status');
  if (state.notice) status.textContent = state.notice;
  const core = await startCoreChecks();
  const configs = Object.fromEntries(CURES.map(c => [c.key, core.presets.find(p => p.name === c.preset).config]));
  const settings = () => [`presets: ${CURES.map(c => c.preset).join(', ')}`,
    `50 layers of 100, batch ${configs.plain.batch}, seed ${configs.plain.seed}`];
  const source = () => `Layerscope · ${curesUrl(select.value)}`;
  const select = $('cures-tensor');
  select.replaceChildren(...CURE_TENSORS.map(k => new Option(TENSORS[k].label, k)));
  select.value = state.tensor;
  const profiles = new CuresProfiles($('cures-profile'), tooltip, { frameLines: settings, source });
  const recipe = CURES.map(c => core.trainingPresets.find(p => p.name === c.preset).config);
  const trainedLines = () => [`training presets: ${CURES.map(c => c.preset).join(', ')}`,
    `MNIST, batch ${recipe[0].batch}, ${recipe[0].optimizer}, learning rate ${CURES.map((c, i) => `${recipe[i].learning_rate} (${c.key})`).join(', ')}, seed ${recipe[0].seed}`];
  const trained = new CuresTrained($('cures-trained'), { frameLines: trainedLines, source });
  section.dataset.state = 'computing';
  status.textContent = 'Running the five networks…';
  const results = await profiles.compute(configs).catch(e => { status.textContent = `The five networks could not run: ${e.message}`; return null; });
  if (results) {
    profiles.show(results, select.value);
    status.textContent = state.notice ?? '';
    section.dataset.state = 'drawn';
  }
  select.addEventListener('change', () => {
    profiles.show(results, select.value);
    history.replaceState(null, '', curesUrl(select.value));
  });
  shareButtons(() => select.value);
  $('cures-train').addEventListener('click', () => {
    const steps = Math.max(10, Math.min(20000, Math.round(Number($('cures-steps').value)) || 2000));
    trained.trainHere(steps);
  });
  // A redraw on a new theme or width, in the next frame: drawing changes the height, never the width, so a
  // width watch cannot loop (the page's own figures do the same, main.js).
  let frame = 0, width = 0;
  const redraw = () => { cancelAnimationFrame(frame); frame = requestAnimationFrame(() => { profiles.redraw(); trained.draw(); }); };
  onThemeChange(redraw);
  new ResizeObserver(entries => {
    const w = Math.round(entries.at(-1).contentRect.width);
    if (w !== width) { width = w; redraw(); }
  }).observe(body);
  await trained.loadSaved();
}

// "Copy link" and "Embed" of the section: its URL state, and an iframe of embed=cures.
function shareButtons(tensor) {
  const field = $('cures-share');
  const showText = text => {
    field.value = text;
    field.hidden = false;
    field.select();
    navigator.clipboard?.writeText(text).catch(() => {});
  };
  $('cures-link').addEventListener('click', () => showText(curesUrl(tensor())));
  $('cures-embed').addEventListener('click', () => showText(
    `<iframe src="${curesUrl(tensor(), { embed: true })}" width="700" height="560" title="Four cures at depth 50 (Layerscope)" loading="lazy"></iframe>`));
}
