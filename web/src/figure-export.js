// The export buttons of the page's figures: what each exported image says besides its figure (a title,
// the columns' names and settings, the seed, the link) and how it is made (a canvas grid drawn again at 2x,
// a vector chart drawn again off screen and framed as SVG, then rasterized for the PNG).
import { COLUMNS } from './state.js';
import { ProfileChart } from './views/profile.js';
import { exportButtons, framedCanvas, framedSvg, svgToPng, canvasBlob, PALETTES } from './export.js';
import { settingsLine } from './format.js';

// page: {columnTitle(col), shownState, state, share}: read when an image is made.
export class FigureExports {
  constructor(page) {
    this.page = page;
  }

  frame(title, cols, colors) {
    const page = this.page;
    const s = page.shownState || page.state;
    return {
      title,
      legend: cols.map(c => ({ color: colors[c], label: `${c.toUpperCase()}: ${page.columnTitle(c)}` })),
      lines: [...cols.map(c => `${c.toUpperCase()}: ${settingsLine(s[c])}`), `seed ${s.view.seed}`],
      source: `Layerscope · ${page.share.url(false)}`,
    };
  }

  // name(), title(): read at the click (they follow the tensor on screen); cols: the columns drawn.
  grid(grid, name, title, cols) {
    return exportButtons({
      get name() { return name(); },
      image: async ({ dark }) => {
        const colors = PALETTES[dark ? 'dark' : 'light'];
        const body = grid.renderImage({ width: 720, scale: 2, colors });
        return { png: await canvasBlob(framedCanvas(this.frame(title(), cols, colors), body, { scale: 2, colors })) };
      },
      csv: () => grid.csv(), json: () => grid.json(),
    });
  }

  chart(chart, spec, name, title, chrome = false) {
    return exportButtons({
      chrome, vector: true,
      get name() { return name(); },
      image: async ({ dark, svgOnly }) => {
        const colors = PALETTES[dark ? 'dark' : 'light'];
        // drawn again, off screen, in the export's palette and at a fixed size
        const copy = new ProfileChart(document.createElement('div'), spec, null, { colors, width: 640 });
        copy.update(chart.results);
        const node = copy.svg;
        const cols = COLUMNS.filter(c => chart.results && chart.results[c] && chart.results[c].ok);
        const frame = this.frame(title(), cols, colors);
        frame.lines.push(spec.bands ? 'light band: p5 to p95; dark band: p15 to p85; line: the median'
          : spec.theory && spec.theory.length ? 'solid: measured on this batch; dashed: the mean-field prediction'
            : 'solid: dead (exactly 0); dotted: saturated', ...copy.notes);
        const svg = framedSvg(frame, { markup: node.outerHTML, width: 640, height: Number(node.getAttribute('height')) }, { colors });
        return svgOnly ? { svg: svg.text } : { png: await svgToPng(svg, 2), svg: svg.text };
      },
      csv: () => chart.csv(), json: () => chart.json(),
    });
  }
}
