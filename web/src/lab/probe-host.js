// The training view's hook for the evidence lab's probe figures (probe-lab.js). It owns #t-lab, kept
// hidden until a run has probes (the core's `probes` field: the lab's pairs turn it on) or the link is one
// of the lab's embeds, and then fetches dist/lab-probes.js once (built apart from the page's bundles by
// build-wasm.sh, counted apart from the first download) and hands it every redraw.
import { LAB_EMBED_PAIRS } from './probe-embeds.js';

export { LAB_EMBED_PAIRS };

export class ProbeLabHost {
  // run: the exports' {settingsLines(), source(), words()}; actions: {start(embed), embedSnippet(embed)}
  constructor(element, run, actions) {
    Object.assign(this, { element, run, actions, lab: null, loading: null });
  }

  // state: {stores, previous, configs, pair, embed, ...}: the lab shows when the run or the pair has probes.
  update(state) {
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
