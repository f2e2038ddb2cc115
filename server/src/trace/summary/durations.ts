// Exact latency statistics from every duration, kept compactly in chunked typed arrays, never an
// object per instance: 4 bytes per duration below 4.3 s (a Uint32Array chunk), 8 in a chunk that
// holds a longer one. Percentiles are found by selection (linear time), not by sorting.
import type { LatencyStats } from '../model';

/** Values per storage chunk: series grow by whole chunks, so growing never copies a big array. */
const CHUNK = 8192;

/** A chunk of durations: 32-bit while every value in it is a whole number of ns below 2^32. */
type Chunk = Uint32Array | Float64Array;

/** Durations (ns) plus a count of instances that had no duration; 4 bytes per duration (see above). */
export class DurationSeries {
  /** Full chunks of CHUNK values, then `last` (which grows by doubling up to CHUNK). */
  private readonly full: Chunk[] = [];
  private last: Chunk = new Uint32Array(8);
  private lastLength = 0;
  /** Instances seen without both a begin and an end. */
  incomplete = 0;

  add(durationNs: number): void {
    // A value a Uint32Array would not hold exactly needs a chunk of doubles.
    const double = durationNs >>> 0 !== durationNs;
    if (this.lastLength === this.last.length) {
      if (this.last.length < CHUNK) {
        this.last = this.resized(this.last.length * 2, double || this.last instanceof Float64Array);
      } else {
        this.full.push(this.last);
        this.last = double ? new Float64Array(CHUNK) : new Uint32Array(CHUNK);
        this.lastLength = 0;
      }
    } else if (double && this.last instanceof Uint32Array) {
      this.last = this.resized(this.last.length, true);
    }
    this.last[this.lastLength++] = durationNs;
  }

  /** `last`'s values copied into a new chunk of `length` values: doubles, or 32-bit. */
  private resized(length: number, doubles: boolean): Chunk {
    const grown = doubles ? new Float64Array(length) : new Uint32Array(length);
    grown.set(this.last.subarray(0, this.lastLength));
    return grown;
  }

  /** A duration, or undefined for an instance without both a begin and an end. */
  record(durationNs: number | undefined): void {
    if (durationNs === undefined) this.incomplete++;
    else this.add(durationNs);
  }

  get completeCount(): number { return this.full.length * CHUNK + this.lastLength; }
  get count(): number { return this.completeCount + this.incomplete; }

  /** Copies the durations into `target` from `offset`; returns the offset after them. */
  copyInto(target: Float64Array, offset: number): number {
    for (const chunk of this.full) {
      target.set(chunk, offset);
      offset += CHUNK;
    }
    target.set(this.last.subarray(0, this.lastLength), offset);
    return offset + this.lastLength;
  }

  stats(): LatencyStats {
    return combinedStats([this]);
  }
}

/** Statistics over the union of several series (e.g. a type's sites), without keeping it. */
export function combinedStats(series: readonly DurationSeries[]): LatencyStats {
  let n = 0;
  let incomplete = 0;
  for (const s of series) {
    n += s.completeCount;
    incomplete += s.incomplete;
  }
  const work = new Float64Array(n);
  let offset = 0;
  for (const s of series) offset = s.copyInto(work, offset);
  let total = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    total += work[i];
    if (work[i] > max) max = work[i];
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
