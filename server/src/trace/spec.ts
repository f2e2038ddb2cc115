// The wire-format event table of Go's execution tracer, ported from
// src/internal/trace/tracev2/events.go and spec.go (Go 1.26). One table serves
// every v2 version: like Go's reader, the event decoder does not restrict the
// event set by version; the version only decides how generations are framed.

/** Wire event types (tracev2.EventType); a const enum so that switches on them compile to jumps. */
export const enum Ev {
  None = 0,
  EventBatch = 1,
  Stacks = 2,
  Stack = 3,
  Strings = 4,
  String = 5,
  CPUSamples = 6,
  CPUSample = 7,
  Frequency = 8,
  ProcsChange = 9,
  ProcStart = 10,
  ProcStop = 11,
  ProcSteal = 12,
  ProcStatus = 13,
  GoCreate = 14,
  GoCreateSyscall = 15,
  GoStart = 16,
  GoDestroy = 17,
  GoDestroySyscall = 18,
  GoStop = 19,
  GoBlock = 20,
  GoUnblock = 21,
  GoSyscallBegin = 22,
  GoSyscallEnd = 23,
  GoSyscallEndBlocked = 24,
  GoStatus = 25,
  STWBegin = 26,
  STWEnd = 27,
  GCActive = 28,
  GCBegin = 29,
  GCEnd = 30,
  GCSweepActive = 31,
  GCSweepBegin = 32,
  GCSweepEnd = 33,
  GCMarkAssistActive = 34,
  GCMarkAssistBegin = 35,
  GCMarkAssistEnd = 36,
  HeapAlloc = 37,
  HeapGoal = 38,
  GoLabel = 39,
  UserTaskBegin = 40,
  UserTaskEnd = 41,
  UserRegionBegin = 42,
  UserRegionEnd = 43,
  UserLog = 44,
  GoSwitch = 45,
  GoSwitchDestroy = 46,
  GoCreateBlocked = 47,
  GoStatusStack = 48,
  ExperimentalBatch = 49,
  Sync = 50,
  ClockSnapshot = 51,
  EndOfGeneration = 52,
  Span = 128,
  SpanAlloc = 129,
  SpanFree = 130,
  HeapObject = 131,
  HeapObjectAlloc = 132,
  HeapObjectFree = 133,
  GoroutineStack = 134,
  GoroutineStackAlloc = 135,
  GoroutineStackFree = 136,
}

export const NoExperiment = 0;
export const ExperimentNames: readonly string[] = ['None', 'AllocFree'];

export interface EventSpec {
  readonly name: string;
  /** Argument names, the timestamp delta first for timed events. */
  readonly args: readonly string[];
  /** 1-based positions in args (as in Go) of string IDs. */
  readonly stringIDs: readonly number[];
  /** 1-based positions in args of stack IDs; the first is the event's own stack. */
  readonly stackIDs: readonly number[];
  /** The "begin" event of a range this event ends or reports active. */
  readonly startEv: number;
  readonly isTimedEvent: boolean;
  readonly experiment: number;
}

const MaxEvent = 127;
export const MaxExperimentalEvent = 137;

function spec(name: string, args: string[], extra: Partial<Omit<EventSpec, 'name' | 'args'>> = {}): EventSpec {
  return {
    name, args, stringIDs: extra.stringIDs ?? [], stackIDs: extra.stackIDs ?? [], startEv: extra.startEv ?? Ev.None,
    isTimedEvent: extra.isTimedEvent ?? false, experiment: extra.experiment ?? NoExperiment,
  };
}
const timed = (name: string, args: string[], extra: Partial<Omit<EventSpec, 'name' | 'args'>> = {}): EventSpec =>
  spec(name, args, { ...extra, isTimedEvent: true });
const allocFree = (name: string, args: string[]): EventSpec => timed(name, args, { experiment: 1 });

const EMPTY_SPEC = spec('', []);

/** Indexed by event type; the length (137) matches Go's table, so types 137+ are "invalid". */
export const specs: readonly EventSpec[] = (() => {
  const table: EventSpec[] = new Array<EventSpec>(MaxExperimentalEvent).fill(EMPTY_SPEC);
  table[Ev.EventBatch] = spec('EventBatch', ['gen', 'm', 'time', 'size']);
  table[Ev.Stacks] = spec('Stacks', []);
  table[Ev.Stack] = spec('Stack', ['id', 'nframes']);
  table[Ev.Strings] = spec('Strings', []);
  table[Ev.String] = spec('String', ['id']);
  table[Ev.CPUSamples] = spec('CPUSamples', []);
  table[Ev.CPUSample] = spec('CPUSample', ['time', 'm', 'p', 'g', 'stack'], { stackIDs: [4] });
  table[Ev.Frequency] = spec('Frequency', ['freq']);
  table[Ev.ExperimentalBatch] = spec('ExperimentalBatch', ['exp', 'gen', 'm', 'time']);
  table[Ev.Sync] = spec('Sync', []);
  table[Ev.EndOfGeneration] = spec('EndOfGeneration', []);

  table[Ev.ProcsChange] = timed('ProcsChange', ['dt', 'procs_value', 'stack'], { stackIDs: [2] });
  table[Ev.ProcStart] = timed('ProcStart', ['dt', 'p', 'p_seq']);
  table[Ev.ProcStop] = timed('ProcStop', ['dt']);
  table[Ev.ProcSteal] = timed('ProcSteal', ['dt', 'p', 'p_seq', 'm']);
  table[Ev.ProcStatus] = timed('ProcStatus', ['dt', 'p', 'pstatus']);
  table[Ev.GoCreate] = timed('GoCreate', ['dt', 'new_g', 'new_stack', 'stack'], { stackIDs: [3, 2] });
  table[Ev.GoCreateSyscall] = timed('GoCreateSyscall', ['dt', 'new_g']);
  table[Ev.GoStart] = timed('GoStart', ['dt', 'g', 'g_seq']);
  table[Ev.GoDestroy] = timed('GoDestroy', ['dt']);
  table[Ev.GoDestroySyscall] = timed('GoDestroySyscall', ['dt']);
  table[Ev.GoStop] = timed('GoStop', ['dt', 'reason_string', 'stack'], { stackIDs: [2], stringIDs: [1] });
  table[Ev.GoBlock] = timed('GoBlock', ['dt', 'reason_string', 'stack'], { stackIDs: [2], stringIDs: [1] });
  table[Ev.GoUnblock] = timed('GoUnblock', ['dt', 'g', 'g_seq', 'stack'], { stackIDs: [3] });
  table[Ev.GoSyscallBegin] = timed('GoSyscallBegin', ['dt', 'p_seq', 'stack'], { stackIDs: [2] });
  table[Ev.GoSyscallEnd] = timed('GoSyscallEnd', ['dt'], { startEv: Ev.GoSyscallBegin });
  table[Ev.GoSyscallEndBlocked] = timed('GoSyscallEndBlocked', ['dt'], { startEv: Ev.GoSyscallBegin });
  table[Ev.GoStatus] = timed('GoStatus', ['dt', 'g', 'm', 'gstatus']);
  table[Ev.STWBegin] = timed('STWBegin', ['dt', 'kind_string', 'stack'], { stackIDs: [2], stringIDs: [1] });
  table[Ev.STWEnd] = timed('STWEnd', ['dt'], { startEv: Ev.STWBegin });
  table[Ev.GCActive] = timed('GCActive', ['dt', 'gc_seq'], { startEv: Ev.GCBegin });
  table[Ev.GCBegin] = timed('GCBegin', ['dt', 'gc_seq', 'stack'], { stackIDs: [2] });
  table[Ev.GCEnd] = timed('GCEnd', ['dt', 'gc_seq'], { startEv: Ev.GCBegin });
  table[Ev.GCSweepActive] = timed('GCSweepActive', ['dt', 'p'], { startEv: Ev.GCSweepBegin });
  table[Ev.GCSweepBegin] = timed('GCSweepBegin', ['dt', 'stack'], { stackIDs: [1] });
  table[Ev.GCSweepEnd] = timed('GCSweepEnd', ['dt', 'swept_value', 'reclaimed_value'], { startEv: Ev.GCSweepBegin });
  table[Ev.GCMarkAssistActive] = timed('GCMarkAssistActive', ['dt', 'g'], { startEv: Ev.GCMarkAssistBegin });
  table[Ev.GCMarkAssistBegin] = timed('GCMarkAssistBegin', ['dt', 'stack'], { stackIDs: [1] });
  table[Ev.GCMarkAssistEnd] = timed('GCMarkAssistEnd', ['dt'], { startEv: Ev.GCMarkAssistBegin });
  table[Ev.HeapAlloc] = timed('HeapAlloc', ['dt', 'heapalloc_value']);
  table[Ev.HeapGoal] = timed('HeapGoal', ['dt', 'heapgoal_value']);
  table[Ev.GoLabel] = timed('GoLabel', ['dt', 'label_string'], { stringIDs: [1] });
  table[Ev.UserTaskBegin] = timed('UserTaskBegin', ['dt', 'task', 'parent_task', 'name_string', 'stack'], { stackIDs: [4], stringIDs: [3] });
  table[Ev.UserTaskEnd] = timed('UserTaskEnd', ['dt', 'task', 'stack'], { stackIDs: [2] });
  table[Ev.UserRegionBegin] = timed('UserRegionBegin', ['dt', 'task', 'name_string', 'stack'], { stackIDs: [3], stringIDs: [2] });
  table[Ev.UserRegionEnd] = timed('UserRegionEnd', ['dt', 'task', 'name_string', 'stack'], { startEv: Ev.UserRegionBegin, stackIDs: [3], stringIDs: [2] });
  table[Ev.UserLog] = timed('UserLog', ['dt', 'task', 'key_string', 'value_string', 'stack'], { stackIDs: [4], stringIDs: [2, 3] });
  table[Ev.GoSwitch] = timed('GoSwitch', ['dt', 'g', 'g_seq']);
  table[Ev.GoSwitchDestroy] = timed('GoSwitchDestroy', ['dt', 'g', 'g_seq']);
  table[Ev.GoCreateBlocked] = timed('GoCreateBlocked', ['dt', 'new_g', 'new_stack', 'stack'], { stackIDs: [3, 2] });
  table[Ev.GoStatusStack] = timed('GoStatusStack', ['dt', 'g', 'm', 'gstatus', 'stack'], { stackIDs: [4] });
  table[Ev.ClockSnapshot] = timed('ClockSnapshot', ['dt', 'mono', 'sec', 'nsec']);

  table[Ev.Span] = allocFree('Span', ['dt', 'id', 'npages_value', 'kindclass']);
  table[Ev.SpanAlloc] = allocFree('SpanAlloc', ['dt', 'id', 'npages_value', 'kindclass']);
  table[Ev.SpanFree] = allocFree('SpanFree', ['dt', 'id']);
  table[Ev.HeapObject] = allocFree('HeapObject', ['dt', 'id', 'type']);
  table[Ev.HeapObjectAlloc] = allocFree('HeapObjectAlloc', ['dt', 'id', 'type']);
  table[Ev.HeapObjectFree] = allocFree('HeapObjectFree', ['dt', 'id']);
  table[Ev.GoroutineStack] = allocFree('GoroutineStack', ['dt', 'id', 'order']);
  table[Ev.GoroutineStackAlloc] = allocFree('GoroutineStackAlloc', ['dt', 'id', 'order']);
  table[Ev.GoroutineStackFree] = allocFree('GoroutineStackFree', ['dt', 'id']);
  return table;
})();

/** Number of arguments after the timestamp, per event type; -1 if the type cannot appear in an event batch. */
export const timedArgCount: Int8Array = (() => {
  const counts = new Int8Array(256).fill(-1);
  specs.forEach((s, typ) => { if (s.isTimedEvent && s.args.length > 0) counts[typ] = s.args.length - 1; });
  return counts;
})();

export function isExperimentalEvent(typ: number): boolean {
  return typ > MaxEvent && typ < MaxExperimentalEvent;
}

// Goroutine and proc statuses as written on the wire.
export const enum GoStatus { Bad = 0, Runnable = 1, Running = 2, Syscall = 3, Waiting = 4 }
export const enum ProcStatus { Bad = 0, Running = 1, Idle = 2, Syscall = 3, SyscallAbandoned = 4 }

export const goStatusNames: readonly string[] = ['Bad', 'Runnable', 'Running', 'Syscall', 'Waiting'];
export const procStatusNames: readonly string[] = ['Bad', 'Running', 'Idle', 'Syscall', 'Bad'];

/** tracev2.MaxBatchSize: the runtime never writes a bigger batch. */
export const MaxBatchSize = 64 << 10;
/** tracev2.MaxFramesPerStack. */
export const MaxFramesPerStack = 128;
/** tracev2.MaxEventTrailerDataSize: the longest string. */
export const MaxStringSize = 1 << 10;

/** Trace format versions (the NN of "go 1.NN trace") where the format changed. */
export const Go125 = 25, Go126 = 26;

/** Go's version.EventName, used in error messages. */
export function eventName(typ: number): string {
  const s = specs[typ];
  return s !== undefined && s.name !== '' ? s.name : `Invalid(${typ})`;
}
