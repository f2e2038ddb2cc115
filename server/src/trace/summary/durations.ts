// Exact latency statistics from every duration, kept compactly in chunked typed arrays, never an
// object per instance. Statistics do not depend on the order of the values, so each is stored by
// size: 2 bytes for whole nanoseconds below 65.5 µs (most task and region durations), 4 below 4.3 s,
// and 8 for any other value. Percentiles are found by counting (linear time), not by sorting.
import type { LatencyStats } from '../../../../common/traceModel';
import { objectArray } from '../heap';

/** Values per storage chunk: series grow by whole chunks, so growing never copies a big array. */
const CHUNK = 8192;

export type Chunk = Uint16Array | Uint32Array | Float64Array;

/** Values in chunks of one kind; the last chunk grows by doubling up to CHUNK. */
class ChunkList<T extends Chunk> {
  /** Chunks no longer written: full ones, and any taken whole (adopt). */
  private readonly full = objectArray<T>() as T[];
  private fullLength = 0;
  private last: T | undefined;
  private lastLength = 0;

  constructor(private readonly make: (length: number) => T) {}

  push(value: number): void {
    let last = this.last;
    if (last === undefined || this.lastLength === last.length) {
      if (last !== undefined && last.length === CHUNK) {
        this.full.push(last);
        this.fullLength += CHUNK;
        last = this.make(CHUNK);
        this.lastLength = 0;
      } else {
        const grown = this.make(last === undefined ? 8 : last.length * 2);
        if (last !== undefined) grown.set(last);
        last = grown;
      }
      this.last = last;
    }
    last[this.lastLength++] = value;
  }

  /** Takes a chunk of values as it is (it is not written again): no copy of one value at a time. */
  adopt(chunk: T): void {
    if (chunk.length === 0) return;
    this.full.push(chunk);
    this.fullLength += chunk.length;
  }

  get length(): number { return this.fullLength + this.lastLength; }

  /** The values, as views of the chunks (a list may hold adopted chunks only). */
  chunks(): T[] {
    return this.last === undefined ? [...this.full] : [...this.full, this.last.subarray(0, this.lastLength) as T];
  }
}

/** Durations (ns) plus a count of instances that had no duration; 2 to 8 bytes per duration (see above). */
export class DurationSeries {
  private readonly short = new ChunkList<Uint16Array>((n) => new Uint16Array(n));
  private readonly medium = new ChunkList<Uint32Array>((n) => new Uint32Array(n));
  /** Anything else, exactly: 4.3 s and longer, fractions, negatives. */
  private readonly other = new ChunkList<Float64Array>((n) => new Float64Array(n));
  /** Instances seen without both a begin and an end. */
  incomplete = 0;

  add(durationNs: number): void {
    if (durationNs >>> 0 !== durationNs) this.other.push(durationNs);
    else if (durationNs < 0x10000) this.short.push(durationNs);
    else this.medium.push(durationNs);
  }

  /**
   * The durations of a chunk another series gave (chunks(), from another thread: rangeMerge.ts), taken
   * as they are: statistics do not depend on the order of the values.
   */
  addChunk(chunk: Chunk): void {
    if (chunk instanceof Uint16Array) this.short.adopt(chunk);
    else if (chunk instanceof Uint32Array) this.medium.adopt(chunk);
    else this.other.adopt(chunk);
  }

  /** A duration, or undefined for an instance without both a begin and an end. */
  record(durationNs: number | undefined): void {
    if (durationNs === undefined) this.incomplete++;
    else this.add(durationNs);
  }

  get completeCount(): number { return this.short.length + this.medium.length + this.other.length; }
  get count(): number { return this.completeCount + this.incomplete; }

  /** The durations, as views of the storage chunks, in no particular order. */
  chunks(): Chunk[] {
    return [...this.short.chunks(), ...this.medium.chunks(), ...this.other.chunks()];
  }

  stats(): LatencyStats {
    return combinedStats([this]);
  }
}

/**
 * Statistics over the union of several series (e.g. a type's sites), exact, without copying it. Whole,
 * non-negative nanoseconds (every real trace's) are counted in buckets, and each percentile's bucket
 * is narrowed with more counting passes until it holds one value: a few passes over 2- and 4-byte
 * values instead of an 8-byte copy of them all, which was the largest allocation of `trace stats`. Other
 * values (fractions, negatives: hostile traces only) are copied and selected.
 */
export function combinedStats(series: readonly DurationSeries[]): LatencyStats {
  let incomplete = 0;
  for (const s of series) incomplete += s.incomplete;
  const chunks = series.flatMap((s) => s.chunks());
  const counts = new Float64Array(BUCKETS);
  let n = 0;
  let total = 0;
  let max = 0;
  let whole = true;
  for (const chunk of chunks) {
    n += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const v = chunk[i];
      total += v;
      if (v > max) max = v;
      counts[bucketOf(v)]++;
    }
    if (chunk instanceof Float64Array) whole &&= chunk.every((v) => v >= 0 && v < 2 ** 64 && Number.isInteger(v));
  }
  if (!whole) return copiedStats(chunks, n, incomplete, total, max);
  const rank = (percent: number) => (n === 0 ? 0 : valueAtRank(chunks, counts, nearestRankIndex(n, percent)));
  return {
    count: n + incomplete, completeCount: n, totalNs: total, p50Ns: rank(50), p90Ns: rank(90), p99Ns: rank(99), maxNs: max,
    histogram: bucketHistogram(counts),
  };
}

// Buckets of whole nanoseconds: one per value below 2^8, then 128 per power of two (each 1/128 of
// it wide, aligned on its width), up to 2^64, where every duration between int64 times lies.
const EXACT_BELOW = 256;
const SUB_BUCKETS = 128;
const BUCKETS = EXACT_BELOW + (64 - 8) * SUB_BUCKETS;

function bucketOf(v: number): number {
  if (v < EXACT_BELOW) return v < 0 ? 0 : Math.floor(v);
  if (v >>> 0 === v) {
    // A 32-bit whole number (nearly every duration): integer arithmetic.
    const e = 31 - Math.clz32(v);
    return EXACT_BELOW + (e - 8) * SUB_BUCKETS + ((v >>> (e - 7)) & (SUB_BUCKETS - 1));
  }
  const e = Math.min(exponentOf(v), 63);
  return EXACT_BELOW + (e - 8) * SUB_BUCKETS + (Math.floor(v / 2 ** (e - 7)) & (SUB_BUCKETS - 1));
}

/** Where a bucket starts and how wide it is: [start, start + width). */
function bucketRange(b: number): { start: number; width: number } {
  if (b < EXACT_BELOW) return { start: b, width: 1 };
  const e = 8 + Math.floor((b - EXACT_BELOW) / SUB_BUCKETS);
  const width = 2 ** (e - 7);
  return { start: (SUB_BUCKETS + ((b - EXACT_BELOW) % SUB_BUCKETS)) * width, width };
}

/** Sub-ranges a bucket is split into per narrowing pass. */
const SPLIT = 4096;

/** The value of 0-based rank k among whole non-negative values counted into buckets. */
function valueAtRank(chunks: readonly Chunk[], counts: Float64Array, k: number): number {
  let b = 0;
  let before = 0;
  while (before + counts[b] <= k) before += counts[b++];
  let { start, width } = bucketRange(b);
  // Narrow [start, start + width) (a power of two, aligned) to the sub-range holding rank k - before.
  const sub = new Float64Array(SPLIT);
  while (width > 1) {
    const subWidth = Math.max(1, width / SPLIT);
    sub.fill(0);
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) {
        const d = chunk[i] - start; // exact: start ≥ 128 · width
        if (d >= 0 && d < width) sub[Math.floor(d / subWidth)]++;
      }
    }
    let s = 0;
    while (before + sub[s] <= k) before += sub[s++];
    start += s * subWidth;
    width = subWidth;
  }
  return start;
}

/** Go-style power-of-two buckets from the counting buckets (which never straddle a power of two). */
function bucketHistogram(counts: Float64Array): { boundsNs: number[]; counts: number[] } {
  const byExponent = new Map<number, number>();
  for (let b = 0; b < counts.length; b++) {
    if (counts[b] === 0) continue;
    const e = exponentOf(bucketRange(b).start);
    byExponent.set(e, (byExponent.get(e) ?? 0) + counts[b]);
  }
  if (byExponent.size === 0) return { boundsNs: [], counts: [] };
  const exponents = [...byExponent.keys()];
  const low = Math.min(...exponents);
  const high = Math.max(...exponents);
  const out = Array.from({ length: high - low + 1 }, (_, i) => byExponent.get(low + i) ?? 0);
  return { boundsNs: Array.from({ length: out.length + 1 }, (_, i) => 2 ** (low + i)), counts: out };
}

/** Statistics of any values (total and max already summed): a copy of them all, then selection in it. */
function copiedStats(chunks: readonly Chunk[], n: number, incomplete: number, total: number, max: number): LatencyStats {
  const work = new Float64Array(n);
  let offset = 0;
  for (const chunk of chunks) {
    work.set(chunk, offset);
    offset += chunk.length;
  }
  const histogram = log2Histogram(work);
  // Select p99 first: everything left of it is ≤, so p90 and then p50 search shrinking prefixes.
  const p99 = selectRank(work, n, 99);
  const p90 = selectRank(work, n === 0 ? 0 : nearestRankIndex(n, 99) + 1, 90, n);
  const p50 = selectRank(work, n === 0 ? 0 : nearestRankIndex(n, 90) + 1, 50, n);
  return { count: n + incomplete, completeCount: n, totalNs: total, p50Ns: p50, p90Ns: p90, p99Ns: p99, maxNs: max, histogram };
}

/** 0-based index of the nearest-rank percentile among n ascending values: ceil(p/100 · n) − 1. */
function nearestRankIndex(n: number, percent: number): number {
  return Math.min(n, Math.max(1, Math.ceil((percent / 100) * n))) - 1;
}

/**
 * Nearest-rank percentile of ascending values: the value at rank ceil(p/100 · n) (1-based), i.e.
 * the smallest value with at least p% of the values ≤ it. 0 for an empty series.
 */
export function nearestRank(sorted: ArrayLike<number>, percent: number): number {
  return sorted.length === 0 ? 0 : sorted[nearestRankIndex(sorted.length, percent)];
}

/**
 * The nearest-rank percentile of `total` values, found by quickselect within values[0, end),
 * which must hold every value up to that rank (the prefix left by a larger selection). Reorders
 * values[0, end).
 */
function selectRank(values: Float64Array, end: number, percent: number, total = end): number {
  if (total === 0) return 0;
  const k = nearestRankIndex(total, percent);
  let lo = 0;
  let hi = end - 1;
  while (hi > lo) {
    // Median of three as the pivot, then Hoare partition.
    const mid = (lo + hi) >>> 1;
    const a = values[lo], b = values[mid], c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // values[j+1 .. i-1] all equal the pivot
  }
  return values[k];
}

/** floor(log2(d)) for integer nanoseconds (0 for d < 1), without floating-point logarithms. */
function exponentOf(d: number): number {
  if (d < 1) return 0;
  if (d < 4294967296) return 31 - Math.clz32(d);
  return 63 - Math.clz32(Math.floor(d / 4294967296));
}

/** Power-of-two buckets spanning the values: bucket i counts [2^(k+i), 2^(k+i+1)) ns; 0 ns lands in the first. */
export function log2Histogram(values: ArrayLike<number>): { boundsNs: number[]; counts: number[] } {
  if (values.length === 0) return { boundsNs: [], counts: [] };
  let low = Infinity;
  let high = 0;
  for (let i = 0; i < values.length; i++) {
    const e = exponentOf(values[i]);
    if (e < low) low = e;
    if (e > high) high = e;
  }
  const counts = new Array<number>(high - low + 1).fill(0);
  for (let i = 0; i < values.length; i++) counts[exponentOf(values[i]) - low]++;
  const boundsNs = Array.from({ length: counts.length + 1 }, (_, i) => 2 ** (low + i));
  return { boundsNs, counts };
}
