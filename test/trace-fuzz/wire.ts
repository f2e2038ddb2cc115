// Batch framing of v2 execution traces, independent of the engine under test:
// the fuzzer and the fixture generator use it to cut, splice and corrupt real
// traces at meaningful places (header, batch headers, batch data, generation ends).

export const HEADER_SIZE = 16;
const EV_EVENT_BATCH = 1;
const EV_EXPERIMENTAL_BATCH = 49;
const EV_END_OF_GENERATION = 52;

export interface Uvarint { value: bigint; next: number }

/** Decodes an unsigned LEB128 varint of at most 10 bytes; undefined when truncated or too long. */
export function readUvarint(bytes: Uint8Array, offset: number): Uvarint | undefined {
  let value = 0n;
  for (let i = 0; i < 10 && offset + i < bytes.length; i++) {
    const b = bytes[offset + i];
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return { value, next: offset + i + 1 };
  }
  return undefined;
}

/** Encodes a varint, padded to `width` bytes (the runtime pads batch sizes to 10). */
export function encodeUvarint(value: bigint, width = 0): Uint8Array {
  const out: number[] = [];
  let v = value;
  do {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  } while (v > 0n || out.length < width);
  out[out.length - 1] &= 0x7f;
  return Uint8Array.from(out);
}

export interface BatchFrame {
  kind: 'events' | 'experimental' | 'endOfGeneration';
  /** First byte of the batch (its type byte). */
  start: number;
  /** One past the last byte. */
  end: number;
  gen: bigint;
  /** Offsets of the header fields, for targeted corruption. */
  fields: { gen: number; m: number; time: number; size: number };
  dataStart: number;
}

/** The minor version from the 16-byte header ("go 1.NN trace\0\0\0"), or undefined. */
export function headerMinor(bytes: Uint8Array): number | undefined {
  const match = /^go 1\.(\d+) trace\0+$/.exec(Buffer.from(bytes.subarray(0, HEADER_SIZE)).toString('latin1'));
  return match ? Number(match[1]) : undefined;
}

/** Frames every whole batch after the header; stops at the first byte that is not a well-formed batch. */
export function frameBatches(bytes: Uint8Array): BatchFrame[] {
  const frames: BatchFrame[] = [];
  let offset = HEADER_SIZE;
  while (offset < bytes.length) {
    const type = bytes[offset];
    if (type === EV_END_OF_GENERATION) {
      const gen = frames.length > 0 ? frames[frames.length - 1].gen : 0n;
      frames.push({ kind: 'endOfGeneration', start: offset, end: offset + 1, gen, fields: { gen: offset, m: offset, time: offset, size: offset }, dataStart: offset + 1 });
      offset++;
      continue;
    }
    if (type !== EV_EVENT_BATCH && type !== EV_EXPERIMENTAL_BATCH) break;
    let cursor = offset + (type === EV_EXPERIMENTAL_BATCH ? 2 : 1);
    const fieldOffsets: number[] = [];
    const values: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      const v = readUvarint(bytes, cursor);
      if (!v) return frames;
      fieldOffsets.push(cursor);
      values.push(v.value);
      cursor = v.next;
    }
    const end = cursor + Number(values[3]);
    if (values[3] > 1n << 20n || end > bytes.length) break;
    frames.push({
      kind: type === EV_EVENT_BATCH ? 'events' : 'experimental',
      start: offset, end, gen: values[0],
      fields: { gen: fieldOffsets[0], m: fieldOffsets[1], time: fieldOffsets[2], size: fieldOffsets[3] },
      dataStart: cursor,
    });
    offset = end;
  }
  return frames;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A length or count varint inside a string or stack table: the values a hostile file inflates. */
export interface CountField { offset: number; width: number; what: 'string length' | 'stack frames' | 'string id' | 'stack id' }

const EV_STACKS = 2;
const EV_STACK = 3;
const EV_STRINGS = 4;
const EV_STRING = 5;

/** Finds the id, length and frame-count fields of the string and stack tables in a batch. */
export function tableCountFields(bytes: Uint8Array, frame: BatchFrame): CountField[] {
  const fields: CountField[] = [];
  const kind = bytes[frame.dataStart];
  if (frame.kind !== 'events' || (kind !== EV_STRINGS && kind !== EV_STACKS)) return fields;
  let at = frame.dataStart + 1;
  const take = (what?: CountField['what']): bigint | undefined => {
    const v = readUvarint(bytes, at);
    if (!v || v.next > frame.end) return undefined;
    if (what) fields.push({ offset: at, width: v.next - at, what });
    at = v.next;
    return v.value;
  };
  while (at < frame.end) {
    const type = bytes[at++];
    if (type === EV_STRING) {
      if (take('string id') === undefined) break;
      const len = take('string length');
      if (len === undefined) break;
      at += Number(len);
    } else if (type === EV_STACK) {
      if (take('stack id') === undefined) break;
      const frames = take('stack frames');
      if (frames === undefined || frames > 1024n) break;
      for (let i = 0n; i < frames * 4n; i++) if (take() === undefined) return fields;
    } else {
      break;
    }
  }
  return fields;
}

/**
 * Replaces bytes [offset, offset+oldLength) inside one batch and rewrites the batch's size field
 * (padded to its old width when possible), so the corruption survives framing and reaches the decoder.
 */
export function replaceInBatch(bytes: Uint8Array, frame: BatchFrame, offset: number, oldLength: number, replacement: Uint8Array): Uint8Array {
  const sizeField = readUvarint(bytes, frame.fields.size);
  if (!sizeField) throw new Error('batch without a size field');
  const newSize = BigInt(frame.end - frame.dataStart - oldLength + replacement.length);
  const sizeWidth = sizeField.next - frame.fields.size;
  return concat([
    bytes.subarray(0, frame.fields.size),
    encodeUvarint(newSize, sizeWidth),
    bytes.subarray(sizeField.next, offset),
    replacement,
    bytes.subarray(offset + oldLength),
  ]);
}
