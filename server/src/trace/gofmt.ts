// Go's text formatting that trace dump output depends on: strconv.Quote (%q)
// and time.Time.Format(time.RFC3339Nano) in the local time zone.
import { PRINTABLE_BOUNDARIES } from './goprint';

/** strconv.IsPrint for a code point above ASCII. */
function isPrintNonASCII(r: number): boolean {
  let lo = 0, hi = PRINTABLE_BOUNDARIES.length;
  // Count the boundaries <= r: an odd count means r is inside a printable range.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (PRINTABLE_BOUNDARIES[mid] <= r) lo = mid + 1; else hi = mid;
  }
  return (lo & 1) === 1;
}

const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const HEX = '0123456789abcdef';

function hex(n: number, width: number): string {
  let s = n.toString(16);
  while (s.length < width) s = '0' + s;
  return s;
}

/**
 * strconv.Quote of a Go string held as decoded by decodeGoString: lone U+DC80–U+DCFF stand for invalid
 * bytes and come out as \xNN, as Go prints bytes that are not valid UTF-8.
 */
export function goQuote(s: string): string {
  if (PLAIN.test(s)) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    let r = s.charCodeAt(i);
    if (r >= 0xd800 && r <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) { r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00); i++; }
    } else if (r >= 0xdc80 && r <= 0xdcff) {
      const b = r - 0xdc00;
      out += '\\x' + HEX[b >> 4] + HEX[b & 15];
      continue;
    }
    out += escapeRune(r);
  }
  return out + '"';
}

function escapeRune(r: number): string {
  if (r === 0x22 || r === 0x5c) return '\\' + String.fromCharCode(r);
  if (r < 0x80 ? r >= 0x20 && r < 0x7f : isPrintNonASCII(r)) return String.fromCodePoint(r);
  switch (r) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  // Lone surrogates other than escaped bytes cannot come from decodeGoString; Go would print U+FFFD's escape.
  if (r >= 0xd800 && r <= 0xdfff) return '\\ufffd';
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

const NS_PER_S = 1000000000n;

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length < width ? '0'.repeat(width - s.length) + s : s);
}

/** Local UTC offset in seconds at a Unix time, as the process's time zone says. */
function localOffsetSeconds(sec: number): number {
  const ms = sec * 1000;
  if (!(Math.abs(ms) <= 8.64e15)) return 0;
  return -new Date(ms).getTimezoneOffset() * 60;
}

// Go's time constants (src/time/time.go): seconds from the Unix epoch to Go's "absolute" epoch, March 1 of
// year −292277022400, from which dates are computed in unsigned arithmetic.
const UNIX_TO_INTERNAL = 62135596800n;
const UNIX_TO_ABSOLUTE = 9223372028741760000n;
const ABSOLUTE_YEARS = 292277022400n;
const MARCH_THRU_DECEMBER = 306;

/**
 * time.Unix(sec, nsec).Format(time.RFC3339Nano), in the local time zone like Go's time.Local, with Go's
 * int64 and uint64 wrap-around, so that even hostile clock snapshots print as Go prints them.
 */
export function formatUnixRFC3339Nano(sec: bigint, nsec: bigint): string {
  // time.Unix normalizes nsec into [0, 1e9).
  if (nsec < 0n || nsec >= NS_PER_S) {
    const n = nsec / NS_PER_S;
    sec = BigInt.asIntN(64, sec + n);
    nsec -= n * NS_PER_S;
    if (nsec < 0n) { nsec += NS_PER_S; sec = BigInt.asIntN(64, sec - 1n); }
  }
  // unixTime stores sec + unixToInternal; unixSec() takes it back out, both wrapping.
  const unixSec = BigInt.asIntN(64, BigInt.asIntN(64, sec + UNIX_TO_INTERNAL) - UNIX_TO_INTERNAL);
  const offset = localOffsetSeconds(Number(unixSec));
  const abs = BigInt.asUintN(64, BigInt.asIntN(64, unixSec + BigInt(offset)) + UNIX_TO_ABSOLUTE);
  // absDays.split and absYday.split.
  const d = BigInt.asUintN(64, 4n * (abs / 86400n) + 3n);
  const century = d / 146097n;
  const cd = Number(d % 146097n) | 3;
  const product = 2939745n * BigInt(cd);
  const cyear = Number(product >> 32n);
  const ayday = Math.floor(Math.floor(Number(product & 0xffffffffn) / 2939745) / 4);
  const md = 2141 * ayday + 197913;
  const janFeb = ayday >= MARCH_THRU_DECEMBER ? 1 : 0;
  const year = BigInt.asIntN(64, BigInt.asUintN(64, century * 100n - ABSOLUTE_YEARS)) + BigInt(cyear + janFeb);
  const month = (md >>> 16) - janFeb * 12;
  const day = 1 + Math.floor((md & 0xffff) / 2141);
  const sod = Number(abs % 86400n);
  const yearText = year < 0n ? '-' + (-year).toString().padStart(4, '0') : year.toString().padStart(4, '0');
  let text = `${yearText}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.floor(sod / 3600), 2)}:${pad(Math.floor(sod / 60) % 60, 2)}:${pad(sod % 60, 2)}`;
  if (nsec !== 0n) text += '.' + nsec.toString().padStart(9, '0').replace(/0+$/, '');
  if (offset === 0) return text + 'Z';
  const absOffset = Math.abs(offset);
  return `${text}${offset < 0 ? '-' : '+'}${pad(Math.floor(absOffset / 3600), 2)}:${pad(Math.floor(absOffset / 60) % 60, 2)}`;
}
