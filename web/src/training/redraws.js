// When the training view draws: report-driven redraws at most `perSecond` times a second, from an
// animation frame (never inside a handler); a control the user moved (urgent) on the next frame, so it
// answers at once. And which views are on screen: only those draw (a frame that re-rasters 15 canvases is
// a frame a control waits for); one scrolling in asks for a redraw at once.
export class Redraws {
  constructor(draw, perSecond) {
    Object.assign(this, { draw, perSecond, pending: false, last: 0 });
  }

  request(urgent = false) {
    if (this.pending && !urgent) return;
    clearTimeout(this.timer);
    cancelAnimationFrame(this.frame);
    this.pending = true;
    const wait = urgent ? 0 : Math.max(0, 1000 / this.perSecond - (performance.now() - this.last));
    const frame = () => {
      this.frame = requestAnimationFrame(() => {
        this.pending = false;
        this.last = performance.now();
        this.draw();
      });
    };
    if (wait > 0) this.timer = setTimeout(frame, wait);
    else frame();
  }

  // elements: those of the drawn views (or within 300 px of the screen); returns the live set on screen.
  watch(elements) {
    const onScreen = new Set();
    const observer = new IntersectionObserver(entries => {
      let arrived = false;
      for (const e of entries) {
        if (e.isIntersecting) { arrived ||= !onScreen.has(e.target); onScreen.add(e.target); }
        else onScreen.delete(e.target);
      }
      if (arrived) this.request(true);
    }, { rootMargin: '300px 0px' });
    for (const element of elements) observer.observe(element);
    return onScreen;
  }
}
