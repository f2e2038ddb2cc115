// Messages between the language server's main thread and a trace worker.
import type { TraceBreakdowns } from '../../../common/requestModel';
import type { TraceComparison } from '../../../common/traceComparison';
import type { TraceSummary } from '../../../common/traceModel';
import type { MessagePort } from 'node:worker_threads';
import type { LoadPhase, LoadProgress, ViewerQuery } from '../../../common/traceProtocol';
import type { EventBatch } from './eventBatches';

export interface WorkerInput { path: string }

/** The load's reading thread (traceReaderWorker.ts): the trace and the port its batches go through. */
export interface ReaderInput { path: string; port: MessagePort }

export type ToWorker =
  | { type: 'query'; id: number; query: ViewerQuery }
  | { type: 'cancel' };

export type FromWorker =
  | { type: 'status'; phase: LoadPhase; progress: LoadProgress; summary?: TraceSummary; error?: string }
  | { type: 'result'; id: number; result?: unknown; error?: string }
  /** Once loaded, the latency breakdowns per type and call site, from a second read of the trace (absent when it failed). */
  | { type: 'breakdowns'; breakdowns?: TraceBreakdowns };

/** From the reading thread, in the order read: the trace opened, batches of events and progress between them, then its end. */
export type FromReader =
  /** analysed: the count of batches analysed, which the analysing side raises (shared memory). */
  | { type: 'opened'; goVersion: string; timeBase: bigint; analysed: Int32Array }
  | { type: 'batch'; batch: EventBatch }
  | { type: 'progress'; bytesRead: number; totalBytes: number }
  | { type: 'done' }
  | { type: 'error'; message: string; traceError: boolean };

/** To the reading thread: the load cancelled. */
export type ToReader = { type: 'cancel' };

/** What a comparison worker (compareWorker.ts) compares: file paths, old then new. */
export interface CompareWorkerInput { oldPath: string; newPath: string }

export type FromCompareWorker =
  | { type: 'done'; comparison: TraceComparison }
  | { type: 'error'; error: string };
