// Goroutine analysis: goroutines grouped by start function, where their time went.
import type { BlockReason, GoroutineSummary } from '../../../../common/traceModel';
import { h, linkButton } from '../dom';
import { formatCount, formatDuration, siteLabel, siteTitle } from '../format';
import type { ViewContext } from './context';
import { goroutineFocus, timelineColumn } from './showInTimeline';
import { dataTable, type Column } from './table';

const REASONS: BlockReason[] = ['sync', 'net', 'syscall', 'sched', 'other'];
const GOROUTINES_SHOWN = 500;

interface Group { name: string; goroutines: GoroutineSummary[]; runningNs: number; runnableNs: number; syscallNs: number; blockedNs: Record<BlockReason, number> }

function groupByName(goroutines: GoroutineSummary[]): Group[] {
  const groups = new Map<string, Group>();
  for (const g of goroutines) {
    const name = g.name || '(unknown start function)';
    let group = groups.get(name);
    if (!group) {
      group = { name, goroutines: [], runningNs: 0, runnableNs: 0, syscallNs: 0, blockedNs: { sync: 0, net: 0, syscall: 0, sched: 0, other: 0 } };
      groups.set(name, group);
    }
    group.goroutines.push(g);
    group.runningNs += g.runningNs;
    group.runnableNs += g.runnableNs;
    group.syscallNs += g.syscallNs;
    for (const reason of REASONS) group.blockedNs[reason] += g.blockedNs[reason] ?? 0;
  }
  return [...groups.values()];
}

function timeColumns<T>(get: (row: T) => { runningNs: number; runnableNs: number; syscallNs: number; blockedNs: Partial<Record<BlockReason, number>> }): Column<T>[] {
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

export function goroutinesView(ctx: ViewContext): HTMLElement {
  const groups = groupByName(ctx.summary.goroutines);
  const selectedName = ctx.state.selected.goroutines;
  const selected = groups.find((g) => g.name === selectedName);
  const members = selected ? [...selected.goroutines].sort((a, b) => b.runningNs - a.runningNs).slice(0, GOROUTINES_SHOWN) : [];
  return h('div', { className: 'view goroutines' },
    h('h1', {}, 'Goroutines'),
    dataTable<Group>({
      caption: 'Goroutines by start function', rows: groups, key: (g) => g.name, selectedKey: selectedName, sortColumn: 2,
      columns: [
        { header: 'Start function', value: (g) => g.name },
        { header: 'Goroutines', value: (g) => g.goroutines.length, cell: (g) => formatCount(g.goroutines.length), numeric: true },
        ...timeColumns<Group>((g) => g),
      ],
      onActivate: (g) => { ctx.saveState((s) => { s.selected.goroutines = g.name; }); ctx.rerender(); },
      emptyText: 'No goroutines recorded yet.',
    }),
    selected && dataTable<GoroutineSummary>({
      caption: `Goroutines starting in ${selected.name}${selected.goroutines.length > members.length ? ` (top ${members.length} by running time)` : ''}`,
      rows: members, key: (g) => String(g.id), sortColumn: 2,
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
