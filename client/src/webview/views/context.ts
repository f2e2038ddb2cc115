// What every view gets from the viewer shell.
import type { SourceLocation, TraceSummary } from '../../../../common/traceModel';
import type { TraceStatus, ViewerQuery, ViewerQueryResult } from '../../../../common/traceProtocol';
import type { TimelineFocus, ViewerState } from '../messages';

export interface ViewContext {
  status: TraceStatus;
  summary: TraceSummary;
  captureWindowSeconds: number;
  state: ViewerState;
  saveState(update: (state: ViewerState) => void): void;
  /** Shows a source line in the editor beside; frame = a stack frame rather than an annotation call site. */
  reveal(location: SourceLocation, frame?: 'frame'): void;
  query<Q extends ViewerQuery>(query: Q): Promise<ViewerQueryResult[Q['kind']]>;
  /** Re-render the current view (after a selection change). */
  rerender(): void;
  /** Switches to the timeline, zoomed to an instance with its goroutines pinned and its spans outlined. */
  showInTimeline(focus: TimelineFocus): void;
}
