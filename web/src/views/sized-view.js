// What every view that draws to its element's width shares: the page reads all views' widths before any
// view draws (measure-all, then draw-all), so drawing never forces one layout per view.
export class SizedView {
  constructor(element) {
    this.element = element;
    this.measuredWidth = undefined;
  }

  // Called by the page for every view before any of them draws.
  measure() {
    this.measuredWidth = this.element.clientWidth;
  }

  // The width to draw at: the measured one, used once (or read now when none was measured).
  takeWidth() {
    const w = this.measuredWidth ?? this.element.clientWidth;
    this.measuredWidth = undefined;
    return w;
  }
}
