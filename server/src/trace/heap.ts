// Heap tuning for reading traces. Reading makes an object per event that dies young, and V8 sizes
// both generations by how fast they fill, not by what survives. The flags are process-wide, so they
// are set by the processes that read traces (the CLI, the trace worker).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How much the old generation grows at each full collection while a trace is read (V8's default: up to 4×). */
export const READING_HEAP_GROWTH_PERCENT = 50;

/**
 * Once a viewer's trace is loaded: the reads that follow (the breakdown pass, explanations) are not
 * what the user waits for, and the loaded indexes sit under their peak. On the 100 MB
 * goroutine-per-request trace the server's peak after Tasks view use was 138–144 MiB in six runs with
 * 50%, 138–139 MiB with 15%, the breakdown pass as long. Process-wide like every flag here: a trace
 * worker that starts afterwards sets READING_HEAP_GROWTH_PERCENT again for its load.
 */
export const LOADED_HEAP_GROWTH_PERCENT = 15;

/**
 * The old generation grows by `percent` at each full collection, which keeps its peak nearer the live
 * data, for more collections.
 */
export function limitHeapGrowth(percent = READING_HEAP_GROWTH_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * The young generation keeps its initial size (1 MB semi-spaces) instead of doubling up to 16 MB, and
 * scavenges run on this thread. For consumers that keep little of each event (statistics, the viewer's
 * index): the reader hands events over a few at a time (READ_AHEAD), so what survives a scavenge is
 * little more than those, scavenging more often copies about as much in all, and a helper thread costs more than
 * it saves on so few survivors. On the 100 MB benchmark trace `trace stats` peaks at 88 MiB RSS instead
 * of 135 MiB. Not for `trace dump`, whose output text lives until it is written: it took 1.3× as long.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--no-parallel-scavenge');
}

let fullCollection: (() => void) | undefined;

/**
 * A full collection now, for a thread that has just finished a large job (a trace's load, the breakdown
 * pass) and is about to idle or start another. V8 collects dead typed arrays only when their total has
 * grown by 64 MB, or when the old generation fills: a viewer's threads kept the garbage of the load while
 * the breakdown pass and an explanation added theirs, and the server's peak after Tasks view use on the
 * 100 MB goroutine-per-request trace was 141–147 MiB in eight runs, 137–140 MiB (one 146) with these
 * collections. Node exposes `gc` only to a context made after the flag is set.
 */
export function collectGarbage(): void {
  if (fullCollection === undefined) {
    setFlagsFromString('--expose-gc');
    fullCollection = runInNewContext('gc') as () => void;
  }
  fullCollection();
}

/** The share of the room left at the last full collection that an old generation fills before marking starts. */
const MARKING_START_PERCENT = 55;

/**
 * Each isolate starts a full collection's marking once its old generation has used MARKING_START_PERCENT
 * of the room V8 left it at the last one (a minimum of 8 MB above what survived), instead of near the
 * end: the collection then ends before the room is used up. For reading on several threads, where every
 * isolate's headroom counts in the process's peak: on the 100 MB traces of two threads, 4–9 MB lower
 * (2–6% more CPU time; docs/trace-engine.md). Process-wide: also the isolates that already run.
 */
export function startMarkingEarly(): void {
  setFlagsFromString(`--incremental-marking-soft-trigger=${MARKING_START_PERCENT}`);
  setFlagsFromString(`--incremental-marking-hard-trigger=${MARKING_START_PERCENT}`);
}

/**
 * `length` undefined values in an array that holds objects from the start. A fresh `[]` holds small
 * integers until its first object changes its kind, and optimized code that met only changed arrays
 * is thrown away when a fresh one reaches it (each generation's tables, each series' chunk list): on a
 * GC-heavy trace the table code was recompiled about six times, once more per thread on several.
 */
export function objectArray<T>(length = 0): (T | undefined)[] {
  const array: (T | undefined)[] = [undefined];
  array.pop();
  for (let i = 0; i < length; i++) array.push(undefined);
  return array;
}

/** A copy of a column at least `length` long (grown by half), the new part zeroed. */
export function grownTo<A extends Float64Array | Int32Array | Uint8Array>(column: A, length: number, make: (n: number) => A): A {
  if (length <= column.length) return column;
  const grown = make(Math.max(length, Math.ceil(column.length * 1.5)));
  grown.set(column);
  return grown;
}
