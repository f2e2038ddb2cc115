// Why a request was slow: latency breakdowns of task and region instances, their critical path,
// and the tail explained. Produced by server/src/trace/requests, shown by the CLI (`trace tasks`,
// `trace stats --json`). Times in ns.
import type { SourceLocation } from './traceModel';

/**
 * Where an instance's wall time went, in the terms of Go's internal/trace GoroutineExecStats:
 * running (ExecTime), runnable (SchedWaitTime), syscall (SyscallTime), syscallBlocked
 * (SyscallBlockTime), the blocked reasons grouped, unknown (Go's UnknownTime) and, for a task, the
 * time outside all of its regions. Non-overlapping: they add up to the wall time.
 */
export const BREAKDOWN_COMPONENTS = [
  'running', 'runnable', 'syscall', 'syscallBlocked', 'sync', 'channel', 'network', 'sleep', 'gc', 'otherBlocked', 'unknown', 'outside',
] as const;
export type BreakdownComponent = typeof BREAKDOWN_COMPONENTS[number];
export type Breakdown = Record<BreakdownComponent, number>;

/** How each component reads in a sentence ("71% blocked on network"). */
export const COMPONENT_LABELS: Record<BreakdownComponent, string> = {
  running: 'running',
  runnable: 'runnable (waiting for a P)',
  syscall: 'in syscalls',
  syscallBlocked: 'blocked in syscalls',
  sync: 'blocked on sync (mutex, Cond, WaitGroup)',
  channel: 'blocked on channels/select',
  network: 'blocked on network',
  sleep: 'sleeping',
  gc: 'waiting on GC (assist, until GC ends)',
  otherBlocked: 'blocked (other reasons)',
  unknown: 'unaccounted (Go\'s unknown time)',
  outside: 'outside the task\'s regions',
};

/** One segment of a critical path, latest first as walked; `goroutine` is where the time was spent. */
export interface PathSegment {
  startNs: number;
  endNs: number;
  goroutine: number;
  /** Its entry function ("main.worker"), when the trace shows it. */
  goroutineName?: string;
  /** 'running', 'runnable', 'syscall', or a blocked component (the wait the trace cannot explain further). */
  state: BreakdownComponent;
  /** Go's wait reason for a blocked segment ("chan receive", "network"). */
  reason?: string;
  /** The innermost user region open on the goroutine at the segment's end. */
  region?: string;
  /** The user frame of the stack that blocked, or of the goroutine's last stack. */
  site?: SourceLocation;
}

export interface TaskInstanceReport {
  id: number;
  type: string;
  startNs: number;
  endNs: number;
  durationNs: number;
  /** The goroutine that ended the task. */
  goroutine: number;
  /** User regions of the task summed into the breakdown (the outermost per goroutine). */
  regions: number;
  breakdown: Breakdown;
  criticalPath?: PathSegment[];
}

/** Which component separates the slowest instances of a type from the typical ones. */
export interface TailExplanation {
  component: BreakdownComponent;
  /** The region type holding most of that component in the tail, when the type is a task type. */
  region?: string;
  p50Ns: number;
  p99Ns: number;
  tailCount: number;
  typicalCount: number;
  /** Fractions of wall time. */
  tailShare: number;
  typicalShare: number;
  sentence: string;
}

export interface TypeBreakdown {
  kind: 'task' | 'region';
  type: string;
  /** Instances with a breakdown: complete ones (both ends in the trace). */
  count: number;
  wallNs: number;
  breakdown: Breakdown;
  tail?: TailExplanation;
}

/** The same for the instances of one call site (a NewTask, StartRegion or WithRegion call). */
export interface SiteBreakdown extends TypeBreakdown { site: SourceLocation }

/** What the trace worker's breakdown pass (after loading) finds: per type and per call site. */
export interface TraceBreakdowns { types: TypeBreakdown[]; sites: SiteBreakdown[] }
