// One generation of a trace: its batches grouped by M, string and stack tables,
// CPU samples and clock data. Port of src/internal/trace/generation.go (Go 1.26),
// including the pre-1.26 "spill" framing, with the same checks and verdicts.
import { NO_STACK, TraceError, type RawString, type Stack, type StackFrame } from './event';
import { formatUnixRFC3339Nano } from './gofmt';
import { goSortFunc } from './gosort';
import {
  Ev, ExperimentNames, Go125, MaxFramesPerStack, MaxStringSize, NoExperiment,
} from './spec';
import { grownTo, objectArray } from './heap';
import { copyShortBytes, decodeGoString } from './strings';
import { asUint64, inc, num, relTime, timeBefore, timeLo, uint64Less, uint64Text, type I64 } from './exact';
import { ByteCursor, readUvarintErrorText, VarintError, type BatchStream, type EventBatch, type RawBatch } from './wire';

/** How far past its filled part the array of an IdTable may grow for one out-of-order ID. */
const DENSE_SLACK = 1 << 16;
/**
 * IDs per chunk of an IdTable's array (32 KB). A generation's string table holds up to ~400,000 IDs
 * (log messages); one array grown by copying left ~2× its final size of garbage in the old space at
 * every generation the reader loads, a spike in the language server's peak (docs/trace-viewer.md).
 */
const CHUNK_BITS = 12;
const CHUNK_IDS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_IDS - 1;

/**
 * Whether a new ID goes in a table's chunks (IdTable, StringTable): the next one, or a positive one
 * within the slack past twice the IDs they hold, so that the chunks stay at most about twice as long.
 */
function goesInChunks(id: I64, denseLength: number, denseCount: number): id is number {
  return typeof id === 'number' && id > 0 && (id === denseLength || id < 2 * denseCount + DENSE_SLACK);
}

/**
 * A table from IDs to values; ID 0 always exists and means "none" (Go's dataTable). The runtime hands out
 * IDs 1, 2, 3… (strings in order, stacks in any order), so small positive IDs index an array in chunks
 * (grown without copying), kept at most about twice as long as the values it holds; any other ID
 * (negative, huge, a bigint) goes to a map.
 */
export class IdTable<T> {
  private readonly chunks = objectArray<(T | undefined)[]>() as (T | undefined)[][];
  /** One past the last ID the chunks cover. */
  private denseLength = 1;
  private denseCount = 0;
  private sparse: Map<I64, T> | undefined;

  /** False if the ID is taken (0 always is). */
  insert(id: I64, value: T): boolean {
    if (id === this.denseLength) {
      if (this.sparse?.has(id)) return false;
      this.setDense(id, value);
      return true;
    }
    if (id === 0 || this.get(id) !== undefined) return false;
    if (goesInChunks(id, this.denseLength, this.denseCount)) this.setDense(id, value);
    else (this.sparse ??= new Map()).set(id, value);
    return true;
  }

  /** The value for a non-zero ID, or undefined. */
  get(id: I64): T | undefined {
    const v = typeof id === 'number' && id >= 0 && id < this.denseLength ? this.chunks[id >>> CHUNK_BITS][id & CHUNK_MASK] : undefined;
    if (v !== undefined || this.sparse === undefined) return v;
    return this.sparse.get(id);
  }

  /** Every entry: the array's in ID order, then the map's in insertion order. */
  *entries(): Iterable<[I64, T]> {
    for (let id = 1; id < this.denseLength; id++) {
      const v = this.chunks[id >>> CHUNK_BITS][id & CHUNK_MASK];
      if (v !== undefined) yield [id, v];
    }
    if (this.sparse !== undefined) yield* this.sparse;
  }

  /** Stores a small positive ID's value, adding chunks up to it. */
  private setDense(id: number, value: T): void {
    // Filled with undefined, not holes: a chunk stays a fast array.
    while (this.chunks.length <= id >>> CHUNK_BITS) this.chunks.push(objectArray<T>(CHUNK_IDS));
    this.chunks[id >>> CHUNK_BITS][id & CHUNK_MASK] = value;
    if (id >= this.denseLength) this.denseLength = id + 1;
    this.denseCount++;
  }
}

/** Bytes addressed per block of a StringTable: a string (≤ MaxStringSize) and its length never span two. */
const STRING_BLOCK = 1 << 20;
/** The first block's size; each next one doubles, up to STRING_BLOCK, so small tables stay small. */
const FIRST_STRING_BLOCK = 1 << 14;
/** The largest place a chunk holds (a Uint32Array, 0 meaning none); larger ones go to the map. */
const MAX_CHUNK_PLACE = 0xffff_fffe;
/** Bytes of the file read at a time to decode the strings left there (StringTable.windowOf). */
const STRING_WINDOW = 1 << 16;
/** The longest string record left in the file: its length (a uvarint, Go accepts up to 10 bytes), then the string. */
const MAX_STRING_RECORD = 10 + MaxStringSize;
const EMPTY_BYTES = Buffer.alloc(0);

/** The stream a table's strings stay in when they are not copied (BatchStream). */
export interface StringSource {
  bytesAt(position: number, target: Uint8Array): Uint8Array;
  readonly totalBytes: number;
}

/**
 * A generation's string table, decoded on demand. A busy trace's table is mostly log messages that the
 * statistics never read: decoding every string kept ~800 k of them (28 MB of heap) alive per generation of
 * a 100 MB trace. Each ID maps to a place, 4 bytes in a chunk of IDs: where its bytes were copied (a 2-byte
 * length, then the string), or, for a reader that hands over no log messages or hands them over as bytes
 * (leaveInFile), where its record is in the file, read again when decoded: a 57 MB generation's 675 k
 * strings then take 2.6 MB instead of 12 MB. A string is kept decoded from its first `get` on.
 */
export class StringTable {
  /** Per ID, 1 + its place (0: no string), in chunks of CHUNK_IDS IDs. */
  private readonly chunks = objectArray<Uint32Array>() as Uint32Array[];
  /** One past the last ID the chunks cover. */
  private denseLength = 1;
  private denseCount = 0;
  /** Places of the IDs the chunks do not cover (negative, huge, bigint), or of a place too large for them. */
  private sparse: Map<I64, number> | undefined;
  /** Strings kept decoded, per chunk of IDs (allocated at the chunk's first), or in `sparseDecoded`. */
  private readonly decoded = objectArray<(string | undefined)[]>() as ((string | undefined)[] | undefined)[];
  private sparseDecoded: Map<I64, string> | undefined;
  private readonly blocks = objectArray<Buffer>() as Buffer[];
  private used = 0;
  private source: StringSource | undefined;
  /** Left in the file, a place is the stream position of the string's record less this one of the first. */
  private fileBase = -1;
  /**
   * The strings left in the file are read back STRING_WINDOW bytes at a time (and the longest record
   * past them): the names a generation decodes are near each other, and a read per string cost a GC-heavy
   * trace's `trace stats` 7-12% more time. `windowPlace` is the place its first byte would have.
   */
  private window: Buffer | undefined;
  private windowPlace = 0;
  /** Where locate() found a string's bytes in the buffer it returned. */
  private located = 0;
  private locatedEnd = 0;

  /** Strings inserted from now on stay in `source`, read again when decoded; call before the first insert. */
  leaveInFile(source: StringSource): void {
    if (this.denseCount === 0 && this.sparse === undefined) this.source = source;
  }

  /**
   * Records bytes[start..end) (at most MaxStringSize) as the string of an ID; `recordAt` is the stream
   * position of its record (its length, then the string). False if the ID is taken.
   */
  insert(id: I64, bytes: Uint8Array, start: number, end: number, recordAt = 0): boolean {
    if (id === 0 || this.placeOf(id) !== undefined) return false;
    if (this.source !== undefined && this.fileBase < 0) this.fileBase = recordAt;
    const place = this.source !== undefined ? recordAt - this.fileBase : this.copy(bytes, start, end);
    if (goesInChunks(id, this.denseLength, this.denseCount) && place >= 0 && place <= MAX_CHUNK_PLACE) {
      while (this.chunks.length <= id >>> CHUNK_BITS) this.chunks.push(new Uint32Array(CHUNK_IDS));
      this.chunks[id >>> CHUNK_BITS][id & CHUNK_MASK] = place + 1;
      if (id >= this.denseLength) this.denseLength = id + 1;
      this.denseCount++;
    } else (this.sparse ??= new Map()).set(id, place);
    return true;
  }

  /** The string of an ID ('' for 0), decoded once and kept; undefined if the table lacks it. */
  get(id: I64): string | undefined {
    if (id === 0) return '';
    const kept = this.keptString(id);
    if (kept !== undefined) return kept;
    const place = this.placeOf(id);
    if (place === undefined) return undefined;
    const s = this.decode(place);
    if (this.inChunks(id)) (this.decoded[id >>> CHUNK_BITS] ??= objectArray<string>(CHUNK_IDS))[id & CHUNK_MASK] = s;
    else (this.sparseDecoded ??= new Map()).set(id, s);
    return s;
  }

  has(id: I64): boolean {
    return id === 0 || this.placeOf(id) !== undefined;
  }

  /** Like get, but a string not yet kept is decoded afresh and not kept: for strings read once, as log messages. */
  getOnce(id: I64): string | undefined {
    if (id === 0) return '';
    const kept = this.keptString(id);
    if (kept !== undefined) return kept;
    const place = this.placeOf(id);
    return place === undefined ? undefined : this.decode(place);
  }

  /** Whether an ID is within the chunks' range (it may still be in the map: see insert). */
  private inChunks(id: I64): id is number {
    return typeof id === 'number' && id > 0 && id < this.denseLength;
  }

  private keptString(id: I64): string | undefined {
    return this.inChunks(id) ? this.decoded[id >>> CHUNK_BITS]?.[id & CHUNK_MASK] : this.sparseDecoded?.get(id);
  }

  private placeOf(id: I64): number | undefined {
    if (this.inChunks(id)) {
      const stored = this.chunks[id >>> CHUNK_BITS][id & CHUNK_MASK];
      if (stored !== 0) return stored - 1;
    }
    return this.sparse?.get(id);
  }

  /** Copies a string's bytes behind its 2-byte length; returns where. */
  private copy(bytes: Uint8Array, start: number, end: number): number {
    const len = end - start;
    let block = this.blocks[this.blocks.length - 1];
    if (block === undefined || this.used + 2 + len > block.length) {
      block = Buffer.allocUnsafe(Math.min(STRING_BLOCK, FIRST_STRING_BLOCK << this.blocks.length));
      this.blocks.push(block);
      this.used = 0;
    }
    const place = (this.blocks.length - 1) * STRING_BLOCK + this.used;
    let at = this.used;
    block[at++] = len & 0xff;
    block[at++] = len >> 8;
    this.used = copyShortBytes(bytes, start, end, block, at);
    return place;
  }

  /** The window holding the record at `place` (read from the file unless it is the last one read). */
  private windowOf(place: number): Buffer {
    const start = place - (place % STRING_WINDOW);
    if (this.window !== undefined && this.windowPlace === start) return this.window;
    const at = this.fileBase + start;
    const window = Buffer.allocUnsafe(Math.min(STRING_WINDOW + MAX_STRING_RECORD, this.source!.totalBytes - at));
    this.source!.bytesAt(at, window);
    this.window = window;
    this.windowPlace = start;
    return window;
  }

  /** The bytes of an ID's string, undecoded (an empty string for 0); undefined if the table lacks it. */
  raw(id: I64): RawString | undefined {
    if (id === 0) return { bytes: EMPTY_BYTES, start: 0, end: 0 };
    const place = this.placeOf(id);
    if (place === undefined) return undefined;
    const bytes = this.locate(place);
    return { bytes, start: this.located, end: this.locatedEnd };
  }

  private decode(place: number): string {
    const bytes = this.locate(place);
    return decodeGoString(bytes, this.located, this.locatedEnd);
  }

  /** The buffer holding the string at `place`; its bytes are [located, locatedEnd) of it. */
  private locate(place: number): Buffer {
    if (this.source !== undefined) {
      // The record was checked when inserted: its length, then the string.
      const window = this.windowOf(place);
      const record = new ByteCursor(window, place - this.windowPlace, window.length);
      const len = Number(record.uvarint());
      this.located = record.pos;
      this.locatedEnd = Math.min(record.pos + len, window.length);
      return window;
    }
    const block = this.blocks[Math.floor(place / STRING_BLOCK)];
    const at = place % STRING_BLOCK;
    this.located = at + 2;
    this.locatedEnd = at + 2 + (block[at] | (block[at + 1] << 8));
    return block;
  }
}

interface RawFrame { pc: I64; funcID: I64; fileID: I64; line: I64 }

/**
 * A CPU sample; time holds float64 ticks until fixUpCPUSamples turns it into nanoseconds relative to the time
 * base (time + timeLo, see exact.ts).
 */
export interface CpuSample { time: number; timeLo: number; m: I64; p: I64; g: I64; stack: I64 }

export interface ExperimentalBatch { thread: number; data: Uint8Array }

/**
 * Shares frame and stack objects across generations: stack IDs are per generation, but the same stacks recur
 * in each, and sharing keeps the events of a whole file small and lets consumers compare stacks by identity.
 */
export class StackInterner {
  private readonly frames = new Map<I64, StackFrame[]>();
  private readonly stacks = new Map<number, Stack[]>();

  frame(pc: I64, func: string, file: string, line: I64): StackFrame {
    let variants = this.frames.get(pc);
    if (variants === undefined) { variants = []; this.frames.set(pc, variants); }
    const lineU = typeof line === 'number' && line >= 0 ? line : BigInt.asUintN(64, BigInt(line));
    for (const f of variants) if (f.func === func && f.file === file && (f.exactLine ?? f.line) === lineU) return f;
    const frame: StackFrame = { pc: BigInt.asUintN(64, BigInt(pc)), func, file, line: Number(lineU) };
    if (typeof lineU === 'bigint') frame.exactLine = lineU;
    variants.push(frame);
    return frame;
  }

  /**
   * The shared stack with the first `length` frames of `frames` (interned by frame(), and reused by the
   * caller), found by `hash`, a hash of its PCs (hashPc); a new stack is a copy.
   */
  stack(hash: number, frames: readonly StackFrame[], length: number): Stack {
    const variants = this.stacks.get(hash);
    for (const s of variants ?? []) if (sameFrames(s, frames, length)) return s;
    const stack = frames.slice(0, length);
    if (variants === undefined) this.stacks.set(hash, [stack]);
    else variants.push(stack);
    return stack;
  }
}

/**
 * Folds a PC into a stack's 32-bit hash (FNV-1a over its two halves), starting from STACK_HASH_SEED. Every
 * generation repeats every stack (a GC-heavy trace: ~4,000 stacks of ~19 frames in each of ~30
 * generations per 100 MB); joining the PCs into a string key cost more than the rest of the interning.
 */
function hashPc(h: number, pc: I64): number {
  const lo = typeof pc === 'number' ? pc >>> 0 : Number(BigInt.asUintN(32, pc));
  const hi = typeof pc === 'number' ? (pc / 4294967296) >>> 0 : Number(BigInt.asUintN(32, pc >> 32n));
  return Math.imul(Math.imul(h ^ lo, 0x01000193) ^ hi, 0x01000193);
}
const STACK_HASH_SEED = 0x811c9dc5;

function sameFrames(a: Stack, b: readonly StackFrame[], length: number): boolean {
  if (a.length !== length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Go's frequency.mul: ticks to nanoseconds, with amd64's result for NaN and out-of-range values. */
export function ticksToNs(freq: number, ticks: number): number {
  const t = ticks * freq;
  if (!(t > -9223372036854775808 && t < 9223372036854775808)) return -9223372036854775808;
  return Math.trunc(t);
}

export class Generation {
  /** `interner` shares the stacks of every generation read (StackInterner). */
  constructor(private readonly interner: StackInterner) {}

  gen: I64 = 0;
  /** Event batches per M, in file order; batchMs in order of first appearance. */
  readonly batches = new Map<I64, EventBatch[]>();
  readonly batchMs: I64[] = [];
  cpuSamples: CpuSample[] = [];
  /** Earliest batch timestamp, in ticks (0 = none yet). */
  minTs: I64 = 0;

  /** Nanoseconds per tick (0 until the frequency event is seen). */
  freq = 0;
  hasClockSnapshot = false;
  snapTime = 0n;
  snapMono = 0n;
  snapWall = '';

  private readonly strings = new StringTable();
  /**
   * Each stack as indexes into rawFrames, which holds each distinct PC's frame record (the first one): the
   * ID maps to the stack's index (in table order), stackPlaces to its place in stackFrames, which holds
   * the frame count, then the indexes. Arrays for all stacks, not one per stack: each lives as long as
   * its generation, so each would have been promoted.
   */
  private readonly stackIndexes = new IdTable<number>();
  private stackPlaces = new Int32Array(256);
  private stackFrames = new Int32Array(1024);
  private stackFramesLength = 0;
  private readonly pcIndexes = new Map<I64, number>();
  private readonly rawFrames = objectArray<RawFrame>() as RawFrame[];
  /** rawFrames' interned frames, each made at the first use of a stack with its PC. */
  private resolvedFrames = objectArray<StackFrame>() as StackFrame[];
  /** Stacks by index, each resolved at its first use (stackAt). */
  private readonly stacks = objectArray<Stack>();
  expBatches: Map<number, ExperimentalBatch[]> | undefined;

  /** Strings made up while ordering (task names carried across generations), Go's extraStrings. */
  readonly extraStrings: string[] = [''];

  /** The string for a non-zero ID, or undefined if the table lacks it. */
  string(id: I64): string | undefined {
    return this.strings.get(id);
  }

  /** Whether the table has a string for the ID (0 included), without decoding it. */
  hasString(id: I64): boolean {
    return this.strings.has(id);
  }

  /** Like string, for a string read once (a log message): not kept decoded. */
  stringOnce(id: I64): string | undefined {
    return this.strings.getOnce(id);
  }

  /** The bytes of a string, undecoded (ReadOptions.logMessages 'bytes'), or undefined if the table lacks it. */
  rawString(id: I64): RawString | undefined {
    return this.strings.raw(id);
  }

  /** The stack for an ID, NO_STACK for 0, or undefined if the table lacks it. */
  stack(id: I64): Stack | undefined {
    const index = this.stackIndex(id);
    return index === undefined ? undefined : this.stackAt(index);
  }

  /**
   * The index of the stack of an ID (NO_STACK_INDEX for 0), or undefined if the table lacks it: to check
   * an ID without resolving its stack, which stackAt does at its first use. Most events that name a
   * stack are read but not handed over (ReadOptions), and a GC-heavy trace repeats ~4,000 stacks of ~19
   * frames in every generation.
   */
  stackIndex(id: I64): number | undefined {
    return id === 0 ? NO_STACK_INDEX : this.stackIndexes.get(id);
  }

  /** The stack at an index stackIndex returned. */
  stackAt(index: number): Stack {
    return index === NO_STACK_INDEX ? NO_STACK : this.stacks[index] ?? this.resolveStack(index);
  }

  /** Drops the event batches (and the bytes of those kept in memory) once all their events are read. */
  releaseBatches(): void {
    this.batches.clear();
  }

  experimentalBatches(): Record<string, ExperimentalBatch[]> | undefined {
    if (this.expBatches === undefined) return undefined;
    const out: Record<string, ExperimentalBatch[]> = {};
    for (const [exp, list] of this.expBatches) out[ExperimentNames[exp] ?? ''] = list;
    return out;
  }

  /** Go's fixUpCPUSamples: sample ticks to times (relative to timeBase), sorted as Go sorts them. */
  fixUpCPUSamples(timeBase: number): void {
    for (const s of this.cpuSamples) {
      s.time = relTime(ticksToNs(this.freq, s.time), timeBase);
      s.timeLo = timeLo.v;
    }
    goSortFunc(this.cpuSamples, (a, b) => (timeBefore(a.time, a.timeLo, b.time, b.timeLo) ? -1
      : timeBefore(b.time, b.timeLo, a.time, a.timeLo) ? 1 : 0));
  }

  /** File offset of the generation's first batch, for errors about the generation as a whole. */
  startOffset: number | undefined;

  noteBatchTime(time: I64): void {
    if (this.minTs === 0 || uint64Less(time, this.minTs)) this.minTs = time;
  }

  /** Go's processBatch. */
  processBatch(b: RawBatch, ver: number, stream: BatchStream): void {
    this.startOffset ??= b.offset;
    const first = b.data.length > 0 && b.exp === NoExperiment ? b.data[0] : -1;
    if (first === Ev.Strings) this.addStrings(b, stream);
    else if (first === Ev.Stacks) this.addStacks(b);
    else if (first === Ev.CPUSamples) this.addCPUSamples(b);
    else if ((first === Ev.Frequency && ver < Go125) || (first === Ev.Sync && ver >= Go125)) this.setSyncBatch(b, ver);
    else if (b.exp !== NoExperiment) {
      this.expBatches ??= new Map();
      let list = this.expBatches.get(b.exp);
      if (list === undefined) { list = []; this.expBatches.set(b.exp, list); }
      list.push({ thread: num(b.m), data: stream.retain(b.data) });
    } else if (first === Ev.EndOfGeneration) {
      throw new TraceError('internal error: unexpectedly processing EndOfGeneration; broken trace?', b.offset);
    } else {
      let list = this.batches.get(b.m);
      if (list === undefined) { list = []; this.batches.set(b.m, list); this.batchMs.push(b.m); }
      list.push(stream.eventBatch(b));
    }
  }

  private addStrings(b: RawBatch, stream: BatchStream): void {
    if (stream.stringsInFile) this.strings.leaveInFile(stream);
    const r: TableReader = new TableReader(b);
    r.pos++; // Ev.Strings
    while (r.pos < r.end) {
      const at = r.pos;
      const ev = r.buf[r.pos++];
      if (ev !== Ev.String) r.fail(`expected string event, got ${ev}`, at);
      const id = r.readUvarint('string ID');
      const recordAt = r.pos;
      const len = r.readUvarint('string length');
      if (typeof len !== 'number' || len < 0 || len > MaxStringSize) {
        r.fail(`invalid string size ${uint64Text(len)}, maximum is ${MaxStringSize}`, at);
      }
      if (r.end - r.pos < len) r.fail(`failed to read full string: read ${r.end - r.pos} but wanted ${len}`, at);
      const start = r.pos;
      r.pos += len;
      if (!this.strings.insert(id, r.buf, start, r.pos, b.offset + recordAt)) r.fail(`multiple strings with the same ID: id=${uint64Text(id)}`, at);
    }
  }

  private addStacks(b: RawBatch): void {
    const r: TableReader = new TableReader(b);
    r.pos++; // Ev.Stacks
    while (r.pos < r.end) {
      const at = r.pos;
      const ev = r.buf[r.pos++];
      if (ev !== Ev.Stack) r.fail(`expected stack event, got ${ev}`, at);
      const id = r.readUvarint('stack ID');
      const nFrames = r.readUvarint('stack frame count');
      if (typeof nFrames !== 'number' || nFrames < 0 || nFrames > MaxFramesPerStack) {
        r.fail(`invalid stack size ${uint64Text(nFrames)}, maximum is ${MaxFramesPerStack}`, at);
      }
      const place = this.stackFramesLength;
      const stackIndex = this.stacks.length;
      const frames = this.stackFrames = grownTo(this.stackFrames, place + 1 + nFrames, (n) => new Int32Array(n));
      frames[place] = nFrames;
      for (let i = 0; i < nFrames; i++) {
        const pc = r.readFrameField(FrameField.PC, i, id);
        const funcID = r.readFrameField(FrameField.FuncID, i, id);
        const fileID = r.readFrameField(FrameField.FileID, i, id);
        const line = r.readFrameField(FrameField.Line, i, id);
        let index = this.pcIndexes.get(pc);
        if (index === undefined) {
          index = this.rawFrames.length;
          this.pcIndexes.set(pc, index);
          this.rawFrames.push({ pc, funcID, fileID, line });
        }
        frames[place + 1 + i] = index;
      }
      if (!this.stackIndexes.insert(id, stackIndex)) r.fail(`multiple stacks with the same ID: id=${uint64Text(id)}`, at);
      this.stackPlaces = grownTo(this.stackPlaces, stackIndex + 1, (n) => new Int32Array(n));
      this.stackPlaces[stackIndex] = place;
      this.stacks.push(undefined);
      this.stackFramesLength = place + 1 + nFrames;
    }
  }

  private addCPUSamples(b: RawBatch): void {
    const r = new TableReader(b);
    r.pos++; // Ev.CPUSamples
    while (r.pos < r.end) {
      const at = r.pos;
      const ev = r.buf[r.pos++];
      if (ev !== Ev.CPUSample) r.fail(`expected CPU sample event, got ${ev}`, at);
      const time = asUint64(r.readUvarint('CPU sample timestamp'));
      const m = r.readUvarint('CPU sample M');
      const p = r.readUvarint('CPU sample P');
      const g = r.readUvarint('CPU sample G');
      const stack = r.readUvarint('CPU sample stack');
      this.cpuSamples.push({ time, timeLo: 0, m, p, g: g === 0 ? -1 : g, stack });
    }
  }

  private setSyncBatch(b: RawBatch, ver: number): void {
    const r = new TableReader(b);
    if (ver >= Go125) r.pos++; // Ev.Sync
    let lastTs = BigInt.asUintN(64, BigInt(b.time));
    while (r.pos < r.end) {
      const at = r.pos;
      const ev = r.buf[r.pos++];
      if (ev === Ev.Frequency) {
        if (this.freq !== 0) r.fail('found multiple frequency events', at);
        const f = asUint64(r.readUvarint('frequency'));
        this.freq = 1.0 / (f / 1e9);
      } else if (ev === Ev.ClockSnapshot && ver >= Go125) {
        if (this.hasClockSnapshot) r.fail('found multiple clock snapshot events', at);
        this.hasClockSnapshot = true;
        const tdiff = r.readUvarintBig('clock snapshot time');
        lastTs = BigInt.asUintN(64, lastTs + tdiff);
        this.snapTime = lastTs;
        this.snapMono = r.readUvarintBig('clock snapshot mono');
        const sec = r.readUvarintBig('clock snapshot sec');
        const nsec = r.readUvarintBig('clock snapshot nsec');
        this.snapWall = formatUnixRFC3339Nano(BigInt.asIntN(64, sec), BigInt.asIntN(64, nsec));
      } else {
        r.fail(`expected frequency or clock snapshot event, got ${ev}`, at);
      }
    }
  }

  /** The checks and preparation Go does once all batches are in (shared by both framings). */
  finish(ver: number): void {
    const fail = (message: string): never => {
      throw new TraceError(`${message} in generation ${this.gen}, which starts`, this.startOffset);
    };
    if (this.freq === 0) fail('no frequency event found');
    if (ver >= Go125 && !this.hasClockSnapshot) fail('no clock snapshot event found');
    this.validateStackStrings(fail);
    this.pcIndexes.clear(); // only addStacks looks PCs up
    this.resolvedFrames = objectArray<StackFrame>(this.rawFrames.length) as StackFrame[];
  }

  /**
   * Go's validateStackStrings. Stacks share their PCs' frame records, so checking each record once gives the
   * same verdict; Go's error, naming the first stack in Go's order with a bad record, is then looked for.
   */
  private validateStackStrings(fail: (message: string) => never): void {
    let valid = true;
    for (const f of this.rawFrames) valid &&= this.hasString(f.funcID) && this.hasString(f.fileID);
    if (valid) return;
    for (const [id, index] of this.stackIndexes.entries()) {
      const place = this.stackPlaces[index];
      for (let i = 0; i < this.stackFrames[place]; i++) {
        const f = this.rawFrames[this.stackFrames[place + 1 + i]];
        if (!this.hasString(f.funcID)) fail(`found invalid func string ID ${uint64Text(f.funcID)} for stack ${uint64Text(id)}`);
        if (!this.hasString(f.fileID)) fail(`found invalid file string ID ${uint64Text(f.fileID)} for stack ${uint64Text(id)}`);
      }
    }
  }

  /** Interns the stack at an index at its first use (the generation is finished). */
  private resolveStack(index: number): Stack {
    const frames = this.stackFrames;
    const place = this.stackPlaces[index];
    const length = frames[place];
    const scratch = STACK_SCRATCH;
    let hash = STACK_HASH_SEED;
    for (let i = 0; i < length; i++) {
      const frame = frames[place + 1 + i];
      const f = this.rawFrames[frame];
      scratch[i] = this.resolvedFrames[frame] ??= this.interner.frame(f.pc, this.string(f.funcID)!, this.string(f.fileID)!, f.line);
      hash = hashPc(hash, f.pc);
    }
    return this.stacks[index] = this.interner.stack(hash, scratch, length);
  }
}

/** Generation.stackIndex of stack ID 0, which is NO_STACK. */
export const NO_STACK_INDEX = -1;

/** The frames of the stack being resolved (StackInterner.stack copies those of a new stack). */
const STACK_SCRATCH = objectArray<StackFrame>() as StackFrame[];

/** The fields of a stack frame record, in wire order, and their names in Go's error texts. */
const enum FrameField { PC, FuncID, FileID, Line }
const FRAME_FIELD_NAMES = ['PC', 'funcID', 'fileID', 'line'];

/** Reads the records of a strings/stacks/CPU/sync batch with Go's error semantics, adding byte offsets. */
class TableReader extends ByteCursor {
  private readonly offset: number;
  constructor(b: RawBatch) {
    super(b.data, 0, b.data.length);
    this.offset = b.offset;
  }

  fail(message: string, at: number): never {
    throw new TraceError(message, this.offset + at);
  }

  /**
   * A uvarint of a table record. `goWraps` says whether Go wraps a read error in a message: if not, a record
   * cut right before the value fails with a bare io.EOF, which Go's callers take for the end of the trace.
   */
  readUvarint(what: string, goWraps = false): I64 {
    const at = this.pos;
    const v = this.uvarint();
    if (this.failed) this.readFailed(what, at, goWraps);
    return v;
  }

  /**
   * A uvarint of frame `frame` of stack `stackId`; the error text is built only if the read fails (every
   * generation repeats every stack, so eager texts cost more than the reads).
   */
  readFrameField(field: FrameField, frame: number, stackId: I64): I64 {
    const at = this.pos;
    const v = this.uvarint();
    if (this.failed) this.readFailed(`frame ${frame + 1}'s ${FRAME_FIELD_NAMES[field]} for stack ${uint64Text(stackId)}`, at, true);
    return v;
  }

  readUvarintBig(what: string): bigint {
    const at = this.pos;
    const v = this.uvarintBig();
    if (this.failed) this.readFailed(what, at, false);
    return v;
  }

  private readFailed(what: string, at: number, goWraps: boolean): never {
    const consumed = this.end > at;
    const message = `reading ${what}: ${readUvarintErrorText(this.failed as VarintError, consumed)}`;
    if (!goWraps && !consumed && this.failed === VarintError.Truncated) throw new GoEOF(message, this.offset + at);
    this.fail(message, at);
  }
}

/**
 * Go's reader returns a bare io.EOF when a table record ends right before a value, and `go tool trace`
 * (like any caller comparing err == io.EOF) then ends the trace quietly. The reader treats this error as
 * the end of the trace to give the same verdict.
 */
export class GoEOF extends TraceError {}

/** Go's readGeneration (Go 1.26+ framing, ended by Ev.EndOfGeneration). Returns undefined at the end of the trace. */
export async function readGeneration(stream: BatchStream, ver: number, interner: StackInterner): Promise<Generation | undefined> {
  const g = new Generation(interner);
  for (;;) {
    const read = await stream.readBatch();
    if (read === null) {
      if (g.batches.size !== 0) throw new TraceError('incomplete generation found; trace likely truncated', stream.offset);
      return undefined;
    }
    const { batch, gen } = read;
    if (g.gen === 0) g.gen = gen;
    if (batch.exp === NoExperiment && batch.data.length > 0 && batch.data[0] === Ev.EndOfGeneration) break;
    if (gen === 0) throw new TraceError(`invalid generation number ${gen}`, batch.offset);
    if (gen !== g.gen) {
      throw new TraceError('broken trace: missing end-of-generation event, or generations are interleaved', batch.offset);
    }
    g.noteBatchTime(batch.time);
    g.processBatch(batch, ver, stream);
  }
  g.finish(ver);
  return g;
}

/** A batch read while looking for the end of the previous generation (traces before Go 1.26). */
export interface SpilledBatch { gen: I64; batch: RawBatch }

export interface SpillResult {
  /** The generation, if one was read; it is valid and comes before `error`. */
  gen: Generation | undefined;
  spill: SpilledBatch | undefined;
  error: TraceError | undefined;
}

/** Go's readGenerationWithSpill (traces before Go 1.26). */
export async function readGenerationWithSpill(
  stream: BatchStream, spill: SpilledBatch | undefined, ver: number, interner: StackInterner,
): Promise<SpillResult> {
  const g = new Generation(interner);
  try {
    if (spill !== undefined) {
      g.gen = spill.gen;
      g.minTs = spill.batch.time;
      g.processBatch(spill.batch, ver, stream);
    }
    let next: SpilledBatch | undefined;
    let spillErr: TraceError | undefined;
    for (;;) {
      let read;
      try {
        read = await stream.readBatch();
      } catch (error) {
        if (g.gen !== 0 && error instanceof TraceError) {
          // Possibly the first batch of the next generation is broken: what came before still stands.
          spillErr = error;
          break;
        }
        throw error;
      }
      if (read === null) break;
      const { batch, gen } = read;
      if (gen === 0) throw new TraceError(`invalid generation number ${gen}`, batch.offset);
      if (g.gen === 0) g.gen = gen;
      if (gen === inc(g.gen)) { next = { gen, batch: { ...batch, data: stream.retain(batch.data) } }; break; }
      if (gen !== g.gen) throw new TraceError('generations out of order', batch.offset);
      g.noteBatchTime(batch.time);
      g.processBatch(batch, ver, stream);
    }
    g.finish(ver);
    return { gen: g, spill: next, error: spillErr };
  } catch (error) {
    if (error instanceof TraceError) return { gen: undefined, spill: undefined, error };
    throw error;
  }
}
