// Custom LSP messages between the thin client and the language server for
// trace viewing. Plain data plus typed method descriptors, no imports beyond
// the model, so the client, the server, the webview bundle and the tests all
// share this one definition.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { TaskExplanation, TaskListPage, TaskListQuery } from './taskModel';
import type { TraceComparison } from './traceComparison';
import type {
  InstanceList, InstanceQuery, RegionInstance, SourceLocation, PackedTimelineSlice, TimelineQuery, TraceSummary,
} from './traceModel';

/** A request's method name carrying its parameter and result types. */
export interface RequestDescriptor<P, R> { readonly method: string; readonly _types?: (params: P) => R }
export interface NotificationDescriptor<P> { readonly method: string; readonly _types?: (params: P) => void }

const request = <P, R>(method: string): RequestDescriptor<P, R> => ({ method });
const notification = <P>(method: string): NotificationDescriptor<P> => ({ method });

export interface LoadProgress { bytesRead: number; totalBytes: number; generations: number; events: number }

export type LoadPhase = 'loading' | 'done' | 'error' | 'cancelled';

/** Everything the viewer needs to draw a trace at one moment of its loading. */
export interface TraceStatus {
  traceId: string;
  /** file: URI of the trace. */
  uri: string;
  phase: LoadPhase;
  progress: LoadProgress;
  /** The model of what has been read so far (absent until the first generation is in). */
  summary?: TraceSummary;
  /** Why loading stopped: a corrupt or truncated file, an I/O failure. */
  error?: string;
  /**
   * The breakdown pass that reads the trace again once it is loaded (latency breakdowns per type and
   * call site, each task type's tail explained): 'ready' when its results are in, 'failed' when it
   * could not finish (the file changed or went away); absent before and while it runs. A view that
   * showed an explanation before it was ready asks again (the tail sentence comes from it).
   */
  breakdowns?: 'ready' | 'failed';
}

/** A source line of an annotation call, as recorded in the trace. */
export interface SiteKey { file: string; line: number }

/** What the viewer asks about a loaded trace; the result type of each kind is in ViewerQueryResult. */
export type ViewerQuery =
  /** The Regions view: kept instances of one region type. */
  | { kind: 'instances'; query: InstanceQuery }
  | { kind: 'timeline'; query: TimelineQuery }
  /** The Tasks view: a page of every task instance, filtered and sorted. */
  | { kind: 'taskList'; query: TaskListQuery }
  /** One task instance explained: breakdown, critical path, regions and logs. */
  | { kind: 'taskExplanation'; id: number };

export interface ViewerQueryResult {
  instances: InstanceList<RegionInstance>;
  /**
   * Lanes in display order (GC, procs, goroutines by id); TimelineQuery.lanes are indices into that order.
   * Packed: a big window holds hundreds of thousands of spans, and objects would be four times the bytes.
   */
  timeline: PackedTimelineSlice & { totalLanes: number };
  taskList: TaskListPage;
  taskExplanation: TaskExplanation | null;
}

/** A trace location mapped to the workspace. */
export interface ResolvedSource {
  /** file: URI in the workspace. */
  uri: string;
  /** 0-based line. */
  line: number;
  /** Set when the file has changed since the trace was recorded, saying how. */
  stale?: string;
  /** True when the trace's path was not under a workspace folder and was matched by its path suffix. */
  matchedBySuffix: boolean;
}

/** Which annotation call a CodeLens is about; the client forwards it to the viewer to focus those instances. */
export interface FocusTarget { traceUri: string; kind: 'task' | 'region' | 'log'; type: string; site: SiteKey }

/** A comparison's type or call site that a comparison CodeLens is about; the client focuses it in the comparison view. */
export interface ComparisonTarget { comparisonId: string; kind: 'task' | 'region'; type: string }

export const TraceRequests = {
  /**
   * Starts loading a trace under an id the client picks (so no status notification can beat the
   * answer); progress and the growing summary arrive as status notifications.
   */
  open: request<{ uri: string; traceId: string }, void>('goTraceLens/trace/open'),
  /** The latest status of a trace (for a viewer that comes back after a reload). */
  status: request<{ traceId: string }, TraceStatus | null>('goTraceLens/trace/status'),
  /** Region instances, a timeline slice, a page of tasks or a task explained; the result type follows query.kind. */
  query: request<{ traceId: string; query: ViewerQuery }, ViewerQueryResult[ViewerQuery['kind']]>('goTraceLens/trace/query'),
  /** annotation: the location is a NewTask/StartRegion/WithRegion/Log call site, so the line is checked to still hold one. */
  resolveSource: request<{ traceId?: string; location: SourceLocation; annotation: boolean }, ResolvedSource | null>('goTraceLens/trace/resolveSource'),
  /**
   * Compares two trace files (read one after the other in a worker thread); answers when done. While the
   * comparison stays open (until closeComparison), CodeLens show its changes above the annotations.
   */
  compare: request<{ comparisonId: string; oldUri: string; newUri: string }, TraceComparison>('goTraceLens/trace/compare'),
} as const;

export const TraceNotifications = {
  /** Server → client: loading progressed, finished or failed. */
  status: notification<TraceStatus>('goTraceLens/trace/statusChanged'),
  /** Client → server: stop loading (the trace keeps what was read so far). */
  cancel: notification<{ traceId: string }>('goTraceLens/trace/cancel'),
  /**
   * Server → client: the complete set of trace-backed diagnostics (all files). The client keeps
   * them in a diagnostic collection of its own, so they never overwrite the lint's diagnostics,
   * which the server publishes per file with textDocument/publishDiagnostics.
   */
  diagnostics: notification<{ items: { uri: string; diagnostics: Diagnostic[] }[] }>('goTraceLens/trace/diagnostics'),
  /** Client → server: the viewer closed; free the trace. */
  close: notification<{ traceId: string }>('goTraceLens/trace/close'),
  /** Client → server: the comparison view closed (or its comparison is no longer wanted); stop it and drop its CodeLens. */
  closeComparison: notification<{ comparisonId: string }>('goTraceLens/trace/closeComparison'),
} as const;

/** The client command a trace CodeLens runs; its single argument is a FocusTarget. */
export const FOCUS_COMMAND = 'goTraceLens.focusTraceSite';
/** The client command a comparison CodeLens runs; its single argument is a ComparisonTarget. */
export const COMPARISON_FOCUS_COMMAND = 'goTraceLens.focusComparison';
