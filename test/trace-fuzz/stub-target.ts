// A stand-in reader for testing CaseRunner itself: the first byte of the input
// chooses how it misbehaves.
export const BEHAVIOURS = { accept: 0, reject: 1, throwTypeError: 2, spin: 3, growHeap: 4, hugeBuffer: 5 } as const;

class StubTraceError extends Error {
  override name = 'TraceError';
}

export function isExpectedError(error: unknown): boolean {
  return error instanceof StubTraceError;
}

let events = 0;

export function summary(): { events: number } {
  return { events };
}

export async function readAll(bytes: Uint8Array): Promise<void> {
  events = 0;
  switch (bytes[0]) {
    case BEHAVIOURS.accept: events = bytes.length; return;
    case BEHAVIOURS.reject: throw new StubTraceError('bad trace (at byte 0)');
    case BEHAVIOURS.throwTypeError: throw new TypeError('cannot read properties of undefined');
    case BEHAVIOURS.spin: for (;;) { /* a hang the event loop cannot interrupt */ }
    case BEHAVIOURS.growHeap: {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array<number>(1e6).fill(1));
    }
    case BEHAVIOURS.hugeBuffer: {
      const buffers: Uint8Array[] = [];
      for (let i = 0; i < 64; i++) buffers.push(new Uint8Array(256e6).fill(1));
      events = buffers.length;
      return;
    }
    default: return;
  }
}
