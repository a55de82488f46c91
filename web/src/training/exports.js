// The training view's downloads, made by the page's one exporter (export.js): each view paints itself
// again into a recording SVG context (svg-context.js) in the export's palette, export.js frames it with a
// title, the columns' legend, the run's settings lines and the link, and rasterizes that SVG for the PNG.
// So every training figure has PNG and SVG, and both show the same drawing as the page.
import { exportButtons, framedSvg, svgToPng, PALETTES } from '../export.js';
import { SvgContext } from './svg-context.js';
import { settingsLines } from './settings.js';

export const COLUMN_NAMES = { a: 'A: without batch norm', b: 'B: with batch norm' };

// A view ({size(), paint(ctx, width, height, colors)}) as SVG markup, at its size on the page or `size`.
export function viewSvg(view, colors, size = view.size()) {
  const { width, height } = size;
  const ctx = new SvgContext();
  view.paint(ctx, width, height, colors);
  return { markup: ctx.markup(width, height), width, height };
}

// run: {settingsLines(): [text], source(): text} read at the click.
export function trainingFrame(run, title, colors, extraLines = []) {
  return {
    title: `Layerscope · ${title}`,
    legend: Object.entries(COLUMN_NAMES).map(([col, label]) => ({ color: colors[col], label })),
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

// The buttons of one view: the figure is the view as drawn, its numbers the view's own.
export function viewButtons(view, name, title, run) {
  return figureButtons({
    name,
    body: colors => viewSvg(view, colors),
    frame: colors => trainingFrame(run, title, colors),
    csv: () => view.csv(),
    json: () => ({ settings: run.settingsLines(), ...view.json() }),
  });
}

// "Download the whole run": the settings, both columns' configs and every kept report. run: the PairRunner.
export function runJson(settings, run) {
  return {
    layerscope: 'training run', settings, settingsLines: settingsLines(run.configs), runSeconds: run.seconds(),
    columns: Object.fromEntries(['a', 'b'].map(c => [c, run.stores[c].toJSON()])),
  };
}
