// PNG of a training figure: the view paints itself again at 2x on a light background, under a title
// and a legend line, over the run's settings line, whatever the page's theme (a figure for a paper or a
// slide). CSV and JSON come from the views themselves.
import { download } from '../export.js';
import { FONT } from '../theme.js';

// The page's light palette (web/style.css :root), fixed for exports.
export const LIGHT = {
  bg: '#ffffff', fg: '#1d232b', muted: '#5d6673', grid: '#dde1e6', panel: '#f5f6f8',
  'col-a': '#d1570e', 'col-b': '#1f6fd1', a: '#d1570e', b: '#1f6fd1', zero: '#7a4fc9', bad: '#c8102e',
};

const SCALE = 2;
const HEAD = 26, FOOT = 22;

// view: anything with size() or element, and paint(ctx, width, height, colors); returns the canvas.
export function figureCanvas(view, { title, settings }) {
  const width = view.size ? view.size().width : Math.max(260, view.element.clientWidth || 600);
  const height = view.size ? view.size().height : (view.spec.height || 240);
  const canvas = document.createElement('canvas');
  canvas.width = width * SCALE;
  canvas.height = (height + HEAD + FOOT) * SCALE;
  const ctx = canvas.getContext('2d');
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = LIGHT.bg;
  ctx.fillRect(0, 0, width, height + HEAD + FOOT);
  ctx.fillStyle = LIGHT.fg;
  ctx.font = `600 13px ${FONT.replace(/^\d+px /, '')}`;
  ctx.textBaseline = 'middle';
  ctx.fillText(title, 8, HEAD / 2 + 2, width - 16);
  ctx.save();
  ctx.translate(0, HEAD);
  view.paint(ctx, width, height, LIGHT);
  ctx.restore();
  ctx.font = `10px ${FONT.replace(/^\d+px /, '')}`;
  ctx.fillStyle = LIGHT.muted;
  ctx.fillText(settings, 8, HEAD + height + FOOT / 2, width - 16);
  return canvas;
}

export function downloadFigurePng(view, meta, filename) {
  figureCanvas(view, meta).toBlob(blob => blob && download(blob, filename), 'image/png');
}
