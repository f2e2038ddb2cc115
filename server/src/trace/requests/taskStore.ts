// TaskStore: every task instance of a trace as one row of typed-array columns (23 bytes a task, no
// object per task), with an index of the tasks' logs by category (posting lists per message, or one
// stream of rows and texts for a category with many messages), so that the Tasks view's list can be filtered, sorted and paged over hundreds of thousands of
// tasks in a few milliseconds. It is one more consumer of the reader's events and answers while the
// trace is still loading (rows appear at TaskBegin; `complete` once finished).
import { NO_TASK, type LogEvent, type RawString, type RegionEvent, type TaskEvent, type TraceEvent } from '../event';
import { copyShortBytes, decodeGoString } from '../strings';
import { SiteResolver } from '../summary/sites';
import type { SourceLocation } from '../../../../common/traceModel';
import type { TaskListPage, TaskListQuery, TaskRow, TaskSortKey } from '../../../../common/taskModel';
import { Interner } from './columns';
import { putUint } from '../summary/varints';

const NO_SITE = -1;
/** Go's trace.BackgroundTask id. */
const BACKGROUND_TASK = 0;
/** Tallies per task (3 columns of one array): goroutines that ran a region or wrote a log of it, its regions, its logs. */
const GOROUTINES = 0, REGIONS = 1, LOGS = 2, TALLIES = 3;
/** Histogram buckets per doubling of the duration. */
const BUCKETS_PER_OCTAVE = 4;
/** Task ids below this are remembered in a bitmap (Go's are a counter from 1): 16 MB at most. */
const ID_BITMAP_LIMIT = 2 ** 27;
/** Rows per chunk of a column: columns grow a chunk at a time, never copied (a copy would briefly hold both). */
const CHUNK_BITS = 15;
const CHUNK_ROWS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_ROWS - 1;
/**
 * Distinct messages of a log category kept as posting lists (message → task rows, ~1–2 bytes a log);
 * past this many the category's logs go to one stream of rows and texts instead (~2–3 bytes a log and its text).
 */
const MAX_INTERNED_MESSAGES = 256;

const encoder = new TextEncoder();

interface OpenTask { row: number; goroutines: number[] }

/** The instance a query or an explanation talks about: its row's fields. */
export interface TaskRecord extends TaskRow { goroutine: number }

/**
 * Task rows as a stream of bytes: each row's difference from the previous one, zigzag varint (a log
 * is written soon after its task's row was made, so most take one or two bytes instead of four).
 */
class RowStream {
  bytes = new Uint8Array(64);
  length = 0;
  private last = 0;

  pushRow(row: number): void {
    const delta = row - this.last;
    this.last = row;
    this.pushVarint(delta >= 0 ? delta * 2 : -delta * 2 - 1);
  }

  pushVarint(v: number): void {
    this.reserve(8);
    this.length = putUint(this.bytes, this.length, v);
  }

  reserve(n: number): void {
    if (this.length + n > this.bytes.length) this.bytes = grow(this.bytes, this.length + n);
  }
}

/** Reads a RowStream back: rows (and what was written between them) in order. */
class RowReader {
  at = 0;
  private last = 0;
  constructor(readonly bytes: Uint8Array, readonly length: number) {}
  get more(): boolean { return this.at < this.length; }
  row(): number {
    const z = this.varint();
    this.last += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    return this.last;
  }
  varint(): number {
    let b = this.bytes[this.at++];
    if (b < 0x80) return b;
    let v = b & 0x7f;
    for (let scale = 0x80; ; scale *= 0x80) {
      b = this.bytes[this.at++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
    }
  }
}

function grow<T extends Uint8Array>(a: T, atLeast: number): T {
  const bigger = new (a.constructor as new (n: number) => T)(Math.max(atLeast, Math.ceil(a.length * 1.5), 16));
  bigger.set(a);
  return bigger;
}

/**
 * The logs of one category: a row stream per message while few, else one stream of (row, message
 * length, message bytes).
 */
class CategoryLogs {
  postings: Map<string, RowStream> | undefined = new Map();
  readonly messages = new RowStream();

  /** Adds a row's log of this message, or of these bytes (the message undecoded, ReadOptions.logMessages 'bytes'). */
  add(row: number, message: string, raw?: RawString): void {
    // A message is kept as the UTF-8 of its decoded text: raw bytes that are not ASCII are decoded first (Go strings need not be UTF-8).
    if (raw !== undefined && !isAscii(raw)) {
      message = decodeGoString(raw.bytes, raw.start, raw.end);
      raw = undefined;
    }
    if (this.postings !== undefined) {
      if (raw !== undefined) message = raw.bytes.toString('latin1', raw.start, raw.end);
      let list = this.postings.get(message);
      if (list === undefined) {
        if (this.postings.size < MAX_INTERNED_MESSAGES) this.postings.set(message, (list = new RowStream()));
        else this.toStream();
      }
      if (list !== undefined) {
        list.pushRow(row);
        return;
      }
    }
    this.messages.pushRow(row);
    if (raw !== undefined) encodeAsciiMessage(raw, this.messages);
    else encodeMessage(message, this.messages);
  }

  /** Marks (1) the rows with a log of this exact message, or of any message when undefined. */
  mark(message: string | undefined, rows: Uint8Array): void {
    for (const [m, list] of this.postings ?? []) {
      if (message !== undefined && m !== message) continue;
      for (const r = new RowReader(list.bytes, list.length); r.more;) rows[r.row()] = 1;
    }
    // A message has one encoding: equal messages are equal bytes.
    let wanted: Uint8Array | undefined;
    if (message !== undefined) {
      const encoded = new RowStream();
      encodeMessage(message, encoded);
      wanted = encoded.bytes.subarray(0, encoded.length);
    }
    const bytes = this.messages.bytes;
    for (const r = new RowReader(bytes, this.messages.length); r.more;) {
      const row = r.row();
      const start = r.at;
      const header = r.varint();
      r.at += Math.floor(header / 2);
      if (header % 2 === 1) r.varint();
      if (wanted !== undefined) {
        const length = r.at - start;
        if (length !== wanted.length) continue;
        let k = 0;
        while (k < length && bytes[start + k] === wanted[k]) k++;
        if (k < length) continue;
      }
      rows[row] = 1;
    }
  }

  get bytes(): number {
    let b = this.messages.bytes.byteLength;
    for (const list of this.postings?.values() ?? []) b += list.bytes.byteLength;
    return b;
  }

  private toStream(): void {
    const postings = this.postings!;
    this.postings = undefined;
    for (const [m, list] of postings) for (const r = new RowReader(list.bytes, list.length); r.more;) this.add(r.row(), m);
  }
}

/** Longest number a message ends with that is stored as a number (below 10^15, exact in a double). */
const MAX_NUMBER_DIGITS = 15;

/**
 * A log message as stream bytes: a header varint, then either its UTF-8 text (header = bytes · 2) or,
 * for a message ending in a number without leading zeros (`id=4242`, as Logf makes them), the text
 * before the number (header = its bytes · 2 + 1) and the number as a varint: 4 bytes instead of 7
 * for a request id. One message has one encoding, so messages compare by their bytes.
 */
function encodeMessage(message: string, m: RowStream): void {
  // At most 3 bytes of UTF-8 per UTF-16 unit; the header goes first, so the text is written after a gap as wide as its varint.
  const most = 3 * message.length;
  m.reserve(16 + most);
  const gap = varintBytes(2 * most + 1);
  const written = encoder.encodeInto(message, m.bytes.subarray(m.length + gap)).written;
  finishMessage(m, gap, written);
}

/** encodeMessage for a message that is ASCII bytes (its UTF-8 as it is). */
function encodeAsciiMessage(raw: RawString, m: RowStream): void {
  const written = raw.end - raw.start;
  m.reserve(16 + written);
  const gap = varintBytes(2 * written + 1);
  copyShortBytes(raw.bytes, raw.start, raw.end, m.bytes, m.length + gap);
  finishMessage(m, gap, written);
}

/** Ends a message whose UTF-8 (`written` bytes) is at m.length + gap: its header before it, its number, if any, as a varint. */
function finishMessage(m: RowStream, gap: number, written: number): void {
  const headerAt = m.length;
  const bytes = m.bytes;
  const end = headerAt + gap + written;
  // Digits are ASCII, one byte each: a UTF-8 text ends in the same digits as its string.
  let digits = 0;
  let value = 0;
  for (let i = end - 1; i >= headerAt + gap && digits <= MAX_NUMBER_DIGITS; i--, digits++) {
    const c = bytes[i] - 48;
    if (c < 0 || c > 9) break;
  }
  if (digits > MAX_NUMBER_DIGITS || (digits > 1 && bytes[end - digits] === 48)) digits = 0;
  for (let i = end - digits; i < end; i++) value = value * 10 + bytes[i] - 48;
  const text = written - digits;
  const header = digits > 0 ? text * 2 + 1 : text * 2;
  const headerBytes = varintBytes(header);
  if (headerBytes !== gap) bytes.copyWithin(headerAt + headerBytes, headerAt + gap, headerAt + gap + text);
  m.pushVarint(header);
  m.length += text;
  if (digits > 0) m.pushVarint(value);
}

function isAscii(raw: RawString): boolean {
  const { bytes, end } = raw;
  for (let i = raw.start; i < end; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

/** Bytes of v as a varint. */
function varintBytes(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** The N slowest rows of each type offered (rows offered in ascending order: among equal durations the first stays). */
class SlowestPerType {
  private readonly byType: { rows: number[]; durations: number[] }[] = [];
  /** Per type index, what a duration must exceed to be kept: the Nth slowest's once N are kept (most offers stop here). */
  private readonly floors: Float64Array;
  constructor(private readonly n: number, types: number) {
    this.floors = new Float64Array(types).fill(n > 0 ? -Infinity : Infinity);
  }

  offer(type: number, row: number, duration: number): void {
    if (!(duration > this.floors[type])) return;
    const top = (this.byType[type] ??= { rows: [], durations: [] });
    const { rows, durations } = top;
    // Slowest first: insert after every duration at least as long.
    let at = durations.length;
    while (at > 0 && durations[at - 1] < duration) at--;
    rows.splice(at, 0, row);
    durations.splice(at, 0, duration);
    if (rows.length > this.n) {
      rows.pop();
      durations.pop();
    }
    if (rows.length === this.n) this.floors[type] = durations[this.n - 1];
  }

  /** Leaves only the kept rows marked; returns how many. */
  keepIn(matches: Uint8Array): number {
    matches.fill(0);
    let kept = 0;
    for (const top of this.byType) {
      if (top === undefined) continue;
      for (const row of top.rows) matches[row] = 1;
      kept += top.rows.length;
    }
    return kept;
  }
}

type NarrowArray = Float64Array | Uint32Array | Uint16Array | Uint8Array;

/** A column of `width` numbers per row in fixed-size chunks; hot loops walk `chunks` directly. */
class Chunked<T extends NarrowArray> {
  readonly chunks: T[] = [];
  constructor(private readonly make: (length: number) => T, protected readonly width = 1) {}
  /** Makes room for this row. */
  reserve(row: number): void {
    while (this.chunks.length <= row >>> CHUNK_BITS) this.chunks.push(this.make(CHUNK_ROWS * this.width));
  }
  get(row: number, i = 0): number { return this.chunks[row >>> CHUNK_BITS][(row & CHUNK_MASK) * this.width + i]; }
  set(row: number, value: number, i = 0): void { this.chunks[row >>> CHUNK_BITS][(row & CHUNK_MASK) * this.width + i] = value; }
  get bytes(): number { return this.chunks.reduce((n, c) => n + c.byteLength, 0); }
}

/**
 * Unsigned integers in 8, 16 or 32 bits a value, exact for any number: `value + bias` is stored when it
 * fits below the type's largest value, which otherwise marks a row whose value is kept aside (ids
 * past 2^32, NaN for a task still open, a count past 254). A bias of 1 stores NO_TASK/NO_ID (-1) as 0.
 */
class ExactColumn<T extends Uint32Array | Uint16Array | Uint8Array> extends Chunked<T> {
  readonly aside: number;
  private readonly exceptions = new Map<number, number>();
  constructor(make: (length: number) => T, width = 1, private readonly bias = 0) {
    super(make, width);
    this.aside = 2 ** (8 * make(1).BYTES_PER_ELEMENT) - 1;
  }
  override get(row: number, i = 0): number {
    const v = super.get(row, i);
    return v === this.aside ? this.exception(row, i) : v - this.bias;
  }
  override set(row: number, value: number, i = 0): void {
    const v = value + this.bias;
    const key = row * 4 + i;
    if (Number.isInteger(v) && v >= 0 && v < this.aside) {
      if (super.get(row, i) === this.aside) this.exceptions.delete(key);
      super.set(row, v, i);
    } else {
      this.exceptions.set(key, value);
      super.set(row, this.aside, i);
    }
  }
  /**
   * Adds 1 to a row's value: in place while it stays below `aside` (every region and log of a task
   * counts one, so this reads its own column's chunk rather than through get/set, whose element
   * reads see every column's kind of array).
   */
  increment(row: number, i = 0): void {
    const chunk = this.chunks[row >>> CHUNK_BITS];
    const at = (row & CHUNK_MASK) * this.width + i;
    const v = chunk[at];
    if (v + 1 < this.aside) chunk[at] = v + 1;
    else this.set(row, this.get(row, i) + 1, i);
  }
  /** The value of a row whose stored number is `aside`. */
  exception(row: number, i = 0): number { return this.exceptions.get(row * 4 + i)!; }
  override get bytes(): number { return super.bytes + 16 * this.exceptions.size; }
}

/**
 * Numbers that grow with the rows (start times, Go's task ids) as offsets from their chunk's first
 * value, in 16 or 32 bits and exact: NaN, a non-integer or an offset out of range is kept aside.
 * Starts of a chunk of tasks begun within 4.3 s take 4 bytes instead of 8; ids of 32,768 tasks
 * numbered in order take 2 instead of 4.
 */
class OffsetColumn<T extends Uint32Array | Uint16Array> extends Chunked<T> {
  private readonly bases: number[] = [];
  private readonly exceptions = new Map<number, number>();
  private readonly aside: number;
  constructor(make: (length: number) => T) {
    super(make);
    this.aside = 2 ** (8 * make(1).BYTES_PER_ELEMENT) - 1;
  }
  override get(row: number): number {
    const v = super.get(row);
    return v === this.aside ? this.exceptions.get(row)! : this.bases[row >>> CHUNK_BITS] + v;
  }
  override set(row: number, value: number): void {
    const chunk = row >>> CHUNK_BITS;
    while (this.bases.length <= chunk) this.bases.push(NaN);
    if (Number.isNaN(this.bases[chunk]) && Number.isFinite(value)) this.bases[chunk] = value;
    const offset = value - this.bases[chunk];
    const exact = Number.isInteger(offset) && offset >= 0 && offset < this.aside && this.bases[chunk] + offset === value;
    if (super.get(row) === this.aside) this.exceptions.delete(row);
    if (!exact) this.exceptions.set(row, value);
    super.set(row, exact ? offset : this.aside);
  }
  override get bytes(): number { return super.bytes + 16 * this.exceptions.size; }
}

const u32Column = (bias = 0) => new ExactColumn((n) => new Uint32Array(n), 1, bias);
const u8Column = (width = 1, bias = 0) => new ExactColumn((n) => new Uint8Array(n), width, bias);

/** Rows sorted ascending by a key (ties by row), those without it after `keyed`; `rows` undefined when that is row order. */
interface Order { version: number; rows: Uint32Array | undefined; keyed: number }

/** What scan keeps of a filter. */
interface ScanFilter { types: Uint8Array; ended: boolean; unended: boolean; min: number; max: number; ranged: boolean }

/**
 * The filter's pass over every row (TaskStore.list): unmarks the candidates of other types, states and
 * durations, counts the durations of the rest (the range aside) into `histogram` when `counting`, and
 * returns how many stay. Its own function with the same arguments' shapes for every filter, each
 * comparison made for every row: V8 compiles it once, where the query's own shape or a comparison
 * not made before deoptimized it (the first filter of a kind took 25–45 ms instead of 3–10 on 406,500 tasks).
 */
function scan(
  matches: Uint8Array, types: ExactColumn<Uint8Array>, durations: ExactColumn<Uint32Array>, wanted: ScanFilter, histogram: DurationHistogram, counting: boolean,
): number {
  const { min, max, ranged } = wanted;
  const typeMask = wanted.types;
  const keepEnded = wanted.ended ? 1 : 0;
  const keepUnended = wanted.unended ? 1 : 0;
  const typeAside = types.aside;
  const durationAside = durations.aside;
  const rows = matches.length;
  let total = 0;
  for (let c = 0, first = 0; first < rows; c++, first += CHUNK_ROWS) {
    const rowDurations = durations.chunks[c];
    const rowTypes = types.chunks[c];
    const n = Math.min(CHUNK_ROWS, rows - first);
    for (let i = 0; i < n; i++) {
      const row = first + i;
      if (matches[row] === 0) continue;
      let type = rowTypes[i];
      if (type === typeAside) type = types.exception(row);
      let d = rowDurations[i];
      if (d === durationAside) d = durations.exception(row);
      const ended = d === d; // not NaN: begun and ended in the trace
      const wantedRow = typeMask[type] !== 0 && (ended ? keepEnded : keepUnended) !== 0;
      if (wantedRow && ended && counting) histogram.add(d);
      const inRange = d >= min && d <= max; // false for NaN
      const kept = wantedRow && (inRange || !ranged);
      matches[row] = kept ? 1 : 0;
      if (kept) total++;
    }
  }
  return total;
}

/** What the store reads of a task's begin or end event. */
export type TaskFields = Pick<TaskEvent, 'id' | 'parent' | 'type' | 'goroutine' | 'time'>;
/** What the store reads of a log: its message as text, or as bytes when `messageBytes` is set. */
export type LogFields = Pick<LogEvent, 'task' | 'goroutine' | 'category' | 'message' | 'messageBytes'>;

export class TaskStore {
  private count = 0;
  private readonly ids = new OffsetColumn((n) => new Uint16Array(n));
  private readonly parents = u32Column(1);
  /** NaN when begun before the capture. */
  private readonly starts = new OffsetColumn((n) => new Uint32Array(n));
  /** End minus start; NaN while open or when begun before the capture (then its end is in endsWithoutStart). */
  private readonly durations = u32Column();
  private readonly endsWithoutStart = new Map<number, number>();
  /** The goroutine that began the task (or first ran a region or log of it); the one that ended it once ended. */
  private readonly goroutineOf = u32Column(1);
  private readonly types = u8Column();
  /** Index in siteList, NO_SITE for none. */
  private readonly sites = u8Column(1, 1);
  /** A task's goroutines, regions and logs: rarely 255 or more (kept aside then). */
  private readonly tallies = u8Column(TALLIES);
  private readonly columns = [this.ids, this.parents, this.starts, this.durations, this.goroutineOf, this.types, this.sites, this.tallies];
  private readonly typeNames = new Interner();
  private readonly siteList: SourceLocation[] = [];
  private readonly siteIndexes = new Map<SourceLocation, number>();
  private readonly resolver = new SiteResolver();
  private readonly open = new Map<number, OpenTask>();
  /** Ids seen, so that a log after a task's end does not make a second row (see seen()). */
  private idBits = new Uint8Array(1024);
  private readonly bigIds = new Set<number>();
  /** The log index, by category. */
  private readonly logs = new Map<string, CategoryLogs>();
  private logCount = 0;
  /** Bumped when a sort key may change (a row added or ended), so cached orders are rebuilt. */
  private version = 0;
  private readonly orders = new Map<TaskSortKey, Order>();
  private logMatch: { key: string; logs: number; rows: Uint8Array } | undefined;
  private lastHistogram: { key: string; version: number; logs: number; histogram: TaskListPage['histogram'] } | undefined;
  /** False while the trace is still loading. */
  complete = false;

  get size(): number { return this.count; }

  /** Bytes held by the columns and the log index (for the memory budget). */
  get bytes(): number {
    let b = this.idBits.byteLength;
    for (const c of this.columns) b += c.bytes;
    for (const c of this.logs.values()) b += c.bytes;
    for (const o of this.orders.values()) b += o.rows?.byteLength ?? 0;
    return b;
  }

  /** Feeds an event (those of tasks, regions and logs count; the rest are ignored). */
  add(ev: TraceEvent): void {
    switch (ev.kind) {
      case 'TaskBegin': this.taskBegin(ev, this.resolver.siteOf(ev.stack)); break;
      case 'TaskEnd': this.taskEnd(ev); break;
      case 'RegionBegin': this.regionBegin(ev); break;
      case 'Log': this.log(ev); break;
      default:
    }
  }

  // The events of each kind, for a caller that has dispatched them already (TraceAnalyzer.forwardAnnotations).

  /** A task begins; `site` is its call site as a SiteResolver found it (one resolver for every event of a store). */
  taskBegin(ev: TaskFields, site: SourceLocation | undefined): void {
    const row = this.newRow(ev.id, ev.parent, ev.type, ev.goroutine, ev.time);
    if (site !== undefined) this.sites.set(row, this.siteIndex(site));
    this.open.set(ev.id, { row, goroutines: [] });
  }

  taskEnd(ev: TaskFields): void {
    const task = this.openTask(ev.id, ev.goroutine);
    if (task === undefined) return;
    this.open.delete(ev.id);
    this.setEnd(task.row, ev.time);
    this.goroutineOf.set(task.row, ev.goroutine);
    if (ev.parent !== NO_TASK) this.parents.set(task.row, ev.parent);
    this.types.set(task.row, this.typeNames.index(ev.type)); // Go names a task from its end event too
    this.version++;
  }

  /** A region begins (its end changes nothing here). */
  regionBegin(ev: Pick<RegionEvent, 'task' | 'goroutine'>): void {
    this.touch(ev.task, ev.goroutine, REGIONS);
  }

  log(ev: LogFields): void {
    const task = this.touch(ev.task, ev.goroutine, LOGS);
    if (task === undefined) return;
    let category = this.logs.get(ev.category);
    if (category === undefined) this.logs.set(ev.category, (category = new CategoryLogs()));
    category.add(task.row, ev.message, ev.messageBytes);
    this.logCount++;
  }

  finish(): void {
    this.open.clear();
    this.complete = true;
    this.version++;
  }

  /** A page of the instances matching the query, with the histogram of their durations. */
  list(query: TaskListQuery): TaskListPage {
    const { filter } = query;
    const types = this.typeMask(filter.types);
    const state = filter.state ?? 'all';
    const min = filter.minDurationNs ?? -Infinity;
    const max = filter.maxDurationNs ?? Infinity;
    const ranged = filter.minDurationNs !== undefined || filter.maxDurationNs !== undefined;
    // The histogram ignores the range: a brush moving over it reuses the last one.
    const baseKey = JSON.stringify([filter.types ?? [], filter.site ?? null, filter.log ?? null, state]);
    const histogramCached = this.lastHistogram !== undefined && this.lastHistogram.key === baseKey && this.lastHistogram.version === this.version &&
      this.lastHistogram.logs === this.logCount;
    const histogram = new DurationHistogram();
    // Candidates (1 each): the rows with the log asked for, or every row, less those of other call
    // sites; each its own pass, and the rest in one function for every kind of filter (see scan).
    const matches = filter.log === undefined ? new Uint8Array(this.count).fill(1) : this.rowsWithLog(filter.log.category, filter.log.message).slice();
    if (filter.site !== undefined) this.dropOtherSites(matches, filter.site);
    const wanted: ScanFilter = { types, ended: state !== 'unended', unended: state !== 'ended', min, max, ranged };
    let total = scan(matches, this.types, this.durations, wanted, histogram, !histogramCached);
    if (query.slowestPerType !== undefined) total = this.keepSlowest(matches, query.slowestPerType);
    const sort = query.sort ?? { key: 'duration', descending: true };
    const rows = this.page(matches, sort.key, sort.descending, query.offset, query.limit);
    if (!histogramCached) this.lastHistogram = { key: baseKey, version: this.version, logs: this.logCount, histogram: histogram.buckets() };
    return { total, offset: query.offset, rows: rows.map((r) => this.record(r)), histogram: this.lastHistogram!.histogram, complete: this.complete };
  }

  /** The instance with this id (the latest row when a corrupt trace reuses one). */
  find(id: number): TaskRecord | undefined {
    for (let row = this.count - 1; row >= 0; row--) if (this.ids.get(row) === id) return this.record(row);
    return undefined;
  }

  /** The instances whose parent is this task, in row order, at most `limit`. */
  children(id: number, limit: number): TaskRecord[] {
    const out: TaskRecord[] = [];
    for (let row = 0; row < this.count && out.length < limit; row++) if (this.parents.get(row) === id) out.push(this.record(row));
    return out;
  }

  private record(row: number): TaskRecord {
    const start = this.starts.get(row);
    const duration = this.durations.get(row);
    const end = start === start ? start + duration : this.endsWithoutStart.get(row) ?? NaN;
    const site = this.sites.get(row);
    const r: TaskRecord = {
      id: this.ids.get(row), parent: this.parents.get(row), type: this.typeNames.values[this.types.get(row)],
      goroutines: this.tallies.get(row, GOROUTINES), regions: this.tallies.get(row, REGIONS), logs: this.tallies.get(row, LOGS),
      goroutine: this.goroutineOf.get(row),
    };
    if (start === start) r.startNs = start;
    if (end === end) r.endNs = end;
    if (duration === duration) r.durationNs = duration;
    if (site !== NO_SITE) r.site = this.siteList[site];
    return r;
  }

  /** A new row; `start` NaN for a task begun before the capture. */
  private newRow(id: number, parent: number, type: string, goroutine: number, start: number): number {
    const row = this.count++;
    for (const c of this.columns) c.reserve(row);
    this.ids.set(row, id);
    this.parents.set(row, parent);
    this.starts.set(row, start);
    this.durations.set(row, NaN);
    this.goroutineOf.set(row, goroutine);
    this.types.set(row, this.typeNames.index(type));
    this.sites.set(row, NO_SITE);
    this.markSeen(id);
    this.version++;
    return row;
  }

  /**
   * The open task with this id; one not seen before was begun before the capture and gets a row
   * now. An id already ended (a log after End) has none: its events are not counted.
   */
  private openTask(id: number, goroutine: number): OpenTask | undefined {
    // Go's BackgroundTask (0) holds the regions and logs outside any task: it is not an instance.
    if (id === NO_TASK || id === BACKGROUND_TASK) return undefined;
    let task = this.open.get(id);
    if (task === undefined && !this.seen(id)) this.open.set(id, (task = { row: this.newRow(id, NO_TASK, '', goroutine, NaN), goroutines: [] }));
    return task;
  }

  private touch(id: number, goroutine: number, tally: number): OpenTask | undefined {
    const task = this.openTask(id, goroutine);
    if (task === undefined) return undefined;
    this.tallies.increment(task.row, tally);
    if (!task.goroutines.includes(goroutine)) {
      task.goroutines.push(goroutine);
      this.tallies.set(task.row, task.goroutines.length, GOROUTINES);
    }
    return task;
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
    if (byte >= this.idBits.length) this.idBits = grow(this.idBits, byte + 1);
    this.idBits[byte] |= 1 << (id & 7);
  }

  private seen(id: number): boolean {
    if (!Number.isInteger(id) || id < 0 || id >= ID_BITMAP_LIMIT) return this.bigIds.has(id);
    const byte = id >>> 3;
    return byte < this.idBits.length && (this.idBits[byte] & (1 << (id & 7))) !== 0;
  }

  /** 1 for each type index asked for (every type when none is). */
  private typeMask(names: string[] | undefined): Uint8Array {
    const mask = new Uint8Array(this.typeNames.values.length);
    if (names === undefined || names.length === 0) return mask.fill(1);
    for (const t of names) {
      const i = this.typeNames.find(t);
      if (i !== undefined) mask[i] = 1;
    }
    return mask;
  }

  /** Unmarks the rows not created at this file and line. */
  private dropOtherSites(matches: Uint8Array, site: { file: string; line: number }): void {
    const mask = new Uint8Array(this.siteList.length);
    this.siteList.forEach((s, i) => { if (s.file === site.file && s.line === site.line) mask[i] = 1; });
    for (let row = 0; row < this.count; row++) if (mask[this.sites.get(row)] !== 1) matches[row] = 0; // NO_SITE lies past the mask
  }

  /** Leaves the N slowest ended rows of each type marked; returns how many. */
  private keepSlowest(matches: Uint8Array, n: number): number {
    const slowest = new SlowestPerType(n, this.typeNames.values.length);
    const typeAside = this.types.aside;
    const durationAside = this.durations.aside;
    // The columns' chunks directly, as scan reads them.
    for (let c = 0, first = 0; first < this.count; c++, first += CHUNK_ROWS) {
      const rowDurations = this.durations.chunks[c];
      const rowTypes = this.types.chunks[c];
      const rows = Math.min(CHUNK_ROWS, this.count - first);
      for (let i = 0; i < rows; i++) {
        if (matches[first + i] === 0) continue;
        let d = rowDurations[i];
        if (d === durationAside) d = this.durations.exception(first + i);
        if (d !== d) continue;
        let type = rowTypes[i];
        if (type === typeAside) type = this.types.exception(first + i);
        slowest.offer(type, first + i, d);
      }
    }
    return slowest.keepIn(matches);
  }

  /** Rows (1 each) with a log of this category, and of this exact message when given; cached for the next query. */
  private rowsWithLog(category: string, message: string | undefined): Uint8Array {
    const key = JSON.stringify([category, message ?? null]);
    const cached = this.logMatch;
    if (cached !== undefined && cached.key === key && cached.logs === this.logCount && cached.rows.length === this.count) return cached.rows;
    const rows = new Uint8Array(this.count);
    this.logs.get(category)?.mark(message, rows);
    this.logMatch = { key, logs: this.logCount, rows };
    return rows;
  }

  /** A task's end: its duration when it has a start, else the end itself. */
  private setEnd(row: number, end: number): void {
    const start = this.starts.get(row);
    if (start === start) this.durations.set(row, end - start);
    else this.endsWithoutStart.set(row, end);
  }

  /** Rows [offset, offset + limit) of the matches in the order asked; rows without the key (NaN) always last. */
  private page(matches: Uint8Array, key: TaskSortKey, descending: boolean, offset: number, limit: number): number[] {
    const out: number[] = [];
    if (limit <= 0) return out;
    const { rows, keyed } = this.order(key);
    let seen = 0;
    // One loop for both directions (the keyed rows backwards when descending), as for scan.
    for (let i = 0; i < this.count; i++) {
      const at = i < keyed && descending ? keyed - 1 - i : i;
      const row = rows === undefined ? at : rows[at];
      if (matches[row] === 0) continue;
      if (seen++ >= offset) out.push(row);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Every row sorted ascending by the key (ties by row), rows without it after `keyed`; cached until rows change (see below). */
  private order(key: TaskSortKey): Order {
    const cached = this.orders.get(key);
    if (cached !== undefined && cached.version === this.version) return cached;
    const n = this.count;
    let small: ((row: number) => number) | undefined;
    if (key === 'type') {
      const names = this.typeNames.values;
      const rank = new Uint32Array(names.length);
      [...names.keys()].sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0)).forEach((t, i) => { rank[t] = i; });
      small = (row) => rank[this.types.get(row)];
    } else if (key === 'goroutines' || key === 'regions' || key === 'logs') {
      const tally = key === 'goroutines' ? GOROUTINES : key === 'regions' ? REGIONS : LOGS;
      small = (row) => this.tallies.get(row, tally);
    }
    const counted = small === undefined ? undefined : countingOrder(n, small);
    const order = counted === undefined ? this.orderByKeys(key) : { version: this.version, rows: counted, keyed: n };
    // Kept: the default order (by duration) and the last other one asked for (4 bytes a row each).
    for (const other of this.orders.keys()) if (other !== 'duration') this.orders.delete(other);
    this.orders.set(key, order);
    return order;
  }

  /**
   * The order by any key (sortKey): none to make when the keys are already in row order; else integer
   * keys spanning less than 2^32 (durations) by radix, others by the packed sort of a column of keys.
   */
  private orderByKeys(key: TaskSortKey): Order {
    const n = this.count;
    const keyOf = this.sortKey(key);
    let keyed = 0;
    let inOrder = true;
    let integers = true;
    let min = Infinity;
    let max = -Infinity;
    for (let row = 0; row < n; row++) {
      const k = keyOf(row);
      if (k !== k) continue;
      keyed++;
      if (k < max) inOrder = false;
      if (!Number.isSafeInteger(k)) integers = false;
      if (k < min) min = k;
      if (k > max) max = k;
    }
    // Keys already in row order (starts and ids: rows are made as tasks begin): no sort, and no column when every row has one.
    if (inOrder && keyed === n) return { version: this.version, rows: undefined, keyed };
    const rows = new Uint32Array(n);
    for (let row = 0, at = 0, unkeyed = keyed; row < n; row++) {
      const k = keyOf(row);
      if (k === k) rows[at++] = row;
      else rows[unkeyed++] = row;
    }
    if (inOrder) return { version: this.version, rows, keyed };
    if (integers && max - min < 2 ** 32) {
      // Their distance from the least in 4 bytes a row, sorted by radix (12 bytes a row in all while sorting).
      const offsets = new Uint32Array(n);
      for (let row = 0; row < n; row++) {
        const k = keyOf(row);
        if (k === k) offsets[row] = k - min;
      }
      radixSort(rows.subarray(0, keyed), offsets, max - min);
    } else {
      const keys = new Float64Array(n);
      for (let row = 0; row < n; row++) keys[row] = keyOf(row);
      sortByKey(rows.subarray(0, keyed), keys);
    }
    return { version: this.version, rows, keyed };
  }

  /** A row's sort key (NaN for none). */
  private sortKey(key: TaskSortKey): (row: number) => number {
    switch (key) {
      case 'type': {
        const names = this.typeNames.values;
        const rank = new Float64Array(names.length);
        [...names.keys()].sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0)).forEach((t, i) => { rank[t] = i; });
        return (row) => rank[this.types.get(row)];
      }
      case 'duration': return (row) => this.durations.get(row);
      case 'goroutines': return (row) => this.tallies.get(row, GOROUTINES);
      case 'regions': return (row) => this.tallies.get(row, REGIONS);
      case 'logs': return (row) => this.tallies.get(row, LOGS);
      case 'start': return (row) => this.starts.get(row);
      case 'id': return (row) => this.ids.get(row);
    }
  }
}

/** Keys of a counting sort at most this large (a count per value). */
const MAX_COUNTED_KEY = 1 << 16;

/**
 * Rows 0..n-1 sorted by a small non-negative integer key (ties by row), with no column of keys: a
 * count per key value, then each row placed. Undefined when a key is larger than MAX_COUNTED_KEY.
 */
function countingOrder(n: number, keyOf: (row: number) => number): Uint32Array | undefined {
  let max = 0;
  for (let row = 0; row < n; row++) {
    const k = keyOf(row);
    if (!(Number.isInteger(k) && k >= 0 && k <= MAX_COUNTED_KEY)) return undefined;
    if (k > max) max = k;
  }
  const next = new Uint32Array(max + 2);
  for (let row = 0; row < n; row++) next[keyOf(row) + 1]++;
  for (let k = 1; k <= max + 1; k++) next[k] += next[k - 1];
  const rows = new Uint32Array(n);
  for (let row = 0; row < n; row++) rows[next[keyOf(row)]++] = row;
  return rows;
}

/**
 * Sorts rows (ascending, all below keys.length) by keys[row], ties by row: the keys' order (the row in
 * the low digits) found with the typed array's own numeric sort, far faster than a comparator over
 * 400,000 rows. `keys` is overwritten.
 */
function sortByKey(rows: Uint32Array, keys: Float64Array): void {
  const n = rows.length;
  const base = keys.length;
  // Integer keys spanning little enough (starts in ns since the machine booted, over a trace of
  // seconds) pack as their distance from the least: no ranks, no column of sorted keys.
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n && max === max; i++) {
    const k = keys[rows[i]];
    if (Number.isSafeInteger(k)) {
      min = Math.min(min, k);
      max = Math.max(max, k);
    } else max = NaN;
  }
  if (n > 0 && (max - min + 1) * base <= Number.MAX_SAFE_INTEGER) {
    const packed = keys.subarray(0, n);
    for (let i = 0; i < n; i++) packed[i] = (keys[rows[i]] - min) * base + rows[i];
    packed.sort();
    for (let i = 0; i < n; i++) rows[i] = packed[i] % base;
    return;
  }
  // Rank the distinct keys, then sort (rank * base + row) as plain numbers: exact below 2^53.
  const sortedKeys = new Float64Array(n);
  for (let i = 0; i < n; i++) sortedKeys[i] = keys[rows[i]];
  sortedKeys.sort();
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sortedKeys[i] !== sortedKeys[distinct - 1]) sortedKeys[distinct++] = sortedKeys[i];
  const ranks = sortedKeys.subarray(0, distinct);
  // In place: rows ascend, so keys[rows[j]] for j > i lies at or past i and is still unwritten.
  const packed = keys.subarray(0, n);
  for (let i = 0; i < n; i++) packed[i] = rankOf(ranks, keys[rows[i]]) * base + rows[i];
  packed.sort();
  for (let i = 0; i < n; i++) rows[i] = packed[i] % base;
}

/** Most bits of the key sorted by one pass of radixSort (a count per digit value: 64 KB). */
const MAX_RADIX_BITS = 14;

/**
 * Sorts rows by offsets[row] (at most `span`) stably, so ties stay in the rows' order: a
 * least-significant-digit radix sort in as few passes of at most 14 bits as the span needs (two for
 * durations below 268 ms, three below 4.3 s), with one more column of rows.
 */
function radixSort(rows: Uint32Array, offsets: Uint32Array, span: number): void {
  const n = rows.length;
  const bits = 32 - Math.clz32(span);
  const passes = Math.max(1, Math.ceil(bits / MAX_RADIX_BITS));
  const digitBits = Math.ceil(bits / passes) || 1;
  const mask = (1 << digitBits) - 1;
  let from = rows;
  let to: Uint32Array = new Uint32Array(n);
  const starts = new Uint32Array(1 << digitBits);
  for (let pass = 0, shift = 0; pass < passes; pass++, shift += digitBits) {
    starts.fill(0);
    for (let i = 0; i < n; i++) starts[(offsets[from[i]] >>> shift) & mask]++;
    for (let digit = 0, at = 0; digit < starts.length; digit++) {
      const count = starts[digit];
      starts[digit] = at;
      at += count;
    }
    for (let i = 0; i < n; i++) {
      const row = from[i];
      to[starts[(offsets[row] >>> shift) & mask]++] = row;
    }
    [from, to] = [to, from];
  }
  if (from !== rows) rows.set(from);
}

function rankOf(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Log-spaced buckets (BUCKETS_PER_OCTAVE per doubling) spanning the durations; bucket i counts [bounds[i], bounds[i+1]). */
export function logHistogram(durations: ArrayLike<number>): { boundsNs: number[]; counts: number[] } {
  const histogram = new DurationHistogram();
  for (let i = 0; i < durations.length; i++) histogram.add(durations[i]);
  return histogram.buckets();
}

/** Buckets up to 2^1024 ns (any finite duration). */
const MAX_BUCKET = 1024 * BUCKETS_PER_OCTAVE;
const bucketBound = (b: number): number => Math.ceil(2 ** (b / BUCKETS_PER_OCTAVE));
/** The bounds of the buckets below 2^32 ns, for placing a duration without a logarithm. */
const BOUNDS_BELOW_2_32 = Float64Array.from({ length: 32 * BUCKETS_PER_OCTAVE + 1 }, (_, b) => bucketBound(b));

/** The bucket of a duration as its logarithm says: within one of its own (floating-point log2 can land a bound's value one off). */
function estimatedBucket(d: number): number {
  return Math.min(MAX_BUCKET, Math.floor(Math.log2(Math.max(d, 1)) * BUCKETS_PER_OCTAVE));
}

/** The bucket whose bounds hold this duration (-1 below 1 ns). */
function bucketOf(d: number): number {
  if (d >= 1 && d === d >>> 0) {
    // Whole nanoseconds below 2^32 (4.3 s): the doubling from the leading bit, then the bounds within it (2^k itself is exact).
    let b = (31 - Math.clz32(d)) * BUCKETS_PER_OCTAVE;
    for (let within = 1; within < BUCKETS_PER_OCTAVE && d >= BOUNDS_BELOW_2_32[b + 1]; within++) b++;
    return b;
  }
  const b = estimatedBucket(d);
  return d >= bucketBound(b + 1) ? b + 1 : d < bucketBound(b) ? b - 1 : b;
}

/**
 * logHistogram's buckets, counted one duration at a time (no copy of the durations): each duration in
 * the bucket whose bounds hold it, the buckets spanning those of the least and greatest durations by
 * their logarithms (one off at a bound: a duration past them counts in the nearest).
 */
class DurationHistogram {
  /** By bucket + 1 (bucketOf is -1 for less than 1 ns, and may be one past MAX_BUCKET). */
  private readonly counts = new Float64Array(MAX_BUCKET + 3);
  private least = Infinity;
  private greatest = -Infinity;

  add(d: number): void {
    if (d < this.least) this.least = d;
    if (d > this.greatest) this.greatest = d;
    this.counts[bucketOf(d) + 1]++;
  }

  buckets(): { boundsNs: number[]; counts: number[] } {
    if (!(this.least <= this.greatest)) return { boundsNs: [], counts: [] };
    const low = estimatedBucket(this.least);
    const high = estimatedBucket(this.greatest);
    const counts = new Array<number>(high - low + 1).fill(0);
    const boundsNs = Array.from({ length: counts.length + 1 }, (_, i) => bucketBound(low + i));
    for (let b = bucketOf(this.least); b <= bucketOf(this.greatest); b++) counts[Math.min(high, Math.max(low, b)) - low] += this.counts[b + 1];
    return { boundsNs, counts };
  }
}
