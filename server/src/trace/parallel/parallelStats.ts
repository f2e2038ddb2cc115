// `trace stats` on several threads: the file's generations are cut into contiguous ranges (one per
// thread, boundaries.ts); the main thread reads the first range, and each other range is read by a
// worker from the ordering state guessed from its first generation (seed.ts, rangeRead.ts). The main
// thread starts reading at once; the ranges are cut once the workers have loaded (and, for `--threads
// auto`, the idle cores are known), between where the main thread is then and the file's end, so that
// the threads end about together whatever a worker's start took. At the first boundary the main thread
// compares its reader's state with the state each worker started from (and each worker's end state with
// the next one's start; orderingState.ts), and checks what each range did with regions and tasks older
// than it (rangeMerge.ts checkJoin): when every boundary joins, the ranges' analyses are merged in order
// and the result is exactly the one-thread result, errors included; when one does not, or a worker
// fails, the main thread reads on in order as if there were no workers.
import { TraceError } from '../event';
import { openTraceFile } from '../reader';
import { TraceAnalyzer, STATISTICS_ONLY, truncatedInFirstGeneration } from '../summary/analyzer';
import { checkJoin, mergeRange } from '../summary/rangeMerge';
import { cutRanges, generationBounds, generationStarts, type GenerationRange, type GenerationStarts } from './boundaries';
import { boundaryState, joinBoundary, withOlder, type BoundaryJoin, type BoundaryState } from './orderingState';
import { RANGE_READ, type RangeResult, type RangeTask } from './rangeRead';

/**
 * Reads one range somewhere (a worker thread; in tests, also this thread); stops when `signal` aborts.
 * `prepare`, if any, is told how many ranges may come before the file is scanned for them (workers
 * start meanwhile); what it returns stops those prepared and not used.
 */
export type RangeRunner = ((task: RangeTask, signal: AbortSignal) => Promise<RangeResult>) & {
  prepare?: (count: number) => () => void;
  /** Settles when the prepared runners can start a range at once (the ranges are cut then). */
  loaded?: () => Promise<void>;
};

/** How long a worker takes from its range to reading it at full speed, about (see analyzeRanges). */
const WORKER_SETUP_MS = 150;

export interface ParallelOptions {
  /** Runs as the main thread's reader pauses; a promise it returns is awaited. */
  onPause?: (analyzer: TraceAnalyzer) => void | Promise<void>;
  /**
   * How to cut the generations into ranges (tests pick each boundary); default cutRanges. `from` is
   * the first generation a second range may begin with (the main thread reads on to there), `at` about
   * where the main thread reads.
   */
  cut?: (starts: GenerationStarts, threads: number, at: number, from: number) => GenerationRange[];
  /** The threads to read on, at most `threads`, when known only later (`--threads auto` watches the cores meanwhile). */
  threads?: Promise<number>;
}

export interface ParallelReport {
  /** Ranges read (1: the file was read in order on this thread, also when it ended before they were cut). */
  ranges: number;
  /** True if the ranges' analyses were merged; false if the main thread read on in order. */
  merged: boolean;
  /** Why they were not merged, if they were not. */
  fallback?: string;
}

/**
 * The statistics-only analysis of a trace file on up to `threads` threads (goroutine groups are not
 * merged: only what `trace stats` reports is exact). With neither `options.threads` nor `runRange.loaded`, the ranges are cut before reading.
 */
export async function analyzeInParallel(
  path: string, threads: number, runRange: RangeRunner, options: ParallelOptions = {},
): Promise<{ analyzer: TraceAnalyzer; report: ParallelReport }> {
  const stopUnused = runRange.prepare?.(threads - 1) ?? (() => undefined);
  try {
    return await analyzeRanges(path, threads, runRange, options, stopUnused);
  } finally {
    stopUnused();
  }
}

async function analyzeRanges(
  path: string, threads: number, runRange: RangeRunner, options: ParallelOptions, stopUnused: () => void,
): Promise<{ analyzer: TraceAnalyzer; report: ParallelReport }> {
  const { onPause, cut = cutRanges } = options;
  const starts = await generationStarts(path);
  const bounds = generationBounds(starts);
  const stop = new AbortController();
  const workers = new AbortController();
  const readingSince = performance.now();
  const opened = await openTraceFile(path, { signal: stop.signal, ...RANGE_READ });
  const analyzer = new TraceAnalyzer(opened.goVersion, starts.size, STATISTICS_ONLY);
  const report: ParallelReport = { ranges: 1, merged: false };
  /** The generations the main thread has read to their end, and when it ended the last one. */
  let generationEnds = 0;
  let lastEndAt = readingSince;
  let reading = true;
  /** Undefined until cut; then the first one is the main thread's. */
  let ranges: GenerationRange[] | undefined;
  let results: Promise<RangeResult | Error>[] = [];
  const cutAndStart = (n: number): void => {
    if (!reading) return;
    // Where the main thread reads: at the pace of the generations it has ended, else about the middle
    // of its first. A worker then reads its range's first generation's tables on code not yet optimized
    // (95–200 ms measured, also on busy cores, where the workers load several times slower): the main
    // thread reads on meanwhile. Balance only: the result does not depend on where the ranges are cut.
    const g = Math.min(generationEnds, bounds.length - 2);
    let at = (bounds[g] + bounds[g + 1]) / 2;
    if (generationEnds > 0) {
      const pace = (bounds[generationEnds] - bounds[0]) / (lastEndAt - readingSince);
      at = Math.min(bounds[g] + pace * (performance.now() - lastEndAt), bounds[g + 1]) + pace * WORKER_SETUP_MS;
    }
    ranges = n > 1 ? cut(starts, n, Math.min(at, starts.size), generationEnds + 1) : [{ first: 0, start: bounds[0], end: starts.size }];
    if (ranges.length > 1) {
      results = ranges.slice(1).map((r, i) => runRange({
        path, previousStart: bounds[r.first - 1], start: r.start, end: r.end, generations: (ranges![i + 2]?.first ?? bounds.length - 1) - r.first,
        last: i === ranges!.length - 2, timeBase: Number(opened.timeBase), initialGen: starts.firstGen,
      }, workers.signal).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
      report.ranges = ranges.length;
    }
    stopUnused();
  };
  if (options.threads === undefined && runRange.loaded === undefined) cutAndStart(threads);
  else void Promise.all([options.threads ?? threads, runRange.loaded?.()]).then(([n]) => cutAndStart(Math.min(n, threads)));
  /**
   * Until the ranges are cut, each pause lets the event loop turn: a worker's message that it has loaded
   * (and `auto`'s timer) would otherwise wait for the next generation's reads, a second into a large one.
   */
  const untilCut = (): Promise<void> | undefined => (ranges === undefined ? new Promise((resolve) => setImmediate(resolve)) : undefined);
  let rangeError: TraceError | undefined;
  try {
    await opened.forEach((ev) => analyzer.add(ev), async (generationEnd) => {
      await onPause?.(analyzer);
      await untilCut();
      if (!generationEnd) return;
      generationEnds++;
      lastEndAt = performance.now();
      if (ranges === undefined || ranges.length < 2 || generationEnds !== ranges[1].first) return;
      const state = boundaryState(opened.boundary());
      const done = await Promise.all(results);
      const joins = joinRanges(state, done);
      if (typeof joins === 'string') {
        report.fallback = joins;
        workers.abort();
        return;
      }
      analyzer.addSkipped(opened.skipped());
      for (const [i, r] of (done as RangeResult[]).slice(0, joins.length).entries()) {
        mergeRange(analyzer, r.partial!, joins[i].olderTasks);
        analyzer.addSkipped(r.skipped);
        if (r.error !== undefined) {
          rangeError = new TraceError(r.error.message, r.error.offset);
          break;
        }
      }
      report.merged = true;
      stop.abort();
    });
  } catch (error) {
    if (!report.merged) {
      workers.abort();
      if (!(error instanceof TraceError)) throw error;
      if (analyzer.generationCount === 0) throw truncatedInFirstGeneration(error);
      analyzer.addSkipped(opened.skipped());
      analyzer.finish(error);
      return { analyzer, report };
    }
  } finally {
    reading = false;
    workers.abort();
  }
  if (!report.merged) analyzer.addSkipped(opened.skipped());
  analyzer.finish(rangeError);
  return { analyzer, report };
}

/**
 * How each range joins the one before (up to the first that ends in an error: the trace ends there),
 * or why they cannot be joined: a boundary whose two sides differ, a range that failed.
 */
function joinRanges(mainState: BoundaryState, results: (RangeResult | Error)[]): BoundaryJoin[] | string {
  const joins: BoundaryJoin[] = [];
  let before: BoundaryState | undefined = mainState;
  for (const [i, r] of results.entries()) {
    if (r instanceof Error) return `range ${i + 1} failed: ${r.message}`;
    if (before === undefined || r.startState === undefined || r.partial === undefined) return `range ${i + 1} did not reach its start`;
    const join = joinBoundary(before, r.startState, r);
    if (typeof join === 'string') return `${join} at the start of range ${i + 1}`;
    const older = checkJoin(r.partial, join);
    if (typeof older === 'string') return `${older} (range ${i + 1})`;
    joins.push(join);
    // This error's text describes the ordering's state, which the range only guessed in part; and the
    // order of the state's maps, which decides between two threads holding one proc, is not the same.
    if (r.error !== undefined && r.error.message.includes('failed to advance')) return `range ${i + 1} failed to advance`;
    if (r.choseByMapOrder) return `range ${i + 1} chose between two threads holding one proc`;
    if (r.error !== undefined) break; // the trace ends at this error: later ranges do not count
    // A range that met no GC event leaves the GC state as it found it, and the regions and tasks begun
    // before it that it did not end are still open.
    before = r.endState === undefined ? undefined : withOlder(r.endState.gc !== undefined ? r.endState : { ...r.endState, gc: before.gc }, older);
  }
  return joins;
}
