// The fuzz target: the engine's reader plus the formatter, so every field of every
// event it yields gets touched. Only TraceError (and AbortError) are allowed out.
// The digest of the printed events lets the differential fuzzer compare with Go.
import { createHash, Hash } from 'node:crypto';
import { openTraceBytes } from '../../server/src/trace/reader';
import { formatEvent } from '../../server/src/trace/format';
import { TraceError } from '../../server/src/trace/event';
import { encodeGoText } from '../../server/src/trace/strings';

let events = 0;
let printed: Hash = createHash('sha256');

export async function readAll(bytes: Uint8Array): Promise<void> {
  events = 0;
  printed = createHash('sha256');
  const opened = await openTraceBytes(bytes, {});
  await opened.forEach((event) => {
    printed.update(encodeGoText(`${formatEvent(event, opened.timeBase)}\n`));
    events++;
  });
}

export function summary(): { events: number; digest: string } {
  return { events, digest: printed.digest('hex') };
}

export function isExpectedError(error: unknown): boolean {
  return error instanceof TraceError || (error instanceof Error && error.name === 'AbortError');
}
