// The Tasks view's list of every task instance, virtualised: the trace worker filters, sorts and
// pages (a taskList query per page); the list draws only the rows on screen, from a fixed pool of
// row elements, and asks for the pages they fall in as the user scrolls. 200,000 instances cost
// the DOM about as many rows as fit in the viewport.
import type { TaskListPage, TaskRow, TaskSortKey } from '../../../../common/taskModel';
import { h } from '../dom';
import { formatCount, formatDuration, taskTypeLabel } from '../format';

export const ROW_HEIGHT = 22;
const PAGE_ROWS = 100;
/** Pages kept for scrolling back; the farthest from the viewport go first. */
const MAX_CACHED_PAGES = 40;
const MAX_IN_FLIGHT = 2;
const OVERSCAN_ROWS = 5;
/** Browsers cap an element's height (about 33.5 million px in Chromium); past that a row takes less than a pixel of scrollbar. */
const MAX_SCROLL_PX = 15_000_000;

interface ListColumn { header: string; sort?: TaskSortKey; numeric?: boolean; text(row: TaskRow, traceStartNs: number): string }

const COLUMNS: ListColumn[] = [
  { header: 'ID', sort: 'id', numeric: true, text: (r) => String(r.id) },
  { header: 'Type', sort: 'type', text: (r) => taskTypeLabel(r.type) },
  { header: 'Start', sort: 'start', numeric: true, text: (r, t0) => (r.startNs === undefined ? 'before the trace' : `+${formatDuration(r.startNs - t0)}`) },
  { header: 'Duration', sort: 'duration', numeric: true, text: (r) => (r.durationNs === undefined ? 'unended' : formatDuration(r.durationNs)) },
  { header: 'Goroutines', sort: 'goroutines', numeric: true, text: (r) => formatCount(r.goroutines) },
  { header: 'Regions', sort: 'regions', numeric: true, text: (r) => formatCount(r.regions) },
  { header: 'Logs', sort: 'logs', numeric: true, text: (r) => formatCount(r.logs) },
];

export interface TaskListOptions {
  /** One page of the current filter and sort. */
  load(offset: number, limit: number): Promise<TaskListPage>;
  /** The first answer after a reset or refresh, and any answer whose total or completeness changed. */
  onTotals(page: TaskListPage): void;
  onSelect(row: TaskRow): void;
  onSort(key: TaskSortKey): void;
  /** The first row on screen changed (saved so a reload scrolls back). */
  onScroll(firstRow: number): void;
  onError(error: Error): void;
}

export class TaskList {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  /** What each pool element shows, so a frame writes only what changed. */
  private readonly drawn: { index: number; row?: TaskRow; selected: boolean; active: boolean; y: number; hidden: boolean }[] = [];
  private readonly emptyNote = h('p', { className: 'muted task-list-empty', attrs: { hidden: true } }, 'No task instance matches these filters.');
  private pages = new Map<number, TaskRow[]>();
  /** Pages of the previous answer while a refresh (the trace grew) replaces them: no flash of empty rows. */
  private stale = new Map<number, TaskRow[]>();
  private readonly inFlight = new Set<number>();
  private generation = 0;
  private total = 0;
  private complete = true;
  /** False from a reset until the first answer (the old total means nothing then). */
  private answered = false;
  /** The next answer goes to onTotals whatever it says (after a reset or refresh). */
  private announce = false;
  private active = 0;
  private selectedId?: number;
  private sort: { key: TaskSortKey; descending: boolean } = { key: 'duration', descending: true };
  private frameRequested = false;
  private lastFirstRow = -1;
  private pendingScrollRow?: number;
  private traceStartNs = 0;
  private readonly frameTimes: number[] = [];
  /** Geometry kept from the resize observer and scroll events: a frame reads no layout, so it never forces one. */
  private viewportHeight = 0;
  private scrollTop = 0;
  private spacerPx = -1;

  constructor(private readonly options: TaskListOptions) {
    this.header = h('div', { className: 'task-row task-header', attrs: { role: 'row', 'aria-rowindex': 1 } });
    this.spacer = h('div', { className: 'task-spacer', attrs: { role: 'presentation' } });
    this.viewport = h('div', { className: 'task-viewport', attrs: { role: 'rowgroup' }, on: { scroll: () => { this.scrollTop = this.viewport.scrollTop; this.requestFrame(); } } }, this.spacer, this.emptyNote);
    this.element = h('div', {
      className: 'task-grid',
      attrs: { role: 'grid', tabindex: 0, 'aria-label': 'Task instances', 'aria-rowcount': 1, 'aria-colcount': COLUMNS.length },
      on: { keydown: (event) => this.onKey(event) },
    }, h('div', { attrs: { role: 'rowgroup' } }, this.header), this.viewport);
    this.renderHeader();
    // The viewport's height is known only once attached: draw when it gets one or changes.
    new ResizeObserver((entries) => {
      this.viewportHeight = entries[entries.length - 1].contentRect.height;
      // Out of the document (another tab) the viewport lost its scroll position: put it back.
      if (this.viewportHeight > 0 && this.viewport.scrollTop !== this.scrollTop) {
        this.setSpacerHeight();
        this.viewport.scrollTop = this.scrollTop;
      }
      this.requestFrame();
    }).observe(this.viewport);
  }

  /** A new filter or sort: everything cached is dropped, the list starts at `firstRow`. */
  reset(sort: { key: TaskSortKey; descending: boolean }, selectedId: number | undefined, traceStartNs: number, firstRow = 0): void {
    this.sort = sort;
    this.selectedId = selectedId;
    this.traceStartNs = traceStartNs;
    this.generation++;
    this.pages.clear();
    this.stale.clear();
    this.inFlight.clear();
    this.answered = false;
    this.announce = true;
    this.active = firstRow;
    this.pendingScrollRow = firstRow;
    this.renderHeader();
    this.fetchVisible();
    this.requestFrame();
  }

  /** Same filter, more trace: ask again for what is on screen, showing the old rows until the answer. */
  refresh(traceStartNs: number): void {
    this.traceStartNs = traceStartNs;
    this.generation++;
    if (this.pages.size > 0) this.stale = this.pages;
    this.pages = new Map();
    this.inFlight.clear();
    this.announce = true;
    this.fetchVisible();
  }

  select(id: number | undefined): void {
    this.selectedId = id;
    this.requestFrame();
  }

  /** Frame times of the last 120 drawn frames, ms (tests and the status line read them). */
  get frames(): readonly number[] { return this.frameTimes; }

  private renderHeader(): void {
    this.header.replaceChildren(...COLUMNS.map((column, index) => {
      const sorted = column.sort === this.sort.key;
      const label = `${column.header}${sorted ? (this.sort.descending ? ' ▾' : ' ▴') : ''}`;
      return h('div', {
        className: `task-cell${column.numeric ? ' num' : ''}`,
        attrs: { role: 'columnheader', 'aria-colindex': index + 1, 'aria-sort': column.sort ? (sorted ? (this.sort.descending ? 'descending' : 'ascending') : 'none') : undefined },
      }, column.sort
        ? h('button', { className: 'sort', attrs: { type: 'button', title: `Sort by ${column.header}` }, on: { click: () => column.sort && this.options.onSort(column.sort) } }, label)
        : h('span', { attrs: { title: 'The trace worker sorts by ID, type, start or duration' } }, label));
    }));
  }

  private get visibleRows(): number { return Math.max(1, Math.floor(this.viewportHeight / ROW_HEIGHT)); }

  private get spacerHeight(): number { return Math.min(this.total * ROW_HEIGHT, MAX_SCROLL_PX); }

  /** The (fractional) row at the top of the viewport: the scroll position maps linearly onto the rows. */
  private get firstRow(): number {
    const maxScroll = this.spacerHeight - this.viewportHeight;
    if (maxScroll <= 0) return 0;
    return (Math.min(this.scrollTop, maxScroll) / maxScroll) * Math.max(0, this.total - this.viewportHeight / ROW_HEIGHT);
  }

  private scrollToRow(row: number): void {
    const maxScroll = this.spacerHeight - this.viewportHeight;
    const lastFirst = Math.max(0, this.total - this.viewportHeight / ROW_HEIGHT);
    this.setSpacerHeight();
    this.scrollTop = maxScroll <= 0 || lastFirst <= 0 ? 0 : Math.round((Math.min(row, lastFirst) / lastFirst) * maxScroll);
    this.viewport.scrollTop = this.scrollTop;
  }

  private rowAt(index: number): TaskRow | undefined {
    const page = Math.floor(index / PAGE_ROWS);
    return (this.pages.get(page) ?? this.stale.get(page))?.[index - page * PAGE_ROWS];
  }

  private visibleRange(): { from: number; to: number } {
    const first = Math.floor(this.firstRow);
    return { from: Math.max(0, first - OVERSCAN_ROWS), to: Math.min(this.answered ? this.total : Math.max(this.total, first + this.visibleRows + 1), first + this.visibleRows + 1 + OVERSCAN_ROWS) };
  }

  /** Asks for the pages on screen that are not cached, at most MAX_IN_FLIGHT at once; an answer asks again for what is then on screen. */
  private fetchVisible(): void {
    const { from, to } = this.visibleRange();
    // Before the first answer the total is unknown: ask for the page the list will scroll to.
    const pages = this.answered ? [] : [Math.floor((this.pendingScrollRow ?? from) / PAGE_ROWS)];
    for (let page = Math.floor(from / PAGE_ROWS); page <= Math.floor(Math.max(from, to - 1) / PAGE_ROWS); page++) if (!pages.includes(page)) pages.push(page);
    for (const page of pages) {
      if (this.pages.has(page) || this.inFlight.has(page) || this.inFlight.size >= MAX_IN_FLIGHT) continue;
      if (this.answered && page * PAGE_ROWS >= this.total) continue;
      this.inFlight.add(page);
      const generation = this.generation;
      this.options.load(page * PAGE_ROWS, PAGE_ROWS).then((answer) => {
        if (generation !== this.generation) return;
        this.inFlight.delete(page);
        this.pages.set(page, answer.rows);
        this.stale.delete(page);
        const changed = this.announce || answer.total !== this.total || answer.complete !== this.complete;
        this.answered = true;
        this.announce = false;
        this.total = answer.total;
        this.complete = answer.complete;
        this.evict(page);
        if (changed) this.options.onTotals(answer);
        this.fetchVisible();
        this.requestFrame();
      }, (error: unknown) => {
        if (generation !== this.generation) return;
        this.inFlight.delete(page);
        this.options.onError(error instanceof Error ? error : new Error(String(error)));
      });
    }
  }

  private evict(near: number): void {
    if (this.pages.size <= MAX_CACHED_PAGES) return;
    const farthest = [...this.pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const page of farthest.slice(0, this.pages.size - MAX_CACHED_PAGES)) this.pages.delete(page);
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.draw();
    });
  }

  private draw(): void {
    const began = performance.now();
    if (this.viewportHeight === 0) return;
    this.setSpacerHeight();
    if (this.pendingScrollRow !== undefined && (this.answered || this.pendingScrollRow === 0)) {
      this.scrollToRow(this.pendingScrollRow);
      this.pendingScrollRow = undefined;
    }
    this.element.setAttribute('aria-rowcount', String(this.total + 1));
    this.emptyNote.hidden = !this.answered || this.total > 0;
    const first = this.firstRow;
    const { from, to } = this.visibleRange();
    const count = this.answered ? Math.max(0, to - from) : 0;
    while (this.pool.length < count) {
      const row = this.newRow();
      this.spacer.append(row);
      this.pool.push(row);
      this.drawn.push({ index: -1, selected: false, active: false, y: NaN, hidden: false });
    }
    const { scrollTop } = this;
    let missing = false;
    // Row i is drawn by pool element i mod the pool's size: scrolling by a few rows refills only the
    // rows that came into view; the others keep their text and, unscaled, their position.
    const size = this.pool.length;
    const shown = new Uint8Array(size);
    for (let index = from; index < from + count; index++) {
      const slot = index % size;
      shown[slot] = 1;
      const element = this.pool[slot];
      const drawn = this.drawn[slot];
      const row = this.rowAt(index);
      if (!row) missing = true;
      const y = scrollTop + (index - first) * ROW_HEIGHT;
      const selected = row !== undefined && row.id === this.selectedId;
      const active = index === this.active;
      if (drawn.hidden) element.hidden = drawn.hidden = false;
      if (drawn.y !== y) element.style.transform = `translateY(${(drawn.y = y)}px)`;
      if (drawn.index === index && drawn.row === row && drawn.selected === selected && drawn.active === active) continue;
      Object.assign(drawn, { index, row, selected, active });
      this.fillRow(element, index, row, selected, active);
    }
    for (let slot = 0; slot < size; slot++) {
      if (!shown[slot] && !this.drawn[slot].hidden) this.pool[slot].hidden = this.drawn[slot].hidden = true;
    }
    if (missing) this.fetchVisible();
    const firstRow = Math.floor(first);
    if (firstRow !== this.lastFirstRow) {
      this.lastFirstRow = firstRow;
      this.options.onScroll(firstRow);
    }
    const elapsed = performance.now() - began;
    this.frameTimes.push(elapsed);
    if (this.frameTimes.length > 120) this.frameTimes.shift();
    this.element.dataset.lastFrameMs = elapsed.toFixed(3);
    this.element.dataset.rowsInDom = String(count);
  }

  private setSpacerHeight(): void {
    const px = this.spacerHeight;
    if (px === this.spacerPx) return;
    this.spacerPx = px;
    this.spacer.style.height = `${px}px`;
  }

  private newRow(): HTMLElement {
    const row = h('div', { className: 'task-row', attrs: { role: 'row' } },
      ...COLUMNS.map((column, index) => h('div', { className: `task-cell${column.numeric ? ' num' : ''}`, attrs: { role: 'gridcell', 'aria-colindex': index + 1 } })));
    row.addEventListener('click', () => {
      const index = Number(row.dataset.index);
      const data = this.rowAt(index);
      this.active = index;
      if (data) this.activate(data);
      this.element.focus({ preventScroll: true });
    });
    return row;
  }

  private fillRow(element: HTMLElement, index: number, row: TaskRow | undefined, selected: boolean, active: boolean): void {
    element.dataset.index = String(index);
    element.setAttribute('aria-rowindex', String(index + 2));
    element.setAttribute('aria-selected', String(selected));
    element.classList.toggle('selected', selected);
    element.classList.toggle('active', active);
    element.classList.toggle('pending', !row);
    if (active) {
      element.id = 'task-list-active';
      this.element.setAttribute('aria-activedescendant', element.id);
    } else if (element.id) element.removeAttribute('id');
    const cells = element.children;
    for (let c = 0; c < COLUMNS.length; c++) {
      const text = row ? COLUMNS[c].text(row, this.traceStartNs) : c === 0 ? '…' : '';
      const cell = cells[c] as HTMLElement;
      if (cell.textContent !== text) cell.textContent = text;
    }
    element.title = row ? `Task ${row.id} “${taskTypeLabel(row.type)}”` : '';
  }

  private activate(row: TaskRow): void {
    this.selectedId = row.id;
    this.options.onSelect(row);
    this.requestFrame();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.target !== this.element) return;
    const page = Math.max(1, this.visibleRows - 1);
    const moves: Record<string, number> = {
      ArrowDown: this.active + 1, ArrowUp: this.active - 1, PageDown: this.active + page, PageUp: this.active - page, Home: 0, End: this.total - 1,
    };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const row = this.rowAt(this.active);
      if (row) this.activate(row);
      return;
    }
    if (!(event.key in moves) || this.total === 0) return;
    event.preventDefault();
    this.active = Math.max(0, Math.min(this.total - 1, moves[event.key]));
    const first = this.firstRow;
    const shown = this.viewportHeight / ROW_HEIGHT;
    if (this.active < first) this.scrollToRow(this.active);
    else if (this.active + 1 > first + shown) this.scrollToRow(this.active + 1 - shown);
    this.requestFrame();
  }
}
