// Mutations of real traces for the fuzzer: random corruption plus structure-aware
// damage (cuts at every kind of boundary, batches dropped, repeated, reordered or
// spliced from another trace, generation numbers and table counts inflated).
// Every mutation is a pure function of its seed, so a failing case is reproducible.
import { BatchFrame, HEADER_SIZE, concat, encodeUvarint, frameBatches, readUvarint, replaceInBatch, tableCountFields } from './wire';

/** mulberry32: small, fast, and good enough to pick mutations. */
export class Rng {
  private state: number;
  constructor(seed: number) { this.state = seed >>> 0; }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]; }
}

/** Values that sit on the limits a reader checks, or that overflow what it can hold (a double's 2^53 included). */
const HUGE_VALUES: readonly bigint[] = [
  128n, 129n, 1024n, 1025n, 65536n, 65537n, (1n << 31n) - 1n, 1n << 31n, 1n << 32n,
  (1n << 53n) + 1n, (1n << 60n) + 7n, 1n << 63n, (1n << 64n) - (1n << 53n) - 3n, (1n << 64n) - 1n,
];
const INTERESTING_BYTES: readonly number[] = [0x00, 0x01, 0x7f, 0x80, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 49, 50, 51, 52, 53, 127, 128, 136];
/** A varint that never terminates within 10 bytes. */
const UNTERMINATED_VARINT = new Uint8Array(10).fill(0xff);

export interface Mutation { bytes: Uint8Array; description: string }
type Mutator = (rng: Rng, input: Uint8Array, frames: BatchFrame[], other: Uint8Array) => Mutation | undefined;

const bodyOffset = (rng: Rng, input: Uint8Array) =>
  input.length <= HEADER_SIZE ? rng.int(input.length) : HEADER_SIZE + rng.int(input.length - HEADER_SIZE);

const mutators: Record<string, Mutator> = {
  flipBits(rng, input) {
    const bytes = Uint8Array.from(input);
    const n = 1 + rng.int(8);
    for (let i = 0; i < n; i++) bytes[bodyOffset(rng, bytes)] ^= 1 << rng.int(8);
    return { bytes, description: `flip ${n} bits` };
  },
  setInterestingBytes(rng, input) {
    const bytes = Uint8Array.from(input);
    const at = bodyOffset(rng, bytes);
    bytes[at] = rng.pick(INTERESTING_BYTES);
    return { bytes, description: `byte ${at} = ${bytes[at]}` };
  },
  truncateAnywhere(rng, input) {
    const at = rng.int(input.length);
    return { bytes: input.subarray(0, at), description: `truncate at ${at}` };
  },
  truncateAtBoundary(rng, input, frames) {
    if (frames.length === 0) return undefined;
    const frame = rng.pick(frames);
    const points = [frame.start, frame.start + 1, frame.fields.gen, frame.fields.m, frame.fields.time, frame.fields.size,
      frame.fields.size + 1, frame.dataStart, frame.dataStart + 1, frame.end - 1, frame.end, HEADER_SIZE, HEADER_SIZE - 1];
    const at = Math.min(input.length, rng.pick(points));
    return { bytes: input.subarray(0, at), description: `truncate at boundary ${at} (batch at ${frame.start})` };
  },
  dropBatch(rng, input, frames) {
    if (frames.length === 0) return undefined;
    const f = rng.pick(frames);
    return { bytes: concat([input.subarray(0, f.start), input.subarray(f.end)]), description: `drop batch at ${f.start}` };
  },
  repeatBatch(rng, input, frames) {
    if (frames.length === 0) return undefined;
    const f = rng.pick(frames);
    const copy = input.subarray(f.start, f.end);
    return { bytes: concat([input.subarray(0, f.end), copy, input.subarray(f.end)]), description: `repeat batch at ${f.start}` };
  },
  swapBatches(rng, input, frames) {
    if (frames.length < 2) return undefined;
    const i = rng.int(frames.length - 1);
    const [a, b] = [frames[i], frames[i + 1]];
    return {
      bytes: concat([input.subarray(0, a.start), input.subarray(b.start, b.end), input.subarray(a.start, a.end), input.subarray(b.end)]),
      description: `swap batches at ${a.start} and ${b.start}`,
    };
  },
  repeatGeneration(rng, input, frames) {
    if (frames.length === 0) return undefined;
    const gen = rng.pick(frames).gen;
    const own = frames.filter((f) => f.gen === gen);
    const copy = input.subarray(own[0].start, own[own.length - 1].end);
    return { bytes: concat([input, copy]), description: `append generation ${gen} again` };
  },
  spliceOtherTrace(rng, input, frames, other) {
    const theirs = frameBatches(other);
    if (frames.length === 0 || theirs.length === 0) return undefined;
    const keep = frames[rng.int(frames.length)].end;
    const from = rng.pick(theirs);
    const to = theirs[Math.min(theirs.length - 1, theirs.indexOf(from) + rng.int(4))];
    return {
      bytes: concat([input.subarray(0, keep), other.subarray(from.start, to.end), input.subarray(keep)]),
      description: `insert batches ${from.start}..${to.end} of another trace at ${keep}`,
    };
  },
  batchHeaderValue(rng, input, frames) {
    const candidates = frames.filter((f) => f.kind !== 'endOfGeneration');
    if (candidates.length === 0) return undefined;
    const f = rng.pick(candidates);
    const field = rng.pick(['gen', 'm', 'time', 'size'] as const);
    const offset = f.fields[field];
    const old = readUvarint(input, offset);
    if (!old) return undefined;
    const value = rng.int(3) === 0 ? old.value + BigInt(rng.int(3)) - 1n : rng.pick([0n, ...HUGE_VALUES]);
    const encoded = value < 0n ? encodeUvarint(0n) : encodeUvarint(value, field === 'size' ? old.next - offset : 0);
    return { bytes: concat([input.subarray(0, offset), encoded, input.subarray(old.next)]), description: `batch at ${f.start}: ${field} = ${value}` };
  },
  tableCount(rng, input, frames) {
    const fields = frames.flatMap((f) => tableCountFields(input, f).map((c) => ({ f, c })));
    if (fields.length === 0) return undefined;
    const { f, c } = rng.pick(fields);
    const value = rng.pick(HUGE_VALUES);
    const replacement = rng.int(8) === 0 ? UNTERMINATED_VARINT : encodeUvarint(value);
    return { bytes: replaceInBatch(input, f, c.offset, c.width, replacement), description: `${c.what} at ${c.offset} = ${replacement === UNTERMINATED_VARINT ? 'unterminated' : value}` };
  },
  eventVarint(rng, input, frames) {
    const events = frames.filter((f) => f.kind === 'events' && f.end - f.dataStart > 2);
    if (events.length === 0) return undefined;
    const f = rng.pick(events);
    const at = f.dataStart + 1 + rng.int(f.end - f.dataStart - 1);
    const old = readUvarint(input, at);
    if (!old || old.next > f.end) return undefined;
    const value = rng.pick(HUGE_VALUES);
    return { bytes: replaceInBatch(input, f, at, old.next - at, encodeUvarint(value)), description: `varint at ${at} = ${value}` };
  },
  header(rng, input) {
    const minor = rng.pick(['11', '19', '21', '22', '23', '24', '25', '26', '27', '99', '2x']);
    const header = Buffer.from(`go 1.${minor} trace\0\0\0`.slice(0, HEADER_SIZE), 'latin1');
    return { bytes: concat([header.subarray(0, Math.min(HEADER_SIZE, input.length)), input.subarray(HEADER_SIZE)]), description: `header go 1.${minor}` };
  },
};

const names = Object.keys(mutators);

/** One to three mutations of `input` (`other` is a second real trace to splice from). */
export function mutate(rng: Rng, input: Uint8Array, other: Uint8Array): Mutation {
  let bytes = input;
  const steps: string[] = [];
  const rounds = 1 + rng.int(3);
  for (let tries = 0; steps.length < rounds && tries < 10; tries++) {
    const name = rng.pick(names);
    const result = mutators[name](rng, bytes, frameBatches(bytes), other);
    if (!result) continue;
    bytes = result.bytes;
    steps.push(`${name}: ${result.description}`);
  }
  return { bytes, description: steps.join('; ') };
}
