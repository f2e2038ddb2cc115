// Messages between the comparison webview (compare.ts) and the extension (client/src/viewer/comparePanel.ts),
// and the webview's persisted state. Types only.
import type { TraceComparison } from '../../../common/traceComparison';
import type { SourceLocation } from '../../../common/traceModel';

/** Webview → extension. */
export type FromCompareView =
  | { type: 'ready' }
  /** A call site to show in the editor (checked to still hold the annotation call). */
  | { type: 'reveal'; location: SourceLocation };

/** What the view shows: the comparison once done, or why there is none. */
export interface ComparisonState { oldName: string; newName: string; phase: 'loading' | 'done' | 'error'; comparison?: TraceComparison; error?: string }

/** Extension → webview. */
export type ToCompareView =
  | { type: 'init'; state: ComparisonState }
  | { type: 'update'; state: ComparisonState }
  /** A comparison CodeLens was clicked: select that type. */
  | { type: 'focus'; kind: 'task' | 'region'; name: string }
  | { type: 'revealed'; note: string };

/** What survives hiding the panel (getState/setState). */
export interface CompareViewState {
  /** `${kind}:${type}` of the selected row. */
  selected?: string;
}
