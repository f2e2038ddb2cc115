// Reading one range of generations on its own, as a worker thread does (rangeWorker.ts). The range's
// reader starts a generation early: reading that warm-up generation (not analysed) rebuilds the
// ordering state at the range's start, and its canonical form (boundaryKey) is compared with the
// state of the reader that got there in order. Equal states order every later event identically;
// anything else makes the caller read the range in order instead, so results never depend on a guess.
import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { TraceError } from '../event';
import { openStream } from '../reader';
import { TraceAnalyzer, STATISTICS_ONLY } from '../summary/analyzer';
import { RangeLog } from '../summary/rangeLog';
import { exportRange, type RangePartial } from '../summary/rangeMerge';
import { BatchStream, HEADER_BYTES } from '../wire';
import { boundaryState, type BoundaryState } from './orderingState';

export interface RangeTask {
  path: string;
  /** Where the warm-up generation (the one before the range) begins, and where the range begins and ends. */
  warmUpStart: number;
  start: number;
  end: number;
  /** Its own generations (after the warm-up). */
  generations: number;
  /** Whether the range ends the file (else it stops at its last generation's end, without the final Sync). */
  last: boolean;
  /** The whole trace's time base (OpenedTrace.timeBase), as a number. */
  timeBase: number;
}

/** A TraceError as plain data, its offset in the whole file. */
export interface RangeError { message: string; offset: number | undefined }

export interface RangeResult {
  /** The reader's state at the range's start and (unless it is the last) at its end; undefined if never reached. */
  startState: BoundaryState | undefined;
  endState: BoundaryState | undefined;
  partial: RangePartial | undefined;
  /** The reader's TraceError inside the range (its analysis then covers the events before it). */
  error: RangeError | undefined;
}

/** The file's bytes as the range's reader sees them: the header, then [warmUpStart, end). */
async function rangeSource(path: string, task: RangeTask) {
  const handle = await open(path, 'r');
  const header = new Uint8Array(HEADER_BYTES);
  readSync(handle.fd, header, 0, HEADER_BYTES, 0);
  const size = HEADER_BYTES + task.end - task.warmUpStart;
  const fileOffset = (at: number): number => task.warmUpStart + at - HEADER_BYTES;
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
    readAt(target: Uint8Array, at: number): number {
      let filled = 0;
      const length = Math.min(target.length, size - at);
      while (filled < length) {
        const n = readSync(handle.fd, target, filled, length - filled, fileOffset(at) + filled);
        if (n === 0) break;
        filled += n;
      }
      return filled;
    },
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

/** Reads and analyses one range (statistics only), after its warm-up generation. */
export async function readRange(task: RangeTask): Promise<RangeResult> {
  const { source, fileOffset, close } = await rangeSource(task.path, task);
  const stop = new AbortController();
  const opened = await openStream(BatchStream.fromSource(source), { timeBase: task.timeBase, signal: stop.signal, logMessages: false }, close);
  const analyzer = new TraceAnalyzer(opened.goVersion, 0, STATISTICS_ONLY);
  const log = new RangeLog();
  analyzer.continueMidTrace(log);
  const result: RangeResult = { startState: undefined, endState: undefined, partial: undefined, error: undefined };
  let started = false;
  let generationEnds = 0;
  try {
    await opened.forEach((ev) => { if (started) analyzer.add(ev); }, (generationEnd) => {
      if (!generationEnd) return;
      generationEnds++;
      if (!started) {
        result.startState = boundaryState(opened.boundary());
        started = true;
      } else if (!task.last && generationEnds === 1 + task.generations) {
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
  if (started) result.partial = exportRange(analyzer, log);
  return result;
}
