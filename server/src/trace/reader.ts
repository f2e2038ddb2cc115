// The trace reader: Go 1.26's internal/trace Reader (reader.go, batchcursor.go)
// over a chunked byte stream. It streams one generation at a time: all batches
// of a generation are buffered, per-thread cursors are merged through a min-heap
// on time, and the ordering state machine decides which event happens next.
import { open } from 'node:fs/promises';
import { NO_STACK, TraceError, type EventKind, type ReadProgress, type SyncEvent, type TraceEvent } from './event';
import {
  Generation, GoEOF, readGeneration, readGenerationWithSpill, StackInterner, ticksToNs, type CpuSample, type SpilledBatch,
  type SpillResult,
} from './generation';
import { goSortFunc } from './gosort';
import { KindMask, kindMask, Ordering, PRESENT_EMPTY_STACK, type MState, type RawEvent } from './order';
import {
  Go126, MaxExperimentalEvent, specs, timedArgCount,
} from './spec';
import { addTime, asUint64, exactTime, isSafe, num, relTime, timeBefore, timeLo, type I64 } from './exact';
import { BatchStream, fileChunkSource, uvarintAt, varintPos, type EventBatch } from './wire';

export interface ReadOptions {
  onProgress?: (p: ReadProgress) => void;
  signal?: AbortSignal;
  /**
   * Only build and yield events of these kinds (default: all). Every event is still read, ordered and
   * validated exactly as Go does, so verdicts and timestamps do not change; skipping the objects nobody
   * needs (typically the many StateTransitions) makes reading several times faster.
   */
  kinds?: readonly EventKind[];
  /**
   * Log events carry their message (default true). Without, a Log's message is '' (its string ID is still
   * checked, as Go does): for consumers that only count logs, which then decode none of the messages.
   * With 'bytes', a Log's message is '' and its bytes are `messageBytes`, undecoded: for a consumer that
   * passes messages on as bytes (the viewer's load, to the thread that keeps them: recorded/taskRecorder.ts).
   */
  logMessages?: boolean | 'bytes';
  /**
   * With logMessages false, the Log events of this task carry their message all the same (an explanation
   * lists them): the strings still stay in the file, and only these are read back.
   */
  messagesOfTask?: number;
  /**
   * Every goroutine transition is a StateTransition event (default true). Without, the scheduling of a
   * goroutine once it is named (GoStart, GoStop, GoBlock, GoUnblock, system calls: 26–85% of the events of
   * the benchmark traces) is read, ordered and validated but not handed over (see OpenedTrace.skipped): for
   * consumers that keep no per-goroutine time, such as the statistics of `trace stats`. Still handed over:
   * its creation or first status, every transition until one carries a stack whose root frame names its
   * entry function (as Go's goroutine analysis names it), its end, waiting 'forever' (which ends it in Go's
   * analysis) and every transition after that until it is named again, and GoSwitch.
   */
  scheduling?: boolean;
  /**
   * The runtime's detail is handed over (default true): GC sweeps and mark assists (ranges), the heap goal
   * and GOMAXPROCS changes (metrics), and every heap size (HeapAlloc). Without, they are read, ordered and
   * validated but not handed over (see OpenedTrace.skipped), except a heap size above every one before it:
   * for consumers that count only GC cycles, stop-the-world pauses and the heap's peak.
   */
  runtimeDetail?: boolean;
  /**
   * openTraceFile: start at this byte offset, the first byte of a generation (Go ≥ 1.26 traces, whose
   * generations end with an EndOfGeneration batch), as if the trace began there: a generation announces
   * the state it starts from. Times then count from that generation (see OpenedTrace.timeBase).
   */
  fromOffset?: number;
  /** openTraceFile: bytes read from the file at a time (default 1 MiB); less for a read beside others (its buffer is that and 64 KiB). */
  chunkBytes?: number;
  /**
   * The time base of the whole trace, for a part of it read on its own (parallel/): times then equal
   * those of the whole trace read in one go. Default: picked from the first generation read.
   */
  timeBase?: number;
  /**
   * A range of generations read on its own (parallel/seed.ts): called once its first generation is read,
   * before any event is ordered, to seed the ordering with the state the reader before it left there.
   */
  seedOrdering?: (gen: Generation, stream: BatchStream, ordering: Ordering) => void;
  /** With seedOrdering: the time of the event before the first one read ([hi, lo], see exact.ts), as the reader before left it. */
  lastTime?: [number, number];
}

/** Events read but not handed over (a kind not asked for): how many, and the last one's time if any. */
export interface SkippedEvents {
  count: number;
  /** The time of the last event read, handed over or not (0 before any). */
  lastTime: number;
}

/** The reader's state between two generations: what reading on from there depends on (parallel/). */
export interface ReaderBoundary {
  ordering: Ordering;
  lastTs: number;
  lastTsLo: number;
  /** The number of the generation last read (0 before the first). */
  generation: I64;
}

export interface OpenedTrace {
  /** The Go release that wrote the trace, e.g. "1.26" (1.24 writes "1.23" traces). */
  goVersion: string;
  /**
   * Event times are nanoseconds relative to this; Go's Time is time + timeBase. It is 0n (times are Go's)
   * unless the machine had been up for more than ~52 days, when times start near 0 to stay exact.
   */
  timeBase: bigint;
  /**
   * Reads the events in Go's order, calling `onEvent` for each soon after it is read, and `onPause` after
   * about every PAUSE_EVENTS events and each generation (for progress, first views, or output: a promise it
   * returns is awaited). Memory is bounded by generation size, not file size, and an event `onEvent` does
   * not keep is garbage almost at once. Resolves at the end; after every complete generation of a bad or
   * truncated file it rejects with TraceError. A trace is read once.
   */
  forEach(onEvent: (ev: TraceEvent) => void, onPause?: (generationEnd: boolean) => void | Promise<void>): Promise<void>;
  /**
   * The ordering state and last time; meaningful in a pause at a generation's end (`generationEnd`),
   * before the next generation is read.
   */
  boundary(): ReaderBoundary;
  /** The events read so far but not handed over. */
  skipped(): SkippedEvents;
}

const EMPTY_BYTES = new Uint8Array(0);

/** Events between two checks for cancellation and calls of onPause. */
const PAUSE_EVENTS = 4096;

/**
 * Events read before they are handed over, a few at a time, so that reading and analysis each run a while
 * (alternating at every event was 8% slower than handing over arrays of 1,024), while so few stay alive
 * that young-generation collections stay cheap (see heap.ts).
 */
const READ_AHEAD = 64;

/** A thread's position in its batches of the current generation (Go's batchCursor). */
class BatchCursor implements RawEvent {
  typ = 0;
  time = 0;
  timeLo = 0;
  a0: I64 = 0;
  a1: I64 = 0;
  a2: I64 = 0;
  a3: I64 = 0;
  /** File offset of the current event, for errors. */
  evOffset = 0;
  /** The ordering's state of this thread, cached once looked up. */
  ms: MState | undefined = undefined;
  // Numeric fields start as numbers: a field first holding undefined would box every double stored in it.
  private lastTs = 0;
  private lastTsLo = 0;
  /** The current batch, its bytes, and the read position in them. */
  private idx = -1;
  private data: Uint8Array = EMPTY_BYTES;
  private offset = 0;
  private off = 0;
  /** Where the bytes of a batch read again from the file go; as long as this thread's longest batch. */
  private buffer: Uint8Array = EMPTY_BYTES;

  constructor(readonly m: I64, private readonly batches: readonly EventBatch[], private readonly stream: BatchStream, private readonly timeBase: number) {
    this.lastTs = -timeBase;
  }

  /**
   * Reads the next event; false when the thread has no more. Times are relative to timeBase (Go's
   * absolute time is time + timeBase), which keeps them exact doubles; see exact.ts for the rest.
   */
  nextEvent(freq: number): boolean {
    const timeBase = this.timeBase;
    if (this.off === this.data.length && !this.nextBatch()) return false;
    // Go re-reads the batch's base time whenever its (absolute) running time is 0.
    if (this.lastTs === -timeBase && this.lastTsLo === 0) {
      this.lastTs = relTime(ticksToNs(freq, asUint64(this.batches[this.idx].time)), timeBase);
      this.lastTsLo = timeLo.v;
    }
    const data = this.data;
    const end = data.length;
    const start = this.off;
    const typ = data[start];
    const nargs = timedArgCount[typ];
    if (nargs < 0) {
      this.evOffset = this.offset + start;
      if (typ >= MaxExperimentalEvent) throw new TraceError(`found invalid event type: ${typ}`, this.evOffset);
      throw new TraceError(`found event without a timestamp: type=${typ}`, this.evOffset);
    }
    this.typ = typ;
    // A one-byte delta (most) without the general decoder; past the end the byte reads as undefined.
    let ts: I64 = data[start + 1];
    if (ts < 0x80) varintPos.at = start + 2;
    else {
      varintPos.at = start + 1;
      ts = uvarintAt(data, end);
      if (ts !== ts) {
        this.evOffset = this.offset + start;
        throw new TraceError('found invalid uvarint for timestamp', this.evOffset);
      }
    }
    // Unused argument slots keep stale values, as in Go; nothing reads them. A bad varint reads as NaN.
    let bad = false;
    if (nargs > 0) {
      const a0 = this.a0 = uvarintAt(data, end);
      bad = a0 !== a0;
      if (nargs > 1) {
        const a1 = this.a1 = uvarintAt(data, end);
        bad ||= a1 !== a1;
        if (nargs > 2) {
          const a2 = this.a2 = uvarintAt(data, end);
          bad ||= a2 !== a2;
          if (nargs > 3) {
            const a3 = this.a3 = uvarintAt(data, end);
            bad ||= a3 !== a3;
          }
        }
      }
    }
    this.evOffset = this.offset + start;
    if (bad) throw new TraceError('found invalid uvarint', this.evOffset);
    this.off = varintPos.at;
    const d = ticksToNs(freq, typeof ts === 'number' && ts >= 0 ? ts : asUint64(ts));
    this.time = this.lastTs = addTime(this.lastTs, this.lastTsLo, d, timeBase);
    this.timeLo = this.lastTsLo = timeLo.v;
    return true;
  }

  /** Moves to the next non-empty batch, reading its bytes again if they were dropped; false after the last. */
  private nextBatch(): boolean {
    const batches = this.batches;
    do {
      if (++this.idx >= batches.length) return false;
    } while (batches[this.idx].size === 0);
    const batch = batches[this.idx];
    if (batch.data === undefined && this.buffer.length < batch.size) this.buffer = new Uint8Array(batch.size);
    this.data = this.stream.reread(batch, this.buffer);
    this.offset = batch.offset;
    this.off = 0;
    this.lastTs = -this.timeBase;
    this.lastTsLo = 0;
    return true;
  }

  describe(): string {
    const spec = specs[this.typ];
    const args = [this.a0, this.a1, this.a2, this.a3];
    return `M ${this.m} [${spec.name} time=${this.time}${spec.args.slice(1).map((a, i) => ` ${a}=${args[i]}`).join('')}]`;
  }
}

// The frontier min-heap on the time of each cursor's next event, exactly as Go's (ties decide the order).

function before(a: BatchCursor, b: BatchCursor): boolean {
  return timeBefore(a.time, a.timeLo, b.time, b.timeLo);
}

// Both sifts move a hole instead of swapping at each level; ties resolve exactly as Go's swaps do.

function heapSiftUp(heap: BatchCursor[], i: number): number {
  const x = heap[i];
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(x, heap[p])) break;
    heap[i] = heap[p];
    i = p;
  }
  heap[i] = x;
  return i;
}

function heapSiftDown(heap: BatchCursor[], i: number): void {
  const n = heap.length;
  if (i >= n) return;
  const x = heap[i];
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    // Go takes the left child unless the right one is strictly earlier, and moves only if strictly earlier.
    const m = l + 1 < n && before(heap[l + 1], heap[l]) ? l + 1 : l;
    if (!before(heap[m], x)) break;
    heap[i] = heap[m];
    i = m;
  }
  heap[i] = x;
}

function heapInsert(heap: BatchCursor[], bc: BatchCursor): void {
  heap.push(bc);
  heapSiftUp(heap, heap.length - 1);
}

function heapUpdate(heap: BatchCursor[], i: number): void {
  if (heapSiftUp(heap, i) !== i) return;
  heapSiftDown(heap, i);
}

function heapRemove(heap: BatchCursor[], i: number): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    const t = heap[p]; heap[p] = heap[i]; heap[i] = t;
    i = p;
  }
  const last = heap.length - 1;
  const t = heap[0]; heap[0] = heap[last]; heap[last] = t;
  heap.pop();
  heapSiftDown(heap, 0);
}

const compareCursors = (a: BatchCursor, b: BatchCursor): number => (before(a, b) ? -1 : before(b, a) ? 1 : 0);

/** Absolute times above this (about 52 days of machine uptime) get a time base. */
const EXACT_TIME_LIMIT = 2 ** 52;

/**
 * A reader's answer that is not an event. An object, not a symbol: optimized code then compares the
 * answers (events, null and these) by identity, where a symbol among them made each comparison a call
 * (~1% of a GC-heavy trace's read, most of whose events are skipped: null).
 */
class ReadSignal {
  constructor(readonly name: string) {}
}
/** readEvent's answer when the next generation must be read first. */
const NEED_GENERATION = new ReadSignal('need generation');
/** nextEvent's answer when the trace ends without a final Sync (Go's io.EOF quirk). */
const END = new ReadSignal('end');
/** Tells the signals from events and null, by identity (see ReadSignal). */
function isSignal(answer: TraceEvent | ReadSignal | null): answer is ReadSignal {
  return answer === NEED_GENERATION || answer === END;
}

type Loaded = { gen: Generation | undefined; error: TraceError | undefined; spill?: SpilledBatch };

/** Go's trace.Reader for v2 traces. readEvent is synchronous; `load` does the I/O between generations. */
class TraceReader {
  /**
   * Go's absolute times minus this. It is 0 unless the traced machine had been up for ~52 days: then times
   * count from the first generation so that they stay exact integers in a double.
   */
  timeBase = 0;
  /** The last event's time (hi + lo, see exact.ts). */
  private lastTs = 0;
  private lastTsLo = 0;
  private gen: Generation | undefined;
  private readonly frontier: BatchCursor[] = [];
  private cpuSamples: CpuSample[] = [];
  private cpuIdx = 0;
  private readonly order: Ordering;
  private syncs = 0;
  private readGenErr: TraceError | undefined;
  private done = false;
  private spill: SpilledBatch | undefined;
  private spillErr: TraceError | undefined;
  private spillErrSync = false;
  private loaded: Loaded | undefined;
  private readonly interner = new StackInterner();
  generations = 0;
  /** Events read so far, built or skipped. */
  events = 0;
  /** Events read so far and skipped (of a kind not asked for). */
  skippedEvents = 0;

  constructor(
    readonly version: number, readonly stream: BatchStream, private readonly want: number,
    private readonly seedOrdering?: ReadOptions['seedOrdering'], messagesOfTask?: number,
  ) {
    this.order = new Ordering(want, messagesOfTask);
  }

  /**
   * Reads the first generation ahead and picks the time base from it. Until then (and for a trace without
   * generations) the base is 0.
   */
  async start(timeBase?: number, lastTime?: [number, number]): Promise<void> {
    await this.load();
    if (timeBase !== undefined) {
      this.timeBase = timeBase;
      this.lastTs = -timeBase;
      if (lastTime !== undefined) [this.lastTs, this.lastTsLo] = lastTime;
      return;
    }
    const first = this.loaded?.gen;
    if (first === undefined) return;
    const start = ticksToNs(first.freq, asUint64(first.minTs));
    // Only a real start time: an overflowed conversion (Go's MinInt64) is no base to count from.
    if (start > EXACT_TIME_LIMIT) {
      this.timeBase = start;
      this.lastTs = -start;
    }
  }

  boundary(): ReaderBoundary {
    return { ordering: this.order, lastTs: this.lastTs, lastTsLo: this.lastTsLo, generation: this.gen?.gen ?? 0 };
  }

  /** Reads the next generation's batches (the only asynchronous step). */
  async load(): Promise<void> {
    // Every event of the current generation has been read: let its bytes go before the next ones arrive, so
    // that memory holds one generation, not two.
    this.gen?.releaseBatches();
    if (this.version >= Go126) {
      try {
        this.loaded = { gen: await readGeneration(this.stream, this.version, this.interner), error: undefined };
      } catch (error) {
        if (!(error instanceof TraceError)) throw error;
        this.loaded = { gen: undefined, error };
      }
    } else {
      const result: SpillResult = await readGenerationWithSpill(this.stream, this.spill, this.version, this.interner);
      this.loaded = result;
    }
  }

  /** What stopped pushEvents with ReadStop.Error. */
  readError: unknown;

  /** Events read ahead of the consumer (see READ_AHEAD); slots are cleared as they are handed over. */
  private readonly ahead: (TraceEvent | undefined)[] = new Array<TraceEvent | undefined>(READ_AHEAD).fill(undefined);

  /** Passes the next events to onEvent, synchronously, about `limit` of them or until something else stops it. */
  pushEvents(onEvent: (ev: TraceEvent) => void, limit: number): ReadStop {
    const ahead = this.ahead;
    let stop = ReadStop.Limit;
    for (let passed = 0; passed < limit && stop === ReadStop.Limit;) {
      let n = 0;
      try {
        while (n < READ_AHEAD) {
          const ev = this.readEvent();
          if (ev === null) { stop = ReadStop.End; break; }
          if (isSignal(ev)) { stop = ReadStop.NeedGeneration; break; }
          ahead[n++] = ev;
        }
      } catch (error) {
        this.readError = error;
        stop = ReadStop.Error;
      }
      // What came before an error is the consumer's too, as Go's reader returns it first.
      for (let i = 0; i < n; i++) {
        const ev = ahead[i]!;
        ahead[i] = undefined;
        onEvent(ev);
      }
      passed += n;
    }
    return stop;
  }

  /** Go's ReadEvent: the next event, null at the end, NEED_GENERATION before `load`; throws TraceError. */
  readEvent(): TraceEvent | null | ReadSignal {
    for (;;) {
      if (this.done) return null;
      const ev = this.nextEvent();
      if (isSignal(ev)) return ev === END ? null : ev;
      this.events++;
      // Timestamps are made strictly increasing, skipped events included.
      const time = this.order.eventTime;
      const lo = this.order.eventTimeLo;
      if (ev === null) {
        this.advanceLastTs(time, lo);
        this.skippedEvents++;
        continue;
      }
      if (!this.advanceLastTs(time, lo)) this.moveToLastTs(ev);
      return ev;
    }
  }

  /**
   * Gives an event the time advanceLastTs moved it to. A method of its own: called for a few percent of
   * the events, V8 does not inline it into the hot loop, which it threw away and compiled again for each
   * kind of event first met here (four times on a GC-heavy trace).
   */
  private moveToLastTs(ev: TraceEvent): void {
    ev.time = this.lastTs;
    if (isSafe(ev.time)) {
      if (ev.exact !== undefined) delete ev.exact.time;
    } else {
      ev.exact = { ...ev.exact, time: exactTime(this.lastTs, this.lastTsLo) };
    }
  }

  /** Go's `if t <= lastTs { t = lastTs + 1 }; lastTs = t` on hi + lo times; false when t had to move. */
  private advanceLastTs(hi: number, lo: number): boolean {
    if (timeBefore(this.lastTs, this.lastTsLo, hi, lo)) {
      this.lastTs = hi;
      this.lastTsLo = lo;
      return true;
    }
    this.lastTs = addTime(this.lastTs, this.lastTsLo, 1, this.timeBase);
    this.lastTsLo = timeLo.v;
    return false;
  }

  /** The next event, null for one of a kind not asked for; its time is in order.eventTime either way. */
  private nextEvent(): TraceEvent | null | ReadSignal {
    const queued = this.order.next();
    if (queued !== undefined) return queued;
    const frontier = this.frontier;
    if (frontier.length === 0 && this.cpuIdx === this.cpuSamples.length) {
      if (this.version < Go126) return this.nextGenWithSpill();
      if (this.readGenErr !== undefined) return this.fail(this.readGenErr);
      const loaded = this.takeLoaded();
      if (loaded === undefined) return NEED_GENERATION;
      if (loaded.error !== undefined) {
        // Emit the Sync for what came before, then report the error.
        this.readGenErr = loaded.error;
        this.gen = undefined;
        return this.syncEvent(undefined, this.lastTs, this.lastTsLo);
      }
      return this.installGen(loaded.gen);
    }
    const gen = this.gen!;
    const next = this.cpuSamples[this.cpuIdx];
    if (next !== undefined && (frontier.length === 0 || timeBefore(next.time, next.timeLo, frontier[0].time, frontier[0].timeLo))) {
      const sample = this.cpuSamples[this.cpuIdx++];
      this.order.eventTime = sample.time;
      this.order.eventTimeLo = sample.timeLo;
      return this.want & KindMask.StackSample ? this.cpuSampleEvent(gen, sample) : null;
    }
    if (frontier.length === 0) throw new TraceError(`broken trace: frontier is empty (generation ${gen.gen})`);
    if (!this.tryAdvance(0)) {
      // Rare: try the other threads in time order. A sorted array is still a valid heap.
      goSortFunc(frontier, compareCursors);
      this.rival = undefined;
      let success = false;
      for (let i = 1; i < frontier.length; i++) {
        if (this.tryAdvance(i)) { success = true; break; }
      }
      if (!success) {
        throw new TraceError(
          `broken trace: failed to advance: no thread's next event can happen (generation ${gen.gen})\n` +
          `frontier:\n${frontier.slice(0, 32).map((bc) => bc.describe()).join('\n')}\n${this.order.describe()}`,
          frontier[0]?.evOffset);
      }
    }
    return this.order.next()!;
  }

  private tryAdvance(i: number): boolean {
    const bc = this.frontier[i];
    const gen = this.gen!;
    try {
      if (!this.order.advance(bc, gen, bc.m, gen.gen)) return false;
    } catch (error) {
      if (error instanceof TraceError && error.offset === undefined) throw new TraceError(error.message, bc.evOffset);
      throw error;
    }
    if (!bc.nextEvent(gen.freq)) {
      heapRemove(this.frontier, i);
      this.rival = undefined;
    } else if (i !== 0 || !this.staysFirst(bc)) {
      heapUpdate(this.frontier, i);
      this.rival = undefined;
    }
    return true;
  }

  /**
   * The earlier of the first cursor's two children in the frontier, which the first is compared with when
   * it moves on; kept while only the first cursor moves on and stays first (undefined: not known).
   */
  private rival: BatchCursor | undefined;

  /**
   * Whether the first cursor, having read its next event, stays first: Go's sift-down moves it only below
   * a child that is strictly earlier. One comparison, while one thread's events come in a row.
   */
  private staysFirst(first: BatchCursor): boolean {
    let rival = this.rival;
    if (rival === undefined) {
      const heap = this.frontier;
      if (heap.length < 2) return true;
      // One load for either child count: a frontier's first third cursor would otherwise throw the optimized code away.
      const left = heap[1];
      const right = heap[heap.length > 2 ? 2 : 1];
      rival = this.rival = before(right, left) ? right : left;
    }
    return !before(rival, first);
  }

  /** Reports a generation's error after its Sync; Go's bare io.EOF ends the trace instead. */
  private fail(error: TraceError): ReadSignal {
    if (!(error instanceof GoEOF)) throw error;
    this.done = true;
    return END;
  }

  private takeLoaded(): Loaded | undefined {
    const loaded = this.loaded;
    this.loaded = undefined;
    return loaded;
  }

  private nextGenWithSpill(): TraceEvent | null | ReadSignal {
    if (this.spillErr !== undefined) {
      if (this.spillErrSync) return this.fail(this.spillErr);
      this.spillErrSync = true;
      return this.syncEvent(undefined, this.lastTs, this.lastTsLo);
    }
    if (this.gen !== undefined && this.spill === undefined) {
      // No batch of a further generation: this was the last one.
      this.done = true;
      return this.syncEvent(undefined, this.lastTs, this.lastTsLo);
    }
    const loaded = this.takeLoaded();
    if (loaded === undefined) return NEED_GENERATION;
    this.spill = loaded.spill;
    this.spillErr = loaded.error;
    if (loaded.gen === undefined) {
      this.gen = undefined;
      this.spillErrSync = true;
      return this.syncEvent(undefined, this.lastTs, this.lastTsLo);
    }
    return this.installGen(loaded.gen);
  }

  private installGen(gen: Generation | undefined): TraceEvent | null {
    if (gen === undefined) {
      this.gen = undefined;
      this.done = true;
      return this.syncEvent(undefined, this.lastTs, this.lastTsLo);
    }
    this.gen = gen;
    if (this.generations++ === 0) this.seedOrdering?.(gen, this.stream, this.order);
    gen.fixUpCPUSamples(this.timeBase);
    this.cpuSamples = gen.cpuSamples;
    this.cpuIdx = 0;
    for (const m of gen.batchMs) {
      const bc = new BatchCursor(m, gen.batches.get(m)!, this.stream, this.timeBase);
      if (!bc.nextEvent(gen.freq)) continue;
      heapInsert(this.frontier, bc);
    }
    this.rival = undefined;
    const time = relTime(ticksToNs(gen.freq, asUint64(gen.minTs)), this.timeBase);
    return this.syncEvent(gen, time, timeLo.v);
  }

  private syncEvent(gen: Generation | undefined, time: number, lo: number): SyncEvent | null {
    this.syncs++;
    this.order.eventTime = time;
    this.order.eventTimeLo = lo;
    if (!(this.want & KindMask.Sync)) return null;
    let snapshot: SyncEvent['clockSnapshot'];
    if (gen !== undefined && gen.hasClockSnapshot) {
      const trace = ticksToNs(gen.freq, Number(gen.snapTime)) - this.timeBase;
      snapshot = { trace, mono: gen.snapMono, wall: gen.snapWall };
      if (!isSafe(trace)) snapshot.exactTrace = BigInt(ticksToNs(gen.freq, Number(gen.snapTime))) - BigInt(this.timeBase);
    }
    const ev: SyncEvent = {
      kind: 'Sync', time, thread: -1, proc: -1, goroutine: -1, stack: NO_STACK, n: this.syncs,
      clockSnapshot: snapshot, experimentalBatches: gen?.experimentalBatches(),
    };
    if (!isSafe(time)) ev.exact = { time: exactTime(time, lo) };
    return ev;
  }

  private cpuSampleEvent(gen: Generation, s: CpuSample): TraceEvent {
    // Go keeps a handle to the stack even for ID 0, so the sample prints an empty "Stack=".
    const stack = s.stack === 0 ? PRESENT_EMPTY_STACK : gen.stack(s.stack);
    if (stack === undefined) throw new TraceError(`CPU sample refers to stack ${s.stack}, which its generation lacks`);
    const ev: TraceEvent = { kind: 'StackSample', time: s.time, thread: num(s.m), proc: num(s.p), goroutine: num(s.g), stack };
    if (!isSafe(s.time) || typeof s.m === 'bigint' || typeof s.p === 'bigint' || typeof s.g === 'bigint') {
      ev.exact = {
        time: isSafe(s.time) ? undefined : exactTime(s.time, s.timeLo),
        thread: typeof s.m === 'bigint' ? s.m : undefined,
        proc: typeof s.p === 'bigint' ? s.p : undefined,
        goroutine: typeof s.g === 'bigint' ? s.g : undefined,
      };
    }
    return ev;
  }
}

/** Why TraceReader.pushEvents stopped: the limit, the end of the trace, a generation to load first, or an error. */
const enum ReadStop { Limit, End, NeedGeneration, Error }

async function forEachEvent(
  reader: TraceReader, options: ReadOptions, close: () => Promise<void>, onEvent: (ev: TraceEvent) => void,
  onPause?: (generationEnd: boolean) => void | Promise<void>,
): Promise<void> {
  const { signal, onProgress } = options;
  const progress = (): void => {
    onProgress?.({
      bytesRead: reader.stream.offset, totalBytes: reader.stream.totalBytes, generations: reader.generations, events: reader.events,
    });
  };
  try {
    // Each generation is reported once read, before its events are ordered (the first one by start).
    progress();
    for (;;) {
      signal?.throwIfAborted();
      const stop = reader.pushEvents(onEvent, PAUSE_EVENTS);
      if (stop === ReadStop.Error) throw reader.readError;
      await onPause?.(stop === ReadStop.NeedGeneration);
      if (stop === ReadStop.End) break;
      if (stop === ReadStop.NeedGeneration) {
        signal?.throwIfAborted();
        await reader.load();
        progress();
      }
    }
    progress();
  } finally {
    await close();
  }
}

export async function openStream(stream: BatchStream, options: ReadOptions, close: () => Promise<void>): Promise<OpenedTrace> {
  let version: number;
  try {
    options.signal?.throwIfAborted();
    version = await stream.readHeader();
  } catch (error) {
    await close();
    throw error;
  }
  // Without log messages, the strings a reader decodes are names: the rest can stay in the file. So can
  // messages handed over as bytes: they are read back in the order written (the 100 MB goroutine-per-request
  // trace's 1.57 M messages in 591 windows), and a read keeps ~19 MiB less (its 57 MB generation's strings).
  if (options.logMessages === false || options.logMessages === 'bytes') stream.leaveStringsInFile();
  const want = (kindMask(options.kinds) & ~(options.logMessages === false ? KindMask.LogMessage : 0) &
    ~(options.scheduling === false ? KindMask.Scheduling : 0) & ~(options.runtimeDetail === false ? KindMask.RuntimeDetail : 0)) |
    (options.logMessages === 'bytes' ? KindMask.LogMessageBytes : 0);
  const reader = new TraceReader(version, stream, want, options.seedOrdering, options.messagesOfTask);
  try {
    await reader.start(options.timeBase, options.lastTime);
  } catch (error) {
    await close();
    throw error;
  }
  let read = false;
  return {
    goVersion: `1.${version}`,
    timeBase: BigInt(reader.timeBase),
    forEach: (onEvent, onPause) => {
      if (read) return Promise.reject(new Error('a trace is read once'));
      read = true;
      return forEachEvent(reader, options, close, onEvent, onPause);
    },
    boundary: () => reader.boundary(),
    skipped: () => ({ count: reader.skippedEvents, lastTime: reader.boundary().lastTs }),
  };
}

/** Opens a trace file and streams its events; the file is read a chunk at a time. */
export async function openTraceFile(path: string, options: ReadOptions = {}): Promise<OpenedTrace> {
  const handle = await open(path, 'r');
  let closed = false;
  const close = async (): Promise<void> => {
    if (!closed) { closed = true; await handle.close(); }
  };
  try {
    const { size } = await handle.stat();
    return await openStream(BatchStream.fromSource(fileChunkSource(handle, size, options.fromOffset), options.chunkBytes), options, close);
  } catch (error) {
    await close();
    throw error;
  }
}

/** Streams the events of a trace held in memory. */
export function openTraceBytes(bytes: Uint8Array, options: ReadOptions = {}): Promise<OpenedTrace> {
  return openStream(BatchStream.fromBytes(bytes), options, async () => {});
}
