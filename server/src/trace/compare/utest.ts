// The Mann–Whitney U test as benchstat runs it (golang.org/x/perf, go-moremath's MannWhitneyUTest):
// two-sided, the exact distribution of U for small samples (both ≤ 50 without ties, ≤ 25 with ties),
// otherwise the normal approximation with tie and continuity correction. Samples are sorted typed
// arrays, walked together once: no merged copy, no object per value, so hundreds of thousands of
// durations per side cost only their arrays.

import type { UTestResult } from '../../../../common/traceComparison';

/** Ascending values; typed arrays keep large samples compact. */
export type SortedSample = Uint16Array | Uint32Array | Float64Array;

/** Largest samples (each side) for which the exact distribution is used, as benchstat does. */
export const EXACT_LIMIT = 50;
export const EXACT_LIMIT_WITH_TIES = 25;


/** Rank sum of the first sample and the tie groups' sizes, from one walk over both sorted samples. */
interface Ranks {
  rankSum1: number;
  /** Σ (t³ − t) over tie groups, for the normal approximation. */
  tieCorrection: number;
  /** Sizes of the tie groups in ascending order (only collected for exact tests). */
  groups: number[] | undefined;
  hasTies: boolean;
}

function rankWalk(x1: SortedSample, x2: SortedSample, collectGroups: boolean): Ranks {
  let i = 0;
  let j = 0;
  let rankSum1 = 0;
  let tieCorrection = 0;
  let hasTies = false;
  const groups: number[] | undefined = collectGroups ? [] : undefined;
  const n1 = x1.length;
  const n2 = x2.length;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x1[i] <= x2[j]) ? x1[i] : x2[j];
    const first = i + j + 1; // 1-based rank of the group's first value
    let in1 = 0;
    while (i < n1 && x1[i] === v) { i++; in1++; }
    while (j < n2 && x2[j] === v) j++;
    const t = i + j + 1 - first;
    rankSum1 += in1 * (first + (t - 1) / 2); // every tied value gets the group's mean rank
    if (t > 1) {
      hasTies = true;
      tieCorrection += t * t * t - t;
    }
    groups?.push(t);
  }
  return { rankSum1, tieCorrection, groups, hasTies };
}

/** Two-sided Mann–Whitney U test of x1 against x2 (each sorted ascending). */
export function mannWhitneyU(x1: SortedSample, x2: SortedSample): UTestResult {
  const n1 = x1.length;
  const n2 = x2.length;
  if (n1 === 0 || n2 === 0) return { u: 0, n1, n2, p: 1, method: 'none' };
  const small = n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT;
  let ranks = rankWalk(x1, x2, small);
  const exact = small && (!ranks.hasTies || (n1 <= EXACT_LIMIT_WITH_TIES && n2 <= EXACT_LIMIT_WITH_TIES));
  if (!exact && ranks.groups !== undefined) ranks = { ...ranks, groups: undefined };
  const u1 = ranks.rankSum1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  if (exact) {
    const groups = ranks.groups ?? [];
    if (groups.length === 1) return { u: u1, n1, n2, p: 1, method: 'none' }; // all values equal
    const p = u1 === u2 ? 1 : Math.min(1, 2 * exactCdf(Math.min(u1, u2), n1, groups));
    return { u: u1, n1, n2, p, method: 'exact' };
  }
  return { u: u1, n1, n2, p: normalP(u1, n1, n2, ranks.tieCorrection), method: 'normal' };
}

/**
 * P(U ≤ u) when the first sample's n1 members are placed at random among tie groups of the given
 * sizes (ascending). Dynamic programming over the groups: state (members of sample 1 placed so far,
 * 2U so far); a group of size t taking a of them adds a · (sample-2 values below) + a · (t − a) / 2
 * to U, in C(t, a) ways. Contributions are never negative, so 2U beyond 2u is dropped.
 */
export function exactCdf(u: number, n1: number, groups: readonly number[]): number {
  const limit = Math.floor(2 * u + 1e-9);
  if (limit < 0) return 0;
  const width = limit + 1;
  let ways = new Float64Array((n1 + 1) * width);
  let next = new Float64Array((n1 + 1) * width);
  ways[0] = 1;
  let seen = 0;
  for (const t of groups) {
    next.fill(0);
    for (let m = 0; m <= Math.min(n1, seen); m++) {
      const below2 = seen - m; // sample-2 values below this group
      for (let twoU = 0; twoU < width; twoU++) {
        const w = ways[m * width + twoU];
        if (w === 0) continue;
        for (let a = 0; a <= t && m + a <= n1; a++) {
          const to = twoU + 2 * a * below2 + a * (t - a);
          if (to >= width) continue;
          next[(m + a) * width + to] += w * binomial(t, a);
        }
      }
    }
    [ways, next] = [next, ways];
    seen += t;
  }
  let count = 0;
  for (let twoU = 0; twoU < width; twoU++) count += ways[n1 * width + twoU];
  return count / binomial(seen, n1);
}

/** Normal approximation with tie and continuity correction (two-sided). */
export function normalP(u1: number, n1: number, n2: number, tieCorrection: number): number {
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieCorrection / (n * (n - 1))));
  if (!(sd > 0)) return 1;
  let numerator = u1 - mean;
  numerator -= Math.sign(numerator) * 0.5;
  const z = numerator / sd;
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

const binomials = new Map<number, number>();

/** C(n, k) as a double (exact up to 2^53, then to double precision). */
function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  const key = n * 65536 + kk;
  const cached = binomials.get(key);
  if (cached !== undefined) return cached;
  let c = 1;
  for (let i = 1; i <= kk; i++) c = (c * (n - kk + i)) / i;
  const rounded = c < 2 ** 53 ? Math.round(c) : c;
  binomials.set(key, rounded);
  return rounded;
}

/**
 * erfc(x) to about 1e-12 relative (p-values need far less): the Taylor series of erf below 2.5 (its terms stay
 * small there), a continued fraction above (Lentz's method).
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let k = 1; k < 200; k++) {
      term *= -x2 / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
