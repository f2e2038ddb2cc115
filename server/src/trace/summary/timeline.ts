// Timeline index with level of detail. Each lane (goroutine, proc, GC) has tracks (rows): row 0
// holds states (or GC phases), row 1+d holds regions at nesting depth d (or STW pauses on the GC
// lane). Spans within a track never overlap and arrive in time order, so each level of a track is
// a sorted list of varints in blocks of 128 spans (SpanLevel): start, end, label id (-1 = "mixed")
// and merged count, exact, ~6 bytes a span; a query decodes the blocks it reads.
//
// Levels: level 0 holds the exact spans; level k ≥ 1 holds the spans of level k-1 merged with the
// rule of joinsGroup at a width w_k ≥ 4·max(w_(k-1), mean spacing of level k-1's spans, 250 ns),
// so each level is several times smaller than the one below. Levels are built online, and only
// for tracks with more than LEVEL_MIN_SPANS spans at the top level. A query at resolution r reads
// the coarsest level with w_k ≤ r and merges again at r, so it returns about one span per pixel
// per track whatever the number of events, scanning a few stored spans per pixel.
//
// Memory: spans stored at all levels are counted. Once SPAN_BUDGET are stored, level 0 stops
// growing ("freezes") in every track and later spans enter at level 1 (a few times the track's
// mean span spacing wide, at least 1 µs); at 1.5, 2 and 2.5 × SPAN_BUDGET levels 1, 2 and 3
// freeze in turn, so later spans are kept at least ~4, 16, 64 and finally 256 times coarser.
// A track freezes a level only once it holds LEVEL_MIN_SPANS spans, so stored spans stay near
// 2.5 × SPAN_BUDGET plus at most LEVEL_MIN_SPANS per level of each small track (~6 bytes each, plus
// up to a third of growth slack), whatever the trace's size. Every span is counted at every level: merged counts always
// add up, and a query reads each frozen level up to its freeze and the level above after it.
import {
  unpackTimelineSlice, type Lane, type LaneKind, type PackedLane, type PackedTimelineSlice, type TimelineQuery, type TimelineSlice, type TimelineSpan,
} from '../../../../common/traceModel';
import { GroupActivity, type ActivitySeries, type ActivityState } from './activity';
import { emptySmallLane, LaneRecords, type SmallLane } from './laneRecords';
import { putTime, putUint, unzigzag, VarintReader, zigzag } from './varints';

export const SPAN_BUDGET = 1_000_000;
/** Levels that can freeze: later spans are kept at level MAX_FLOOR and coarser. */
const MAX_FLOOR = 4;
/** Stored spans at which level `floor` freezes. */
const freezeThreshold = (budget: number, floor: number) => budget * (1 + floor / 2);
export const LEVEL_BASE_NS = 1_000;
const LEVEL_FACTOR = 4;
const LEVEL_MIN_SPANS = 64;
const MIXED = -1;

export type SpanCategory = TimelineSpan['category'];

/**
 * The merge rule, shared by the stored levels and by queries: a span joins the group before it
 * unless that group is already `width` wide, or the span itself is, or a gap of `width` separates
 * them. So each merged span is about one pixel wide (less than 3 pixels), long spans and pixel-wide
 * gaps stay visible, and a window of W ns yields at most about W / width merged spans per track
 * plus the long spans.
 */
function joinsGroup(groupStart: number, groupEnd: number, start: number, end: number, width: number): boolean {
  return groupEnd - groupStart < width && end - start < width && start - groupEnd < width;
}

/** Where merged spans go: the level above (SpanLevel) or a query's answer. */
interface SpanSink { push(start: number, end: number, count: number, label: number): void }

/** Greedy merging by joinsGroup of spans that come in time order; emits each group once complete. */
class GroupMerger {
  private open = false;
  private gStart = 0;
  private gEnd = 0;
  private gCount = 0;
  private gLabel = 0;

  /** The sink is an object, not a closure: a stored level's merge passes every span of the level below. */
  constructor(readonly widthNs: number, private readonly sink: SpanSink) {}

  add(start: number, end: number, count: number, label: number): void {
    if (this.open) {
      if (joinsGroup(this.gStart, this.gEnd, start, end, this.widthNs)) {
        if (end > this.gEnd) this.gEnd = end;
        this.gCount += count;
        if (label !== this.gLabel) this.gLabel = MIXED;
        return;
      }
      this.close();
    }
    this.open = true;
    this.gStart = start;
    this.gEnd = end;
    this.gCount = count;
    this.gLabel = label;
  }

  /** Emits the group still open. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.sink.push(this.gStart, this.gEnd, this.gCount, this.gLabel);
  }

  /** The group still open, for queries made while loading. */
  pending(): [number, number, number, number] | undefined {
    return this.open ? [this.gStart, this.gEnd, this.gCount, this.gLabel] : undefined;
  }
}

/** A duration that does not fit a span's Uint32 duration column: its end is kept in a map instead. */
const LONG = 0xffff_ffff;

/**
 * Times as offsets from a base the caller knows (a span's start for its end, a block's first start
 * for a start): exact integers below LONG ns (4.3 s) in a Uint32 column, the rare larger (or
 * non-integer) ones in a map, so a time costs 4 bytes instead of 8 and stays exact.
 */
class ExactOffsets {
  offsets: Uint32Array;
  private readonly long = new Map<number, number>();

  constructor(capacity: number) { this.offsets = new Uint32Array(capacity); }

  set(i: number, base: number, time: number): void {
    const offset = time - base;
    if (offset >= 0 && offset < LONG && Number.isInteger(offset) && base + offset === time) {
      this.offsets[i] = offset;
    } else {
      this.offsets[i] = LONG;
      this.long.set(i, time);
    }
  }

  get(i: number, base: number): number {
    const offset = this.offsets[i];
    return offset === LONG ? this.long.get(i)! : base + offset;
  }

  /** Forgets index i's time (a store reusing it sets it again). */
  clear(i: number): void {
    if (this.offsets[i] === LONG) this.long.delete(i);
  }

  grow(capacity: number): void {
    const grown = new Uint32Array(capacity);
    grown.set(this.offsets);
    this.offsets = grown;
  }
}

/** A level's spans are encoded in blocks of 2^SPAN_BLOCK_BITS, each decoded as a whole when read. */
const SPAN_BLOCK_BITS = 7;
const SPAN_BLOCK = 1 << SPAN_BLOCK_BITS;
const SPAN_BLOCK_MASK = SPAN_BLOCK - 1;
/** Most bytes a span takes: start and end escaped (9 each), label and count (≤ 9 each). */
const MAX_SPAN_BYTES = 40;

/**
 * The block decoded last, of whichever level read it (levels are read one at a time: a query
 * reads one level's spans in order, then the next).
 */
const reader = new VarintReader();
const decoded = {
  level: undefined as SpanLevel | undefined,
  block: -1,
  count: 0,
  starts: new Float64Array(SPAN_BLOCK),
  ends: new Float64Array(SPAN_BLOCK),
  counts: new Float64Array(SPAN_BLOCK),
  labels: new Int32Array(SPAN_BLOCK),
};

/**
 * One resolution of one track: stored spans, fed (above level 0) by merging the level below.
 * Spans are varints in one byte column, 4–8 bytes a span instead of 16–28 as numbers: a span's
 * start as an offset from the previous start in its block, its end from its start (exact, see
 * varints.ts), then its label (zigzag, times two, plus 1 when a merged count follows) and that count.
 */
class SpanLevel implements SpanSink {
  private bytes = new Uint8Array(64);
  private used = 0;
  private view = new DataView(this.bytes.buffer);
  /** Per block: its first byte and its first span's end (ends are sorted: a query finds its block by them). */
  private blockOffsets: Float64Array = new Float64Array(1);
  private blockFirstEnds: Float64Array = new Float64Array(1);
  private lastStart = 0;
  length = 0;
  /** Merges spans from the level below into this one; its open group is not stored yet. */
  readonly incoming: GroupMerger;
  next: SpanLevel | undefined;

  /** `widthNs` is the widest merge this level makes (0 for exact spans); `stored` counts spans of all levels. */
  constructor(readonly widthNs: number, private readonly stored: { spans: number }) {
    this.incoming = new GroupMerger(widthNs, this);
  }

  /** Appends a span to this level's storage and feeds the level above. */
  push(start: number, end: number, count: number, label: number): void {
    if (this.used + MAX_SPAN_BYTES > this.bytes.length) this.grow();
    const i = this.length++;
    this.stored.spans++;
    if ((i & SPAN_BLOCK_MASK) === 0) {
      const block = i >>> SPAN_BLOCK_BITS;
      if (block === this.blockOffsets.length) {
        this.blockOffsets = resizedFloats(this.blockOffsets, block * 2);
        this.blockFirstEnds = resizedFloats(this.blockFirstEnds, block * 2);
      }
      this.blockOffsets[block] = this.used;
      this.blockFirstEnds[block] = end;
      this.lastStart = 0;
    }
    const { bytes, view } = this;
    let at = putTime(bytes, view, this.used, start, this.lastStart);
    at = putTime(bytes, view, at, end, start);
    this.lastStart = start;
    at = putUint(bytes, at, zigzag(label) * 2 + (count === 1 ? 0 : 1));
    if (count !== 1) at = putUint(bytes, at, count);
    this.used = at;
    this.next?.incoming.add(start, end, count, label);
  }

  startOf(i: number): number { return decoded.starts[this.decodedIndex(i)]; }
  endOf(i: number): number { return decoded.ends[this.decodedIndex(i)]; }
  countOf(i: number): number { return decoded.counts[this.decodedIndex(i)]; }
  labelOf(i: number): number { return decoded.labels[this.decodedIndex(i)]; }

  /** Stores the open merge (and, recursively, those above when `cascade`). */
  flush(cascade = false): void {
    this.incoming.close();
    if (cascade) this.next?.flush(true);
  }

  /** Index of the first span ending at or after `time` (ends are sorted), from `from` on. */
  firstEndingAtOrAfter(time: number, from = 0): number {
    if (from >= this.length) return this.length;
    // The last block whose first end is before `time` holds the answer, or the one after it begins with it.
    let lo = from >>> SPAN_BLOCK_BITS;
    let hi = (this.length - 1) >>> SPAN_BLOCK_BITS;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.blockFirstEnds[mid] < time) lo = mid;
      else hi = mid - 1;
    }
    let first = Math.max(from, lo << SPAN_BLOCK_BITS);
    const end = Math.min(this.length, (lo + 1) << SPAN_BLOCK_BITS);
    while (first < end && this.endOf(first) < time) first++;
    return first;
  }

  bytesHeld(): number {
    return this.bytes.byteLength + this.blockOffsets.byteLength + this.blockFirstEnds.byteLength;
  }

  /** Where span i is in `decoded`, its block decoded first unless it is there already. */
  private decodedIndex(i: number): number {
    const block = i >>> SPAN_BLOCK_BITS;
    const k = i & SPAN_BLOCK_MASK;
    if (decoded.level !== this || decoded.block !== block || k >= decoded.count) this.decode(block);
    return k;
  }

  private decode(block: number): void {
    const count = Math.min(SPAN_BLOCK, this.length - (block << SPAN_BLOCK_BITS));
    const r = reader.reset(this.bytes, this.view, this.blockOffsets[block]);
    let start = 0;
    for (let k = 0; k < count; k++) {
      start = r.time(start);
      decoded.starts[k] = start;
      decoded.ends[k] = r.time(start);
      const v = r.uint();
      decoded.labels[k] = unzigzag(Math.floor(v / 2));
      decoded.counts[k] = v % 2 === 0 ? 1 : r.uint();
    }
    decoded.level = this;
    decoded.block = block;
    decoded.count = count;
  }

  private grow(): void {
    const bytes = new Uint8Array(Math.ceil(this.bytes.length * 1.5) + MAX_SPAN_BYTES);
    bytes.set(this.bytes.subarray(0, this.used));
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }
}

function resizedFloats(column: Float64Array, size: number): Float64Array {
  const copy = new Float64Array(size);
  copy.set(column);
  return copy;
}

class Track {
  readonly levels: SpanLevel[];
  /** Levels below `floor` are frozen: new spans enter at level `floor`. */
  private floor = 0;
  /** resumeAt[m]: where level m's spans made after level m-1 froze begin. */
  private readonly resumeAt: number[] = [];

  constructor(readonly row: number, readonly category: SpanCategory, private readonly stored: { spans: number }) {
    this.levels = [new SpanLevel(0, stored)];
  }

  /** `count` raw spans in one (more than 1 only for spans a small lane left out, see TimelineIndex). */
  add(start: number, end: number, label: number, floor: number, count = 1): void {
    // Only a level with enough spans freezes: the level above it then has a width taken from real data.
    while (this.floor < floor && this.levels[this.floor].length > LEVEL_MIN_SPANS) this.freezeFloor();
    if (this.floor === 0) this.levels[0].push(start, end, count, label);
    else this.levels[this.floor].incoming.add(start, end, count, label);
    this.growLevels();
  }

  finish(): void {
    this.levels[1]?.flush(true);
  }

  bytes(): number {
    return this.levels.reduce((sum, level) => sum + level.bytesHeld(), 0);
  }

  query(startNs: number, endNs: number, resolutionNs: number, sink: GroupMerger): void {
    let k = 0;
    while (k + 1 < this.levels.length && this.levels[k + 1].widthNs <= resolutionNs) k++;
    this.read(this.levels[k], startNs, endNs, sink, 0);
    // A frozen level ends where it froze; the level above continues from there.
    for (let m = k + 1; m <= this.floor; m++) this.read(this.levels[m], startNs, endNs, sink, this.resumeAt[m]);
    // While loading, the newest spans sit in open merges: the top level read's, then those below.
    for (let j = Math.max(k, this.floor); j >= 1; j--) {
      const pending = this.levels[j].incoming.pending();
      if (pending !== undefined && pending[1] >= startNs && pending[0] <= endNs) sink.add(...pending);
    }
    sink.close();
  }

  private read(level: SpanLevel, startNs: number, endNs: number, sink: GroupMerger, from: number): void {
    const { length } = level;
    for (let i = level.firstEndingAtOrAfter(startNs, from); i < length; i++) {
      const start = level.startOf(i);
      if (start > endNs) break;
      sink.add(start, level.endOf(i), level.countOf(i), level.labelOf(i));
    }
  }

  /** Stops level `floor` from growing: its open merge is stored, and new spans go one level up. */
  private freezeFloor(): void {
    const next = this.floor + 1;
    this.ensureLevel(next);
    this.levels[this.floor].flush();
    this.levels[next].flush(); // so that level `next` from here on holds only spans the frozen level lacks
    this.resumeAt[next] = this.levels[next].length;
    this.floor = next;
  }

  /** Adds a level above any level that got too long to scan per pixel. */
  private growLevels(): void {
    const top = this.levels[this.levels.length - 1];
    if (top.length > LEVEL_MIN_SPANS) this.ensureLevel(this.levels.length);
  }

  private ensureLevel(k: number): void {
    while (this.levels.length <= k) {
      const below = this.levels[this.levels.length - 1];
      // At least LEVEL_FACTOR times the mean spacing of the spans below, so every level is
      // several times smaller than the one under it whatever the spans' widths.
      const spacing = below.length === 0 ? 0 : (below.endOf(below.length - 1) - below.startOf(0)) / below.length;
      const level = new SpanLevel(LEVEL_FACTOR * Math.max(below.widthNs, spacing, LEVEL_BASE_NS / LEVEL_FACTOR), this.stored);
      for (let i = 0; i < below.length; i++) level.incoming.add(below.startOf(i), below.endOf(i), below.countOf(i), below.labelOf(i));
      below.next = level;
      this.levels.push(level);
    }
  }
}

/** A copy of a column, `size` long. */
function resized<A extends Uint8Array | Int8Array | Int32Array>(column: A, size: number): A {
  const copy = new (column.constructor as new (n: number) => A)(size);
  copy.set(column);
  return copy;
}

/** A small lane's spans left out past the span budget: one entry, last in its chain, its label their number. */
const LEFT_OUT = 255;

/** Spans of the small goroutine lanes being written, columnar, each lane's spans a chain through `next` (-1 ends it). */
class SmallSpans {
  starts = new Float64Array(1024);
  readonly ends = new ExactOffsets(1024);
  labels = new Int32Array(1024);
  rows = new Uint8Array(1024);
  next = new Int32Array(1024);
  private length = 0;
  /** Chain of released slots, reused first. */
  private free = -1;

  push(start: number, end: number, label: number, row: number): number {
    let i = this.free;
    if (i >= 0) {
      this.free = this.next[i];
      this.ends.clear(i);
    } else {
      if (this.length === this.starts.length) this.grow();
      i = this.length++;
    }
    this.starts[i] = start;
    this.ends.set(i, start, end);
    this.labels[i] = label;
    this.rows[i] = row;
    this.next[i] = -1;
    return i;
  }

  endOf(i: number): number { return this.ends.get(i, this.starts[i]); }

  /** Gives a whole chain back for reuse. */
  release(head: number, tail: number): void {
    if (head < 0) return;
    this.next[tail] = this.free;
    this.free = head;
  }

  bytes(): number { return this.starts.byteLength + this.ends.offsets.byteLength + this.labels.byteLength + this.rows.byteLength + this.next.byteLength; }

  private grow(): void {
    const size = Math.ceil(this.starts.length * 1.5);
    const grow = <A extends Float64Array | Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => { const b = make(size); b.set(a); return b; };
    this.starts = grow(this.starts, (n) => new Float64Array(n));
    this.ends.grow(size);
    this.labels = grow(this.labels, (n) => new Int32Array(n));
    this.rows = grow(this.rows, (n) => new Uint8Array(n));
    this.next = grow(this.next, (n) => new Int32Array(n));
  }
}

/** A goroutine lane keeps its spans in SmallSpans up to this many, then gets tracks with levels. */
export const SMALL_LANE_SPANS = 64;
/** Group lanes are made by the query (LaneOrder), not stored. */
type IndexedKind = Exclude<LaneKind, 'group'>;
const LANE_KINDS: IndexedKind[] = ['gc', 'proc', 'goroutine'];
const GOROUTINE = LANE_KINDS.indexOf('goroutine');
/** Span labels at or below this are lanes' labels: LANE_LABEL - lane (MIXED is -1). */
const LANE_LABEL = -2;
const NONE = -1;
/** Bytes of the columns per live slot. */
const LIVE_BYTES = 24;

/** What the analyzer writes to the timeline: the index itself, or a recorder replayed elsewhere (trace/recorded/timelineRecorder.ts). */
export type TimelineWriter = Pick<TimelineIndex,
  'lane' | 'goroutineLane' | 'goroutineTransition' | 'nameGoroutine' | 'add' | 'addLabelled' | 'addRunning' | 'finishGoroutine' |
  'finish' | 'labelId'>;

/**
 * Lanes are numbered in creation order; TimelineQuery.lanes lists lane numbers (indices into
 * lanes()). Lane 0 is always the GC lane.
 *
 * A lane costs no object. While it is written (its goroutine in flight, a proc, the GC lane) it has
 * a live slot, reused once it is done: its kind, id and label are columns by slot, and a goroutine
 * lane's first SMALL_LANE_SPANS spans sit in a shared columnar store. When a goroutine with a small
 * lane ends (finishGoroutine) or the trace does (finish), the lane becomes one record of varints
 * (laneRecords.ts), so 300,000 short goroutines of a per-request service cost ~20 bytes each plus a
 * few per span. Only a lane that outgrows the store (a long-lived goroutine, a proc, the GC lane)
 * gets Track objects with levels. Past the span budget, a small lane keeps its extent and count
 * instead of new spans ("left out": one merged span).
 */
export class TimelineIndex {
  /** Per lane: ≥ 0, the record of a finished small goroutine lane; < 0, -1 - its live slot. */
  private laneRefs = new Int32Array(64);
  private laneCount = 0;
  // Per live slot.
  private liveKinds = new Uint8Array(64);
  /** Goroutine, proc or GC ids (the rare id of 2^32 or more, or negative, in the map). */
  private readonly liveIds = new ExactOffsets(64);
  /** Label id of the lane's label, or for a goroutine lane labelled by its start function (goroutineNamed), of that name. */
  private liveLabels = new Int32Array(64);
  private goroutineNamed = new Uint8Array(64);
  private smallHead = new Int32Array(64);
  private smallTail = new Int32Array(64);
  /** The lane's spans in the small store plus those left out: at most SMALL_LANE_SPANS. */
  private smallTotal = new Uint8Array(64);
  /** A goroutine lane's state as its group's activity counts it (NONE: not counted), and under which group. */
  private activityState = new Int8Array(64);
  private activityGroup = new Int32Array(64);
  private liveSlots = 0;
  private readonly freeSlots: number[] = [];
  private readonly records = new LaneRecords();
  /** Where a small lane's spans are gathered to be written, read or queried. */
  private readonly smallLane = emptySmallLane(SMALL_LANE_SPANS);
  /** Where a finished lane's id and label are read (a query reads them while it reads spans into smallLane). */
  private readonly laneHeader = emptySmallLane(0);
  /** Activity per group, at the label id of the start function + 1 (0: goroutines not named yet). An array: looked up per transition. */
  private readonly activities: (GroupActivity | undefined)[] = [];
  private latest = 0;
  /**
   * Per live slot, the tracks of its lane if it has them (every lane but small goroutine lanes, which
   * keep their slot while they have tracks): indexed, not a map, since every span looks them up.
   */
  private readonly slotTracks: (Track[] | undefined)[] = [];
  private small = new SmallSpans();
  private readonly byKind: Record<IndexedKind, Map<number, number>> = { goroutine: new Map(), proc: new Map(), gc: new Map() };
  private readonly labelIds = new Map<string, number>();
  private readonly labelNames: string[] = [];
  /** Spans stored at all levels of all tracks and in small lanes. */
  private readonly stored = { spans: 0 };
  /** How many levels are frozen in every track (see SPAN_BUDGET). */
  private floor = 0;
  /** Stored spans at which the next level freezes (checked on every span). */
  private nextFreeze: number;

  /** `spanBudget` (default SPAN_BUDGET) sets when levels freeze; smaller values are for tests. */
  constructor(private readonly spanBudget = SPAN_BUDGET) {
    this.nextFreeze = freezeThreshold(spanBudget, 0);
    this.lane('gc', 0, 'GC');
  }

  private raiseFloor(): void {
    this.floor++;
    this.nextFreeze = this.floor < MAX_FLOOR ? freezeThreshold(this.spanBudget, this.floor) : Infinity;
  }

  /** The lane number of a goroutine, proc or the GC lane with this id, created on first use. */
  lane(kind: IndexedKind, id: number, label: string): number {
    const byId = this.byKind[kind];
    let index = byId.get(id);
    if (index === undefined) {
      index = this.newLane(kind, id, this.labelId(label), 0);
      byId.set(id, index);
    }
    return index;
  }

  /**
   * A new goroutine lane, labelled "G<id>" until named; not looked up by id (the caller keeps the
   * number while the goroutine lives), so that a goroutine that ended costs no map entry.
   */
  goroutineLane(id: number): number {
    return this.newLane('goroutine', id, NONE, 1);
  }

  /**
   * A goroutine's state for its group's summary lane (undefined: not counted, as when it ended).
   * Its group is its start function at the time; the lane remembers which it counted it under.
   */
  goroutineState(lane: number, time: number, state: ActivityState | undefined): void {
    if (time > this.latest) this.latest = time;
    const slot = this.liveSlot(lane);
    const previous = this.activityState[slot];
    const group = this.goroutineNamed[slot] === 1 ? this.liveLabels[slot] : NONE;
    if (previous !== NONE && this.activityGroup[slot] !== group) {
      this.activityOf(this.activityGroup[slot]).change(time, previous as ActivityState, undefined);
      this.activityOf(group).change(time, undefined, state);
    } else {
      this.activityOf(group).change(time, previous === NONE ? undefined : previous as ActivityState, state);
    }
    this.activityState[slot] = state ?? NONE;
    this.activityGroup[slot] = group;
  }

  /** The group (start function's label id, NONE when unnamed) of a goroutine lane; undefined for other lanes. */
  laneGroup(lane: number): number | undefined {
    const ref = this.laneRefs[lane];
    if (ref >= 0) {
      const header = this.records.read(ref, this.laneHeader, true);
      return header.named === 1 ? header.label : NONE;
    }
    const slot = -1 - ref;
    if (this.liveKinds[slot] !== GOROUTINE) return undefined;
    return this.goroutineNamed[slot] === 1 ? this.liveLabels[slot] : NONE;
  }

  /** The start function of a group ("" for goroutines not named). */
  groupName(group: number): string { return group === NONE ? '' : this.labelNames[group]; }

  /** The label with this id (labelId). */
  labelName(id: number): string { return this.labelNames[id]; }

  /** Running/runnable/blocked averages of a group's goroutines in a window, counted up to `untilNs`. */
  groupActivity(group: number, startNs: number, endNs: number, resolutionNs: number, untilNs: number): ActivitySeries | undefined {
    return this.activities[group + 1]?.series(startNs, endNs, resolutionNs, untilNs);
  }

  private activityOf(group: number): GroupActivity {
    let activity = this.activities[group + 1];
    if (activity === undefined) {
      while (this.activities.length <= group + 1) this.activities.push(undefined);
      this.activities[group + 1] = activity = new GroupActivity();
    }
    return activity;
  }

  /** Labels a goroutine lane "G<id> <startFunction>". */
  nameGoroutine(lane: number, startFunction: string): void {
    const slot = this.liveSlot(lane);
    this.liveLabels[slot] = this.labelId(startFunction);
    this.goroutineNamed[slot] = 1;
  }

  relabel(lane: number, label: string): void {
    const slot = this.liveSlot(lane);
    this.liveLabels[slot] = this.labelId(label);
    this.goroutineNamed[slot] = 0;
  }

  /** Adds a span; within one lane and row, spans must come in time order without overlapping. */
  add(lane: number, row: number, category: SpanCategory, startNs: number, endNs: number, label: string): void {
    this.addLabelled(lane, row, category, startNs, endNs, this.labelId(label));
  }

  /** add with the label's id (labelId), for callers that add many spans of a few labels. */
  addLabelled(lane: number, row: number, category: SpanCategory, startNs: number, endNs: number, label: number): void {
    if (endNs > this.latest) this.latest = endNs;
    if (this.stored.spans >= this.nextFreeze) this.raiseFloor();
    let tracks = this.tracksOf(lane);
    if (tracks === undefined) {
      const slot = this.liveSlot(lane);
      // Left-out spans count too: a long-lived goroutine that starts past the budget still gets tracks.
      if (this.smallTotal[slot] < SMALL_LANE_SPANS && row < LEFT_OUT) {
        this.addSmall(slot, row, startNs, endNs, label);
        return;
      }
      tracks = this.promote(slot);
    }
    this.track(tracks, row, category).add(startNs, endNs, label, this.floor);
  }

  /**
   * A goroutine's transition at `time` in one call (it is most of the timeline's writes): the state
   * span that ends (label -1: none), the state it enters for its group's summary lane, and its run
   * on a proc that ends (procLane -1: none).
   */
  goroutineTransition(lane: number, time: number, label: number, stateStart: number, state: ActivityState | undefined, procLane: number, runStart: number): void {
    if (label >= 0) this.addLabelled(lane, 0, 'state', stateStart, time, label);
    this.goroutineState(lane, time, state);
    if (procLane >= 0) this.addRunning(procLane, runStart, time, lane);
  }

  /**
   * A proc lane's span of a goroutine running on it, labelled as that goroutine's lane (its label
   * is looked up when queried: interning "G<id> <function>" would grow the label table with every goroutine).
   */
  addRunning(procLane: number, startNs: number, endNs: number, goroutineLane: number): void {
    if (this.stored.spans >= this.nextFreeze) this.raiseFloor();
    this.track(this.tracksOf(procLane)!, 0, 'state').add(startNs, endNs, LANE_LABEL - goroutineLane, this.floor);
  }

  /**
   * The goroutine of this lane ended: nothing more will be added to it (a later add reads it back),
   * so a small lane becomes a record and its live slot and spans in the store are freed.
   */
  finishGoroutine(lane: number): void {
    const ref = this.laneRefs[lane];
    if (ref >= 0 || this.slotTracks[-1 - ref] !== undefined) return;
    const slot = -1 - ref;
    const written = this.records.write(this.gather(slot, this.smallLane));
    if (written < 0) return;
    this.small.release(this.smallHead[slot], this.smallTail[slot]);
    this.laneRefs[lane] = written;
    this.liveIds.clear(slot);
    this.freeSlots.push(slot);
  }

  /** Stores every pending merge and every small lane as a record; call once the trace is read. */
  finish(): void {
    for (const tracks of this.slotTracks) for (const track of tracks ?? []) track.finish();
    for (let lane = 0; lane < this.laneCount; lane++) if (this.laneRefs[lane] < 0) this.finishGoroutine(lane);
    // The store held only lanes being written: it grew to the most in flight at once, and is now empty.
    this.small = new SmallSpans();
  }

  get lanesCount(): number { return this.laneCount; }

  laneKind(lane: number): IndexedKind {
    const ref = this.laneRefs[lane];
    return ref >= 0 ? 'goroutine' : LANE_KINDS[this.liveKinds[-1 - ref]];
  }

  laneId(lane: number): number {
    const ref = this.laneRefs[lane];
    return ref >= 0 ? this.records.read(ref, this.laneHeader, true).id : this.liveIds.get(-1 - ref, 0);
  }

  laneLabel(lane: number): string {
    const ref = this.laneRefs[lane];
    let id: number, label: number, named: number;
    if (ref >= 0) {
      ({ id, label, named } = this.records.read(ref, this.laneHeader, true));
    } else {
      const slot = -1 - ref;
      id = this.liveIds.get(slot, 0);
      label = this.liveLabels[slot];
      named = this.goroutineNamed[slot];
    }
    if (named === 0) return this.labelNames[label];
    return label === NONE ? `G${id}` : `G${id} ${this.labelNames[label]}`;
  }

  laneOf(lane: number): Lane {
    return { kind: this.laneKind(lane), id: this.laneId(lane), label: this.laneLabel(lane) };
  }

  lanes(): Lane[] {
    return Array.from({ length: this.laneCount }, (_, i) => this.laneOf(i));
  }

  /** The latest time a span or state change was given (the activity of groups is counted up to it). */
  get lastTimeNs(): number { return this.latest; }

  /** Spans stored at all levels (bounded by the span budget). */
  get storedSpans(): number { return this.stored.spans; }

  /** Typed-array bytes held by all levels, the small lanes' store and records, and the lane columns. */
  bytes(): number {
    let total = this.small.bytes() + this.records.bytes() + this.laneRefs.byteLength + this.liveKinds.length * LIVE_BYTES;
    for (const activity of this.activities) total += activity?.bytes() ?? 0;
    for (const tracks of this.slotTracks) for (const track of tracks ?? []) total += track.bytes();
    return total;
  }

  private newLane(kind: IndexedKind, id: number, label: number, goroutineNamed: number): number {
    if (this.laneCount === this.laneRefs.length) this.laneRefs = resized(this.laneRefs, Math.ceil(this.laneRefs.length * 1.5));
    const i = this.laneCount++;
    const slot = this.newSlot();
    this.laneRefs[i] = -1 - slot;
    this.liveKinds[slot] = LANE_KINDS.indexOf(kind);
    this.liveIds.set(slot, 0, id);
    this.liveLabels[slot] = label;
    this.goroutineNamed[slot] = goroutineNamed;
    // Only goroutine lanes start small: procs and the GC lane live as long as the trace.
    if (kind !== 'goroutine') this.slotTracks[slot] = [];
    return i;
  }

  /** A fresh live slot: an empty small lane, not counted in any activity. */
  private newSlot(): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.liveSlots === this.liveKinds.length) this.growSlots();
      slot = this.liveSlots++;
    }
    this.smallHead[slot] = this.smallTail[slot] = NONE;
    this.smallTotal[slot] = 0;
    if (slot === this.slotTracks.length) this.slotTracks.push(undefined);
    else this.slotTracks[slot] = undefined;
    this.activityState[slot] = NONE;
    this.activityGroup[slot] = NONE;
    return slot;
  }

  /** The live slot of a lane; a finished lane written to again (not done by the analyzer) is read back into one. */
  private liveSlot(lane: number): number {
    const ref = this.laneRefs[lane];
    if (ref < 0) return -1 - ref;
    const record = this.records.read(ref, this.smallLane);
    const slot = this.newSlot();
    this.liveKinds[slot] = GOROUTINE;
    this.liveIds.set(slot, 0, record.id);
    this.liveLabels[slot] = record.label;
    this.goroutineNamed[slot] = record.named;
    this.activityState[slot] = record.activityState;
    this.activityGroup[slot] = record.activityGroup;
    for (let i = 0; i < record.count; i++) this.link(slot, this.small.push(record.starts[i], record.ends[i], record.labels[i], record.rows[i]));
    if (record.leftOutCount > 0) this.link(slot, this.small.push(record.leftOutStart, record.leftOutEnd, record.leftOutCount, LEFT_OUT));
    this.smallTotal[slot] = record.count + record.leftOutCount;
    this.laneRefs[lane] = -1 - slot;
    return slot;
  }

  /** A live small lane's spans and header, gathered into `into` (spans in the order they were added). */
  private gather(slot: number, into: SmallLane): SmallLane {
    const { small } = this;
    into.id = this.liveIds.get(slot, 0);
    into.label = this.liveLabels[slot];
    into.named = this.goroutineNamed[slot];
    into.activityState = this.activityState[slot];
    into.activityGroup = this.activityGroup[slot];
    into.count = 0;
    into.leftOutCount = 0;
    for (let i = this.smallHead[slot]; i !== NONE; i = small.next[i]) {
      if (small.rows[i] === LEFT_OUT) {
        into.leftOutCount = small.labels[i];
        into.leftOutStart = small.starts[i];
        into.leftOutEnd = small.endOf(i);
        continue;
      }
      const k = into.count++;
      into.starts[k] = small.starts[i];
      into.ends[k] = small.endOf(i);
      into.labels[k] = small.labels[i];
      into.rows[k] = small.rows[i];
    }
    return into;
  }

  private link(slot: number, i: number): void {
    if (this.smallTail[slot] === NONE) this.smallHead[slot] = i;
    else this.small.next[this.smallTail[slot]] = i;
    this.smallTail[slot] = i;
  }

  private addSmall(slot: number, row: number, start: number, end: number, label: number): void {
    const { small } = this;
    const tail = this.smallTail[slot];
    this.smallTotal[slot]++;
    if (tail !== NONE && small.rows[tail] === LEFT_OUT) {
      if (end > small.endOf(tail)) small.ends.set(tail, small.starts[tail], end);
      small.labels[tail]++;
      return;
    }
    if (this.stored.spans >= this.spanBudget) {
      this.link(slot, small.push(start, end, 1, LEFT_OUT));
      return;
    }
    this.link(slot, small.push(start, end, label, row));
    this.stored.spans++;
  }

  /** Moves a small lane's spans into tracks (in order per row), then its left-out spans as one. */
  private promote(slot: number): Track[] {
    const tracks: Track[] = [];
    this.slotTracks[slot] = tracks;
    const { starts, labels, rows, next } = this.small;
    for (let i = this.smallHead[slot]; i !== NONE; i = next[i]) {
      if (rows[i] === LEFT_OUT) {
        this.track(tracks, 0, 'state').add(starts[i], this.small.endOf(i), MIXED, this.floor, labels[i]);
        continue;
      }
      this.stored.spans--;
      this.track(tracks, rows[i], rows[i] === 0 ? 'state' : 'region').add(starts[i], this.small.endOf(i), labels[i], this.floor);
    }
    this.small.release(this.smallHead[slot], this.smallTail[slot]);
    this.smallHead[slot] = this.smallTail[slot] = NONE;
    this.smallTotal[slot] = 0;
    return tracks;
  }

  /** A lane's tracks; undefined for a small goroutine lane. */
  private tracksOf(lane: number): Track[] | undefined {
    const ref = this.laneRefs[lane];
    return ref < 0 ? this.slotTracks[-1 - ref] : undefined;
  }

  /** The track of a row among a lane's tracks, made on first use. */
  private track(tracks: Track[], row: number, category: SpanCategory): Track {
    if (tracks.length > row && tracks[row].row === row) return tracks[row];
    // A loop, not find(row => …): a closure over `row` made V8 allocate its context on every call (~9 M spans, 0.3 GB).
    let track: Track | undefined;
    for (const t of tracks) {
      if (t.row === row) { track = t; break; }
    }
    if (track === undefined) {
      track = new Track(row, category, this.stored);
      tracks.push(track);
      tracks.sort((a, b) => a.row - b.row);
    }
    return track;
  }

  private growSlots(): void {
    const size = Math.ceil(this.liveKinds.length * 1.5);
    this.liveKinds = resized(this.liveKinds, size);
    this.liveIds.grow(size);
    this.liveLabels = resized(this.liveLabels, size);
    this.goroutineNamed = resized(this.goroutineNamed, size);
    this.smallHead = resized(this.smallHead, size);
    this.smallTail = resized(this.smallTail, size);
    this.smallTotal = resized(this.smallTotal, size);
    this.activityState = resized(this.activityState, size);
    this.activityGroup = resized(this.activityGroup, size);
  }

  /**
   * Spans intersecting [startNs, endNs] merged to about one per resolutionNs, per lane and row,
   * in the packed form (a few numbers per span, no object per span: the fast path for the viewer).
   */
  queryPacked(q: TimelineQuery): PackedTimelineSlice {
    const resolution = Math.max(0, q.resolutionNs);
    const wanted = q.lanes ?? Array.from({ length: this.laneCount }, (_, i) => i);
    const labels: string[] = [];
    const sliceIds = new Map<number, number>();
    const sliceLabel = (id: number) => {
      let index = sliceIds.get(id);
      if (index === undefined) {
        index = labels.length;
        labels.push(id === MIXED ? 'mixed' : id <= LANE_LABEL ? this.laneLabel(LANE_LABEL - id) : this.labelNames[id]);
        sliceIds.set(id, index);
      }
      return index;
    };
    const originNs = Number.isFinite(q.startNs) ? Math.floor(q.startNs) : 0;
    const lanes: PackedTimelineSlice['lanes'] = [];
    for (const index of wanted) {
      if (!(index >= 0 && index < this.laneCount)) continue;
      const spans: number[] = [];
      const sinkFor = (row: number) => new GroupMerger(resolution, {
        push: (start, end, count, label) => spans.push(start - originNs, end - originNs, count, sliceLabel(label), row),
      });
      const tracks = this.tracksOf(index);
      let rows: PackedLane['rows'];
      if (tracks !== undefined) {
        rows = tracks.map((track, row) => {
          track.query(q.startNs, q.endNs, resolution, sinkFor(row));
          return { category: track.category, depth: track.row === 0 ? 0 : track.row - 1 };
        });
      } else {
        rows = this.querySmall(index, q.startNs, q.endNs, sinkFor);
      }
      lanes.push({ lane: this.laneOf(index), rows, spans });
    }
    return { query: q, originNs, labels, lanes };
  }

  /** The same as queryPacked with one object per span (simpler, several times slower for big windows). */
  query(q: TimelineQuery): TimelineSlice {
    return unpackTimelineSlice(this.queryPacked(q));
  }

  /** A small lane's spans in the window, row by row (rows in order of their number). */
  private querySmall(lane: number, startNs: number, endNs: number, sinkFor: (row: number) => GroupMerger): PackedLane['rows'] {
    const ref = this.laneRefs[lane];
    const small = ref >= 0 ? this.records.read(ref, this.smallLane) : this.gather(-1 - ref, this.smallLane);
    const { starts, ends, labels, rows, count, leftOutCount, leftOutStart, leftOutEnd } = small;
    const present = new Set<number>();
    for (let i = 0; i < count; i++) present.add(rows[i]);
    if (leftOutCount > 0) present.add(0);
    const numbers = [...present].sort((a, b) => a - b);
    return numbers.map((row, r) => {
      const sink = sinkFor(r);
      for (let i = 0; i < count; i++) {
        if (rows[i] !== row || starts[i] > endNs) continue;
        if (ends[i] >= startNs) sink.add(starts[i], ends[i], 1, labels[i]);
      }
      if (row === 0 && leftOutCount > 0 && leftOutEnd >= startNs && leftOutStart <= endNs) sink.add(leftOutStart, leftOutEnd, leftOutCount, MIXED);
      sink.close();
      return { category: row === 0 ? 'state' : 'region', depth: row === 0 ? 0 : row - 1 };
    });
  }

  /** The id of a span label, interned on first use. */
  labelId(label: string): number {
    let id = this.labelIds.get(label);
    if (id === undefined) {
      id = this.labelNames.length;
      this.labelNames.push(label);
      this.labelIds.set(label, id);
    }
    return id;
  }
}
