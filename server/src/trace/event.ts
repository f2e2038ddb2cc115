// The event API of the trace engine. It mirrors Go's internal/trace Event
// (src/internal/trace/event.go) so that code written against Go's reader
// ports directly and `trace dump` can print exactly what Go prints.
// This file holds types only; the reader lives next to it.

/**
 * Nanoseconds: Go's Time minus OpenedTrace.timeBase (which is 0 unless the traced machine had been up for
 * more than ~52 days), so that every time is an exact integer for any trace shorter than ~52 days.
 */
export type Time = number;

/** -1 stands for Go's NoGoroutine / NoProc / NoThread. */
export const NO_ID = -1;

/** Go's NoTask (2^64−1 on the wire), e.g. the parent of a task that has none. */
export const NO_TASK = -1;

export type EventKind =
  | 'Bad' | 'Sync' | 'Metric' | 'Label' | 'StackSample'
  | 'RangeBegin' | 'RangeActive' | 'RangeEnd'
  | 'TaskBegin' | 'TaskEnd' | 'RegionBegin' | 'RegionEnd' | 'Log'
  | 'StateTransition' | 'Experimental';

export type GoState = 'Undetermined' | 'NotExist' | 'Runnable' | 'Running' | 'Waiting' | 'Syscall';
export type ProcState = 'Undetermined' | 'NotExist' | 'Running' | 'Idle';
export type ResourceKind = 'None' | 'Goroutine' | 'Proc' | 'Thread';

export interface ResourceID {
  kind: ResourceKind;
  id: number;
  /** Go's exact ID when `id` is rounded (beyond ±2^53: only in corrupt or hostile traces). */
  exactId?: bigint;
}

export interface StackFrame {
  /** Go prints it as 0x%x; bigint keeps all 64 bits. */
  pc: bigint;
  func: string;
  file: string;
  line: number;
  /** Go's exact line (a uint64) when `line` is rounded (beyond 2^53: only in corrupt or hostile traces). */
  exactLine?: bigint;
}

/**
 * Frames leaf first. NO_STACK (compare by identity) is Go's NoStack; any other array, even an empty one, is a
 * stack the trace recorded (Go prints "Stack=" for it). Stack arrays and frames are shared between events.
 */
export type Stack = readonly StackFrame[];

/** Go's NoStack: the event has no stack. */
export const NO_STACK: Stack = Object.freeze([]);

/** Go's trace.Value: a uint64 (as bigint, since values such as heap goals can exceed 2^53) or a string. */
export type Value = { kind: 'Uint64'; value: bigint } | { kind: 'String'; value: string };

/**
 * Go's exact values of the fields of an event whose numbers are rounded: real traces keep every ID and time
 * far below 2^53, where numbers are exact, but corrupt or hostile ones can hold any 64-bit value. Each is the
 * bigint of Go's int64 view (a uint64 such as a task ID as its int64 bits); time is relative like `time`.
 */
export interface ExactFields {
  time?: bigint;
  thread?: bigint;
  proc?: bigint;
  goroutine?: bigint;
  /** TaskBegin/TaskEnd id and parent, Region/Log task. */
  id?: bigint;
  parent?: bigint;
  task?: bigint;
}

export interface EventBase {
  time: Time;
  thread: number;
  proc: number;
  goroutine: number;
  stack: Stack;
  /** Present only when a field above (or a kind's ID field) is rounded. */
  exact?: ExactFields;
}

export interface SyncEvent extends EventBase {
  kind: 'Sync';
  n: number;
  /** Go ≥ 1.25 only. wall is RFC 3339 with nanoseconds in the local time zone, as Go formats it. */
  clockSnapshot?: { trace: Time; mono: bigint; wall: string; exactTrace?: bigint };
  /** Raw batches of trace experiments (e.g. "AllocFree") in this generation, when there are any. */
  experimentalBatches?: Record<string, readonly { thread: number; data: Uint8Array }[]>;
}
export interface MetricEvent extends EventBase { kind: 'Metric'; name: string; value: Value }
export interface LabelEvent extends EventBase { kind: 'Label'; label: string; resource: ResourceID }
export interface StackSampleEvent extends EventBase { kind: 'StackSample' }
export interface RangeEvent extends EventBase {
  kind: 'RangeBegin' | 'RangeActive' | 'RangeEnd';
  name: string;
  scope: ResourceID;
  /** Only on RangeEnd. */
  attributes: readonly { name: string; value: Value }[];
}
export interface TaskEvent extends EventBase {
  kind: 'TaskBegin' | 'TaskEnd';
  /** Task IDs are uint64 in Go (real ones are small counters); NO_TASK (-1) is Go's NoTask. */
  id: number;
  /** NO_TASK when the task has no parent, or (on TaskEnd) when its TaskBegin is not in the trace. */
  parent: number;
  type: string;
}
export interface RegionEvent extends EventBase { kind: 'RegionBegin' | 'RegionEnd'; task: number; type: string }
export interface LogEvent extends EventBase {
  kind: 'Log';
  task: number;
  category: string;
  message: string;
  /** With ReadOptions.logMessages 'bytes': the message's bytes as the trace holds them, undecoded (`message` is then ''). */
  messageBytes?: RawString;
}
/** A string's bytes as the trace holds them: bytes[start, end), not yet decoded (Go strings need not be UTF-8). */
export interface RawString { bytes: Buffer; start: number; end: number }
export interface StateTransitionEvent extends EventBase {
  kind: 'StateTransition';
  resource: ResourceID;
  from: GoState | ProcState;
  to: GoState | ProcState;
  reason: string;
  /** Go's StateTransition.Stack; empty when none. */
  transitionStack: Stack;
}
export interface ExperimentalEvent extends EventBase {
  kind: 'Experimental';
  name: string;
  /** The experiment the event belongs to, e.g. "AllocFree". */
  experiment: string;
  argNames: readonly string[];
  args: readonly Value[];
}

export type TraceEvent =
  | SyncEvent | MetricEvent | LabelEvent | StackSampleEvent | RangeEvent | TaskEvent
  | RegionEvent | LogEvent | StateTransitionEvent | ExperimentalEvent;

/** Reported between generations while a file is read. */
export interface ReadProgress {
  bytesRead: number;
  totalBytes: number;
  generations: number;
  events: number;
}

/** A trace Go's reader would reject, or an I/O failure; offset is the byte where it was found. */
export class TraceError extends Error {
  constructor(message: string, readonly offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = 'TraceError';
  }
}
