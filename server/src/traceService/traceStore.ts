// The traces loaded in the language server: one worker thread per trace,
// holding the reader and the analyzer; the main thread keeps only the
// latest status (with its summary) for CodeLens, hovers and diagnostics.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TraceBreakdowns } from '../../../common/requestModel';
import type { TraceStatus, ViewerQuery, ViewerQueryResult } from '../../../common/traceProtocol';
import type { FromWorker, ToWorker, WorkerInput } from './traceWorkerProtocol';

/** Heap of one trace's worker; the 500 MB benchmark trace needs well under this. */
const WORKER_HEAP_MB = 4096;

export interface LoadedTrace {
  status: TraceStatus;
  openedAt: number;
  /** Latency breakdowns per type and call site: after loading, once the worker's breakdown pass is done. */
  breakdowns?: TraceBreakdowns;
}

export class TraceStore {
  private readonly traces = new Map<string, { trace: LoadedTrace; worker: Worker; pending: Map<number, (m: FromWorker & { type: 'result' }) => void> }>();
  private nextQuery = 1;
  private opened = 0;

  /** workerScript: the bundled worker (dist/traceWorker.js). onStatus runs for every status change (the breakdowns' arrival is one). */
  constructor(private readonly workerScript: string, private readonly onStatus: (status: TraceStatus) => void) {}

  open(traceId: string, uri: string): void {
    this.close(traceId);
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      throw new Error(`not a file URI: ${uri}`);
    }
    // The heap limit keeps a runaway trace to its own worker: past it the worker dies with an error, the server lives on.
    const worker = new Worker(this.workerScript, { workerData: { path } satisfies WorkerInput, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const trace: LoadedTrace = {
      status: { traceId, uri, phase: 'loading', progress: { bytesRead: 0, totalBytes: 0, generations: 0, events: 0 } },
      openedAt: ++this.opened,
    };
    const pending = new Map<number, (m: FromWorker & { type: 'result' }) => void>();
    this.traces.set(traceId, { trace, worker, pending });
    const update = (next: Partial<TraceStatus>): void => {
      if (this.traces.get(traceId)?.worker !== worker) return;
      trace.status = { ...trace.status, ...next };
      this.onStatus(trace.status);
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'status') update({ phase: message.phase, progress: message.progress, summary: message.summary ?? trace.status.summary, error: message.error });
      else if (message.type === 'breakdowns') {
        if (this.traces.get(traceId)?.worker !== worker) return;
        trace.breakdowns = message.breakdowns;
        update({ breakdowns: message.breakdowns === undefined ? 'failed' : 'ready' });
      } else pending.get(message.id)?.(message);
    });
    // A worker that dies (out of memory, a bug) takes only its trace down, never the server.
    worker.on('error', (error) => update({
      phase: 'error',
      error: (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `reading this trace needs more than ${WORKER_HEAP_MB} MB of memory; the views show what was read before it stopped`
        : `the trace reader failed: ${error.message}`,
    }));
    worker.on('exit', (code) => {
      for (const resolve of pending.values()) resolve({ type: 'result', id: 0, error: 'the trace was closed' });
      pending.clear();
      if (trace.status.phase === 'loading') update({ phase: 'error', error: `the trace reader stopped (exit code ${code})` });
    });
  }

  status(traceId: string): TraceStatus | undefined {
    return this.traces.get(traceId)?.trace.status;
  }

  cancel(traceId: string): void {
    this.traces.get(traceId)?.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
  }

  close(traceId: string): void {
    const entry = this.traces.get(traceId);
    if (!entry) return;
    this.traces.delete(traceId);
    void entry.worker.terminate();
  }

  closeAll(): void {
    for (const id of [...this.traces.keys()]) this.close(id);
  }

  query<Q extends ViewerQuery>(traceId: string, query: Q): Promise<ViewerQueryResult[Q['kind']]> {
    const entry = this.traces.get(traceId);
    if (!entry) return Promise.reject(new Error('this trace is not open'));
    const id = this.nextQuery++;
    return new Promise((resolve, reject) => {
      entry.pending.set(id, (message) => {
        entry.pending.delete(id);
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve(message.result as ViewerQueryResult[Q['kind']]);
      });
      entry.worker.postMessage({ type: 'query', id, query } satisfies ToWorker);
    });
  }

  /** The trace the CodeLens and diagnostics speak for: the most recently opened one with data. */
  current(): LoadedTrace | undefined {
    let best: LoadedTrace | undefined;
    for (const { trace } of this.traces.values()) {
      if (trace.status.summary && (!best || trace.openedAt > best.openedAt)) best = trace;
    }
    return best;
  }
}
