// The heatmap of one layer's distribution over the steps (x = step on the chosen step axis, y = value on
// the chosen value axis, shade = share of the report's values in that row), and its colour scale.
import { resample } from './distribution-axes.js';

const VALUE_ROWS = 64;  // resolution along the value axis
// The shade is sqrt(share / the report's fullest row): thin tails stay visible next to a sharp peak.
const shade = fraction => Math.sqrt(Math.max(0, Math.min(1, fraction)));
// Where the colour scale puts its ticks: fractions of the report's fullest row.
const SCALE_TICKS = [0, 0.1, 0.25, 0.5, 1];

// '#rrggbb' or 'rgb(r, g, b)' -> [r, g, b]
export function parseColor(c) {
  const s = String(c).trim();
  if (s.startsWith('#') && s.length >= 7) return [1, 3, 5].map(i => parseInt(s.slice(i, i + 2), 16));
  const m = s.match(/\d+(\.\d+)?/g);
  return m && m.length >= 3 ? m.slice(0, 3).map(Number) : [128, 128, 128];
}

const mix = (bg, fg, t) => bg.map((v, k) => Math.round(v + (fg[k] - v) * t));

// Each pixel column of the plot shows the report nearest to it on the step axis, so a log step axis
// widens the early reports as it does on the line charts.
function reportForColumns(reports, stepAxis, columns) {
  const out = new Int32Array(columns);
  const at = reports.map(r => stepAxis.pos(r.step));
  let j = 0;
  for (let px = 0; px < columns; px++) {
    const p = (px + 0.5) / columns;
    while (j + 1 < at.length && Math.abs(at[j + 1] - p) <= Math.abs(at[j] - p)) j++;
    out[px] = j;
  }
  return out;
}

// box: {x, y, width, height} of the plot in the context's coordinates.
export function paintHeatmap(ctx, { reports, layer, valueAxis, stepAxis, box, color, colors }) {
  const columns = Math.max(1, Math.round(box.width));
  const shares = reports.map(r => {
    const s = resample(r, layer, valueAxis, VALUE_ROWS);
    let max = 0;
    for (const v of s) max = Math.max(max, v);
    return s.map(v => (max > 0 ? v / max : 0));
  });
  const pick = reportForColumns(reports, stepAxis, columns);
  const off = document.createElement('canvas');
  off.width = columns;
  off.height = VALUE_ROWS;
  const octx = off.getContext('2d');
  const img = octx.createImageData(columns, VALUE_ROWS);
  const fg = parseColor(color), bg = parseColor(colors.bg);
  for (let px = 0; px < columns; px++) {
    const column = shares[pick[px]];
    for (let row = 0; row < VALUE_ROWS; row++) {
      const rgb = mix(bg, fg, shade(column[row]));
      const o = ((VALUE_ROWS - 1 - row) * columns + px) * 4;
      img.data.set([rgb[0], rgb[1], rgb[2], 255], o);
    }
  }
  octx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, box.x, box.y, box.width, box.height);
}

// The colour scale: a line saying what the shade means, then a bar from the background to the column's
// colour with the shares it stands for (y: the top of the line; 40 px in all). Returns the tick labels.
export function paintColourScale(ctx, { x, y, width, labelWidth, color, colors }) {
  ctx.fillStyle = colors.muted;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText('shade: share of the step\'s fullest value row (square-root scale)', x, y + 6, labelWidth);
  y += 14;
  const fg = parseColor(color), bg = parseColor(colors.bg);
  const steps = 32, h = 8;
  for (let i = 0; i < steps; i++) {
    const rgb = mix(bg, fg, (i + 0.5) / steps);
    ctx.fillStyle = `rgb(${rgb.join(',')})`;
    ctx.fillRect(x + (i / steps) * width, y, width / steps + 0.5, h);
  }
  ctx.strokeStyle = colors.muted;
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, y + 0.5, width, h);
  ctx.fillStyle = colors.muted;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  for (const f of SCALE_TICKS) {
    const px = x + shade(f) * width;
    ctx.beginPath();
    ctx.moveTo(px, y + h);
    ctx.lineTo(px, y + h + 3);
    ctx.stroke();
    ctx.fillText(`${Math.round(f * 100)}%`, px, y + h + 4);
  }
  return SCALE_TICKS.map(f => `${Math.round(f * 100)}%`);
}
