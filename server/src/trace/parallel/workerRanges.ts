// Runs a range of generations in a worker thread (rangeWorker.ts, bundled as dist/traceRangeWorker.js).
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { RangeRunner } from './parallelStats';
import type { RangeResult, RangeTask } from './rangeRead';

/** A worker waiting for its range; `loaded` settles once it can read one (or has stopped), `failure` if it stops before its result. */
interface Started { worker: Worker; loaded: Promise<void>; failure: Promise<Error> }

/**
 * A RangeRunner on worker threads. `script` is the worker's file (or code, with `options.eval`: tests
 * load the TypeScript source). Workers may start before their ranges are known (`prepare`: they load
 * while the main thread scans and reads the file; `loaded` says when they have) and get their range as
 * a message. A worker that fails or exits without a result rejects (the caller reads on in order).
 */
export function workerRanges(script: string, options: Pick<WorkerOptions, 'eval'> = {}): RangeRunner {
  const ready: Started[] = [];
  const start = (): Started => {
    const worker = new Worker(script, options);
    // Listened to from the start: a worker may fail before it gets its range.
    const failure = new Promise<Error>((resolve) => {
      worker.once('error', resolve);
      worker.once('exit', (code) => resolve(new Error(`range worker exited with code ${code}`)));
    });
    // A worker's first message says it has loaded (rangeWorker.ts); the next one is its result.
    const loaded = Promise.race([new Promise<void>((resolve) => worker.once('message', () => resolve())), failure.then(() => undefined)]);
    return { worker, loaded, failure };
  };
  const run: RangeRunner = (task: RangeTask, signal: AbortSignal) => new Promise<RangeResult>((resolve, reject) => {
    const { worker, loaded, failure } = ready.shift() ?? start();
    const stop = (): void => { void worker.terminate(); };
    signal.addEventListener('abort', stop);
    // Once settled, a later failure (the exit after the result) changes nothing.
    void loaded.then(() => worker.once('message', (result: RangeResult) => { signal.removeEventListener('abort', stop); resolve(result); stop(); }));
    void failure.then((error) => { signal.removeEventListener('abort', stop); reject(error); });
    worker.postMessage(task);
  });
  run.prepare = (count) => {
    for (let i = 0; i < count; i++) ready.push(start());
    return () => { for (const { worker } of ready.splice(0)) void worker.terminate(); };
  };
  run.loaded = () => Promise.all(ready.map((s) => s.loaded)).then(() => undefined);
  return run;
}
