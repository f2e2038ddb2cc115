// Pieces of the timeline around its lanes: the time axis, the colour legend,
// the lane scrollbar, and the geometry of a span clipped to the plot. Kept
// apart from timeline.ts so that the lane drawing stays one readable loop.
import { h } from '../dom';
import { formatDuration } from '../format';

/** Height of the time axis above the lanes, in CSS pixels. */
export const AXIS_HEIGHT = 18;

/**
 * The x extent of a span clipped to the plot [left, right]: both ends clipped, so a span that
 * starts left of the window is as wide as its visible part (not its whole length from the edge).
 */
export function clippedSpan(x0: number, x1: number, left: number, right: number): { x: number; width: number } | undefined {
  const from = Math.max(left, x0);
  const to = Math.min(right, x1);
  return to < from ? undefined : { x: from, width: to - from };
}

/** Tick step for about one label per `minSpacingPx`: 1, 2 or 5 times a power of ten nanoseconds. */
export function tickStepNs(spanNs: number, widthPx: number, minSpacingPx = 90): number {
  const rough = (spanNs * minSpacingPx) / Math.max(1, widthPx);
  const power = 10 ** Math.floor(Math.log10(Math.max(1, rough)));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough) ?? 10 * power;
}

export interface AxisColors { background: string; foreground: string; grid: string; fontFamily: string }

/**
 * Draws the time axis across the plot: ticks at round offsets from the trace start, labelled
 * "+1.2 s", and faint grid lines down through the lanes.
 */
export function drawAxis(g: CanvasRenderingContext2D, view: { startNs: number; endNs: number; traceStartNs: number; left: number; width: number; height: number }, colors: AxisColors): void {
  const { startNs, endNs, traceStartNs, left, width, height } = view;
  const plot = width - left;
  const nsPerPx = (endNs - startNs) / Math.max(1, plot);
  const step = tickStepNs(endNs - startNs, plot);
  g.fillStyle = colors.background;
  g.fillRect(left, 0, plot, AXIS_HEIGHT);
  g.font = `10px ${colors.fontFamily}`;
  g.textBaseline = 'middle';
  const first = Math.ceil((startNs - traceStartNs) / step) * step;
  for (let offset = first; traceStartNs + offset <= endNs; offset += step) {
    const x = Math.round(left + (traceStartNs + offset - startNs) / nsPerPx) + 0.5;
    g.fillStyle = colors.grid;
    g.fillRect(x, AXIS_HEIGHT, 1, height - AXIS_HEIGHT);
    g.fillStyle = colors.foreground;
    g.fillRect(x, AXIS_HEIGHT - 5, 1, 5);
    g.fillText(`+${formatDuration(offset)}`, x + 3, AXIS_HEIGHT / 2 - 1);
  }
  g.fillStyle = colors.grid;
  g.fillRect(left, AXIS_HEIGHT - 1, plot, 1);
}

/** What each colour on the timeline means, drawn from the same colours as the canvas. */
export function legend(entries: { label: string; color: string; title: string }[]): HTMLElement {
  return h('ul', { className: 'timeline-legend', attrs: { 'aria-label': 'Colour legend' } },
    ...entries.map(({ label, color, title }) => {
      const swatch = h('span', { className: 'swatch', attrs: { 'aria-hidden': 'true' } });
      swatch.style.background = color; // CSSOM, not a style attribute: allowed by the CSP
      return h('li', { attrs: { title } }, swatch, label);
    }));
}

/** "lanes 3–40 of 2,000", or what there is while nothing is placed yet. */
export function laneRangeText(first: number, last: number, total: number, format: (n: number) => string): string {
  if (total <= 1) return 'no lanes yet';
  if (last < first) return `lanes from ${format(first)} of ${format(total - 1)}`;
  return `lanes ${format(first)}–${format(last)} of ${format(total - 1)}`;
}

/**
 * A native vertical scrollbar for the lanes (which the canvas draws by index, not by scrolling):
 * a thin overflow box whose content is as tall as all lanes at a nominal height.
 */
export class LaneScrollbar {
  readonly element: HTMLElement;
  private readonly content: HTMLElement;

  /** onScroll gets the lane the user scrolled to the top (1 = the first lane under the pinned GC lane). */
  constructor(private readonly lanePx: number, onScroll: (firstLane: number) => void) {
    this.content = h('div', { className: 'lane-scroll-content' });
    this.element = h('div', { className: 'lane-scrollbar', attrs: { 'aria-hidden': 'true' } }, this.content);
    this.element.addEventListener('scroll', () => onScroll(1 + Math.round(this.element.scrollTop / this.lanePx)));
  }

  /** The last update's arguments: every frame calls update, and reading clientHeight then would lay the page out each time. */
  private shown: { lanes: number; firstLane: number } | undefined;

  /** Sizes the content for `lanes` scrollable lanes and shows `firstLane` at the top (its own scroll event then changes nothing). */
  update(lanes: number, firstLane: number): void {
    if (this.shown?.lanes === lanes && this.shown.firstLane === firstLane) return;
    this.shown = { lanes, firstLane };
    this.content.style.height = `${Math.max(0, lanes) * this.lanePx + this.element.clientHeight}px`;
    const top = (firstLane - 1) * this.lanePx;
    if (Math.abs(this.element.scrollTop - top) >= 1) this.element.scrollTop = top;
  }

  /** The view's height changed: the next update sizes the content again. */
  resized(): void {
    this.shown = undefined;
  }
}
