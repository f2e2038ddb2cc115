// Builders for synthetic event sequences, shaped as the reader produces them.
import type { GoState, ProcState, Stack, StackFrame, TraceEvent } from '../../server/src/trace/event';
import type { TraceAnalyzer } from '../../server/src/trace/summary/analyzer';

export function frame(func: string, file: string, line: number, pc = 0x1000n + BigInt(line)): StackFrame {
  return { pc, func, file, line };
}

/** A stack as the runtime records an annotation: tracer frames first, then the user's call. */
export function annotationStack(api: string, file: string, line: number, caller = 'main.work'): Stack {
  return [frame(`runtime/trace.${api}`, '/go/src/runtime/trace/annotation.go', 100), frame(caller, file, line), frame('main.main', file, 10)];
}

const base = { thread: 1, proc: 0, goroutine: 1, stack: [] as Stack };

export const ev = {
  sync: (time: number): TraceEvent => ({ ...base, kind: 'Sync', time, n: 1 }),
  go: (time: number, id: number, from: GoState, to: GoState, opts: { reason?: string; stack?: Stack; transitionStack?: Stack; proc?: number; by?: number } = {}): TraceEvent => ({
    ...base, kind: 'StateTransition', time, goroutine: opts.by ?? id, proc: opts.proc ?? 0, stack: opts.stack ?? [],
    resource: { kind: 'Goroutine', id }, from, to, reason: opts.reason ?? '', transitionStack: opts.transitionStack ?? [],
  }),
  proc: (time: number, id: number, from: ProcState, to: ProcState): TraceEvent => ({
    ...base, kind: 'StateTransition', time, proc: id, resource: { kind: 'Proc', id }, from, to, reason: '', transitionStack: [],
  }),
  taskBegin: (time: number, id: number, type: string, g = 1, stack: Stack = [], parent = 0): TraceEvent => ({ ...base, kind: 'TaskBegin', time, goroutine: g, id, parent, type, stack }),
  taskEnd: (time: number, id: number, type: string, g = 1): TraceEvent => ({ ...base, kind: 'TaskEnd', time, goroutine: g, id, parent: 0, type }),
  regionBegin: (time: number, type: string, g = 1, stack: Stack = [], task = 0): TraceEvent => ({ ...base, kind: 'RegionBegin', time, goroutine: g, task, type, stack }),
  regionEnd: (time: number, type: string, g = 1, task = 0): TraceEvent => ({ ...base, kind: 'RegionEnd', time, goroutine: g, task, type }),
  log: (time: number, category: string, message: string, g = 1, task = 0, stack: Stack = []): TraceEvent => ({ ...base, kind: 'Log', time, goroutine: g, task, category, message, stack }),
  range: (time: number, kind: 'RangeBegin' | 'RangeActive' | 'RangeEnd', name: string, scope: { kind: 'None' | 'Goroutine' | 'Proc'; id: number } = { kind: 'None', id: -1 }, stack: Stack = []): TraceEvent => ({
    ...base, kind, time, name, scope, attributes: [], stack,
  }),
  heap: (time: number, bytes: number): TraceEvent => ({ ...base, kind: 'Metric', time, name: '/memory/classes/heap/objects:bytes', value: { kind: 'Uint64', value: BigInt(bytes) } }),
};

/** Feeds events to an analyzer in order, as the reader does. */
export function feed(analyzer: TraceAnalyzer, events: readonly TraceEvent[]): void {
  for (const e of events) analyzer.add(e);
}
