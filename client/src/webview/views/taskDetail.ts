// One task instance explained, beside the Tasks view's list: where its time went (a stacked bar
// and a table), its critical path as sentences that link to the source line and to the timeline,
// its regions and logs, and how its type's slow tail differs from the typical instance.
import { BREAKDOWN_COMPONENTS, COMPONENT_LABELS, type Breakdown, type BreakdownComponent, type PathSegment } from '../../../../common/requestModel';
import type { TaskExplanation } from '../../../../common/taskModel';
import { h, linkButton, type Child } from '../dom';
import { describeSegment, formatCount, formatDuration, formatPercent, siteLabel, siteTitle, taskTypeLabel } from '../format';
import type { ViewContext } from './context';
import { logTable, regionTable } from './instances';
import { explanationFocus } from './showInTimeline';

/** Segments listed before "… and N more": a path through thousands of wakeups stays readable. */
const MAX_SEGMENTS = 100;
/** Child tasks linked in the facts; a fan-out of thousands is summed up after these. */
const CHILDREN_SHOWN = 20;

export interface TaskDetailActions {
  /** Select another instance (the parent task). */
  selectTask(id: number): void;
}

export function taskDetailPane(ctx: ViewContext, explanation: TaskExplanation, actions: TaskDetailActions): Child[] {
  const { task } = explanation;
  const children = explanation.children ?? [];
  const start = ctx.summary.overview.startNs;
  const heading = h('h2', { attrs: { tabindex: -1 } }, `Task ${task.id} “${taskTypeLabel(task.type)}”`,
    task.durationNs === undefined ? ' — unended' : ` — ${formatDuration(task.durationNs)}`);
  const facts = h('dl', { className: 'facts' },
    h('dt', {}, 'Start'), h('dd', {}, task.startNs === undefined ? 'before the trace' : `+${formatDuration(task.startNs - start)}`),
    h('dt', {}, 'End'), h('dd', {}, task.endNs === undefined ? 'still open at the end of the trace' : `+${formatDuration(task.endNs - start)}`),
    h('dt', {}, 'Goroutines'), h('dd', {}, explanation.goroutines.length > 0 ? explanation.goroutines.map((g) => `G${g}`).join(', ') : 'none recorded'),
    task.site && h('dt', {}, 'Created at'), task.site && h('dd', {}, linkButton(siteLabel(task.site), siteTitle(task.site), () => task.site && ctx.reveal(task.site))),
    task.parent > 0 && h('dt', {}, 'Parent'), task.parent > 0 && h('dd', {}, linkButton(`task ${task.parent}`, `Show task ${task.parent}`, () => actions.selectTask(task.parent))),
    children.length > 0 && h('dt', {}, 'Child tasks'),
    children.length > 0 && h('dd', { className: 'child-tasks' }, ...children.slice(0, CHILDREN_SHOWN).flatMap((child, i) => [
      i > 0 ? ', ' : '',
      linkButton(`task ${child.id} “${taskTypeLabel(child.type)}”${child.durationNs === undefined ? '' : ` ${formatDuration(child.durationNs)}`}`, `Show task ${child.id}`, () => actions.selectTask(child.id)),
    ]), children.length > CHILDREN_SHOWN ? ` and ${formatCount(children.length - CHILDREN_SHOWN)} more` : ''),
  );
  return [
    heading,
    h('p', {}, h('button', {
      className: 'show-task-in-timeline', attrs: { type: 'button', title: 'Zoom the timeline to this task, its goroutines pinned and its regions in a lane on top' },
      on: { click: () => ctx.showInTimeline(explanationFocus(ctx, explanation)) },
    }, 'Show in timeline')),
    facts,
    explanation.tail && h('p', { className: 'tail-sentence' }, h('strong', {}, 'Slow tail of “', task.type, '”: '), explanation.tail.sentence),
    explanation.breakdown ? breakdownSection(explanation.breakdown, task.durationNs ?? 0)
      : h('p', { className: 'muted' }, 'No breakdown: the task did not both begin and end in the trace.'),
    criticalPathSection(ctx, explanation),
    explanation.allListed ? null : h('p', { className: 'muted' }, 'This task had more regions or logs than one answer carries; the first ones are listed.'),
    regionTable(ctx, explanation.regions, `Regions of task ${task.id}`, [{
      header: 'Mostly',
      value: (r) => (r.breakdown ? largestShare(r.breakdown).share : -1),
      cell: (r) => {
        if (!r.breakdown) return '–';
        const { component, share } = largestShare(r.breakdown);
        return `${COMPONENT_LABELS[component]} ${formatPercent(share, 1)}`;
      },
    }]),
    logTable(ctx, explanation.logs, `Logs of task ${task.id}`),
  ];
}

/** The component holding most of a breakdown's time, and its share of the whole. */
function largestShare(breakdown: Breakdown): { component: BreakdownComponent; share: number } {
  const total = BREAKDOWN_COMPONENTS.reduce((sum, c) => sum + breakdown[c], 0);
  const component = BREAKDOWN_COMPONENTS.reduce((best, c) => (breakdown[c] > breakdown[best] ? c : best));
  return { component, share: total > 0 ? breakdown[component] / total : 0 };
}

function breakdownSection(breakdown: Breakdown, wallNs: number): HTMLElement {
  const total = wallNs > 0 ? wallNs : BREAKDOWN_COMPONENTS.reduce((sum, c) => sum + breakdown[c], 0);
  const parts = BREAKDOWN_COMPONENTS.filter((c) => breakdown[c] > 0);
  const bar = h('div', { className: 'breakdown-bar', attrs: { role: 'img', 'aria-label': 'Latency breakdown; the table below has the numbers' } },
    ...parts.map((c) => {
      const segment = h('span', { className: `segment component-${c}`, attrs: { title: `${COMPONENT_LABELS[c]}: ${formatDuration(breakdown[c])} (${formatPercent(breakdown[c], total)})` } });
      segment.style.width = `${(100 * breakdown[c]) / Math.max(1, total)}%`;
      return segment;
    }));
  const rows = parts.sort((a, b) => breakdown[b] - breakdown[a]).map((c) => h('tr', {},
    h('th', { attrs: { scope: 'row' } }, h('span', { className: `swatch component-${c}`, attrs: { 'aria-hidden': 'true' } }), ` ${COMPONENT_LABELS[c]}`),
    h('td', { className: 'num' }, formatDuration(breakdown[c])),
    h('td', { className: 'num' }, formatPercent(breakdown[c], total))));
  return h('section', { className: 'breakdown', attrs: { 'aria-label': 'Latency breakdown' } },
    h('h3', {}, 'Where the time went'),
    bar,
    h('table', { className: 'data breakdown-table' },
      h('caption', {}, `Latency breakdown (${formatDuration(total)} of wall time)`),
      h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'Component'), h('th', { attrs: { scope: 'col' }, className: 'num' }, 'Time'), h('th', { attrs: { scope: 'col' }, className: 'num' }, 'Share'))),
      h('tbody', {}, ...rows)));
}

/** The path's time by cause, the three largest: "Mostly 4.09ms blocked on network in db.query (89.8%), 275µs in syscalls in db.query (6.05%), …; the rest 2.1µs." */
export function pathSummary(path: PathSegment[], pathNs: number): string {
  const causes = new Map<string, number>();
  for (const s of path) {
    const cause = `${COMPONENT_LABELS[s.state]}${s.region ? ` in ${s.region}` : ''}`;
    causes.set(cause, (causes.get(cause) ?? 0) + (s.endNs - s.startNs));
  }
  const top = [...causes].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const restNs = pathNs - top.reduce((sum, [, ns]) => sum + ns, 0);
  return `Mostly ${top.map(([cause, ns]) => `${formatDuration(ns)} ${cause} (${formatPercent(ns, pathNs)})`).join(', ')}${causes.size > 3 ? `; the rest ${formatDuration(restNs)}` : ''}.`;
}

function criticalPathSection(ctx: ViewContext, explanation: TaskExplanation): HTMLElement {
  const path = explanation.criticalPath;
  const note = explanation.criticalPathNote && h('p', { className: 'muted' }, explanation.criticalPathNote);
  if (!path || path.length === 0) {
    return h('section', { className: 'critical-path', attrs: { 'aria-label': 'Critical path' } }, h('h3', {}, 'Critical path'),
      note || h('p', { className: 'muted' }, explanation.task.endNs === undefined ? 'An unended task has no critical path.' : 'No critical path was found.'));
  }
  const pathNs = path.reduce((sum, s) => sum + (s.endNs - s.startNs), 0);
  const items = path.slice(0, MAX_SEGMENTS).map((segment) => h('li', { className: 'segment-item' },
    h('span', { className: `swatch component-${segment.state}`, attrs: { 'aria-hidden': 'true' } }), ' ',
    h('span', { className: 'segment-text' }, describeSegment(segment)), ' ',
    segment.site && linkButton(siteLabel(segment.site), siteTitle(segment.site), () => segment.site && ctx.reveal(segment.site, 'frame')), ' ',
    h('button', {
      className: 'link', attrs: { type: 'button', title: 'Zoom the timeline to this segment on its goroutine' },
      on: { click: () => ctx.showInTimeline(explanationFocus(ctx, explanation, { label: `${describeSegment(segment)} (task ${explanation.task.id})`, ...segment })) },
    }, 'timeline')));
  return h('section', { className: 'critical-path', attrs: { 'aria-label': 'Critical path' } },
    h('h3', {}, `Critical path: ${formatDuration(pathNs)} in ${path.length} segment${path.length === 1 ? '' : 's'}, latest first`),
    h('p', { className: 'path-summary' }, pathSummary(path, pathNs)),
    h('ol', { className: 'segments' }, ...items),
    path.length > MAX_SEGMENTS && h('p', { className: 'muted' }, `… and ${path.length - MAX_SEGMENTS} earlier segments.`),
    note);
}
