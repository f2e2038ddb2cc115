// Where a trace can be cut for reading in parallel: the file offsets at which generations begin.
// A generation is self-contained apart from the state carried across its start, so a range of whole
// generations can be read on its own once that state is known (see rangeRead.ts).
import { open } from 'node:fs/promises';
import { TraceError } from '../event';
import type { I64 } from '../exact';
import { Ev, Go126, NoExperiment } from '../spec';
import { BatchStream, fileChunkSource, HEADER_BYTES } from '../wire';

/**
 * The trace's size and the offsets where its second, third, … generations begin (batch framing only);
 * `firstGen` is the first generation's number (0 for a trace without batches).
 */
export interface GenerationStarts { size: number; version: number; starts: number[]; firstGen: I64 }

/**
 * Scans the batch headers: Go 1.26 ends each generation with an EndOfGeneration batch, earlier
 * versions start one with the first batch of a new generation number. A damaged tail ends the scan:
 * the starts found before it are still good places to cut.
 */
export async function generationStarts(path: string): Promise<GenerationStarts> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const stream = BatchStream.fromSource(fileChunkSource(handle, size));
    const version = await stream.readHeader();
    const starts: number[] = [];
    let firstGen: I64 = 0;
    let gen: number | bigint | undefined;
    try {
      for (;;) {
        const at = stream.offset;
        const read = await stream.readBatch();
        if (read === null) break;
        if (firstGen === 0) firstGen = read.gen;
        if (version >= Go126) {
          const { batch } = read;
          if (batch.exp === NoExperiment && batch.data.length > 0 && batch.data[0] === Ev.EndOfGeneration && stream.offset < size) {
            starts.push(stream.offset);
          }
        } else {
          if (gen !== undefined && read.gen !== gen) starts.push(at);
          gen = read.gen;
        }
      }
    } catch (error) {
      if (!(error instanceof TraceError)) throw error;
    }
    return { size, version, starts, firstGen };
  } finally {
    await handle.close();
  }
}

/** Where each generation begins in the file, then the file's end. */
export function generationBounds(g: GenerationStarts): number[] {
  return [HEADER_BYTES, ...g.starts, g.size];
}

/** The bytes of the largest generation: what each thread reading the trace holds at a time. */
export function largestGeneration(g: GenerationStarts): number {
  const bounds = generationBounds(g);
  return Math.max(...bounds.slice(1).map((end, i) => end - bounds[i]));
}

/** A range of whole generations: [start, end) in the file; `first` is the index of its first generation. */
export interface GenerationRange { first: number; start: number; end: number }

/** Cuts the generations into at most `n` contiguous ranges of about equal bytes. */
export function cutRanges(g: GenerationStarts, n: number): GenerationRange[] {
  const bounds = generationBounds(g);
  const gens = bounds.length - 1;
  if (n <= 1 || gens < 2) return [{ first: 0, start: HEADER_BYTES, end: g.size }];
  const goal = (g.size - HEADER_BYTES) / n;
  const ranges: GenerationRange[] = [];
  let first = 0;
  while (first < gens) {
    if (ranges.length === n - 1) {
      ranges.push({ first, start: bounds[first], end: g.size });
      break;
    }
    let last = first + 1;
    while (last < gens && bounds[last] - bounds[first] < goal
      && Math.abs(bounds[last + 1] - bounds[first] - goal) < Math.abs(bounds[last] - bounds[first] - goal)) last++;
    ranges.push({ first, start: bounds[first], end: bounds[last] });
    first = last;
  }
  if (ranges.length > 0) ranges[ranges.length - 1].end = g.size;
  return ranges;
}
