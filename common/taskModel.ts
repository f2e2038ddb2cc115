// The Tasks view's contract: every task instance of a trace, listed, filtered and sorted by the
// trace worker (the webview only ever holds one page), and one instance explained: its latency
// breakdown, its critical path, its regions and logs. Plain JSON data, shared by the server, the
// webview and the tests. Times in ns.
import type { Breakdown, PathSegment, TailExplanation } from './requestModel';
import type { LogInstance, RegionInstance, SourceLocation } from './traceModel';

/** Which instances a list or histogram covers; every field narrows, absent fields do not. */
export interface TaskFilter {
  /** Task types; all types when absent or empty. */
  types?: string[];
  /** Duration range [min, max] of ended instances (the histogram brush); an unended task has no duration and never matches a range. */
  minDurationNs?: number;
  maxDurationNs?: number;
  /** Tasks with a log of this category (trace.Log's key), and of this exact message when given: `orderID=42`. */
  log?: { category: string; message?: string };
  /** Tasks created at this trace.NewTask call (what a CodeLens above it focuses); the function is not compared. */
  site?: { file: string; line: number };
  /** 'ended': begun and ended in the trace; 'unended': begun before the capture or still open at its end. Default 'all'. */
  state?: 'all' | 'ended' | 'unended';
}

export type TaskSortKey = 'duration' | 'start' | 'id' | 'type' | 'goroutines' | 'regions' | 'logs';

export interface TaskListQuery {
  filter: TaskFilter;
  /** Default: duration, slowest first (unended last). */
  sort?: { key: TaskSortKey; descending: boolean };
  /** Rows of the virtualised list to return: [offset, offset + limit). */
  offset: number;
  limit: number;
  /** Keep only the N slowest ended instances of each type ("slowest N per type"), then sort and page those. */
  slowestPerType?: number;
}

/** One task instance as a row of the list. */
export interface TaskRow {
  id: number;
  parent: number;
  type: string;
  /** undefined when begun before the capture. */
  startNs?: number;
  /** undefined when still open at the end of the trace. */
  endNs?: number;
  durationNs?: number;
  /** Goroutines that ran a region or wrote a log of the task, and its regions and logs. */
  goroutines: number;
  regions: number;
  logs: number;
  /** The trace.NewTask call. */
  site?: SourceLocation;
}

export interface TaskListPage {
  /** Instances matching the filter (all of them, not only this page). */
  total: number;
  offset: number;
  rows: TaskRow[];
  /**
   * Durations of the instances matching the filter without its duration range, so the brush can
   * be moved over the whole distribution; log-spaced buckets, bucket i counts [bounds[i], bounds[i+1]).
   */
  histogram: { boundsNs: number[]; counts: number[] };
  /** False while the trace is still loading: later pages may find more. */
  complete: boolean;
}

/** A region of the explained task, with its own latency breakdown (Go's GoroutineExecStats for it) once it ended. */
export interface ExplainedRegion extends RegionInstance { breakdown?: Breakdown }

/** Everything the Tasks view shows about one selected instance. */
export interface TaskExplanation {
  task: TaskRow;
  /** Undefined for an unended instance (Go's Summarizer gives it no complete stats either). */
  breakdown?: Breakdown;
  /** Latest segment first, as walked back from the task's end; undefined for an unended instance. */
  criticalPath?: PathSegment[];
  /** Set when the path stops early (history missing, too many steps), saying why. */
  criticalPathNote?: string;
  /** Tasks created with this one as their parent, in the order they were seen (at most a reply's worth: see allListed). */
  children?: TaskRow[];
  /** The goroutines the task ran on, for the timeline's focus. */
  goroutines: number[];
  regions: ExplainedRegion[];
  logs: LogInstance[];
  /** False when the instance had more regions, logs or child tasks than a reply carries. */
  allListed: boolean;
  /** How this instance's type's slow tail differs from its typical instances. */
  tail?: TailExplanation;
}
