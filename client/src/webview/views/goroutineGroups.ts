// Goroutine lanes grouped by start function on the timeline: which groups are expanded, the search
// box (a goroutine id or part of a function name), and the summary lane of a group drawn as
// stacked counts of its goroutines running, runnable and blocked. The server orders the lanes
// (TimelineQuery.groups), so 300,000 goroutines arrive as a few dozen summary lanes.
import type { PackedLane, TimelineQuery } from '../../../../common/traceModel';
import { h } from '../dom';

/** Saved with getState/setState so a reopened timeline keeps its groups. */
export interface GroupingState { expanded: string[]; search: string }

export interface ActivityColors { running: string; runnable: string; waiting: string }

export class GoroutineGrouping {
  readonly element: HTMLElement;
  private readonly expanded: Set<string>;
  private search: string;
  private readonly input: HTMLInputElement;

  /** `changed` runs after every change of grouping, with the state to save. */
  constructor(saved: GroupingState | undefined, private readonly changed: (state: GroupingState) => void) {
    this.expanded = new Set(saved?.expanded ?? []);
    this.search = saved?.search ?? '';
    this.input = h('input', {
      className: 'timeline-search',
      attrs: { type: 'search', placeholder: 'Goroutine id or function', 'aria-label': 'Find a goroutine by id or start function', value: this.search },
    }) as HTMLInputElement;
    this.input.value = this.search;
    this.input.addEventListener('input', () => {
      this.search = this.input.value;
      this.notify();
    });
    this.element = this.input;
  }

  /** What the server needs to order the lanes. */
  query(): NonNullable<TimelineQuery['groups']> {
    return { expanded: [...this.expanded], search: this.search.trim() || undefined };
  }

  /** Expands or collapses a group lane's goroutines; true if the lane was a group lane. */
  toggle(lane: PackedLane): boolean {
    if (lane.group === undefined) return false;
    if (this.expanded.has(lane.group.name)) this.expanded.delete(lane.group.name);
    else this.expanded.add(lane.group.name);
    this.notify();
    return true;
  }

  private notify(): void {
    this.changed({ expanded: [...this.expanded], search: this.search });
  }
}

/**
 * Draws a group's summary lane: per bucket, bars of the average number of goroutines running,
 * runnable and blocked, stacked and scaled to the lane's height by the group's largest total in view.
 */
export function drawActivity(g: CanvasRenderingContext2D, lane: PackedLane, x: (ns: number) => number, top: number, height: number,
  left: number, right: number, colors: ActivityColors): void {
  const a = lane.activity;
  if (!a) return;
  let peak = 0;
  for (let i = 0; i < a.running.length; i++) peak = Math.max(peak, a.running[i] + a.runnable[i] + a.blocked[i]);
  if (peak === 0) return;
  const scale = height / peak;
  const layers: [number[], string][] = [[a.running, colors.running], [a.runnable, colors.runnable], [a.blocked, colors.waiting]];
  const base = new Float64Array(a.running.length);
  for (const [values, color] of layers) {
    g.fillStyle = color;
    g.beginPath();
    for (let i = 0; i < values.length; i++) {
      if (values[i] <= 0) continue;
      const x0 = Math.max(left, x(a.startNs + i * a.widthNs));
      const x1 = Math.min(right, x(a.startNs + (i + 1) * a.widthNs));
      if (x1 < left || x0 > right) continue;
      const h0 = values[i] * scale;
      g.rect(x0, top + height - base[i] - h0, Math.max(1, x1 - x0), h0);
      base[i] += h0;
    }
    g.fill();
  }
}
