// Finished goroutine lanes of the timeline, each one record of varints in shared byte pages: a
// per-request service leaves hundreds of thousands of lanes of a few spans each, which as fixed
// columns cost ~60 bytes a lane (its columns and its spans) and as a record ~15–20 (timeline.ts).
// Times are exact: an integer offset from a base the reader knows (the span's start for its end,
// the previous start for a start) as a zigzag varint, anything else (a non-integer, or an offset
// past 2^51) as its 8 bytes.

/** Bytes per page; a record never crosses a page, so a reference is page << PAGE_BITS | byte. */
const PAGE_BITS = 16;
const PAGE_BYTES = 1 << PAGE_BITS;
/** Largest record: a header and 64 spans, every time escaped (< 1.8 KB); see SMALL_LANE_SPANS. */
const MAX_RECORD = 4096;
/** Largest offset kept as a varint; 2^51 · 4 stays below 2^53, exact in a double. */
const MAX_OFFSET = 2 ** 51;

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
  private readPage: Uint8Array = new Uint8Array(0);
  private readView: DataView = new DataView(new ArrayBuffer(0));
  private readAt = 0;
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
    this.pages[this.pages.length - 1].set(this.scratch.subarray(0, this.at), this.used);
    this.used += this.at;
    return ref;
  }

  /** Reads the lane at `ref` into `into`; with `headerOnly`, its id, label and activity only. */
  read(ref: number, into: SmallLane, headerOnly = false): SmallLane {
    const page = Math.floor(ref / PAGE_BYTES);
    this.readPage = this.pages[page];
    this.readView = this.views[page];
    this.readAt = ref % PAGE_BYTES;
    into.id = this.readTime(0);
    const header = this.readUint();
    const counted = header % 2;
    into.named = Math.floor(header / 2) % 2;
    into.label = Math.floor(header / 4) - 1;
    into.activityState = counted === 1 ? this.readUint() : -1;
    into.activityGroup = counted === 1 ? this.readUint() - 1 : -1;
    if (headerOnly) return into;
    into.count = this.readUint();
    into.leftOutCount = this.readUint();
    let base = 0;
    for (let i = 0; i < into.count; i++) {
      into.rows[i] = this.readUint();
      into.labels[i] = unzigzag(this.readUint());
      const start = this.readTime(base);
      into.starts[i] = start;
      into.ends[i] = this.readTime(start);
      base = start;
    }
    if (into.leftOutCount > 0) {
      into.leftOutStart = this.readTime(base);
      into.leftOutEnd = this.readTime(into.leftOutStart);
    }
    return into;
  }

  private readUint(): number {
    const page = this.readPage;
    let v = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const b = page[this.readAt++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
    }
  }

  private readTime(base: number): number {
    const v = this.readUint();
    if (v % 2 === 0) return base + unzigzag(v / 2);
    const time = this.readView.getFloat64(this.readAt, true);
    this.readAt += 8;
    return time;
  }

  private uint(v: number): void {
    const out = this.scratch;
    while (v >= 0x80) {
      out[this.at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    out[this.at++] = v;
  }

  /** `time` as an even varint (zigzag offset from `base`, times 2) when exact that way, else 1 and its 8 bytes. */
  private time(time: number, base: number): void {
    const offset = time - base;
    if (Number.isInteger(offset) && Math.abs(offset) < MAX_OFFSET && base + offset === time) {
      this.uint(zigzag(offset) * 2);
      return;
    }
    this.uint(1);
    this.scratchView.setFloat64(this.at, time, true);
    this.at += 8;
  }
}

const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
