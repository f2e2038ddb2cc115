// Region and log tables (the Regions view's instances, a task's regions and logs in the Tasks
// view), with source links and "Show in timeline".
import type { InstanceList, InstanceQuery, LogInstance, RegionInstance } from '../../../../common/traceModel';
import { h, linkButton, replaceChildren, type Child } from '../dom';
import { formatCount, formatDuration, siteLabel, siteTitle } from '../format';
import type { ViewContext } from './context';
import { regionFocus, timelineColumn } from './showInTimeline';
import { dataTable, type Column } from './table';

/** A section that fills itself once the server answers. */
function loading<T>(promise: Promise<T>, render: (value: T) => Child[]): HTMLElement {
  const section = h('section', { className: 'instances', attrs: { 'aria-live': 'polite', 'aria-busy': 'true' } }, h('p', { className: 'muted' }, 'Loading instances…'));
  promise.then(
    (value) => { section.setAttribute('aria-busy', 'false'); replaceChildren(section, ...render(value)); },
    (error: unknown) => { section.setAttribute('aria-busy', 'false'); replaceChildren(section, h('p', { className: 'error' }, `Could not load instances: ${String(error)}`)); },
  );
  return section;
}

export function instanceSection(ctx: ViewContext, query: InstanceQuery): HTMLElement {
  return loading(ctx.query({ kind: 'instances', query }), (list) => {
    const where = query.site ? ` at ${siteLabel({ function: '', ...query.site })}` : '';
    return [regionTable(ctx, list.instances as RegionInstance[], `Regions “${query.type}”${where}: ${describe(list)}`)];
  });
}

function describe(list: InstanceList<unknown>): string {
  const shown = list.instances.length;
  if (shown === list.total) return `${formatCount(shown)}, slowest first`;
  return `${formatCount(shown)} of ${formatCount(list.total)} (the slowest and an even sample of the rest)`;
}

/** extra: columns after the duration (the Tasks view adds where each region's time went). */
export function regionTable<R extends RegionInstance>(ctx: ViewContext, regions: R[], caption: string, extra: Column<R>[] = []): HTMLElement {
  return dataTable<R>({
    caption, rows: regions, key: (r) => `${r.goroutine}/${r.startNs}/${r.depth}/${r.type}`,
    columns: [
      { header: 'Region', value: (r) => r.type, cell: (r) => `${'· '.repeat(r.depth)}${r.type}` },
      { header: 'Goroutine', value: (r) => r.goroutine, numeric: true },
      startColumn<R>(ctx), durationColumn<R>(), ...extra, siteColumn<R>(ctx),
      timelineColumn<R>(ctx, (r) => regionFocus(ctx, r)),
    ],
    onActivate: (r) => r.site && ctx.reveal(r.site),
    emptyText: 'No regions.',
  });
}

export function logTable(ctx: ViewContext, logs: LogInstance[], caption: string): HTMLElement {
  const start = ctx.summary.overview.startNs;
  return dataTable<LogInstance>({
    caption, rows: logs, key: (l) => `${l.goroutine}/${l.timeNs}`,
    columns: [
      { header: 'Time', value: (l) => l.timeNs, cell: (l) => `+${formatDuration(l.timeNs - start)}`, numeric: true },
      { header: 'Goroutine', value: (l) => l.goroutine, numeric: true },
      { header: 'Category', value: (l) => l.category },
      { header: 'Message', value: (l) => l.message },
      siteColumn<LogInstance>(ctx),
    ],
    onActivate: (l) => l.site && ctx.reveal(l.site),
    emptyText: 'No logs.',
  });
}

type Timed = { startNs?: number; durationNs?: number };

function startColumn<T extends Timed>(ctx: ViewContext): Column<T> {
  const start = ctx.summary.overview.startNs;
  return {
    header: 'Start', numeric: true,
    value: (x) => x.startNs ?? -Infinity,
    cell: (x) => (x.startNs === undefined ? 'before the trace' : `+${formatDuration(x.startNs - start)}`),
  };
}

function durationColumn<T extends Timed>(): Column<T> {
  return {
    header: 'Duration', numeric: true,
    value: (x) => x.durationNs ?? -1,
    cell: (x) => (x.durationNs === undefined ? 'incomplete' : formatDuration(x.durationNs)),
  };
}

function siteColumn<T extends { site?: { function: string; file: string; line: number } }>(ctx: ViewContext): Column<T> {
  return {
    header: 'Call site',
    value: (x) => (x.site ? siteLabel(x.site) : ''),
    cell: (x) => (x.site ? linkButton(siteLabel(x.site), siteTitle(x.site), () => x.site && ctx.reveal(x.site)) : '–'),
  };
}
