// An axis of the depth-profile charts (views/profile.js), drawn into an SVG group and updated in place:
// ticks at `values` along `scale`, each a short line and a label, and the axis line over the scale's range.
// A redraw keeps the elements of every tick whose value stays and writes an attribute or a label only when
// it changes. After a depth change most labels are the same and only their positions move; writing every
// label again (as d3-axis does on each call) makes the browser lay out and shape each text anew, on six
// charts per change. The elements are those d3-axis makes (g.tick > line + text, path.domain), so the
// exports and their look are unchanged.
import { setAttributes, setText, svgChild as child } from './dom.js';

const TICK_LENGTH = 6;   // px, the ticks and the axis line's ends
const LABEL_GAP = 3;     // px between a tick's end and its label

// group: an SVG <g>; side: 'bottom' (labels under a horizontal axis) or 'left';
// format: value -> label; color: the lines' and labels' colour.
export function drawAxis(g, { side, scale, values, format, color }) {
  const bottom = side === 'bottom';
  // Half a pixel puts 1-px lines on whole device pixels at a device pixel ratio of 1.
  const offset = globalThis.devicePixelRatio > 1 ? 0 : 0.5;
  setAttributes(g, { fill: 'none', 'font-size': 10, 'font-family': 'sans-serif', 'text-anchor': bottom ? 'middle' : 'end' });
  const [r0, r1] = scale.range().map(r => r + offset);
  const domain = g.querySelector(':scope > path.domain') || child(g, 'path', { class: 'domain' });
  setAttributes(domain, {
    stroke: color,
    d: bottom ? `M${r0},${TICK_LENGTH}V${offset}H${r1}V${TICK_LENGTH}` : `M${-TICK_LENGTH},${r0}H${offset}V${r1}H${-TICK_LENGTH}`,
  });
  const kept = new Map();
  for (const tick of g.querySelectorAll(':scope > g.tick')) kept.set(tick.tickValue, tick);
  for (const value of values) {
    let tick = kept.get(value);
    if (tick) kept.delete(value);
    else tick = newTick(g, value, bottom);
    const at = scale(value) + offset;
    setAttributes(tick, { transform: bottom ? `translate(${at},0)` : `translate(0,${at})` });
    setAttributes(tick.firstChild, { stroke: color });
    setAttributes(tick.lastChild, { fill: color });
    setText(tick.lastChild, String(format(value)));
  }
  for (const gone of kept.values()) gone.remove();
}

function newTick(g, value, bottom) {
  const tick = child(g, 'g', { class: 'tick', opacity: 1 });
  tick.tickValue = value;
  const end = bottom ? { y2: TICK_LENGTH } : { x2: -TICK_LENGTH };
  child(tick, 'line', end);
  const reach = TICK_LENGTH + LABEL_GAP;
  child(tick, 'text', bottom ? { y: reach, dy: '0.71em' } : { x: -reach, dy: '0.32em' });
  return tick;
}
