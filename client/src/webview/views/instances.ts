// Instance tables (slowest first), loaded on demand from the language
// server, and the drill-down from a task to its regions and logs.
import type { InstanceList, InstanceQuery, LogInstance, RegionInstance, TaskDetail, TaskInstance } from '../../../../common/traceModel';
import { h, linkButton, replaceChildren, type Child } from '../dom';
import { formatCount, formatDuration, siteLabel, siteTitle } from '../format';
import type { ViewContext } from './context';
import { regionFocus, taskFocus, timelineColumn } from './showInTimeline';
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
    const caption = `${query.kind === 'task' ? 'Tasks' : 'Regions'} “${query.type}”${where}: ${describe(list)}`;
    if (query.kind === 'region') return [regionTable(ctx, list.instances as RegionInstance[], caption)];
    const detail = h('div', { className: 'task-detail' });
    /** Shows a task's detail where the user looks: scrolled into view, its heading focused (the list above can be long). */
    const showTask = (task: TaskRef, reveal = true): void => {
      ctx.saveState((s) => { s.selected.task = String(task.id); });
      replaceChildren(detail, loading(ctx.query({ kind: 'task', id: task.id, parent: task.listedBy }), (d) => {
        if (reveal) {
          requestAnimationFrame(() => {
            detail.querySelector<HTMLElement>('h3')?.focus({ preventScroll: true });
            detail.scrollIntoView({ block: 'start' });
          });
        }
        return taskDetail(ctx, d, showTask);
      }));
    };
    const tasks = list.instances as TaskInstance[];
    const table = dataTable<TaskInstance>({
      caption, rows: tasks, key: (t) => String(t.id), selectedKey: ctx.state.selected.task,
      columns: [
        { header: 'Task ID', value: (t) => t.id, numeric: true },
        startColumn<TaskInstance>(ctx), durationColumn<TaskInstance>(),
        { header: 'Goroutines', value: (t) => t.goroutines.length, cell: (t) => t.goroutines.join(', '), numeric: true },
        siteColumn<TaskInstance>(ctx), timelineColumn<TaskInstance>(ctx, (t) => taskFocus(ctx, t)),
      ],
      onActivate: showTask,
    });
    const previous = tasks.find((t) => String(t.id) === ctx.state.selected.task);
    if (previous) showTask(previous, false);
    return [table, detail];
  });
}

function describe(list: InstanceList<unknown>): string {
  const shown = list.instances.length;
  if (shown === list.total) return `${formatCount(shown)}, slowest first`;
  return `${formatCount(shown)} of ${formatCount(list.total)} (the slowest and an even sample of the rest)`;
}

/** A task to show; listedBy is the task whose detail listed it as a child (which keeps its detail). */
interface TaskRef { id: number; listedBy?: number }

function taskDetail(ctx: ViewContext, detail: TaskDetail | null, showTask: (task: TaskRef) => void): Child[] {
  if (!detail) return [h('p', { className: 'muted' }, 'This task is not in the trace (only the slowest tasks and a sample of the rest are kept).')];
  const { task } = detail;
  return [
    h('h3', { attrs: { tabindex: -1 } }, `Task ${task.id} “${task.type}”`, task.durationNs === undefined ? ' (incomplete in this trace)' : ` — ${formatDuration(task.durationNs)}`),
    task.parent > 0 ? h('p', {}, 'Child of ', linkButton(`task ${task.parent}`, `Show task ${task.parent}`, () => showTask({ id: task.parent })), '.') : null,
    detail.allChildrenKept ? null : h('p', { className: 'muted' }, 'This task had more regions, logs or child tasks than the viewer keeps per task; some are left out.'),
    dataTable<TaskInstance>({
      caption: `Child tasks of task ${task.id}`, rows: detail.children, key: (t) => String(t.id),
      columns: [
        { header: 'Task ID', value: (t) => t.id, numeric: true },
        { header: 'Type', value: (t) => t.type },
        startColumn<TaskInstance>(ctx), durationColumn<TaskInstance>(),
        { header: 'Goroutines', value: (t) => t.goroutines.length, cell: (t) => t.goroutines.join(', '), numeric: true },
        timelineColumn<TaskInstance>(ctx, (t) => taskFocus(ctx, t, task.id)),
      ],
      onActivate: (t) => showTask({ id: t.id, listedBy: task.id }),
      emptyText: 'No child tasks.',
    }),
    regionTable(ctx, detail.regions, `Regions in task ${task.id}, as they nest`),
    logTable(ctx, detail.logs, `Logs in task ${task.id}`),
  ];
}

export function regionTable(ctx: ViewContext, regions: RegionInstance[], caption: string): HTMLElement {
  return dataTable<RegionInstance>({
    caption, rows: regions, key: (r) => `${r.goroutine}/${r.startNs}/${r.depth}/${r.type}`,
    columns: [
      { header: 'Region', value: (r) => r.type, cell: (r) => `${'· '.repeat(r.depth)}${r.type}` },
      { header: 'Goroutine', value: (r) => r.goroutine, numeric: true },
      startColumn<RegionInstance>(ctx), durationColumn<RegionInstance>(), siteColumn<RegionInstance>(ctx),
      timelineColumn<RegionInstance>(ctx, (r) => regionFocus(ctx, r)),
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
