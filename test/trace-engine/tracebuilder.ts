// Writes small v2 traces byte by byte for tests: header, batches, tables and events,
// so each test states exactly the wire input it feeds the reader.

/** Unsigned LEB128 of a non-negative bigint or number; `width` pads it with 0x80 bytes as the runtime does. */
export function uvarint(value: number | bigint, width = 0): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n || out.length + 1 < width) b |= 0x80;
    out.push(b);
  } while (v !== 0n || out.length < width);
  return out;
}

export function header(version: number): number[] {
  return [...Buffer.from(`go 1.${version} trace\0\0\0`, 'latin1')];
}

export function batch(gen: number, m: number | bigint, time: number, data: number[]): number[] {
  return [1, ...uvarint(gen), ...uvarint(m), ...uvarint(time), ...uvarint(data.length, 10), ...data];
}

export const END_OF_GENERATION = [52];

/** A Go 1.25+ sync batch: frequency (15625000 ticks/s: 64 ns per tick) and a clock snapshot. */
export function syncBatch(gen: number, time: number): number[] {
  return batch(gen, -1n & 0xffffffffffffffffn, time,
    [50, 8, ...uvarint(15625000), 51, ...uvarint(1), ...uvarint(1_000_000), ...uvarint(1_700_000_000), ...uvarint(5)]);
}

export function stringsBatch(gen: number, strings: Record<number, string | Uint8Array>, time = 1): number[] {
  const data = [4];
  for (const [id, s] of Object.entries(strings)) {
    const bytes = [...(typeof s === 'string' ? Buffer.from(s, 'utf8') : s)];
    data.push(5, ...uvarint(Number(id)), ...uvarint(bytes.length), ...bytes);
  }
  return batch(gen, 0, time, data);
}

/** Stacks as id -> frames of [pc, funcStringID, fileStringID, line]. */
export function stacksBatch(gen: number, stacks: Record<number, [number, number, number, number][]>, time = 1): number[] {
  const data = [2];
  for (const [id, frames] of Object.entries(stacks)) {
    data.push(3, ...uvarint(Number(id)), ...uvarint(frames.length));
    for (const f of frames) for (const v of f) data.push(...uvarint(v));
  }
  return batch(gen, 0, time, data);
}

/** An event: type, time delta, arguments. */
export function ev(type: number, dt: number, ...args: (number | bigint)[]): number[] {
  return [type, ...uvarint(dt), ...args.flatMap((a) => uvarint(a))];
}

// Event types and statuses used by the tests (tracev2).
export const T = {
  ProcStatus: 13, GoStatus: 25, GoStop: 19, GoStart: 16, GoBlock: 20, GoUnblock: 21, UserTaskBegin: 40, UserTaskEnd: 41,
  UserRegionBegin: 42, UserRegionEnd: 43, UserLog: 44, HeapAlloc: 37,
} as const;
export const ProcRunning = 1, GoRunnable = 1, GoRunning = 2;

/**
 * One complete Go 1.26 generation: thread 1 runs goroutine 1 on P 0, which begins a task, a region and a log
 * with a stack, then ends them and yields. Later generations find the goroutine runnable and start it.
 */
export function annotatedGeneration(gen: number, start: number): number[] {
  const resume = gen === 1 ? ev(T.GoStatus, 1, 1, 1, GoRunning) : [...ev(T.GoStatus, 1, 1, 1, GoRunnable), ...ev(T.GoStart, 1, 1, 1)];
  return [
    ...syncBatch(gen, start),
    ...stringsBatch(gen, { 1: 'task.type', 2: 'region.type', 3: 'category', 4: 'message', 5: 'main.work', 6: '/src/main.go', 7: 'preempted' }, start),
    ...stacksBatch(gen, { 1: [[0x401000, 5, 6, 42]] }, start),
    ...batch(gen, 1, start + 1, [
      ...ev(T.ProcStatus, 1, 0, ProcRunning),
      ...resume,
      ...ev(T.UserTaskBegin, 2, 7, 0, 1, 1),
      ...ev(T.UserRegionBegin, 3, 7, 2, 1),
      ...ev(T.UserLog, 1, 7, 3, 4, 1),
      ...ev(T.HeapAlloc, 1, 4096),
      ...ev(T.UserRegionEnd, 5, 7, 2, 1),
      ...ev(T.UserTaskEnd, 1, 7, 1),
      ...ev(T.GoStop, 2, 7, 1),
    ]),
    ...END_OF_GENERATION,
  ];
}

export function traceOf(...parts: number[][]): Uint8Array {
  return Uint8Array.from(parts.flat());
}
