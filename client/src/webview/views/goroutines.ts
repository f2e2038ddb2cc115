// Goroutine analysis: every goroutine grouped by start function (as go tool trace's Goroutines
// page), where their time went; a group lists its goroutines with the most running time.
import type { BlockReason, GoroutineGroup, GoroutineSummary, GoroutineTimes } from '../../../../common/traceModel';
import { h, linkButton } from '../dom';
import { formatCount, formatDuration, siteLabel, siteTitle } from '../format';
import type { ViewContext } from './context';
import { goroutineFocus, timelineColumn } from './showInTimeline';
import { dataTable, type Column } from './table';

/** Blocked time by class; 'sched' is not among them: a goroutine's sched wait is its runnable time. */
const REASONS: BlockReason[] = ['sync', 'net', 'syscall', 'other'];
const UNNAMED = '(unknown start function)';

function timeColumns<T>(get: (row: T) => GoroutineTimes): Column<T>[] {
  return [
    { header: 'Running', value: (r) => get(r).runningNs, cell: (r) => formatDuration(get(r).runningNs), numeric: true },
    { header: 'Runnable (sched wait)', value: (r) => get(r).runnableNs, cell: (r) => formatDuration(get(r).runnableNs), numeric: true },
    { header: 'Syscall', value: (r) => get(r).syscallNs, cell: (r) => formatDuration(get(r).syscallNs), numeric: true },
    ...REASONS.map((reason): Column<T> => ({
      header: `Blocked: ${reason}`, numeric: true,
      value: (r) => get(r).blockedNs[reason] ?? 0, cell: (r) => formatDuration(get(r).blockedNs[reason] ?? 0),
    })),
  ];
}

/** What the member table lists, said when it is not every goroutine of the group. */
function membersCaption(group: GoroutineGroup): string {
  const name = group.name || UNNAMED;
  const all = `${formatCount(group.count)} goroutine${group.count === 1 ? '' : 's'} starting in ${name}`;
  return group.members.length < group.count
    ? `${all}: the ${formatCount(group.members.length)} with the most running time (the group's sums above count all ${formatCount(group.count)})`
    : all;
}

export function goroutinesView(ctx: ViewContext): HTMLElement {
  const groups = ctx.summary.goroutineGroups;
  const selectedName = ctx.state.selected.goroutines;
  const selected = groups.find((g) => g.name === selectedName);
  return h('div', { className: 'view goroutines' },
    h('h1', {}, 'Goroutines'),
    dataTable<GoroutineGroup>({
      caption: 'Goroutines by start function', rows: groups, key: (g) => g.name, selectedKey: selectedName, sortColumn: 3,
      columns: [
        { header: 'Start function', value: (g) => g.name || UNNAMED },
        { header: 'Goroutines', value: (g) => g.count, cell: (g) => formatCount(g.count), numeric: true },
        { header: 'Alive', value: (g) => g.live, cell: (g) => formatCount(g.live), numeric: true },
        ...timeColumns<GoroutineGroup>((g) => g),
      ],
      onActivate: (g) => { ctx.saveState((s) => { s.selected.goroutines = g.name; }); ctx.rerender(); },
      emptyText: 'No goroutines recorded yet.',
    }),
    selected && dataTable<GoroutineSummary>({
      caption: membersCaption(selected), rows: selected.members, key: (g) => String(g.id), sortColumn: 2,
      columns: [
        { header: 'Goroutine', value: (g) => g.id, numeric: true },
        {
          header: 'Created at', value: (g) => (g.createdAt ? siteLabel(g.createdAt) : ''),
          cell: (g) => (g.createdAt ? linkButton(siteLabel(g.createdAt), siteTitle(g.createdAt), () => g.createdAt && ctx.reveal(g.createdAt, 'frame')) : '–'),
        },
        ...timeColumns<GoroutineSummary>((g) => g),
        timelineColumn<GoroutineSummary>(ctx, (g) => goroutineFocus(ctx, g)),
      ],
      onActivate: (g) => g.createdAt && ctx.reveal(g.createdAt, 'frame'),
    }));
}
