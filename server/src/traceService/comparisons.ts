// Trace comparisons run for the comparison view: one worker thread each (compareWorker.ts), so reading
// two large traces never blocks the language server. Finished comparisons stay until closed: the
// latest one open feeds the CodeLens.
import { Worker } from 'node:worker_threads';
import type { TraceComparison } from '../../../common/traceComparison';
import type { CompareWorkerInput, FromCompareWorker } from './traceWorkerProtocol';

/** Heap of one comparison's worker, as for a trace's worker. */
const WORKER_HEAP_MB = 4096;

export class ComparisonRunner {
  private readonly running = new Map<string, Worker>();
  /** Finished and still open, in the order they finished. */
  private readonly done = new Map<string, TraceComparison>();

  /** workerScript: the bundled worker (dist/compareWorker.js); onChange runs when the open comparisons change. */
  constructor(private readonly workerScript: string, private readonly onChange: () => void) {}

  run(id: string, oldPath: string, newPath: string): Promise<TraceComparison> {
    this.close(id);
    const worker = new Worker(this.workerScript, {
      workerData: { oldPath, newPath } satisfies CompareWorkerInput, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    this.running.set(id, worker);
    return new Promise<TraceComparison>((resolve, reject) => {
      const finish = (): boolean => {
        const mine = this.running.get(id) === worker;
        if (mine) this.running.delete(id);
        void worker.terminate();
        return mine;
      };
      worker.on('message', (message: FromCompareWorker) => {
        if (!finish()) return reject(new Error('the comparison was closed'));
        if (message.type === 'error') return reject(new Error(message.error));
        this.done.set(id, message.comparison);
        this.onChange();
        resolve(message.comparison);
      });
      worker.on('error', (error) => {
        finish();
        reject(new Error((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `comparing these traces needs more than ${WORKER_HEAP_MB} MB of memory` : `the comparison failed: ${error.message}`));
      });
      worker.on('exit', () => {
        if (this.running.get(id) === worker) {
          this.running.delete(id);
          reject(new Error('the comparison was stopped'));
        }
      });
    });
  }

  /** Stops a running comparison or forgets a finished one. */
  close(id: string): void {
    const worker = this.running.get(id);
    this.running.delete(id);
    void worker?.terminate();
    if (this.done.delete(id)) this.onChange();
  }

  /** The comparison that finished last among those still open. */
  latest(): { id: string; comparison: TraceComparison } | undefined {
    const last = [...this.done].pop();
    return last && { id: last[0], comparison: last[1] };
  }
}
