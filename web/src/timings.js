// Timings for bench/page-bench.mjs, one entry per request or redraw (the newest 50), on this page's
// performance.now() clock: input (the control fired), posted (the request went out; null for a redraw),
// received (its result arrived), drawn (every view updated), frame (the next animation frame began),
// painted (that frame was rendered); worker: the client's {start, sent, run, histograms, between}.
// Each completed entry is also sent as a 'layerscope-painted' event on window.
const timings = window.__layerscopeTimings = [];
let inputAt = null;

// A control fired: the next entry's input time.
export function markInput() {
  inputAt = performance.now();
}

// id: the request's id, or null for a redraw of the last result.
export function newTiming(id) {
  const now = performance.now();
  const timing = { id, input: inputAt ?? now, posted: id === null ? null : now };
  inputAt = null;
  timings.push(timing);
  if (timings.length > 50) timings.shift();
  return timing;
}

export function timingFor(id) {
  return timings.find(t => t.id === id) || { id };
}

// afterPaint(timing) runs once the frame showing the drawing is rendered.
export function markDrawn(timing, afterPaint) {
  timing.drawn = performance.now();
  // rAF runs just before the frame's style, layout and paint; a task posted from it runs after them.
  requestAnimationFrame(() => {
    timing.frame = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      timing.painted = performance.now();
      if (afterPaint) afterPaint(timing);
      window.dispatchEvent(new CustomEvent('layerscope-painted', { detail: timing }));
    };
    channel.port2.postMessage(null);
  });
}
