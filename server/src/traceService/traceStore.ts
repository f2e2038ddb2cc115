// The traces loaded in the language server: one worker thread per trace,
// holding the reader and the analyzer; the main thread keeps the latest
// status (with its summary) for CodeLens, hovers and diagnostics, and builds
// the timeline and the Tasks view's store of large traces (replayedIndex.ts).
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TraceBreakdowns } from '../../../common/requestModel';
import type { TraceStatus, ViewerQuery, ViewerQueryResult } from '../../../common/traceProtocol';
import { collectGarbage, startMarkingEarly } from '../trace/heap';
import { ReplayedIndex, replayWanted, type IndexPlacement } from './replayedIndex';
import type { FromWorker, ToWorker, WorkerInput } from './traceWorkerProtocol';

/**
 * Where the viewer's indexes are built (replayedIndex.ts): 'auto' unless the environment says
 * otherwise, for the tests and benchmarks that compare both.
 */
function indexPlacement(): IndexPlacement {
  const placement = process.env.GO_TRACE_LENS_INDEXES;
  return placement === 'main' || placement === 'worker' ? placement : 'auto';
}

/** Heap of one trace's worker; the 500 MB benchmark trace needs well under this. */
const WORKER_HEAP_MB = 4096;

export interface LoadedTrace {
  status: TraceStatus;
  openedAt: number;
  /** Latency breakdowns per type and call site: after loading, once the worker's breakdown pass is done. */
  breakdowns?: TraceBreakdowns;
}

/** The queries answered by a ReplayedIndex. */
const INDEX_QUERIES: ReadonlySet<ViewerQuery['kind']> = new Set(['timeline', 'taskList', 'taskExplanation']);

interface TraceEntry {
  trace: LoadedTrace;
  worker: Worker;
  pending: Map<number, (m: FromWorker & { type: 'result' }) => void>;
  /** The timeline and the Tasks view's store, when built on this thread. */
  indexes?: ReplayedIndex;
}

export class TraceStore {
  private readonly traces = new Map<string, TraceEntry>();
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
    const indexes = replayWanted(indexPlacement(), path) ? new ReplayedIndex() : undefined;
    // Two isolates then hold a large trace's data, this one mostly its replay's garbage: each starts
    // marking early (heap.ts), 4-6 MB lower at the peak on the 100 MB benchmark traces.
    if (indexes) startMarkingEarly();
    const workerData: WorkerInput = { path, indexRing: indexes?.ring };
    const worker = new Worker(this.workerScript, { workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const trace: LoadedTrace = {
      status: { traceId, uri, phase: 'loading', progress: { bytesRead: 0, totalBytes: 0, generations: 0, events: 0 } },
      openedAt: ++this.opened,
    };
    const pending = new Map<number, (m: FromWorker & { type: 'result' }) => void>();
    this.traces.set(traceId, { trace, worker, pending, indexes });
    const update = (next: Partial<TraceStatus>): void => {
      if (this.traces.get(traceId)?.worker !== worker) return;
      trace.status = { ...trace.status, ...next };
      this.onStatus(trace.status);
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'index') indexes?.receive(message);
      else if (message.type === 'status') {
        update({ phase: message.phase, progress: message.progress, summary: message.summary ?? trace.status.summary, error: message.error });
        // The replayed indexes are built: their growth's garbage goes before the worker's next reads add to the peak.
        if (indexes && message.phase !== 'loading') setImmediate(collectGarbage);
      } else if (message.type === 'breakdowns') {
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
    const { indexes } = entry;
    if (indexes !== undefined && INDEX_QUERIES.has(query.kind)) {
      try {
        return Promise.resolve(this.fromIndexes(indexes, entry, query) as Promise<ViewerQueryResult[Q['kind']]>);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.ask(entry, (id) => ({ type: 'query', id, query })) as Promise<ViewerQueryResult[Q['kind']]>;
  }

  /** The queries of the indexes built on this thread; an explanation still reads the trace in the worker. */
  private fromIndexes(indexes: ReplayedIndex, entry: TraceEntry, query: ViewerQuery): unknown {
    switch (query.kind) {
      case 'timeline': return indexes.timelineQuery(query.query);
      case 'taskList': return indexes.taskList(query.query);
      case 'taskExplanation': {
        const found = indexes.taskToExplain(query.id);
        return found === undefined ? null : this.ask(entry, (id) => ({ type: 'explain', id, ...found }));
      }
      default: throw new Error(`not a query of the indexes: ${query.kind}`);
    }
  }

  private ask(entry: TraceEntry, message: (id: number) => ToWorker): Promise<unknown> {
    const id = this.nextQuery++;
    return new Promise((resolve, reject) => {
      entry.pending.set(id, (answer) => {
        entry.pending.delete(id);
        if (answer.error !== undefined) reject(new Error(answer.error));
        else resolve(answer.result);
      });
      entry.worker.postMessage(message(id));
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
