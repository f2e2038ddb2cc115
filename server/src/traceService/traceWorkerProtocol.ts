// Messages between the language server's main thread and a trace worker.
import type { TraceBreakdowns } from '../../../common/requestModel';
import type { TraceComparison } from '../../../common/traceComparison';
import type { TraceSummary } from '../../../common/traceModel';
import type { LoadPhase, LoadProgress, ViewerQuery } from '../../../common/traceProtocol';

export interface WorkerInput { path: string }

export type ToWorker =
  | { type: 'query'; id: number; query: ViewerQuery }
  | { type: 'cancel' };

export type FromWorker =
  | { type: 'status'; phase: LoadPhase; progress: LoadProgress; summary?: TraceSummary; error?: string }
  | { type: 'result'; id: number; result?: unknown; error?: string }
  /** Once loaded, the latency breakdowns per type and call site, from a second read of the trace (absent when it failed). */
  | { type: 'breakdowns'; breakdowns?: TraceBreakdowns };

/** What a comparison worker (compareWorker.ts) compares: file paths, old then new. */
export interface CompareWorkerInput { oldPath: string; newPath: string }

export type FromCompareWorker =
  | { type: 'done'; comparison: TraceComparison }
  | { type: 'error'; error: string };
