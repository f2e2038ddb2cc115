// The user-facing model of a trace: what `trace stats`, the viewer and the
// CodeLens show. Built from the event stream by server/src/trace/summary/.
// Plain JSON-serialisable data: it crosses the LSP connection and the
// webview's postMessage as is, so client, webview, server and CLI share it.

export interface SourceLocation { function: string; file: string; line: number }

/**
 * Durations in ns. `count` counts every instance seen (as `go tool trace` does, including those
 * begun before the capture or still open at its end); the duration fields only cover the
 * `completeCount` instances with both a begin and an end. Percentiles are nearest-rank over the
 * exact durations (the smallest duration d with at least p% of durations ≤ d).
 * A histogram's bucket i counts values in [bounds[i], bounds[i+1]).
 */
export interface LatencyStats {
  count: number;
  completeCount: number;
  totalNs: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  maxNs: number;
  histogram: { boundsNs: number[]; counts: number[] };
}

/** Annotations grouped by the source line of the trace.NewTask / StartRegion / WithRegion / Log call. */
export interface SiteStats extends LatencyStats { site: SourceLocation }

export interface TaskTypeStats extends LatencyStats { type: string; sites: SiteStats[] }
export interface RegionTypeStats extends LatencyStats { type: string; sites: SiteStats[] }
export interface LogCategoryStats { category: string; count: number; sites: { site: SourceLocation; count: number }[] }

export interface TraceOverview {
  goVersion: string;
  fileBytes: number;
  /** First to last event, ns. */
  startNs: number;
  endNs: number;
  durationNs: number;
  generations: number;
  events: number;
  goroutines: number;
  procs: number;
  /** GC cycles: "GC concurrent mark phase" ranges seen (begun, or already active at the start). */
  gcCount: number;
  /** Total of the stop-the-world pauses whose reason mentions GC (as Go's MMU analysis counts them). */
  gcPauseNs: number;
  /** Every stop-the-world pause, whatever its reason. */
  stwCount: number;
  stwPauseNs: number;
  /** Max heap in use seen, bytes. */
  peakHeapBytes: number;
  /**
   * True for flight-recorder data: the first generation's start-trace pause comes from a
   * FlightRecorder, or there is none (the snapshot starts mid-stream).
   */
  flightRecorder: boolean;
  /** True when tracing started from a package init function, so the capture includes program start-up. */
  spansStartup: boolean;
  /** Set when the file ended early or went bad after some complete generations. */
  truncatedError?: string;
}

export interface RegionInstance {
  type: string;
  goroutine: number;
  task: number;
  /** undefined when begun before the capture. */
  startNs?: number;
  /** undefined when still open at the end of the trace. */
  endNs?: number;
  durationNs?: number;
  /** Nesting depth on its goroutine, 0 = outermost. */
  depth: number;
  site?: SourceLocation;
}

export interface LogInstance {
  timeNs: number;
  goroutine: number;
  task: number;
  category: string;
  message: string;
  site?: SourceLocation;
}

/**
 * How blocking is classified, mirroring `go tool trace -pprof=…`: 'sync' = waits whose reason
 * mentions chan, sync or select; 'net' = "network"; 'syscall' = time in a syscall (in
 * GoroutineSummary.blockedNs: only the part after the P was taken away); 'sched' = runnable,
 * waiting for a P (a blocking profile only: a goroutine's sched wait is its runnableNs); 'other' =
 * any other wait reason (sleep, GC assist, …).
 */
export type BlockReason = 'sync' | 'net' | 'syscall' | 'sched' | 'other';

export interface GoroutineSummary {
  id: number;
  /** Start function (top-most user frame of the creation stack), "" when unknown. */
  name: string;
  createdAt?: SourceLocation;
  /** When it first ran; -1 if it never ran. */
  startNs: number;
  endNs?: number;
  /** Presence in the trace (creation or first sight to exit or trace end). */
  totalNs: number;
  /** Go's ExecTime / SchedWaitTime / SyscallTime / SyscallBlockTime. */
  runningNs: number;
  runnableNs: number;
  syscallNs: number;
  /** Classified by BlockReason; 'syscall' here is Go's SyscallBlockTime. */
  blockedNs: Partial<Record<BlockReason, number>>;
  /** Blocked time by Go's raw wait reason ("chan receive", "sleep", …). */
  blockedByReasonNs: Record<string, number>;
  /** Whatever the other fields don't account for (Go's UnknownTime). */
  unknownNs: number;
  /** Regions (complete or not) that ran on this goroutine. */
  regionCount: number;
}

/** The time split of GoroutineSummary, summed over the goroutines of a group. */
export type GoroutineTimes = Pick<GoroutineSummary,
  'totalNs' | 'runningNs' | 'runnableNs' | 'syscallNs' | 'blockedNs' | 'blockedByReasonNs' | 'unknownNs' | 'regionCount'>;

/**
 * Goroutines grouped by start function, as Go's goroutine analysis (`go tool trace`'s Goroutines
 * page) groups them: every goroutine counted, ended ones folded into the sums when they exit.
 */
export interface GoroutineGroup extends GoroutineTimes {
  /** Start function, "" when no stack named it. */
  name: string;
  /** Every goroutine of the group seen so far. */
  count: number;
  /** Of which still alive at the last event read. */
  live: number;
  /** The goroutines with the most running time, at most MAX_GROUP_MEMBERS (all when count is within it). */
  members: GoroutineSummary[];
}

/** Frames leaf first, as in the event's stack at the moment the goroutine entered the state. */
export interface BlockingProfileEntry { frames: SourceLocation[]; totalNs: number; count: number }
/**
 * `entries`: the stacks with the most blocked time, at most MAX_PROFILE_ENTRIES of `stacks` (a
 * GC-heavy trace's deep recursive stacks made summaries of 17 MB when every stack was sent).
 */
export interface BlockingProfile { reason: BlockReason; totalNs: number; stacks: number; entries: BlockingProfileEntry[] }

export interface TraceSummary {
  overview: TraceOverview;
  tasks: TaskTypeStats[];
  regions: RegionTypeStats[];
  logs: LogCategoryStats[];
  /** Every goroutine, by start function; sorted by running time, the largest first. */
  goroutineGroups: GoroutineGroup[];
  blocking: BlockingProfile[];
}

// Timeline: the viewer asks for a window at a resolution and gets spans
// already merged to about one per pixel (level of detail), never the raw events.

/** 'group': the summary lane of the goroutines of one start function (see TimelineQuery.groups). */
export type LaneKind = 'goroutine' | 'proc' | 'gc' | 'group';
export interface Lane { kind: LaneKind; id: number; label: string }

export interface TimelineQuery {
  startNs: number;
  endNs: number;
  /** ns per pixel: spans shorter than this are merged. */
  resolutionNs: number;
  lanes?: number[];
  /** Goroutine ids whose lanes to include as well, wherever they are in the display order (lanes pinned by the viewer). */
  goroutines?: number[];
  /**
   * Goroutine lanes grouped by start function: each group is a summary lane (how many of its
   * goroutines run, wait to run or are blocked over time) followed by its goroutines' lanes when
   * expanded. `search` keeps the groups whose start function contains it, or the goroutine with
   * that id. Without it, goroutine lanes come one by one, by id.
   */
  groups?: { expanded: string[]; search?: string };
}

export interface TimelineSpan {
  startNs: number;
  endNs: number;
  /** A goroutine state, a region/task type, "GC", "STW", or "mixed" for merged spans. */
  label: string;
  /** 'state' (goroutine/proc state), 'region', 'gc', 'stw'. */
  category: 'state' | 'region' | 'gc' | 'stw';
  /** Region nesting depth within the lane. */
  depth: number;
  /** Number of raw spans merged into this one (1 when exact). */
  merged: number;
}

export interface TimelineSlice { query: TimelineQuery; lanes: { lane: Lane; spans: TimelineSpan[] }[] }

/** Numbers per span in PackedTimelineSlice: startNs, endNs, merged, label index, row index. */
export const PACKED_STRIDE = 5;

/**
 * The same content as TimelineSlice without an object per span: what the server sends the viewer
 * (about 10× cheaper to build and a quarter of the bytes). Each lane's `spans` is flat,
 * PACKED_STRIDE numbers per span: [startNs, endNs, merged, index into labels, index into rows],
 * times as offsets from originNs (fewer digits; still exact, times are whole nanoseconds); spans
 * come row by row, in time order within a row.
 */
export interface PackedTimelineSlice {
  query: TimelineQuery;
  originNs: number;
  /** Label table of this slice; "mixed" labels merged spans of different labels. */
  labels: string[];
  lanes: PackedLane[];
}

export interface PackedLane {
  lane: Lane;
  rows: { category: TimelineSpan['category']; depth: number }[];
  spans: number[];
  /** A group lane's activity: average goroutines running, runnable and blocked per bucket of widthNs from startNs. */
  activity?: { startNs: number; widthNs: number; running: number[]; runnable: number[]; blocked: number[] };
  /** A group lane's start function, its goroutine count, and whether its goroutines are listed below it. */
  group?: { name: string; goroutines: number; expanded: boolean };
}

/** One lane of a packed slice as one object per span. */
export function unpackLane(slice: Pick<PackedTimelineSlice, 'originNs' | 'labels'>, lane: PackedLane): TimelineSpan[] {
  const { originNs, labels } = slice;
  const { rows, spans } = lane;
  const out: TimelineSpan[] = [];
  for (let i = 0; i < spans.length; i += PACKED_STRIDE) {
    const row = rows[spans[i + 4]];
    out.push({
      startNs: originNs + spans[i], endNs: originNs + spans[i + 1], label: labels[spans[i + 3]],
      category: row.category, depth: row.depth, merged: spans[i + 2],
    });
  }
  return out;
}

/** A packed slice as one object per span. */
export function unpackTimelineSlice(packed: PackedTimelineSlice): TimelineSlice {
  return { query: packed.query, lanes: packed.lanes.map((lane) => ({ lane: lane.lane, spans: unpackLane(packed, lane) })) };
}

// Instance queries: the viewer drills from a type or site into individual instances.
// Only a bounded set of instances is kept per type (see summary/instances.ts): the slowest
// ones plus an even sample, so `kept` can be less than `total`.

/** Kept instances of a region type (task instances are the Tasks view's: TaskListQuery). */
export interface InstanceQuery {
  type: string;
  /** Only instances whose annotation call is at this site (function is ignored when matching). */
  site?: { file: string; line: number };
  /** Default 100. */
  limit?: number;
}

export interface InstanceList<T> {
  /** Complete and incomplete instances of the type (or site) in the trace. */
  total: number;
  /** How many of those the model kept. */
  kept: number;
  /** Slowest first; incomplete instances (no duration) last. */
  instances: T[];
}
