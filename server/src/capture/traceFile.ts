// Checks that captured bytes are a Go execution trace the engine can read, by its 16-byte header.
import { openSync, readSync, closeSync } from 'node:fs';
import { HEADER_BYTES, parseHeader } from '../trace/wire';

/** A capture that did not produce a trace; the message is for the user as is. */
export class CaptureError extends Error {}

/** Throws a CaptureError naming `what` unless `header` starts a trace Go 1.22+ wrote. */
export function checkTraceHeader(header: Uint8Array, what: string): void {
  if (header.length < HEADER_BYTES) throw new CaptureError(`${what} is not a Go execution trace (only ${header.length} bytes).`);
  try {
    parseHeader(header.subarray(0, HEADER_BYTES));
  } catch (error) {
    const text = String.fromCharCode(...header.subarray(0, HEADER_BYTES)).replace(/[^\x20-\x7e]/g, '.');
    const reason = error instanceof Error ? error.message : String(error);
    throw new CaptureError(`${what} is not a Go execution trace this extension can read (it starts with "${text}": ${reason}).`);
  }
}

export function checkTraceFile(path: string, what: string): void {
  const header = new Uint8Array(HEADER_BYTES);
  const fd = openSync(path, 'r');
  try {
    checkTraceHeader(header.subarray(0, readSync(fd, header, 0, HEADER_BYTES, 0)), what);
  } finally {
    closeSync(fd);
  }
}
