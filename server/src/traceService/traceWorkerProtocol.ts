// Messages between the language server's main thread and a trace worker.
import type { TraceSummary } from '../../../common/traceModel';
import type { LoadPhase, LoadProgress, ViewerQuery } from '../../../common/traceProtocol';

export interface WorkerInput { path: string }

export type ToWorker =
  | { type: 'query'; id: number; query: ViewerQuery }
  | { type: 'cancel' };

export type FromWorker =
  | { type: 'status'; phase: LoadPhase; progress: LoadProgress; summary?: TraceSummary; error?: string }
  | { type: 'result'; id: number; result?: unknown; error?: string };
