// Runs a range of generations in a worker thread (rangeWorker.ts, bundled as dist/traceRangeWorker.js).
import { Worker } from 'node:worker_threads';
import type { RangeRunner } from './parallelStats';
import type { RangeResult } from './rangeRead';

/**
 * A RangeRunner on worker threads. `script` is the worker's file; `execArgv` what it runs with (tests
 * pass tsx's loader). A worker that fails or exits without a result rejects (the caller reads on in order).
 */
export function workerRanges(script: string | URL, execArgv?: string[]): RangeRunner {
  return (task, signal) => new Promise<RangeResult>((resolve, reject) => {
    // Its young generation stays small as in the main thread (heap.ts): the flags are per process.
    const worker = new Worker(script, { workerData: task, execArgv });
    let settled = false;
    const finish = (): void => { settled = true; signal.removeEventListener('abort', stop); };
    const stop = (): void => { void worker.terminate(); };
    signal.addEventListener('abort', stop);
    worker.once('message', (result: RangeResult) => { finish(); resolve(result); void worker.terminate(); });
    worker.once('error', (error) => { if (!settled) { finish(); reject(error); } });
    worker.once('exit', (code) => { if (!settled) { finish(); reject(new Error(`range worker exited with code ${code}`)); } });
  });
}
