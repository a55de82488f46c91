// The training view's downloads, made by the page's one exporter (export.js): each view paints itself
// again into a recording SVG context (svg-context.js) in the export's palette, export.js frames it with a
// title, the columns' legend, the run's settings lines and the link, and rasterizes that SVG for the PNG.
// So every training figure has PNG and SVG, and both show the same drawing as the page.
import { exportButtons, framedSvg, svgToPng, PALETTES } from '../export.js';
import { SvgContext } from './svg-context.js';
import { settingsLines } from './settings.js';
import { runFileJson } from '../run-file.js';

// What each column is, for legends, titles and captions: whether it normalizes, read from its config
// (the presets: A without batch norm, B with it; a pair the reader built may have both or neither).
// configs: {a, b}, null before a run (the presets' words). alike: both say the same, so only the letters
// tell them apart. activation: the one both columns use ('relu'), 'activation' where they differ, or
// undefined before there are configs.
const NORMALIZATION_WORDS = { none: 'without batch norm', batch: 'with batch norm', per_sample: 'with per-sample normalization' };
export function columnWords(configs) {
  const a = NORMALIZATION_WORDS[configs.a?.normalization ?? 'none'], b = NORMALIZATION_WORDS[configs.b?.normalization ?? 'batch'];
  const [fa, fb] = [configs.a?.activation, configs.b?.activation];
  return { a, b, alike: a === b, activation: fa && fb && fa !== fb ? 'activation' : fa ?? fb };
}

// A view ({size(), paint(ctx, width, height, colors)}) as SVG markup, at its size on the page or `size`.
export function viewSvg(view, colors, size = view.size()) {
  const { width, height } = size;
  const ctx = new SvgContext();
  view.paint(ctx, width, height, colors);
  return { markup: ctx.markup(width, height), width, height };
}

// run: {settingsLines(): [text], source(): text, words(): columnWords} read at the click.
export function trainingFrame(run, title, colors, extraLines = []) {
  return {
    title: `Layerscope · ${title}`,
    legend: ['a', 'b'].map(col => ({ color: colors[col], label: `${col.toUpperCase()}: ${run.words()[col]}` })),
    lines: [...run.settingsLines(), ...extraLines],
    source: run.source(),
  };
}

// The export buttons of one figure. figure: {name, body(colors) -> {markup, width, height}, frame(colors),
// csv(), json()}.
export function figureButtons(figure) {
  return exportButtons({
    chrome: true, vector: true, name: `layerscope-training-${figure.name}`,
    image: async ({ dark, svgOnly }) => {
      const colors = PALETTES[dark ? 'dark' : 'light'];
      const svg = framedSvg(figure.frame(colors), figure.body(colors), { colors });
      return svgOnly ? { svg: svg.text } : { png: await svgToPng(svg, 2), svg: svg.text };
    },
    csv: figure.csv, json: figure.json,
  });
}

// The buttons of one view: the figure is the view as drawn, its numbers the view's own. title: text, or a
// function read at the click (a title that follows the run).
export function viewButtons(view, name, title, run) {
  return figureButtons({
    name,
    body: colors => viewSvg(view, colors),
    frame: colors => trainingFrame(run, typeof title === 'function' ? title() : title, colors),
    csv: () => view.csv(),
    json: () => ({ settings: run.settingsLines(), ...view.json() }),
  });
}

// "Download the whole run": the settings, both columns' configs, every kept report and, of the steps a file
// keeps them, what the core redraws their histograms from (the workers' kept arrays; a saved run's own).
// run: the PairRunner or a saved run. Its format, and the reader that opens it again, are run-file.js's.
// builtFrom: the init view's pair a run of the built pair was built from (built-pair.js pairOnScreen), or null.
export async function runJson(settings, run, builtFrom = null) {
  const kept = run.keptArrays ? await run.keptArrays() : {};
  return runFileJson({ settings, settingsLines: settingsLines(run.configs), runSeconds: run.seconds(), stores: run.stores, kept, builtFrom });
}
