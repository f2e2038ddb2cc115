// Reading one range of generations on its own, as a worker thread does (rangeWorker.ts). The range's
// reader starts at its first generation from the ordering state guessed from that generation's status
// events (seed.ts); the guess, in its canonical form (orderingState.ts), is compared with the state of
// the reader that got there in order. Equal states order every later event identically; anything else
// makes the caller read the range in order instead, so results never depend on a guess.
import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { TraceError } from '../event';
import { asUint64, relTime, timeLo, type I64 } from '../exact';
import { ticksToNs } from '../generation';
import { openStream, type SkippedEvents } from '../reader';
import { TraceAnalyzer, STATISTICS_ONLY } from '../summary/analyzer';
import { RangeLog } from '../summary/rangeLog';
import { exportRange, type RangePartial } from '../summary/rangeMerge';
import { BatchStream, HEADER_BYTES, readFullyAt, readVersion } from '../wire';
import { boundaryState, id, type BoundaryState } from './orderingState';
import { lastTimeOf, seedOrdering } from './seed';

export interface RangeTask {
  path: string;
  /** Where the generation before the range begins (its last time is guessed from it, seed.ts), and where the range begins and ends. */
  previousStart: number;
  start: number;
  end: number;
  /** How many generations it holds. */
  generations: number;
  /** The number of the trace's first generation (the ordering's initialGen). */
  initialGen: I64;
  /** Whether the range ends the file (else it stops at its last generation's end, without the final Sync). */
  last: boolean;
  /** The whole trace's time base (OpenedTrace.timeBase), as a number. */
  timeBase: number;
}

/**
 * How every range is read, the main thread's too: as `trace stats` reads on one thread, no log message,
 * no scheduling of named goroutines and none of the runtime's detail is handed over (the statistics do
 * not read them; they are counted, TraceAnalyzer.addSkipped).
 */
export const RANGE_READ = { logMessages: false, scheduling: false, runtimeDetail: false } as const;

/** A TraceError as plain data, its offset in the whole file. */
export interface RangeError { message: string; offset: number | undefined }

export interface RangeResult {
  /** The reader's state at the range's start and (unless it is the last) at its end; undefined if never reached. */
  startState: BoundaryState | undefined;
  endState: BoundaryState | undefined;
  partial: RangePartial | undefined;
  /** The reader's TraceError inside the range (its analysis then covers the events before it). */
  error: RangeError | undefined;
  /** The numbers of the generations read, and the time of the first event (orderingState.ts joinBoundary). */
  generations: string[];
  firstTime: [number, number];
  /** The events read and not handed over, and the last time (OpenedTrace.skipped). */
  skipped: SkippedEvents;
  /** Whether the ordering picked an event's context by its map's order, which differs from the reader before (order.ts choseByMapOrder). */
  choseByMapOrder: boolean;
}

/** The file's bytes as a range's reader sees them: the header, then [start, end). */
async function rangeSource(path: string, start: number, end: number) {
  const handle = await open(path, 'r');
  const header = new Uint8Array(HEADER_BYTES);
  readSync(handle.fd, header, 0, HEADER_BYTES, 0);
  const size = HEADER_BYTES + end - start;
  const fileOffset = (at: number): number => start + at - HEADER_BYTES;
  let pos = 0;
  const source = {
    size,
    async read(target: Uint8Array, offset: number, length: number): Promise<number> {
      if (pos < HEADER_BYTES) {
        const n = Math.min(length, HEADER_BYTES - pos);
        target.set(header.subarray(pos, pos + n), offset);
        pos += n;
        return n;
      }
      const n = Math.min(length, size - pos);
      if (n <= 0) return 0;
      const { bytesRead } = await handle.read(target, offset, n, fileOffset(pos));
      pos += bytesRead;
      return bytesRead;
    },
    readAt: (target: Uint8Array, at: number): number => readFullyAt(handle.fd, target.subarray(0, Math.max(0, size - at)), fileOffset(at)),
  };
  return { source, fileOffset, close: () => handle.close() };
}

/** The error as the whole file's reader would report it: offsets in the range's view moved to the file's. */
function inFile(error: TraceError, fileOffset: (at: number) => number): RangeError {
  if (error.offset === undefined) return { message: error.message, offset: undefined };
  const suffix = ` (at byte ${error.offset})`;
  const message = error.message.endsWith(suffix) ? error.message.slice(0, -suffix.length) : error.message;
  return { message, offset: fileOffset(error.offset) };
}

/** The latest time of the generation before the range (seed.ts lastTimeOf); undefined if it cannot tell. */
async function lastTimeBefore(task: RangeTask): Promise<[number, number] | undefined> {
  const handle = await open(task.path, 'r');
  try {
    return lastTimeOf(handle.fd, task.previousStart, task.start, readVersion(handle.fd), task.timeBase);
  } catch (error) {
    if (error instanceof TraceError) return undefined;
    throw error;
  } finally {
    await handle.close();
  }
}

/** Reads and analyses one range (statistics only), from a seeded ordering state. */
export async function readRange(task: RangeTask): Promise<RangeResult> {
  const lastTime = await lastTimeBefore(task);
  const { source, fileOffset, close } = await rangeSource(task.path, task.start, task.end);
  const stop = new AbortController();
  const result: RangeResult = {
    startState: undefined, endState: undefined, partial: undefined, error: undefined, generations: [], firstTime: [0, 0], choseByMapOrder: false,
    skipped: { count: 0, lastTime: 0 },
  };
  const opened = await openStream(BatchStream.fromSource(source), {
    timeBase: task.timeBase, signal: stop.signal, ...RANGE_READ, lastTime,
    seedOrdering: (gen, stream, ordering) => {
      seedOrdering(gen, stream, ordering, task.initialGen);
      result.startState = boundaryState(opened.boundary());
      // The first event is the generation's Sync, at its first batch's time (reader.ts installGen).
      result.firstTime = [relTime(ticksToNs(gen.freq, asUint64(gen.minTs)), task.timeBase), timeLo.v];
    },
  }, close);
  const analyzer = new TraceAnalyzer(opened.goVersion, 0, STATISTICS_ONLY);
  const log = new RangeLog();
  analyzer.continueMidTrace(log);
  try {
    await opened.forEach((ev) => analyzer.add(ev), (generationEnd) => {
      if (!generationEnd) return;
      result.generations.push(id(opened.boundary().generation));
      if (!task.last && result.generations.length === task.generations) {
        result.endState = boundaryState(opened.boundary());
        stop.abort();
      }
    });
  } catch (error) {
    if (stop.signal.aborted && !(error instanceof TraceError)) {
      // Stopped at the range's end.
    } else if (error instanceof TraceError) {
      result.error = inFile(error, fileOffset);
    } else {
      throw error;
    }
  }
  result.choseByMapOrder = opened.boundary().ordering.choseByMapOrder;
  result.skipped = opened.skipped();
  // A generation that ended in an error was ordered in part.
  const current = id(opened.boundary().generation);
  if (current !== '0' && result.generations[result.generations.length - 1] !== current) result.generations.push(current);
  if (result.startState === undefined) return result;
  // The GC state the range started from is known once it met a GC event; until then it read none of it.
  const { gcSeed } = opened.boundary().ordering;
  result.startState.gc = gcSeed === undefined ? undefined : `${gcSeed.state} ${id(gcSeed.seq)}`;
  if (result.endState !== undefined && gcSeed === undefined) result.endState.gc = undefined;
  result.partial = exportRange(analyzer, log);
  return result;
}
