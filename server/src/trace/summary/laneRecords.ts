// Finished goroutine lanes of the timeline, each one record of varints in shared byte pages: a
// per-request service leaves hundreds of thousands of lanes of a few spans each, which as fixed
// columns cost ~60 bytes a lane (its columns and its spans) and as a record ~15–20 (timeline.ts).
// Times are exact (varints.ts): a span's end from its start, a start from the previous start.
import { putTime, putUint, unzigzag, VarintReader, zigzag } from './varints';

/** Bytes per page; a record never crosses a page, so a reference is page << PAGE_BITS | byte. */
const PAGE_BITS = 16;
const PAGE_BYTES = 1 << PAGE_BITS;
/** Largest record: a header and 64 spans, every time escaped (< 1.8 KB); see SMALL_LANE_SPANS. */
const MAX_RECORD = 4096;

/** One small lane, as the timeline writes it and reads it back (spans in the order they were added). */
export interface SmallLane {
  id: number;
  /** Label id (-1: none) and whether it names the start function (timeline.ts's goroutineNamed). */
  label: number;
  named: number;
  /** The goroutine's state in its group's activity and that group (-1 / -1: not counted). */
  activityState: number;
  activityGroup: number;
  /** Spans: `count` of them in the columns (at most MAX_SPANS). */
  count: number;
  starts: Float64Array;
  ends: Float64Array;
  labels: Int32Array;
  rows: Uint8Array;
  /** Spans the span budget left out: their number, first start and last end (leftOutCount 0: none). */
  leftOutCount: number;
  leftOutStart: number;
  leftOutEnd: number;
}

export function emptySmallLane(maxSpans: number): SmallLane {
  return {
    id: 0, label: -1, named: 0, activityState: -1, activityGroup: -1, count: 0,
    starts: new Float64Array(maxSpans), ends: new Float64Array(maxSpans), labels: new Int32Array(maxSpans), rows: new Uint8Array(maxSpans),
    leftOutCount: 0, leftOutStart: 0, leftOutEnd: 0,
  };
}

export class LaneRecords {
  private readonly pages: Uint8Array[] = [];
  private readonly views: DataView[] = [];
  private used = PAGE_BYTES;
  private readonly reader = new VarintReader();
  private readonly scratch = new Uint8Array(MAX_RECORD);
  private readonly scratchView = new DataView(this.scratch.buffer);
  private at = 0;

  /** Bytes held by the pages. */
  bytes(): number { return this.pages.length * PAGE_BYTES; }

  /** Stores a lane; returns its reference (≥ 0), or -1 when the pages are full (2^31 bytes). */
  write(lane: SmallLane): number {
    this.at = 0;
    this.time(lane.id, 0);
    const counted = lane.activityState >= 0 ? 1 : 0;
    this.uint(((lane.label + 1) * 2 + lane.named) * 2 + counted);
    if (counted === 1) {
      this.uint(lane.activityState);
      this.uint(lane.activityGroup + 1);
    }
    this.uint(lane.count);
    this.uint(lane.leftOutCount);
    let base = 0;
    for (let i = 0; i < lane.count; i++) {
      this.uint(lane.rows[i]);
      this.uint(zigzag(lane.labels[i]));
      this.time(lane.starts[i], base);
      this.time(lane.ends[i], lane.starts[i]);
      base = lane.starts[i];
    }
    if (lane.leftOutCount > 0) {
      this.time(lane.leftOutStart, base);
      this.time(lane.leftOutEnd, lane.leftOutStart);
    }
    if (this.used + this.at > PAGE_BYTES) {
      if (this.pages.length === 2 ** (31 - PAGE_BITS)) return -1;
      const page = new Uint8Array(PAGE_BYTES);
      this.pages.push(page);
      this.views.push(new DataView(page.buffer));
      this.used = 0;
    }
    const ref = (this.pages.length - 1) * PAGE_BYTES + this.used;
    // A loop, not set(subarray(…)): records are tens of bytes, and a subarray is an object per lane.
    const page = this.pages[this.pages.length - 1];
    const { scratch, at } = this;
    for (let k = 0, to = this.used; k < at; k++, to++) page[to] = scratch[k];
    this.used += at;
    return ref;
  }

  /** Reads the lane at `ref` into `into`; with `headerOnly`, its id, label and activity only. */
  read(ref: number, into: SmallLane, headerOnly = false): SmallLane {
    const page = Math.floor(ref / PAGE_BYTES);
    const r = this.reader.reset(this.pages[page], this.views[page], ref % PAGE_BYTES);
    into.id = r.time(0);
    const header = r.uint();
    const counted = header % 2;
    into.named = Math.floor(header / 2) % 2;
    into.label = Math.floor(header / 4) - 1;
    into.activityState = counted === 1 ? r.uint() : -1;
    into.activityGroup = counted === 1 ? r.uint() - 1 : -1;
    if (headerOnly) return into;
    into.count = r.uint();
    into.leftOutCount = r.uint();
    let base = 0;
    for (let i = 0; i < into.count; i++) {
      into.rows[i] = r.uint();
      into.labels[i] = unzigzag(r.uint());
      const start = r.time(base);
      into.starts[i] = start;
      into.ends[i] = r.time(start);
      base = start;
    }
    if (into.leftOutCount > 0) {
      into.leftOutStart = r.time(base);
      into.leftOutEnd = r.time(into.leftOutStart);
    }
    return into;
  }

  private uint(v: number): void { this.at = putUint(this.scratch, this.at, v); }

  private time(time: number, base: number): void { this.at = putTime(this.scratch, this.scratchView, this.at, time, base); }
}
