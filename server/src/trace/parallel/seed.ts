// Where a range of generations read on its own starts: the ordering state the reader before it left at
// the boundary, guessed from the range's first generation, without reading the generation before it.
// Go's tracer writes, in every generation, the status of each goroutine and proc it reports on (with
// its GC mark assist or sweep in progress), and a thread's first events bind the proc and goroutine it
// holds; the GC state comes from the first GC event (order.ts seedGC). A scan of the generation's
// batches, decoding only the arguments of those events, gives the guess. The reader's last time, from
// which the range's times are made increasing, is guessed as the latest event of the generation before
// (lastTimeOf: each thread's last batch and the CPU samples). It is only a guess: the main
// thread compares it with the real state at the boundary (orderingState.ts joinBoundary), and any
// difference makes it read on in order, so the result never depends on it.
import { addTime, asUint64, low8, relTime, timeBefore, timeLo, type I64 } from '../exact';
import { Generation, StackInterner, ticksToNs } from '../generation';
import type { MState, Ordering } from '../order';
import { Ev, Go125, GoStatus, NoExperiment, ProcStatus, timedArgCount } from '../spec';
import { BatchStream, readFullyAt, uvarintAt, varintPos } from '../wire';
import { scanBatches, type BatchFrame } from './boundaries';

/** The events whose arguments the seed reads. */
const STATUS_EVENTS = (() => {
  const kinds = new Uint8Array(256);
  for (const typ of [Ev.ProcStatus, Ev.GoStatus, Ev.GoStatusStack, Ev.GCMarkAssistActive, Ev.GCSweepActive]) kinds[typ] = 1;
  return kinds;
})();

/**
 * Decodes the events of an event batch's bytes in order, handing each one's type, time delta and first
 * three arguments to `visit`: every event, or only those marked in `only`, the others skipped without
 * decoding their varints (`others` then says whether one came before). Returns how many were skipped,
 * or -1 if a broken event ended the scan (the reader reports it, if it gets there).
 */
function scanEvents(
  data: Uint8Array, visit: (typ: number, ts: I64, a0: I64, a1: I64, a2: I64, others: boolean) => void, only?: Uint8Array,
): number {
  const end = data.length;
  let pos = 0;
  let skipped = 0;
  while (pos < end) {
    const typ = data[pos];
    const nargs = timedArgCount[typ];
    if (nargs < 0) return -1;
    if (only !== undefined && only[typ] === 0) {
      pos++;
      for (let i = 0; i <= nargs; i++) {
        while (pos < end && data[pos] >= 0x80) pos++;
        pos++;
      }
      if (pos > end) return -1;
      skipped++;
      continue;
    }
    varintPos.at = pos + 1;
    const ts = uvarintAt(data, end);
    const a0 = nargs > 0 ? uvarintAt(data, end) : 0;
    const a1 = nargs > 1 ? uvarintAt(data, end) : 0;
    const a2 = nargs > 2 ? uvarintAt(data, end) : 0;
    let bad = ts !== ts || a0 !== a0 || a1 !== a1 || a2 !== a2;
    for (let i = 3; i < nargs; i++) {
      const a = uvarintAt(data, end);
      bad ||= a !== a;
    }
    if (bad) return -1;
    pos = varintPos.at;
    visit(typ, ts, a0, a1, a2, skipped > 0);
  }
  return skipped;
}

/** NoThread, NoProc, NoGoroutine. */
const NONE = -1;

interface Seeded { status: number; active: number[] }

/**
 * Seeds `ordering` from the status events of `gen` (the range's first generation), as the state after
 * the generations before it; `initialGen` is the whole trace's first generation number.
 */
export function seedOrdering(gen: Generation, stream: BatchStream, ordering: Ordering, initialGen: I64): void {
  ordering.seed(initialGen);
  const goroutines = new Map<I64, Seeded>();
  const procs = new Map<I64, Seeded>();
  const threads = new Map<I64, MState>();
  /** Goroutines in a syscall on a thread other than the one writing their status, by thread. */
  const inSyscall = new Map<I64, I64>();
  let buffer = new Uint8Array(0);
  for (const m of gen.batchMs) {
    const thread: MState = { g: NONE, p: NONE, gs: undefined };
    // Only the statuses a thread's events begin with say what it held at the boundary.
    let leading = m !== NONE;
    for (const batch of gen.batches.get(m) ?? []) {
      if (buffer.length < batch.size) buffer = new Uint8Array(batch.size);
      const data = stream.reread(batch, buffer);
      const skipped = scanEvents(data, (typ, _ts, a0, a1, a2, others) => {
        if (others) leading = false;
        if (typ === Ev.ProcStatus) {
          const status = low8(a1);
          if (!procs.has(a0)) procs.set(a0, { status, active: [] });
          if (leading && (status === ProcStatus.Running || status === ProcStatus.Syscall)) thread.p = a0;
        } else if (typ === Ev.GoStatus || typ === Ev.GoStatusStack) {
          const status = low8(a2);
          if (!goroutines.has(a0)) goroutines.set(a0, { status, active: [] });
          if (status === GoStatus.Syscall && a1 !== m) {
            if (!inSyscall.has(a1)) inSyscall.set(a1, a0);
          } else if (leading && (status === GoStatus.Running || status === GoStatus.Syscall)) {
            thread.g = a0;
          }
        } else if (typ === Ev.GCMarkAssistActive) {
          goroutines.get(a0)?.active.push(typ);
        } else {
          procs.get(a0)?.active.push(typ); // GCSweepActive
        }
      }, STATUS_EVENTS);
      if (skipped < 0) break;
      if (skipped > 0) leading = false;
    }
    if (thread.g !== NONE || thread.p !== NONE) threads.set(m, thread);
  }
  for (const [m, g] of inSyscall) {
    const thread = threads.get(m);
    if (thread === undefined) threads.set(m, { g, p: NONE, gs: undefined });
    else if (thread.g === NONE) thread.g = g;
  }
  for (const [id, s] of goroutines) ordering.seedGoroutine(id, s.status, s.active);
  for (const [id, s] of procs) ordering.seedProc(id, s.status, s.active);
  for (const [m, thread] of threads) ordering.mStates.set(m, thread);
}

/**
 * The time of the latest event of a generation, the file's bytes [from, to) (relative to timeBase,
 * [hi, lo] as in exact.ts): what the reader's last time is after it unless its last events had to be
 * moved. Only the batch headers are read (boundaries.ts scanBatches), then each thread's last batch,
 * the CPU samples and the frequency. Undefined if it cannot tell; throws TraceError for a broken batch.
 */
export function lastTimeOf(fd: number, from: number, to: number, version: number, timeBase: number): [number, number] | undefined {
  const gen = new Generation(new StackInterner());
  /** processBatch's stream: it keeps no bytes of these batches. */
  const stream = BatchStream.fromBytes(new Uint8Array(0));
  const lastBatch = new Map<I64, BatchFrame>();
  let complete = true;
  const framed = scanBatches(fd, from, to, (frame) => {
    const first = frame.exp === NoExperiment ? frame.first : -1;
    if (first === Ev.CPUSamples || (first === Ev.Frequency && version < Go125) || (first === Ev.Sync && version >= Go125)) {
      const data = new Uint8Array(frame.size);
      complete &&= readFullyAt(fd, data, frame.dataAt) === data.length;
      if (complete) gen.processBatch({ m: frame.m, time: frame.time, data, exp: frame.exp, offset: frame.dataAt }, version, stream);
    } else if (frame.exp === NoExperiment && first >= 0 && first !== Ev.Strings && first !== Ev.Stacks && first !== Ev.EndOfGeneration) {
      lastBatch.set(frame.m, frame);
    }
  });
  if (!framed || !complete || gen.freq === 0) return undefined;
  let latest: [number, number] | undefined;
  const consider = (hi: number, lo: number): void => {
    if (latest === undefined || timeBefore(latest[0], latest[1], hi, lo)) latest = [hi, lo];
  };
  let buffer = new Uint8Array(0);
  for (const batch of lastBatch.values()) {
    // As BatchCursor.nextEvent: the batch's time, then each event's delta, converted one by one.
    let hi = relTime(ticksToNs(gen.freq, asUint64(batch.time)), timeBase);
    let lo = timeLo.v;
    if (buffer.length < batch.size) buffer = new Uint8Array(batch.size);
    const data = buffer.subarray(0, batch.size);
    if (readFullyAt(fd, data, batch.dataAt) !== data.length) return undefined;
    const scanned = scanEvents(data, (_typ, ts) => {
      hi = addTime(hi, lo, ticksToNs(gen.freq, typeof ts === 'number' && ts >= 0 ? ts : asUint64(ts)), timeBase);
      lo = timeLo.v;
    });
    if (scanned < 0) return undefined;
    consider(hi, lo);
  }
  gen.fixUpCPUSamples(timeBase);
  for (const sample of gen.cpuSamples) consider(sample.time, sample.timeLo);
  return latest;
}
