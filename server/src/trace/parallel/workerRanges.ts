// Runs a range of generations in a worker thread (rangeWorker.ts, bundled as dist/traceRangeWorker.js).
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { RangeRunner } from './parallelStats';
import type { RangeResult } from './rangeRead';

/**
 * A RangeRunner on worker threads. `script` is the worker's file (or code, with `options.eval`: tests
 * load the TypeScript source). A worker that fails or exits without a result rejects (the caller reads
 * on in order).
 */
export function workerRanges(script: string, options: Pick<WorkerOptions, 'eval'> = {}): RangeRunner {
  return (task, signal) => new Promise<RangeResult>((resolve, reject) => {
    const worker = new Worker(script, { ...options, workerData: task });
    let settled = false;
    const finish = (): void => { settled = true; signal.removeEventListener('abort', stop); };
    const stop = (): void => { void worker.terminate(); };
    signal.addEventListener('abort', stop);
    worker.once('message', (result: RangeResult) => { finish(); resolve(result); void worker.terminate(); });
    worker.once('error', (error) => { if (!settled) { finish(); reject(error); } });
    worker.once('exit', (code) => { if (!settled) { finish(); reject(new Error(`range worker exited with code ${code}`)); } });
  });
}
