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

type Activity = NonNullable<PackedLane['activity']>;

/** A series' stacked bars as paths in bucket units (x: bucket index, y: pixels down from the lane's top). */
interface ActivityPaths { height: number; running: Path2D; runnable: Path2D; blocked: Path2D }

// A series is three rectangles per bucket, thousands per lane, and panning redraws every frame: each fetched
// series becomes paths once, and a frame only places them.
const activityPaths = new WeakMap<Activity, ActivityPaths>();

/**
 * Draws a group's summary lane: per bucket, bars of the average number of goroutines running,
 * runnable and blocked, stacked and scaled to the lane's height by the group's largest total in the fetched series.
 */
export function drawActivity(g: CanvasRenderingContext2D, lane: PackedLane, x: (ns: number) => number, top: number, height: number,
  left: number, right: number, colors: ActivityColors): void {
  const a = lane.activity;
  if (!a || a.running.length === 0) return;
  let paths = activityPaths.get(a);
  if (!paths || paths.height !== height) {
    paths = stackedPaths(a, height);
    activityPaths.set(a, paths);
  }
  const x0 = x(a.startNs);
  g.save();
  g.beginPath();
  g.rect(left, top, right - left, height);
  g.clip();
  g.translate(x0, top);
  g.scale(x(a.startNs + a.widthNs) - x0, 1);
  g.fillStyle = colors.running;
  g.fill(paths.running);
  g.fillStyle = colors.runnable;
  g.fill(paths.runnable);
  g.fillStyle = colors.waiting;
  g.fill(paths.blocked);
  g.restore();
}

/** Running at the bottom, then runnable, then blocked; one unit wide per bucket. */
function stackedPaths(a: Activity, height: number): ActivityPaths {
  let peak = 0;
  for (let i = 0; i < a.running.length; i++) peak = Math.max(peak, a.running[i] + a.runnable[i] + a.blocked[i]);
  const scale = peak === 0 ? 0 : height / peak;
  const base = new Float64Array(a.running.length);
  const layer = (values: number[]): Path2D => {
    const path = new Path2D();
    for (let i = 0; i < values.length; i++) {
      if (values[i] <= 0) continue;
      const h0 = values[i] * scale;
      path.rect(i, height - base[i] - h0, 1, h0);
      base[i] += h0;
    }
    return path;
  };
  return { height, running: layer(a.running), runnable: layer(a.runnable), blocked: layer(a.blocked) };
}
