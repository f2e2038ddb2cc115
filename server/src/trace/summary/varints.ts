// Exact times and counts as varints, for the timeline's compact storage (timeline.ts' span levels,
// laneRecords.ts' finished lanes). A time is an offset from a base the reader knows: an integer
// offset as an even varint (its zigzag value times two), anything else (a non-integer, or an offset
// past 2^51) as 1 and its 8 bytes, so every time comes back exactly.

/** Largest offset kept as a varint; 2^51 · 4 stays below 2^53, exact in a double. */
const MAX_OFFSET = 2 ** 51;
/** Most bytes a time takes. */
export const MAX_TIME_BYTES = 9;

export const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);
export const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** Writes `v` (an integer in [0, 2^53)) at `at`; returns where the next byte goes. */
export function putUint(bytes: Uint8Array, at: number, v: number): number {
  // Integer operations only, since a double's modulo is a call: a value past 2^31 (as the first
  // time of a block or of a lane record) is split once into its low 28 bits (four bytes, each with
  // more to follow) and the rest (below 2^25).
  let x: number;
  if (v < 0x8000_0000) {
    x = v | 0;
  } else {
    const high = Math.floor(v / 0x1000_0000);
    let low = (v - high * 0x1000_0000) | 0;
    for (let k = 0; k < 4; k++, low >>>= 7) bytes[at++] = (low & 0x7f) | 0x80;
    x = high | 0;
  }
  while (x >= 0x80) {
    bytes[at++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  bytes[at++] = x;
  return at;
}

/** Writes `time` relative to `base` at `at` (view: over the same bytes); returns where the next byte goes. */
export function putTime(bytes: Uint8Array, view: DataView, at: number, time: number, base: number): number {
  const offset = time - base;
  if (Number.isInteger(offset) && Math.abs(offset) < MAX_OFFSET && base + offset === time) return putUint(bytes, at, zigzag(offset) * 2);
  at = putUint(bytes, at, 1);
  view.setFloat64(at, time, true);
  return at + 8;
}

/** Reads what putUint and putTime wrote, from `at` on. */
export class VarintReader {
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(new ArrayBuffer(0));
  at = 0;

  /** Reads from `at` of these bytes (view: over the same bytes) next. */
  reset(bytes: Uint8Array, view: DataView, at: number): this {
    this.bytes = bytes;
    this.view = view;
    this.at = at;
    return this;
  }

  uint(): number {
    const bytes = this.bytes;
    let v = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const b = bytes[this.at++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
    }
  }

  time(base: number): number {
    const v = this.uint();
    if (v % 2 === 0) return base + unzigzag(v / 2);
    const time = this.view.getFloat64(this.at, true);
    this.at += 8;
    return time;
  }
}
