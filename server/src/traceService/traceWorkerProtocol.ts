// Messages between the language server's main thread and a trace worker.
import type { TraceBreakdowns } from '../../../common/requestModel';
import type { TraceComparison } from '../../../common/traceComparison';
import type { TraceSummary } from '../../../common/traceModel';
import type { LoadPhase, LoadProgress, ViewerQuery } from '../../../common/traceProtocol';
import type { TaskRecord } from '../trace/requests/taskStore';
import type { RingMessage } from '../trace/recorded/batchRing';

/**
 * indexRing: when set, the analyzer records the writes to the timeline and the Tasks view's store in
 * this ring (trace/recorded/) for the main thread, which builds those indexes
 * (replayedIndex.ts) on its idle core, and answers their queries.
 */
export interface WorkerInput { path: string; indexRing?: SharedArrayBuffer }

export type ToWorker =
  | { type: 'query'; id: number; query: ViewerQuery }
  /** Explain a task of the main thread's store (ReplayedIndex.taskToExplain): answered as a taskExplanation query. */
  | { type: 'explain'; id: number; task: TaskRecord; children: TaskRecord[] }
  | { type: 'cancel' };

export type FromWorker =
  | { type: 'status'; phase: LoadPhase; progress: LoadProgress; summary?: TraceSummary; error?: string }
  | { type: 'result'; id: number; result?: unknown; error?: string }
  /** Batches of writes to the indexes wait in the ring of WorkerInput.indexRing (ReplayedIndex.receive). */
  | ({ type: 'index' } & RingMessage)
  /** Once loaded, the latency breakdowns per type and call site, from a second read of the trace (absent when it failed). */
  | { type: 'breakdowns'; breakdowns?: TraceBreakdowns };

/** What a comparison worker (compareWorker.ts) compares: file paths, old then new. */
export interface CompareWorkerInput { oldPath: string; newPath: string }

export type FromCompareWorker =
  | { type: 'done'; comparison: TraceComparison }
  | { type: 'error'; error: string };

