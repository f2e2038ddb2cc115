// "Show in timeline" on task, region and goroutine rows: the timeline zoomed to
// the instance, its goroutines' lanes pinned under the GC lane, its spans outlined.
import type { TaskExplanation } from '../../../../common/taskModel';
import type { GoroutineSummary, RegionInstance } from '../../../../common/traceModel';
import type { Child } from '../dom';
import { linkButton } from '../dom';
import type { TimelineFocus } from '../messages';
import type { ViewContext } from './context';
import type { Column } from './table';

/** A column whose cell is a "Show in timeline" button for the row. */
export function timelineColumn<T>(ctx: ViewContext, focusOf: (row: T) => TimelineFocus | Promise<TimelineFocus>): Column<T> {
  return {
    header: 'Timeline',
    value: () => '',
    cell: (row): Child => linkButton('Show in timeline', 'Zoom the timeline to this, with its goroutines pinned', () => {
      void Promise.resolve(focusOf(row)).then((focus) => ctx.showInTimeline(focus));
    }),
  };
}

/** Known bounds of an instance, the trace's where one is missing (begun before or still open at the end of the capture). */
function bounds(ctx: ViewContext, x: { startNs?: number; endNs?: number }): { startNs: number; endNs: number } {
  const o = ctx.summary.overview;
  return { startNs: x.startNs ?? o.startNs, endNs: x.endNs ?? o.endNs };
}

export function regionFocus(ctx: ViewContext, region: RegionInstance): TimelineFocus {
  const span = bounds(ctx, region);
  return { label: `region “${region.type}” on G${region.goroutine}`, ...span, goroutines: [region.goroutine], highlight: [{ goroutine: region.goroutine, ...span }] };
}

export function goroutineFocus(ctx: ViewContext, g: GoroutineSummary): TimelineFocus {
  const span = bounds(ctx, { startNs: g.startNs >= 0 ? g.startNs : undefined, endNs: g.endNs });
  return { label: `goroutine G${g.id}${g.name ? ` ${g.name}` : ''}`, ...span, goroutines: [g.id], highlight: [{ goroutine: g.id, ...span }] };
}

/** Critical-path goroutines pinned beside the task's own at most: a long chain through a worker pool stays readable. */
const MAX_PATH_GOROUTINES = 12;

/**
 * A task instance from the Tasks view: its goroutines pinned with those on its critical path (the
 * ones that woke it: a child task's, a worker's), its regions and path segments outlined on them,
 * and its regions drawn together in a task lane above the others; `within` narrows the window (a
 * critical-path segment).
 */
export function explanationFocus(ctx: ViewContext, explanation: TaskExplanation, within?: { label: string; goroutine: number; startNs: number; endNs: number }): TimelineFocus {
  const { task } = explanation;
  const regions = explanation.regions.map((r) => ({ type: r.type, goroutine: r.goroutine, ...bounds(ctx, r) }));
  const taskLane = { label: `task ${task.id} “${task.type}”`, regions };
  if (within) {
    return { label: within.label, startNs: within.startNs, endNs: within.endNs, goroutines: [within.goroutine], highlight: [{ goroutine: within.goroutine, startNs: within.startNs, endNs: within.endNs }], taskLane };
  }
  const span = bounds(ctx, task);
  const path = explanation.criticalPath ?? [];
  const others = [...new Set(path.map((s) => s.goroutine))].filter((g) => !explanation.goroutines.includes(g)).slice(0, MAX_PATH_GOROUTINES);
  const goroutines = [...explanation.goroutines, ...others];
  const highlight = [
    ...regions.map(({ goroutine, startNs, endNs }) => ({ goroutine, startNs, endNs })),
    ...path.filter((s) => others.includes(s.goroutine)).map(({ goroutine, startNs, endNs }) => ({ goroutine, startNs, endNs })),
  ];
  if (highlight.length === 0) highlight.push(...explanation.goroutines.map((goroutine) => ({ goroutine, ...span })));
  return { label: taskLane.label, ...span, goroutines, highlight, taskLane };
}
