// Downloads: PNG of a canvas or an SVG, CSV and JSON of the numbers behind a figure.
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

export function canvasPng(canvas, filename) {
  canvas.toBlob(blob => blob && download(blob, filename), 'image/png');
}

// SVG -> image (blob: URL, allowed by img-src) -> canvas at device resolution -> PNG.
export function svgPng(svg, filename) {
  const w = Number(svg.getAttribute('width')), h = Number(svg.getAttribute('height'));
  const text = new XMLSerializer().serializeToString(svg);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  const img = new Image();
  img.onload = () => {
    const scale = Math.max(2, window.devicePixelRatio || 1);
    const canvas = document.createElement('canvas');
    canvas.width = w * scale;
    canvas.height = h * scale;
    const ctx = canvas.getContext('2d');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, w, h);
    URL.revokeObjectURL(url);
    canvasPng(canvas, filename);
  };
  img.src = url;
}

// A row of export buttons for a figure: {png(), csv(), json(), name}.
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
  };
  add('PNG', 'Download image', () => figure.png(`${figure.name}.png`));
  add('CSV', 'Download numbers as CSV', () => downloadText(figure.csv(), `${figure.name}.csv`, 'text/csv'));
  add('JSON', 'Download numbers as JSON', () =>
    downloadText(JSON.stringify(figure.json(), null, 1), `${figure.name}.json`, 'application/json'));
  return div;
}
