// Downloads: images that explain themselves (title, legend, the settings of both columns, the link, at 2x
// and on a light background unless dark is asked for), SVG where the chart is vector, and the numbers
// behind a figure as CSV and JSON.
import { PALETTES, FONT_FAMILY } from './theme.js';

export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadText(text, filename, type) {
  download(new Blob([text], { type }), filename);
}

function canvasBlob(canvas) {
  return new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
}

const PAD = 14, TITLE = 16, LINE = 15;

// The frame around a figure: {title, legend: [{label, color}], lines: [text], source}. Both the canvas
// and the SVG composer lay it out the same way: title, legend, settings lines, the figure, the link.
// One legend entry a line: a column's name can be long, and a line of its own never runs off the image.
function headerHeight(frame) {
  return PAD + TITLE + 6 + frame.legend.length * LINE + frame.lines.length * LINE + 6;
}

// A canvas figure ({canvas, width, height} drawn at `scale`) framed into a new canvas at the same scale.
export function framedCanvas(frame, body, { scale = 2, colors = PALETTES.light } = {}) {
  const width = Math.max(body.width + 2 * PAD, 480);
  const top = headerHeight(frame);
  const height = top + body.height + LINE + PAD;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = colors.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'top';
  ctx.fillStyle = colors.fg;
  ctx.font = `600 ${TITLE - 2}px ${FONT_FAMILY}`;
  ctx.fillText(frame.title, PAD, PAD);
  let y = PAD + TITLE + 6;
  ctx.font = `12px ${FONT_FAMILY}`;
  for (const item of frame.legend) {
    ctx.fillStyle = item.color;
    ctx.fillRect(PAD, y + 3, 12, 8);
    ctx.fillStyle = colors.fg;
    ctx.fillText(item.label, PAD + 16, y);
    y += LINE;
  }
  ctx.fillStyle = colors.muted;
  ctx.font = `11px ${FONT_FAMILY}`;
  for (const line of frame.lines) { ctx.fillText(line, PAD, y); y += LINE; }
  ctx.drawImage(body.canvas, PAD, top, body.width, body.height);
  ctx.fillText(frame.source, PAD, top + body.height + 4);
  return canvas;
}

const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// A vector figure (the outer markup of an <svg> of width x height, nested as it is: it keeps its own
// font and viewBox) framed into one standalone SVG.
export function framedSvg(frame, body, { colors = PALETTES.light } = {}) {
  const width = Math.max(body.width + 2 * PAD, 480);
  const top = headerHeight(frame);
  const height = top + body.height + LINE + PAD;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(FONT_FAMILY)}">`,
    `<rect width="${width}" height="${height}" fill="${colors.bg}"/>`,
    `<text x="${PAD}" y="${PAD + 12}" font-size="${TITLE - 2}" font-weight="600" fill="${colors.fg}">${esc(frame.title)}</text>`,
  ];
  let y = PAD + TITLE + 6;
  for (const item of frame.legend) {
    parts.push(`<rect x="${PAD}" y="${y + 3}" width="12" height="8" fill="${item.color}"/>`,
      `<text x="${PAD + 16}" y="${y + 10}" font-size="12" fill="${colors.fg}">${esc(item.label)}</text>`);
    y += LINE;
  }
  for (const line of frame.lines) {
    parts.push(`<text x="${PAD}" y="${y + 10}" font-size="11" fill="${colors.muted}">${esc(line)}</text>`);
    y += LINE;
  }
  parts.push(`<g transform="translate(${PAD},${top})">${body.markup}</g>`,
    `<text x="${PAD}" y="${top + body.height + 14}" font-size="11" fill="${colors.muted}">${esc(frame.source)}</text>`,
    '</svg>');
  return { text: parts.join('\n'), width, height };
}

// SVG text -> image (a blob: URL, allowed by img-src) -> canvas at `scale` -> PNG blob.
export function svgToPng(svg, scale = 2) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(new Blob([svg.text], { type: 'image/svg+xml' }));
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = svg.width * scale;
      canvas.height = svg.height * scale;
      const ctx = canvas.getContext('2d');
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, svg.width, svg.height);
      URL.revokeObjectURL(url);
      canvasBlob(canvas).then(resolve);
    };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error('the SVG could not be rasterized')); };
    img.src = url;
  });
}

// A row of export buttons for a figure: {name, image({dark}) -> Promise<{png: Blob, svg?: text}>,
// vector (has an SVG), csv(), json()}. The "dark" box asks for the page's dark palette instead of light.
export function exportButtons(figure) {
  const div = document.createElement('div');
  div.className = figure.chrome ? 'export chrome' : 'export';
  const add = (label, title, action) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.title = title;
    b.setAttribute('aria-label', `${title}: ${figure.name}`);
    b.addEventListener('click', action);
    div.appendChild(b);
    return b;
  };
  const darkLabel = document.createElement('label');
  darkLabel.className = 'export-dark';
  const dark = document.createElement('input');
  dark.type = 'checkbox';
  dark.setAttribute('aria-label', `Dark background for the images of ${figure.name}`);
  darkLabel.append(dark, ' dark');
  darkLabel.title = 'Images on a dark background (default: light, for pasting into documents)';
  add('PNG', 'Download image (2x, with title, legend and settings)', async () => {
    const image = await figure.image({ dark: dark.checked });
    download(image.png, `${figure.name}.png`);
  });
  if (figure.vector) {
    add('SVG', 'Download vector image (with title, legend and settings)', async () => {
      const image = await figure.image({ dark: dark.checked, svgOnly: true });
      downloadText(image.svg, `${figure.name}.svg`, 'image/svg+xml');
    });
  }
  add('CSV', 'Download numbers as CSV', () => downloadText(figure.csv(), `${figure.name}.csv`, 'text/csv'));
  add('JSON', 'Download numbers as JSON', () =>
    downloadText(JSON.stringify(figure.json(), null, 1), `${figure.name}.json`, 'application/json'));
  div.appendChild(darkLabel);
  return div;
}

export { canvasBlob, PALETTES };
