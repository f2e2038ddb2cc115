// The Tasks view: every task instance of the trace, filtered (types, a duration range brushed on the
// latency histogram, a log KEY=VALUE, ended/unended, slowest N per type) and sorted by the trace
// worker, listed virtually; the selected instance explained beside the list. One object for the
// view's life (like the timeline): the list keeps its scroll position and cache across re-renders.
import type { TaskFilter, TaskListPage, TaskSortKey } from '../../../../common/taskModel';
import type { TaskTypeStats } from '../../../../common/traceModel';
import type { TraceStatus } from '../../../../common/traceProtocol';
import { h, linkButton, replaceChildren } from '../dom';
import { formatCount, formatDuration, siteLabel } from '../format';
import type { TaskViewState } from '../messages';
import { BrushHistogram, type DurationRange } from './brushHistogram';
import type { ViewContext } from './context';
import { dataTable } from './table';
import { taskDetailPane } from './taskDetail';
import { TaskList } from './taskList';

export const DEFAULT_TASK_VIEW: TaskViewState = { filter: {}, sort: { key: 'duration', descending: true } };

/** `orderID=42` → category orderID, message 42; `orderID` → any message; empty → no log filter. */
export function parseLogFilter(text: string): TaskFilter['log'] {
  const equals = text.indexOf('=');
  const category = (equals < 0 ? text : text.slice(0, equals)).trim();
  if (!category) return undefined;
  return equals < 0 ? { category } : { category, message: text.slice(equals + 1).trim() };
}

export const formatLogFilter = (log: TaskFilter['log']): string => (!log ? '' : log.message === undefined ? log.category : `${log.category}=${log.message}`);

export class TasksView {
  readonly element: HTMLElement;
  private readonly list: TaskList;
  private readonly histogram: BrushHistogram;
  private readonly counts = h('p', { className: 'task-counts', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly typeBox = h('fieldset', { className: 'task-types' });
  private readonly detail = h('section', { className: 'task-detail-pane', attrs: { 'aria-label': 'Selected task', 'aria-live': 'polite' } });
  private readonly typeTable = h('div', {});
  private readonly body: HTMLElement;
  private readonly empty = h('div', { className: 'tasks-empty' });
  private readonly logInput: HTMLInputElement;
  private readonly stateSelect: HTMLSelectElement;
  private readonly slowestInput: HTMLInputElement;
  /** Shown while the list is narrowed to one NewTask call (from its CodeLens), with a way out. */
  private readonly siteChip = h('p', { className: 'task-site-filter', attrs: { hidden: true } });
  private typesShown = '';
  /** The filter, sort and N the list was last reset with, to notice a change made from outside (a CodeLens). */
  private applied = '';
  private lastComplete = true;
  private detailRequest = 0;
  /** The breakdown pass's state when the shown explanation was asked for. */
  private breakdownsAsked: TraceStatus['breakdowns'];
  private scrollSave?: ReturnType<typeof setTimeout>;

  constructor(private ctx: ViewContext) {
    this.list = new TaskList({
      load: (offset, limit) => this.ctx.query({ kind: 'taskList', query: { filter: this.view.filter, sort: this.view.sort, offset, limit, slowestPerType: this.view.slowestPerType } }),
      onTotals: (page) => this.showTotals(page),
      onSelect: (row) => this.selectTask(row.id),
      onSort: (key) => this.sortBy(key),
      onScroll: (firstRow) => this.saveScroll(firstRow),
      onError: (error) => replaceChildren(this.counts, h('span', { className: 'error' }, `Could not list tasks: ${error.message}`)),
    });
    this.histogram = new BrushHistogram('Latency of the matching tasks', (range) => this.setRange(range));
    this.logInput = h('input', {
      className: 'task-log-filter',
      attrs: { type: 'search', id: 'task-log-filter', placeholder: 'key=value or key', spellcheck: 'false', 'aria-describedby': 'task-log-help' },
      on: { change: () => this.setFilter((f) => { f.log = parseLogFilter(this.logInput.value); }) },
    });
    this.stateSelect = h('select', {
      attrs: { id: 'task-state-filter' },
      on: { change: () => this.setFilter((f) => { f.state = this.stateSelect.value as TaskFilter['state']; }) },
    }, h('option', { attrs: { value: 'all' } }, 'all'), h('option', { attrs: { value: 'ended' } }, 'ended'), h('option', { attrs: { value: 'unended' } }, 'unended'));
    this.slowestInput = h('input', {
      attrs: { type: 'number', id: 'task-slowest', min: 1, step: 1, placeholder: 'all', inputmode: 'numeric' },
      on: { change: () => this.setSlowest(this.slowestInput.value) },
    });
    const filters = h('form', { className: 'task-filters', attrs: { role: 'search', 'aria-label': 'Filter tasks' }, on: { submit: (e) => e.preventDefault() } },
      this.typeBox, this.siteChip,
      h('div', { className: 'task-filter-fields' },
        h('label', { attrs: { for: 'task-log-filter' } }, 'Log'), this.logInput,
        h('span', { className: 'muted', attrs: { id: 'task-log-help' } }, 'a trace.Log key, or key=value (Enter applies)'),
        h('label', { attrs: { for: 'task-state-filter' } }, 'State'), this.stateSelect, h('span', {}),
        h('label', { attrs: { for: 'task-slowest' } }, 'Slowest per type'), this.slowestInput, h('span', { className: 'muted' }, 'keep the N slowest ended instances of each type'),
        h('span', {}), h('button', { attrs: { type: 'button' }, on: { click: () => this.clearFilters() } }, 'Clear filters'), h('span', {})));
    this.body = h('div', { className: 'tasks-body' },
      filters, this.histogram.element, this.counts,
      h('div', { className: 'tasks-split' }, this.list.element, this.detail),
      this.typeTable);
    this.element = h('div', { className: 'view tasks' }, h('h1', {}, 'Tasks'), this.empty, this.body);
    this.applyStateToControls();
    this.update(ctx, true);
  }

  private get view(): TaskViewState {
    if (!this.ctx.state.tasks) this.ctx.state.tasks = structuredClone(DEFAULT_TASK_VIEW);
    return this.ctx.state.tasks;
  }

  /**
   * New status or state: the trace grew (the list asks again for what is on screen while the last answer
   * said more may come) or the state changed from outside (a CodeLens focused a type).
   */
  update(ctx: ViewContext, first = false): void {
    this.ctx = ctx;
    const { tasks } = ctx.summary;
    const loading = ctx.status.phase === 'loading';
    if (tasks.length === 0) {
      this.body.hidden = true;
      this.empty.hidden = false;
      replaceChildren(this.empty, ...emptyState(loading));
      this.typesShown = '';
      return;
    }
    this.empty.hidden = true;
    this.body.hidden = false;
    const types = tasks.map((t) => `${t.type}\u0000${t.count}`).join('\u0001');
    if (types !== this.typesShown) {
      this.typesShown = types;
      this.renderTypes(tasks);
      this.renderTypeTable(tasks);
    }
    // The breakdown pass finished since the shown explanation was asked for: asked again, it has its type's tail.
    const breakdownsArrived = ctx.status.breakdowns !== this.breakdownsAsked && ctx.status.breakdowns === 'ready';
    if (first || this.listKey() !== this.applied) {
      this.applyStateToControls();
      this.resetList(this.view.firstRow ?? 0);
      if (this.view.selectedId !== undefined) this.selectTask(this.view.selectedId, false);
    } else {
      if (!this.lastComplete) this.list.refresh(ctx.summary.overview.startNs);
      if (breakdownsArrived && this.view.selectedId !== undefined) this.selectTask(this.view.selectedId, false, true);
    }
  }

  /** The first row on screen, saved once scrolling pauses: setState serialises the whole state, too much for every frame. */
  private saveScroll(firstRow: number): void {
    this.view.firstRow = firstRow;
    clearTimeout(this.scrollSave);
    this.scrollSave = setTimeout(() => this.ctx.saveState(() => undefined), 250);
  }

  private listKey(): string {
    const { filter, sort, slowestPerType } = this.view;
    return JSON.stringify({ filter, sort, slowestPerType });
  }

  private resetList(firstRow = 0): void {
    this.applied = this.listKey();
    this.list.reset(this.view.sort, this.view.selectedId, this.ctx.summary.overview.startNs, firstRow);
  }

  private showTotals(page: TaskListPage): void {
    this.lastComplete = page.complete;
    this.histogram.update(page.histogram, { minNs: this.view.filter.minDurationNs, maxNs: this.view.filter.maxDurationNs });
    const all = this.ctx.summary.tasks.reduce((sum, t) => sum + t.count, 0);
    const filtered = isFiltered(this.view);
    replaceChildren(this.counts,
      filtered ? `${formatCount(page.total)} of ${formatCount(all)} tasks match` : `${formatCount(page.total)} tasks`,
      `, ${describeSort(this.view.sort)}.`,
      !page.complete && h('span', { className: 'warning loading-note' }, ' The trace is still loading: the list grows as it is read.'));
  }

  private setFilter(change: (filter: TaskFilter) => void): void {
    this.ctx.saveState(() => {
      change(this.view.filter);
      for (const key of Object.keys(this.view.filter) as (keyof TaskFilter)[]) if (this.view.filter[key] === undefined) delete this.view.filter[key];
      this.view.firstRow = 0;
    });
    this.resetList();
  }

  private setRange(range: DurationRange): void {
    this.setFilter((f) => { f.minDurationNs = range.minNs; f.maxDurationNs = range.maxNs; });
  }

  private setSlowest(text: string): void {
    const n = Math.floor(Number(text));
    this.ctx.saveState(() => {
      if (text.trim() === '' || !(n > 0)) delete this.view.slowestPerType;
      else this.view.slowestPerType = n;
      this.view.firstRow = 0;
    });
    this.resetList();
  }

  private clearFilters(): void {
    this.ctx.saveState(() => {
      this.view.filter = {};
      delete this.view.slowestPerType;
      this.view.firstRow = 0;
    });
    this.applyStateToControls();
    this.resetList();
  }

  private sortBy(key: TaskSortKey): void {
    this.ctx.saveState(() => {
      const { sort } = this.view;
      // A second click on the sorted column turns it around; a new column starts with its natural order.
      this.view.sort = sort.key === key ? { key, descending: !sort.descending } : { key, descending: key === 'duration' };
      this.view.firstRow = 0;
    });
    this.resetList();
    this.list.element.querySelector<HTMLButtonElement>(`[aria-sort="${this.view.sort.descending ? 'descending' : 'ascending'}"] button`)?.focus();
  }

  private applyStateToControls(): void {
    const { filter } = this.view;
    this.logInput.value = formatLogFilter(filter.log);
    this.stateSelect.value = filter.state ?? 'all';
    this.slowestInput.value = this.view.slowestPerType === undefined ? '' : String(this.view.slowestPerType);
    const types = new Set(filter.types ?? []);
    for (const box of this.typeBox.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) box.checked = types.has(box.value);
    const { site } = filter;
    this.siteChip.hidden = site === undefined;
    replaceChildren(this.siteChip, ...(site === undefined ? [] : [
      'Created at ', linkButton(siteLabel({ function: '', ...site }), `${site.file}:${site.line}`, () => this.ctx.reveal({ function: '', ...site })), ' ',
      h('button', { attrs: { type: 'button', title: 'List the tasks of every call site' }, on: { click: () => { this.setFilter((f) => { delete f.site; }); this.applyStateToControls(); } } }, 'Any call site'),
    ]));
  }

  private renderTypes(tasks: TaskTypeStats[]): void {
    const chosen = new Set(this.view.filter.types ?? []);
    const boxes = [...tasks].sort((a, b) => a.type.localeCompare(b.type)).map((t, i) => {
      const box = h('input', {
        attrs: { type: 'checkbox', id: `task-type-${i}` },
        on: {
          change: () => this.setFilter((f) => {
            const types = new Set(f.types ?? []);
            if (box.checked) types.add(t.type);
            else types.delete(t.type);
            f.types = types.size > 0 ? [...types] : undefined;
          }),
        },
      });
      box.value = t.type;
      box.checked = chosen.has(t.type);
      return h('label', { className: 'task-type', attrs: { for: box.id } }, box, ' ', t.type, h('span', { className: 'muted' }, ` ${formatCount(t.count)}`));
    });
    replaceChildren(this.typeBox, h('legend', {}, 'Types (none checked: all)'), h('div', { className: 'task-type-list' }, ...boxes));
  }

  private renderTypeTable(tasks: TaskTypeStats[]): void {
    replaceChildren(this.typeTable, h('h2', {}, 'By type'), dataTable<TaskTypeStats>({
      caption: 'Tasks by type (ended instances; activate a row to list only that type)', rows: tasks, key: (t) => t.type, sortColumn: 4,
      columns: [
        { header: 'Task type', value: (t) => t.type },
        { header: 'Count', value: (t) => t.count, cell: (t) => formatCount(t.count), numeric: true },
        { header: 'p50', value: (t) => t.p50Ns, cell: (t) => formatDuration(t.p50Ns), numeric: true },
        { header: 'p90', value: (t) => t.p90Ns, cell: (t) => formatDuration(t.p90Ns), numeric: true },
        { header: 'p99', value: (t) => t.p99Ns, cell: (t) => formatDuration(t.p99Ns), numeric: true },
        { header: 'Max', value: (t) => t.maxNs, cell: (t) => formatDuration(t.maxNs), numeric: true },
      ],
      onActivate: (t) => {
        this.setFilter((f) => { f.types = [t.type]; });
        this.applyStateToControls();
        this.list.element.focus();
      },
    }));
  }

  /**
   * Explains one instance in the pane; `focus` moves the keyboard there (not when restoring a reload),
   * `again` keeps the pane shown until the new answer replaces it.
   */
  private selectTask(id: number, focus = true, again = false): void {
    this.ctx.saveState(() => { this.view.selectedId = id; });
    this.list.select(id);
    const request = ++this.detailRequest;
    this.breakdownsAsked = this.ctx.status.breakdowns;
    this.detail.setAttribute('aria-busy', 'true');
    if (!again) replaceChildren(this.detail, h('p', { className: 'muted' }, `Explaining task ${id}…`));
    this.ctx.query({ kind: 'taskExplanation', id }).then((explanation) => {
      if (request !== this.detailRequest) return;
      this.detail.setAttribute('aria-busy', 'false');
      if (!explanation) {
        replaceChildren(this.detail, h('p', { className: 'muted' }, `Task ${id} is not in this trace.`));
        return;
      }
      replaceChildren(this.detail, ...taskDetailPane(this.ctx, explanation, { selectTask: (parent) => this.selectTask(parent) }));
      const heading = this.detail.querySelector<HTMLElement>('h2');
      if (focus && heading) {
        // Where the user looks: the pane's heading on screen (the page may be scrolled down to the list).
        heading.focus({ preventScroll: true });
        heading.scrollIntoView({ block: 'nearest' });
      }
    }, (error: unknown) => {
      if (request !== this.detailRequest) return;
      this.detail.setAttribute('aria-busy', 'false');
      replaceChildren(this.detail, h('p', { className: 'error' }, `Could not explain task ${id}: ${error instanceof Error ? error.message : String(error)}`));
    });
  }
}

function isFiltered(view: TaskViewState): boolean {
  return Object.keys(view.filter).some((k) => k !== 'state') || (view.filter.state ?? 'all') !== 'all' || view.slowestPerType !== undefined;
}

function describeSort(sort: TaskViewState['sort']): string {
  switch (sort.key) {
    case 'duration': return sort.descending ? 'slowest first' : 'fastest first';
    case 'start': return sort.descending ? 'latest first' : 'earliest first';
    case 'id': return `by ID, ${sort.descending ? 'highest' : 'lowest'} first`;
    case 'type': return `by type, ${sort.descending ? 'Z to A' : 'A to Z'}`;
    case 'goroutines': case 'regions': case 'logs': return `by ${sort.key}, ${sort.descending ? 'most' : 'fewest'} first`;
  }
}

function emptyState(loading: boolean): HTMLElement[] {
  return [
    h('p', {}, loading ? 'No tasks in the part of the trace read so far; this view fills in if later parts have some.' : 'This trace has no tasks.'),
    h('p', {}, 'A task is one request or job followed across goroutines. Create one where the work begins and end it when it is done; '
      + 'regions and logs written with its context show up under it, with their source lines:'),
    h('pre', { className: 'code-example' }, h('code', {}, [
      'ctx, task := trace.NewTask(ctx, "http.request")',
      'defer task.End()',
      'trace.Log(ctx, "orderID", id)',
      'trace.WithRegion(ctx, "db.query", func() { rows, err = db.QueryContext(ctx, q) })',
    ].join('\n'))),
  ];
}
