// TaskStore: every task instance of a trace as one row of typed-array columns (~70 bytes a task, no
// object per task), with an index of the tasks' logs (category interned, message bytes in one arena),
// so that the Tasks view's list can be filtered, sorted and paged over hundreds of thousands of
// tasks in a few milliseconds. It is one more consumer of the reader's events and answers while the
// trace is still loading (rows appear at TaskBegin; `complete` once finished).
import { NO_TASK, type TraceEvent } from '../event';
import { SiteResolver } from '../summary/sites';
import type { SourceLocation } from '../../../../common/traceModel';
import type { TaskFilter, TaskListPage, TaskListQuery, TaskRow, TaskSortKey } from '../../../../common/taskModel';
import { float64, Interner, uint32 } from './columns';

const NO_SITE = 0xffffffff;
/** Tallies per task: goroutines that ran a region or wrote a log of it, its regions, its logs. */
const GOROUTINES = 0, REGIONS = 1, LOGS = 2;
/** Histogram buckets per doubling of the duration. */
const BUCKETS_PER_OCTAVE = 4;
/** Task ids below this are remembered in a bitmap (Go's are a counter from 1): 16 MB at most. */
const ID_BITMAP_LIMIT = 2 ** 27;

interface OpenTask { row: number; goroutines: number[] }

/** The instance a query or an explanation talks about: its row's fields. */
export interface TaskRecord extends TaskRow { goroutine: number }

export class TaskStore {
  private count = 0;
  private readonly ids = float64();
  private readonly parents = float64();
  /** NaN when begun before the capture. */
  private readonly starts = float64();
  /** NaN while open. */
  private readonly ends = float64();
  /** The goroutine that began the task, else the first that ran a region or log of it; the one that ended it once ended. */
  private readonly goroutines = float64();
  private readonly types = uint32();
  private readonly sites = uint32();
  private readonly tallies = uint32(3);
  private readonly typeNames = new Interner();
  private readonly siteList: SourceLocation[] = [];
  private readonly siteIndexes = new Map<SourceLocation, number>();
  private readonly resolver = new SiteResolver();
  private readonly open = new Map<number, OpenTask>();
  /** Ids seen, so that a log after a task's end does not make a second row (see seen()). */
  private idBits = new Uint8Array(1024);
  private readonly bigIds = new Set<number>();
  // The log index: one entry per log written in a task.
  private logCount = 0;
  private readonly logCategories = uint32();
  private readonly logRows = uint32();
  /** End offset of each message in the arena (its start is the previous end). */
  private readonly logEnds = float64();
  private arena = new Uint8Array(64 * 1024);
  private arenaUsed = 0;
  private readonly categories = new Interner();
  private readonly encoder = new TextEncoder();
  /** Bumped when a sort key may change (a row added or ended), so cached orders are rebuilt. */
  private version = 0;
  private readonly orders = new Map<TaskSortKey, { version: number; rows: Uint32Array; keyed: number }>();
  private logMatch: { key: string; logs: number; rows: Uint8Array } | undefined;
  /** False while the trace is still loading. */
  complete = false;

  get size(): number { return this.count; }

  /** Bytes held by the columns and the log index (for the memory budget). */
  get bytes(): number {
    return this.ids.bytes + this.parents.bytes + this.starts.bytes + this.ends.bytes + this.goroutines.bytes + this.types.bytes +
      this.sites.bytes + this.tallies.bytes + this.idBits.byteLength + this.logCategories.bytes + this.logRows.bytes +
      this.logEnds.bytes + this.arena.byteLength;
  }

  add(ev: TraceEvent): void {
    switch (ev.kind) {
      case 'TaskBegin': {
        const row = this.newRow(ev.id, ev.parent, ev.type, ev.goroutine);
        this.starts.set(row, 0, ev.time);
        const site = this.resolver.siteOf(ev.stack);
        if (site !== undefined) this.sites.set(row, 0, this.siteIndex(site));
        this.open.set(ev.id, { row, goroutines: [] });
        break;
      }
      case 'TaskEnd': {
        const task = this.openTask(ev.id, ev.goroutine);
        if (task === undefined) break;
        this.open.delete(ev.id);
        this.ends.set(task.row, 0, ev.time);
        this.goroutines.set(task.row, 0, ev.goroutine);
        if (ev.parent !== NO_TASK) this.parents.set(task.row, 0, ev.parent);
        this.types.set(task.row, 0, this.typeNames.index(ev.type)); // Go names a task from its end event too
        this.version++;
        break;
      }
      case 'RegionBegin': this.touch(ev.task, ev.goroutine, REGIONS); break;
      case 'Log': {
        const task = this.touch(ev.task, ev.goroutine, LOGS);
        if (task !== undefined) this.indexLog(task.row, ev.category, ev.message);
        break;
      }
      default:
    }
  }

  finish(): void {
    this.open.clear();
    this.complete = true;
    this.version++;
  }

  /** A page of the instances matching the query, with the histogram of their durations. */
  list(query: TaskListQuery): TaskListPage {
    const base = this.baseMatch(query.filter);
    const min = query.filter.minDurationNs ?? -Infinity;
    const max = query.filter.maxDurationNs ?? Infinity;
    const ranged = query.filter.minDurationNs !== undefined || query.filter.maxDurationNs !== undefined;
    const durations: number[] = [];
    const matches = new Uint8Array(this.count);
    let total = 0;
    for (let row = 0; row < this.count; row++) {
      if (!base(row)) continue;
      const d = this.ends.get(row) - this.starts.get(row);
      if (d === d) durations.push(d); // not NaN: ended and begun in the trace
      if (ranged && !(d >= min && d <= max)) continue;
      matches[row] = 1;
      total++;
    }
    if (query.slowestPerType !== undefined) total = this.keepSlowest(matches, query.slowestPerType);
    const sort = query.sort ?? { key: 'duration', descending: true };
    const rows = this.page(matches, sort.key, sort.descending, query.offset, query.limit);
    return { total, offset: query.offset, rows: rows.map((r) => this.record(r)), histogram: logHistogram(durations), complete: this.complete };
  }

  /** The instance with this id (the latest row when a corrupt trace reuses one). */
  find(id: number): TaskRecord | undefined {
    for (let row = this.count - 1; row >= 0; row--) if (this.ids.get(row) === id) return this.record(row);
    return undefined;
  }

  private record(row: number): TaskRecord {
    const start = this.starts.get(row);
    const end = this.ends.get(row);
    const site = this.sites.get(row);
    const r: TaskRecord = {
      id: this.ids.get(row), parent: this.parents.get(row), type: this.typeNames.values[this.types.get(row)],
      goroutines: this.tallies.get(row, GOROUTINES), regions: this.tallies.get(row, REGIONS), logs: this.tallies.get(row, LOGS),
      goroutine: this.goroutines.get(row),
    };
    if (start === start) r.startNs = start;
    if (end === end) r.endNs = end;
    if (start === start && end === end) r.durationNs = end - start;
    if (site !== NO_SITE) r.site = this.siteList[site];
    return r;
  }

  private newRow(id: number, parent: number, type: string, goroutine: number): number {
    const row = this.count++;
    for (const c of [this.ids, this.parents, this.starts, this.ends, this.goroutines, this.types, this.sites, this.tallies]) c.ensure(row + 1);
    this.ids.set(row, 0, id);
    this.parents.set(row, 0, parent);
    this.starts.set(row, 0, NaN);
    this.ends.set(row, 0, NaN);
    this.goroutines.set(row, 0, goroutine);
    this.types.set(row, 0, this.typeNames.index(type));
    this.sites.set(row, 0, NO_SITE);
    for (let i = 0; i < 3; i++) this.tallies.set(row, i, 0);
    this.markSeen(id);
    this.version++;
    return row;
  }

  /**
   * The open task with this id; one not seen before was begun before the capture and gets a row
   * now. An id already ended (a log after End) has none: its events are not counted.
   */
  private openTask(id: number, goroutine: number): OpenTask | undefined {
    if (id === NO_TASK) return undefined;
    let task = this.open.get(id);
    if (task === undefined && !this.seen(id)) this.open.set(id, (task = { row: this.newRow(id, NO_TASK, '', goroutine), goroutines: [] }));
    return task;
  }

  private touch(id: number, goroutine: number, tally: number): OpenTask | undefined {
    const task = this.openTask(id, goroutine);
    if (task === undefined) return undefined;
    this.tallies.add(task.row, tally, 1);
    if (!task.goroutines.includes(goroutine)) {
      task.goroutines.push(goroutine);
      this.tallies.set(task.row, GOROUTINES, task.goroutines.length);
    }
    return task;
  }

  private indexLog(row: number, category: string, message: string): void {
    const i = this.logCount++;
    this.logCategories.ensure(i + 1);
    this.logRows.ensure(i + 1);
    this.logEnds.ensure(i + 1);
    this.logCategories.set(i, 0, this.categories.index(category));
    this.logRows.set(i, 0, row);
    // At most 3 bytes of UTF-8 per UTF-16 unit.
    if (this.arenaUsed + 3 * message.length > this.arena.length) {
      const grown = new Uint8Array(Math.max(2 * this.arena.length, this.arenaUsed + 3 * message.length));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    this.arenaUsed += this.encoder.encodeInto(message, this.arena.subarray(this.arenaUsed)).written;
    this.logEnds.set(i, 0, this.arenaUsed);
  }

  private siteIndex(site: SourceLocation): number {
    let i = this.siteIndexes.get(site);
    if (i === undefined) {
      this.siteIndexes.set(site, (i = this.siteList.length));
      this.siteList.push(site);
    }
    return i;
  }

  private markSeen(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= ID_BITMAP_LIMIT) {
      this.bigIds.add(id);
      return;
    }
    const byte = id >>> 3;
    if (byte >= this.idBits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, 2 * this.idBits.length));
      grown.set(this.idBits);
      this.idBits = grown;
    }
    this.idBits[byte] |= 1 << (id & 7);
  }

  private seen(id: number): boolean {
    if (!Number.isInteger(id) || id < 0 || id >= ID_BITMAP_LIMIT) return this.bigIds.has(id);
    const byte = id >>> 3;
    return byte < this.idBits.length && (this.idBits[byte] & (1 << (id & 7))) !== 0;
  }

  /** The filter without its duration range, as a test on a row. */
  private baseMatch(filter: TaskFilter): (row: number) => boolean {
    let types: Uint8Array | undefined;
    if (filter.types !== undefined && filter.types.length > 0) {
      types = new Uint8Array(this.typeNames.values.length);
      for (const t of filter.types) {
        const i = this.typeNames.find(t);
        if (i !== undefined) types[i] = 1;
      }
    }
    const state = filter.state ?? 'all';
    const logged = filter.log === undefined ? undefined : this.rowsWithLog(filter.log.category, filter.log.message);
    return (row) => {
      if (types !== undefined && types[this.types.get(row)] === 0) return false;
      if (logged !== undefined && logged[row] === 0) return false;
      if (state === 'all') return true;
      const ended = this.ends.get(row) === this.ends.get(row) && this.starts.get(row) === this.starts.get(row);
      return state === 'ended' ? ended : !ended;
    };
  }

  /** Rows (1 each) with a log of this category, and of this exact message when given; cached for the next query. */
  private rowsWithLog(category: string, message: string | undefined): Uint8Array {
    const key = `${category}\u0000${message ?? ''}\u0000${message === undefined ? 0 : 1}`;
    if (this.logMatch !== undefined && this.logMatch.key === key && this.logMatch.logs === this.logCount && this.logMatch.rows.length === this.count) {
      return this.logMatch.rows;
    }
    const rows = new Uint8Array(this.count);
    const c = this.categories.find(category);
    if (c !== undefined) {
      const wanted = message === undefined ? undefined : this.encoder.encode(message);
      const arena = this.arena;
      for (let i = 0; i < this.logCount; i++) {
        if (this.logCategories.get(i) !== c) continue;
        if (wanted !== undefined) {
          const end = this.logEnds.get(i);
          const start = i === 0 ? 0 : this.logEnds.get(i - 1);
          if (end - start !== wanted.length) continue;
          let same = true;
          for (let k = 0; k < wanted.length; k++) {
            if (arena[start + k] !== wanted[k]) { same = false; break; }
          }
          if (!same) continue;
        }
        rows[this.logRows.get(i)] = 1;
      }
    }
    this.logMatch = { key, logs: this.logCount, rows };
    return rows;
  }

  /** Keeps, among the matches, only the N slowest ended instances of each type; returns how many remain. */
  private keepSlowest(matches: Uint8Array, n: number): number {
    const byType = new Map<number, number[]>();
    for (let row = 0; row < this.count; row++) {
      if (matches[row] === 0) continue;
      matches[row] = 0;
      const d = this.ends.get(row) - this.starts.get(row);
      if (d !== d) continue;
      const type = this.types.get(row);
      let list = byType.get(type);
      if (list === undefined) byType.set(type, (list = []));
      list.push(row);
    }
    let kept = 0;
    for (const list of byType.values()) {
      list.sort((a, b) => this.duration(b) - this.duration(a) || a - b);
      for (const row of list.slice(0, n)) {
        matches[row] = 1;
        kept++;
      }
    }
    return kept;
  }

  private duration(row: number): number { return this.ends.get(row) - this.starts.get(row); }

  /** Rows [offset, offset + limit) of the matches in the order asked; rows without the key (NaN) always last. */
  private page(matches: Uint8Array, key: TaskSortKey, descending: boolean, offset: number, limit: number): number[] {
    const { rows, keyed } = this.order(key);
    const out: number[] = [];
    let seen = 0;
    const take = (row: number): boolean => {
      if (matches[row] === 0) return false;
      if (seen++ >= offset) out.push(row);
      return out.length >= limit;
    };
    if (limit <= 0) return out;
    if (descending) {
      for (let i = keyed - 1; i >= 0; i--) if (take(rows[i])) return out;
    } else {
      for (let i = 0; i < keyed; i++) if (take(rows[i])) return out;
    }
    for (let i = keyed; i < rows.length; i++) if (take(rows[i])) return out;
    return out;
  }

  /** Every row sorted ascending by the key (ties by row), rows without it after `keyed`; cached until rows change. */
  private order(key: TaskSortKey): { rows: Uint32Array; keyed: number } {
    const cached = this.orders.get(key);
    if (cached !== undefined && cached.version === this.version) return cached;
    const keys = new Float64Array(this.count);
    if (key === 'type') {
      const names = this.typeNames.values;
      const rank = new Float64Array(names.length);
      [...names.keys()].sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0)).forEach((t, i) => { rank[t] = i; });
      for (let row = 0; row < this.count; row++) keys[row] = rank[this.types.get(row)];
    } else {
      for (let row = 0; row < this.count; row++) {
        keys[row] = key === 'duration' ? this.duration(row) : key === 'start' ? this.starts.get(row) : this.ids.get(row);
      }
    }
    const rows = new Uint32Array(this.count);
    let keyed = 0;
    for (let row = 0; row < this.count; row++) if (keys[row] === keys[row]) rows[keyed++] = row;
    let unkeyed = keyed;
    for (let row = 0; row < this.count; row++) if (keys[row] !== keys[row]) rows[unkeyed++] = row;
    rows.subarray(0, keyed).sort((a, b) => keys[a] - keys[b] || a - b);
    const order = { version: this.version, rows, keyed };
    this.orders.set(key, order);
    return order;
  }
}

/** Log-spaced buckets (BUCKETS_PER_OCTAVE per doubling) spanning the durations; bucket i counts [bounds[i], bounds[i+1]). */
export function logHistogram(durations: readonly number[]): { boundsNs: number[]; counts: number[] } {
  if (durations.length === 0) return { boundsNs: [], counts: [] };
  const bucketOf = (d: number) => Math.floor(Math.log2(Math.max(d, 1)) * BUCKETS_PER_OCTAVE);
  let low = Infinity;
  let high = -Infinity;
  for (const d of durations) {
    const b = bucketOf(d);
    if (b < low) low = b;
    if (b > high) high = b;
  }
  const counts = new Array<number>(high - low + 1).fill(0);
  const boundsNs = Array.from({ length: counts.length + 1 }, (_, i) => Math.ceil(2 ** ((low + i) / BUCKETS_PER_OCTAVE)));
  for (const d of durations) {
    // Floating-point log2 can land a bound's value one bucket low: the bounds decide.
    let b = bucketOf(d) - low;
    if (b + 1 < counts.length && d >= boundsNs[b + 1]) b++;
    else if (b > 0 && d < boundsNs[b]) b--;
    counts[b]++;
  }
  return { boundsNs, counts };
}
