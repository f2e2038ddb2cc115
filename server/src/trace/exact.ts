// Exact 64-bit values on a double fast path. Go's reader holds wire values as
// uint64 (and IDs and times as int64); real traces keep them far below 2^53,
// where a double is exact and fast. Corrupt or hostile traces can hold any
// 64-bit value, and Go prints those exactly: such values are kept as bigints
// (I64) or as a double plus a small correction (times), only when they arise.

/** Go's int64 view of a wire uint64: a number when it is a safe integer, else a bigint (never one that would fit). */
export type I64 = number | bigint;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);
const TWO_POW_64 = 18446744073709551616;

/** The I64 for an int64 held in a bigint. */
export function i64(x: bigint): I64 {
  return x <= MAX_SAFE_BIG && x >= -MAX_SAFE_BIG ? Number(x) : x;
}

/** The nearest double, for fields of the public API (exact for every value a real trace holds). */
export function num(x: I64): number {
  return typeof x === 'number' ? x : Number(x);
}

/** x as the bigint of its int64 view. */
export function big(x: I64): bigint {
  return typeof x === 'bigint' ? x : BigInt(x);
}

/** Go's x+1 on a uint64 (in the int64 view, so 2^64−1 + 1 is 0). */
export function inc(x: I64): I64 {
  return typeof x === 'number' && x < MAX_SAFE ? x + 1 : i64(BigInt.asIntN(64, big(x) + 1n));
}

/** Go's uint8(x): the low byte. */
export function low8(x: I64): number {
  return typeof x === 'number' ? x & 0xff : Number(x & 0xffn);
}

/** float64(uint64(x)) rounded as Go converts it (used for tick counts). */
export function asUint64(x: I64): number {
  if (typeof x === 'number') return x < 0 ? x + TWO_POW_64 : x;
  return Number(BigInt.asUintN(64, x));
}

/** uint64(a) < uint64(b). */
export function uint64Less(a: I64, b: I64): boolean {
  if (typeof a === 'number' && typeof b === 'number' && a >= 0 && b >= 0) return a < b;
  return BigInt.asUintN(64, big(a)) < BigInt.asUintN(64, big(b));
}

/** The exact decimal text of uint64(x), as Go's %d prints a uint64. */
export function uint64Text(x: I64): string {
  return typeof x === 'number' && x >= 0 ? String(x) : BigInt.asUintN(64, big(x)).toString();
}

/** True when a double is an exact integer time or ID on its own (no correction needed). */
export function isSafe(x: number): boolean {
  return x <= MAX_SAFE && x >= -MAX_SAFE;
}

// Times are nanoseconds relative to the trace's time base, held as hi + lo: hi is the nearest double to the
// exact value and lo (0 unless |hi| > 2^53) the remainder. Ordering (hi, lo) lexicographically orders the
// exact values, because rounding to the nearest double is monotonic.

/** The lo part of the last time a function below returned. */
export const timeLo = { v: 0 };

/** The exact time hi + lo. */
export function exactTime(hi: number, lo: number): bigint {
  return BigInt(hi) + BigInt(lo);
}

/** Splits an exact time into hi (returned) and lo (in timeLo.v). */
export function splitTime(t: bigint): number {
  const hi = Number(t);
  timeLo.v = Number(t - BigInt(hi));
  return hi;
}

/**
 * a < b on (hi, lo) times. Every comparison is made at each call: a tie, rare, would otherwise first
 * reach its comparison in optimized code, which V8 then throws away (and the reader's that inline it).
 */
export function timeBefore(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  const earlier = aHi < bHi;
  const tie = aHi === bHi;
  const loEarlier = aLo < bLo;
  return earlier || (tie && loEarlier);
}

/**
 * Go's absolute-time arithmetic with int64 wrap-around, for times relative to timeBase: returns the relative
 * time of (absolute of hi + lo) + d, where d is an exact integer in a double. Exact operands give an exact
 * double sum whenever it is below 2^53, and a time base below 2^62 cannot make such a sum wrap.
 */
export function addTime(hi: number, lo: number, d: number, timeBase: number): number {
  const t = hi + d;
  if (lo === 0 && t <= MAX_SAFE && t >= -MAX_SAFE && timeBase <= 2 ** 62) {
    timeLo.v = 0;
    return t;
  }
  const base = BigInt(timeBase);
  return splitTime(BigInt.asIntN(64, exactTime(hi, lo) + base + BigInt(d)) - base);
}

/** The relative time of an absolute time held exactly in a double (a result of ticksToNs). */
export function relTime(abs: number, timeBase: number): number {
  const t = abs - timeBase;
  if (t <= MAX_SAFE && t >= -MAX_SAFE) {
    timeLo.v = 0;
    return t;
  }
  return splitTime(BigInt(abs) - BigInt(timeBase));
}
