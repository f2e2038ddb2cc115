// Where a trace can be cut for reading in parallel: the file offsets at which generations begin.
// A generation is self-contained apart from the state carried across its start, so a range of whole
// generations can be read on its own once that state is known (see rangeRead.ts).
import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { I64 } from '../exact';
import { Ev, Go126, MaxBatchSize, NoExperiment } from '../spec';
import { ByteCursor, HEADER_BYTES, NoThread, readVersion } from '../wire';

/**
 * The trace's size and the offsets where its second, third, … generations begin (batch framing only);
 * `firstGen` is the first generation's number (0 for a trace without batches).
 */
export interface GenerationStarts { size: number; version: number; starts: number[]; firstGen: I64 }

/** The longest batch header (BatchStream's framing) and the first byte of the batch's data. */
const HEADER_AND_FIRST_BYTE = 2 + 4 * 10 + 1;

/** A batch's framing: its generation, thread and time, where its data lies and the data's first byte (-1 if none). */
export interface BatchFrame { gen: I64; m: I64; time: I64; exp: number; dataAt: number; size: number; first: number }

/**
 * The framing of the batch at `bytes[0]` (its header and first data byte, file offset `at`), as
 * BatchStream.readBatch frames it; undefined where it would fail or end the stream.
 */
function batchFrame(bytes: Uint8Array, at: number, fileEnd: number): BatchFrame | undefined {
  const typ = bytes[0];
  if (typ === Ev.EndOfGeneration) return { gen: 0, m: NoThread, time: 0, exp: NoExperiment, dataAt: at, size: 1, first: typ };
  if (typ !== Ev.EventBatch && typ !== Ev.ExperimentalBatch) return undefined;
  const cur = new ByteCursor(bytes, 1, bytes.length);
  let exp = NoExperiment;
  if (typ === Ev.ExperimentalBatch) {
    if (cur.pos >= cur.end) return undefined;
    exp = bytes[cur.pos++];
  }
  const gen = cur.uvarint();
  const m = cur.uvarint();
  const time = cur.uvarint();
  const size = cur.uvarint();
  if (cur.failed || typeof size !== 'number' || size < 0 || size > MaxBatchSize || at + cur.pos + size > fileEnd) return undefined;
  return { gen, m, time, exp, dataAt: at + cur.pos, size, first: size > 0 ? bytes[cur.pos] : -1 };
}

/**
 * Visits the batches of the file's bytes [from, to), reading each one's header and first byte only (a
 * 100 MB trace in a few milliseconds). Returns false if a broken batch (or the end of `to` inside one)
 * stopped it: BatchStream.readBatch would have failed there.
 */
export function scanBatches(fd: number, from: number, to: number, visit: (frame: BatchFrame, at: number) => void): boolean {
  const bytes = new Uint8Array(HEADER_AND_FIRST_BYTE);
  for (let at = from; at < to;) {
    const frame = batchFrame(bytes.subarray(0, readSync(fd, bytes, 0, Math.min(bytes.length, to - at), at)), at, to);
    if (frame === undefined) return false;
    visit(frame, at);
    at = frame.dataAt + frame.size;
  }
  return true;
}

/**
 * Scans the batch headers: Go 1.26 ends each generation with an EndOfGeneration batch, earlier
 * versions start one with the first batch of a new generation number. A damaged tail ends the scan:
 * the starts found before it are still good places to cut.
 */
export async function generationStarts(path: string): Promise<GenerationStarts> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const version = readVersion(handle.fd);
    const starts: number[] = [];
    let firstGen: I64 = 0;
    let gen: I64 | undefined;
    scanBatches(handle.fd, HEADER_BYTES, size, (frame, at) => {
      if (firstGen === 0) firstGen = frame.gen;
      const end = frame.dataAt + frame.size;
      if (version >= Go126) {
        if (frame.exp === NoExperiment && frame.first === Ev.EndOfGeneration && end < size) starts.push(end);
      } else {
        if (gen !== undefined && frame.gen !== gen) starts.push(at);
        gen = frame.gen;
      }
    });
    return { size, version, starts, firstGen };
  } finally {
    await handle.close();
  }
}

/** Where each generation begins in the file, then the file's end. */
export function generationBounds(g: GenerationStarts): number[] {
  return [HEADER_BYTES, ...g.starts, g.size];
}

/** A range of whole generations: [start, end) in the file; `first` is the index of its first generation. */
export interface GenerationRange { first: number; start: number; end: number }

/**
 * Cuts the generations into at most `n` contiguous ranges of about equal bytes to read from `at` on
 * (where the first range's reader is when they are cut; the others start then); later ranges begin at
 * generation `from` or after.
 */
export function cutRanges(g: GenerationStarts, n: number, at = HEADER_BYTES, from = 1): GenerationRange[] {
  const bounds = generationBounds(g);
  const gens = bounds.length - 1;
  if (n <= 1 || gens <= from) return [{ first: 0, start: HEADER_BYTES, end: g.size }];
  const goal = (g.size - at) / n;
  const ranges: GenerationRange[] = [];
  let first = 0;
  /** Where the range's reader starts. */
  let origin = at;
  while (first < gens) {
    if (ranges.length === n - 1) {
      ranges.push({ first, start: bounds[first], end: g.size });
      break;
    }
    let last = Math.max(first + 1, from);
    while (last < gens && bounds[last] - origin < goal
      && Math.abs(bounds[last + 1] - origin - goal) < Math.abs(bounds[last] - origin - goal)) last++;
    ranges.push({ first, start: bounds[first], end: bounds[last] });
    first = last;
    origin = bounds[first];
  }
  if (ranges.length > 0) ranges[ranges.length - 1].end = g.size;
  return ranges;
}
