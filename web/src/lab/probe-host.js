// The training view's hook for the evidence lab's probe figures (probe-lab.js). It owns #t-lab (and the
// sentence under the scrubber, #t-first-steps: step 0 against 1, 10, 100 updates), #t-lab kept
// hidden until a run has probes (the core's `probes` field: the lab's pairs turn it on) or the link is one
// of the lab's embeds, and then fetches dist/lab-probes.js once (built apart from the page's bundles by
// build-wasm.sh, counted apart from the first download) and hands it every redraw.
import { LAB_EMBED_PAIRS } from './probe-embeds.js';
import { firstStepsText } from './probe-first-steps.js';
import { PAIRS } from '../training/settings.js';
import { embedSnippet, shareText } from '../training/share-links.js';

// The hook as the training controller mounts it (controller: its settings, embed, runPair, requestDraw):
// an embed of a lab figure trains that figure's pair (unless the link names another), with the link's steps.
export function mountProbeLab(controller, run) {
  const c = controller;
  if (LAB_EMBED_PAIRS[c.embed] && !new URLSearchParams(location.search).has('t.preset')) c.settings.preset = LAB_EMBED_PAIRS[c.embed];
  return new ProbeLabHost(document.getElementById('t-lab'), run, {
    loaded: () => c.requestDraw(true),
    start: () => c.runPair(c.settings.preset, c.settings),
    // the noisy pair's figure is the covariate-shift one: its embed trains the noisy pair
    embedSnippet: target => shareText(embedSnippet(c.table, c.settings, c.settings.preset === 'lab-noisy' && target === 'ics' ? 'noisy' : target,
      `${PAIRS[c.settings.preset]?.title ?? 'an evidence-lab figure'}, trained in your browser`)),
  });
}

export class ProbeLabHost {
  // run: the exports' {settingsLines(), source(), words()}; actions: {start(embed), embedSnippet(embed)}
  constructor(element, run, actions) {
    Object.assign(this, { element, run, actions, lab: null, loading: null });
  }

  // embed=ics, noisy, smoothness, rank: that figure alone (training.css, lab-probes.css)
  applyEmbed(embed) {
    document.body.classList.toggle('t-embed-lab', embed in LAB_EMBED_PAIRS);
    document.body.dataset.labEmbed = embed in LAB_EMBED_PAIRS ? embed : '';
  }

  // state: {stores, previous, configs, pair, embed, ...}: the lab shows when the run or the pair has probes.
  // Under the scrubber, for any run: step 0 against 1, 10 and 100 updates, once the run has those steps.
  update(state) {
    const early = firstStepsText(state.stores), p = document.getElementById('t-first-steps');
    if (p.textContent !== early) Object.assign(p, { textContent: early, hidden: !early });
    const wanted = Boolean(state.configs.b?.probes || state.configs.a?.probes || state.pair?.probes || state.embed in LAB_EMBED_PAIRS);
    this.element.hidden = !wanted;
    this.state = state;
    if (!wanted) return;
    if (this.lab) this.lab.update(state);
    else this.load();
  }

  load() {
    // A run-time URL: esbuild leaves it to the browser, so the lab is its own file, fetched on first use.
    this.loading ??= import(new URL('./lab-probes.js', import.meta.url).href).then(m => {
      const css = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: new URL('./lab-probes.css', import.meta.url).href });
      document.head.append(css);
      this.lab = new m.ProbeLab(this.element, this.run, this.actions);
      this.lab.update(this.state);
      this.element.dataset.loaded = 'true';
      this.actions.loaded();
    }).catch(e => {
      this.element.textContent = `The evidence lab's figures failed to load: ${e.message}`;
    });
  }

  draw() {
    this.lab?.draw();
  }
}
