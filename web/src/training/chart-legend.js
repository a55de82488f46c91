// The legend of a line chart (line-chart.js): one entry per labelled curve, in rows that fit the width,
// above the plot at its top margin; painted into any 2-D context (the page's canvas or an export's SVG).
import { FONT } from '../theme.js';

// Legend entries laid out in rows that fit the width: [{series, x, row}], and the number of rows.
export function legendLayout(ctx, width, series, margin) {
  ctx.font = FONT;
  const entries = [];
  let lx = 4, row = 0;
  for (const s of series) {
    if (!s.label) continue;
    const w = 28 + ctx.measureText(s.label).width;
    if (lx > 4 && margin.left + lx + w - 8 > width - margin.right) { lx = 4; row++; }
    entries.push({ s, x: margin.left + lx, row });
    lx += w;
  }
  return { entries, rows: entries.length ? row + 1 : 0 };
}

// The legend, top left: one entry per drawn curve that has a label.
export function paintLegend(ctx, legend, colors, margin) {
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const { s, x: lx, row } of legend.entries) {
    const ly = margin.top - 13 + 14 * row;
    ctx.strokeStyle = colors[s.color] || s.color;  // a palette key or a colour
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    ctx.moveTo(lx, ly);
    ctx.lineTo(lx + 16, ly);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = colors.fg;
    ctx.fillText(s.label, lx + 20, ly);
  }
}
