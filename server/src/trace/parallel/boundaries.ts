// Where a trace can be cut for reading in parallel: the file offsets at which generations begin.
// A generation is self-contained apart from the state carried across its start, so a range of whole
// generations can be read on its own once that state is known (see rangeRead.ts).
import { open } from 'node:fs/promises';
import { TraceError } from '../event';
import { Ev, Go126, NoExperiment } from '../spec';
import { BatchStream, fileChunkSource, HEADER_BYTES } from '../wire';

/** The trace's size and the offsets where its second, third, … generations begin (batch framing only). */
export interface GenerationStarts { size: number; version: number; starts: number[] }

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
    let gen: number | bigint | undefined;
    try {
      for (;;) {
        const at = stream.offset;
        const read = await stream.readBatch();
        if (read === null) break;
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
    return { size, version, starts };
  } finally {
    await handle.close();
  }
}

/** A range of whole generations: [start, end) in the file; `first` is the index of its first generation. */
export interface GenerationRange { first: number; start: number; end: number }

/**
 * Cuts the generations into at most `n` contiguous ranges of about equal bytes. A range after the
 * first also reads the generation before it (to learn the ordering state, rangeRead.ts), which is
 * counted as `warmUpCost` of its bytes, so later ranges get fewer generations of their own.
 */
export function cutRanges(g: GenerationStarts, n: number, warmUpCost = 0.5): GenerationRange[] {
  const bounds = [HEADER_BYTES, ...g.starts, g.size];
  const gens = bounds.length - 1;
  if (n <= 1 || gens < 2) return [{ first: 0, start: HEADER_BYTES, end: g.size }];
  // Greedy on the cost of each range: its bytes plus the warm-up generation's share.
  const total = g.size - HEADER_BYTES + warmUpCost * (g.size - HEADER_BYTES) * ((n - 1) / gens);
  const goal = total / n;
  const ranges: GenerationRange[] = [];
  let first = 0;
  while (first < gens) {
    if (ranges.length === n - 1) {
      ranges.push({ first, start: bounds[first], end: g.size });
      break;
    }
    const warm = first === 0 ? 0 : warmUpCost * (bounds[first] - bounds[first - 1]);
    let last = first + 1;
    while (last < gens && warm + bounds[last] - bounds[first] < goal
      && Math.abs(warm + bounds[last + 1] - bounds[first] - goal) < Math.abs(warm + bounds[last] - bounds[first] - goal)) last++;
    ranges.push({ first, start: bounds[first], end: bounds[last] });
    first = last;
  }
  if (ranges.length > 0) ranges[ranges.length - 1].end = g.size;
  return ranges;
}
