// Messages between the viewer webview and the extension host, and the
// webview's persisted state. Types only: shared by the webview bundle, the
// extension side (client/src/viewer) and the browser tests.
import type { TaskFilter, TaskSortKey } from '../../../common/taskModel';
import type { SourceLocation } from '../../../common/traceModel';
import type { FocusTarget, SiteKey, TraceStatus, ViewerQuery, ViewerQueryResult } from '../../../common/traceProtocol';

export type ViewId = 'overview' | 'tasks' | 'regions' | 'timeline' | 'goroutines' | 'blocking';

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  /** annotation: the location is an annotation call site (checked to still hold the call), not any stack frame. */
  | { type: 'reveal'; location: SourceLocation; annotation: boolean }
  | { type: 'query'; requestId: number; query: ViewerQuery }
  | { type: 'cancel' }
  /** The toolbar's "Compare with…": compare this trace with another. */
  | { type: 'compareWith' };

/** Extension → webview. */
export type ToWebview =
  | { type: 'init'; traceName: string; captureWindowSeconds: number; status: TraceStatus }
  | { type: 'status'; status: TraceStatus }
  | { type: 'queryResult'; requestId: number; result?: ViewerQueryResult[ViewerQuery['kind']]; error?: string }
  | { type: 'focus'; target: FocusTarget }
  /** The answer to a reveal: where it went, or why it could not. */
  | { type: 'revealed'; note: string };

/** What "Show in timeline" asks for: a window, goroutine lanes pinned under the GC lane, spans outlined on them. */
export interface TimelineFocus {
  label: string;
  startNs: number;
  endNs: number;
  goroutines: number[];
  highlight: { goroutine: number; startNs: number; endNs: number }[];
  /** A task's regions across its goroutines, drawn as one lane above the others (the Tasks view's "Show in timeline"). */
  taskLane?: { label: string; regions: { type: string; goroutine: number; startNs: number; endNs: number }[] };
}

/** The Tasks view's list: its filter, sort and the selected instance. */
export interface TaskViewState {
  filter: TaskFilter;
  sort: { key: TaskSortKey; descending: boolean };
  /** "Slowest N per type"; absent: every instance. */
  slowestPerType?: number;
  selectedId?: number;
  /** First row shown, so a reload scrolls back to it. */
  firstRow?: number;
}

/** What survives hiding the panel and reloading the window (getState/setState). */
export interface ViewerState {
  /** file: URI of the trace, so the serializer can reopen it. */
  traceUri?: string;
  view: ViewId;
  /** Selected task/region type or log category per table view. */
  selected: Partial<Record<'regions' | 'logs' | 'goroutines', string>>;
  /** A call site the CodeLens asked to focus: instance tables show only its instances. */
  focusSite?: SiteKey;
  /** fitted: the window is the whole trace and follows it while it loads (false once the user zooms or pans). */
  timeline?: { startNs: number; endNs: number; firstLane: number; fitted?: boolean };
  timelineFocus?: TimelineFocus;
  /** The timeline's goroutine groups: which are expanded, and the search. */
  timelineGroups?: { expanded: string[]; search: string };
  tasks?: TaskViewState;
}

export const INITIAL_STATE: ViewerState = { view: 'overview', selected: {} };
