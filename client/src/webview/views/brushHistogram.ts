// The Tasks view's latency histogram with a brush: drag over the bars (or use the arrow keys
// with Shift) to keep only the instances in that duration range. The bars always show the
// distribution without the range, so the brush can be moved anywhere.
import { h } from '../dom';
import { formatCount, formatDuration } from '../format';

export interface DurationRange { minNs?: number; maxNs?: number }

/** Bucket i covers [bounds[i], bounds[i+1]); the last may be open. Ranges are inclusive ns: [bounds[lo], bounds[hi+1] - 1]. */
function rangeOf(boundsNs: number[], lo: number, hi: number): DurationRange {
  const upper = boundsNs[hi + 1];
  return { minNs: boundsNs[lo], maxNs: upper === undefined ? undefined : upper - 1 };
}

function bucketInRange(boundsNs: number[], i: number, range: DurationRange): boolean {
  if (range.minNs === undefined && range.maxNs === undefined) return false;
  const lo = boundsNs[i] ?? 0;
  const hi = boundsNs[i + 1] ?? Infinity;
  return hi > (range.minNs ?? 0) && lo <= (range.maxNs ?? Infinity);
}

export function describeRange(range: DurationRange): string {
  if (range.minNs === undefined && range.maxNs === undefined) return 'any duration';
  if (range.maxNs === undefined) return `at least ${formatDuration(range.minNs ?? 0)}`;
  return `${formatDuration(range.minNs ?? 0)} – ${formatDuration(range.maxNs + 1)}`;
}

/** One element for the view's life: updates keep the bars' focus and the keyboard cursor. */
export class BrushHistogram {
  readonly element: HTMLElement;
  private readonly bars: HTMLElement;
  private readonly axis: HTMLElement;
  private readonly caption: HTMLElement;
  /** Says which bucket the keyboard cursor is on. */
  private readonly live = h('span', { className: 'visually-hidden', attrs: { role: 'status' } });
  private boundsNs: number[] = [];
  private counts: number[] = [];
  private range: DurationRange = {};
  private buckets: HTMLElement[] = [];
  private dragAnchor?: number;
  private keyAnchor?: number;
  private keyCursor = 0;

  /** onRange: a new range; both ends undefined clears it. */
  constructor(private readonly label: string, private readonly onRange: (range: DurationRange) => void) {
    this.bars = h('ol', {
      className: 'bars brushable',
      attrs: { tabindex: 0, role: 'group', 'aria-label': `${label}. Drag over the bars, or Shift with the arrow keys, to keep a duration range; Escape clears it.` },
    });
    this.axis = h('div', { className: 'axis', attrs: { 'aria-hidden': 'true' } });
    this.caption = h('figcaption', {});
    this.element = h('figure', { className: 'histogram brush-histogram' }, this.bars, this.axis, this.caption, this.live);
    this.bars.addEventListener('pointerdown', (event) => {
      if (this.counts.length === 0 || event.button !== 0) return;
      this.dragAnchor = this.bucketAt(event.clientX);
      this.bars.setPointerCapture(event.pointerId);
      this.preview(this.dragAnchor, this.dragAnchor);
      event.preventDefault();
    });
    this.bars.addEventListener('pointermove', (event) => {
      if (this.dragAnchor === undefined) return;
      const at = this.bucketAt(event.clientX);
      this.preview(Math.min(this.dragAnchor, at), Math.max(this.dragAnchor, at));
    });
    this.bars.addEventListener('pointerup', (event) => {
      if (this.dragAnchor === undefined) return;
      const at = this.bucketAt(event.clientX);
      const [lo, hi] = [Math.min(this.dragAnchor, at), Math.max(this.dragAnchor, at)];
      this.dragAnchor = undefined;
      this.onRange(rangeOf(this.boundsNs, lo, hi));
    });
    this.bars.addEventListener('pointercancel', () => { this.dragAnchor = undefined; this.preview(-1, -1); });
    this.bars.addEventListener('keydown', (event) => this.onKey(event));
  }

  update(histogram: { boundsNs: number[]; counts: number[] }, range: DurationRange): void {
    this.boundsNs = histogram.boundsNs;
    this.counts = histogram.counts;
    this.range = range;
    const max = Math.max(1, ...this.counts);
    const ranged = this.ranged;
    this.buckets = this.counts.map((count, i) => {
      const bar = h('span', { className: 'bar', attrs: { 'aria-hidden': 'true' } });
      bar.style.height = `${count === 0 ? 0 : Math.max(2, (100 * count) / max)}%`;
      const inRange = bucketInRange(this.boundsNs, i, range);
      const className = `bucket${inRange ? ' in-range' : ''}${ranged && !inRange ? ' out-of-range' : ''}${i === this.keyCursor && this.keyAnchor !== undefined ? ' cursor' : ''}`;
      return h('li', { className, attrs: { title: this.bucketLabel(i), 'data-bucket': i } }, bar, h('span', { className: 'visually-hidden' }, this.bucketLabel(i)));
    });
    this.bars.replaceChildren(...this.buckets);
    const { boundsNs } = this;
    // Five ticks at bucket edges, so a drag can aim at a duration.
    const n = this.counts.length;
    const edges = n === 0 ? [] : [...new Set([0, 1, 2, 3, 4].map((j) => Math.round((n * j) / 4)))].filter((k) => boundsNs[k] !== undefined);
    this.axis.replaceChildren(...edges.map((k) => {
      const tick = h('span', { className: `tick${k === 0 ? ' first' : k === n ? ' last' : ''}` }, formatDuration(boundsNs[k]));
      tick.style.left = `${(100 * k) / n}%`;
      return tick;
    }));
    this.caption.replaceChildren(`${this.label} — range: ${describeRange(range)} `,
      ranged ? h('button', { attrs: { type: 'button' }, on: { click: () => this.onRange({}) } }, 'Clear range') : '');
  }

  private get ranged(): boolean { return this.range.minNs !== undefined || this.range.maxNs !== undefined; }

  private bucketLabel(i: number): string {
    const { boundsNs } = this;
    return `${formatDuration(boundsNs[i] ?? 0)} – ${boundsNs[i + 1] !== undefined ? formatDuration(boundsNs[i + 1]) : '∞'}: ${formatCount(this.counts[i])}`;
  }

  private bucketAt(clientX: number): number {
    const rect = this.bars.getBoundingClientRect();
    return Math.max(0, Math.min(this.counts.length - 1, Math.floor(((clientX - rect.left) / Math.max(1, rect.width)) * this.counts.length)));
  }

  private preview(lo: number, hi: number): void {
    this.buckets.forEach((bucket, i) => bucket.classList.toggle('brushing', i >= lo && i <= hi));
  }

  /** ←/→ move a cursor bucket, Shift extends the range from where it started, Escape clears. */
  private onKey(event: KeyboardEvent): void {
    const n = this.counts.length;
    if (n === 0) return;
    if (event.key === 'Escape') {
      if (!this.ranged) return;
      event.preventDefault();
      this.keyAnchor = undefined;
      this.onRange({});
      return;
    }
    const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, Home: -n, End: n };
    if (!(event.key in step)) return;
    event.preventDefault();
    if (!event.shiftKey) this.keyAnchor = undefined;
    else if (this.keyAnchor === undefined) this.keyAnchor = this.keyCursor;
    this.keyCursor = Math.max(0, Math.min(n - 1, this.keyCursor + step[event.key]));
    this.buckets.forEach((bucket, i) => bucket.classList.toggle('cursor', i === this.keyCursor));
    this.live.textContent = this.bucketLabel(this.keyCursor);
    if (this.keyAnchor !== undefined) this.onRange(rangeOf(this.boundsNs, Math.min(this.keyAnchor, this.keyCursor), Math.max(this.keyAnchor, this.keyCursor)));
  }
}
