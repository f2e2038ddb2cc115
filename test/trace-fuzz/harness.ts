// Runs one reader case at a time in a worker thread, so that a case which hangs
// (a synchronous loop the event loop never escapes), exhausts the heap or
// allocates from a hostile count is caught and reported instead of taking the
// fuzzer down. The deadline grows with the input: reading must stay linear.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export type OutcomeKind = 'accepted' | 'rejected' | 'crash' | 'hang' | 'memory';

export interface Outcome {
  kind: OutcomeKind;
  /** The error (rejected, crash) or what went wrong (hang, memory). */
  message?: string;
  events: number;
  /** sha256 of what the target printed (accepted or rejected), when the target reports one. */
  digest?: string;
  ms: number;
}

export interface CaseRunnerOptions {
  /** Path of the module whose `readAll(bytes)` reads a trace (see worker.ts for the contract). */
  target: string;
  /** V8 heap limit of the worker. */
  heapMb?: number;
  /** Extra resident memory (beyond the start) that counts as an explosion, ArrayBuffers included. */
  rssGrowthLimitBytes?: number;
  baseDeadlineMs?: number;
  /** Minimum throughput a case must reach before it counts as hung. */
  bytesPerMs?: number;
}

interface Reply { events: number; digest?: string; error?: { name: string; message: string; stack?: string; expected: boolean } }

export class CaseRunner {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly options: Required<CaseRunnerOptions>;

  constructor(options: CaseRunnerOptions) {
    this.options = { heapMb: 512, rssGrowthLimitBytes: 1.5e9, baseDeadlineMs: 3000, bytesPerMs: 20, ...options };
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(join(__dirname, 'worker-bootstrap.mjs'), {
      workerData: { target: this.options.target },
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb, maxYoungGenerationSizeMb: 64 },
    });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return this.ready;
  }

  private async restart(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    await worker?.terminate();
  }

  async run(bytes: Uint8Array): Promise<Outcome> {
    await this.start();
    const worker = this.worker as Worker;
    const deadline = this.options.baseDeadlineMs + bytes.length / this.options.bytesPerMs;
    const rssAtStart = process.memoryUsage.rss();
    const started = performance.now();
    const outcome = await new Promise<Outcome>((resolve) => {
      const ms = () => Math.round(performance.now() - started);
      const finish = (result: Omit<Outcome, 'ms'>) => {
        clearTimeout(timer);
        clearInterval(watch);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve({ ...result, ms: ms() });
      };
      const onMessage = (reply: Reply) => {
        if (!reply.error) finish({ kind: 'accepted', events: reply.events, digest: reply.digest });
        else if (reply.error.expected) finish({ kind: 'rejected', message: reply.error.message, events: reply.events, digest: reply.digest });
        else finish({ kind: 'crash', message: `${reply.error.name}: ${reply.error.message}\n${reply.error.stack ?? ''}`, events: reply.events });
      };
      const onError = (error: Error & { code?: string }) => finish(error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? { kind: 'memory', message: `V8 heap above ${this.options.heapMb} MB`, events: 0 }
        : { kind: 'crash', message: `worker died: ${error.stack ?? error.message}`, events: 0 });
      const onExit = (code: number) => finish({ kind: 'crash', message: `worker exited with code ${code}`, events: 0 });
      const timer = setTimeout(() => finish({ kind: 'hang', message: `no answer within ${Math.round(deadline)} ms for ${bytes.length} bytes`, events: 0 }), deadline);
      const watch = setInterval(() => {
        const growth = process.memoryUsage.rss() - rssAtStart;
        if (growth > this.options.rssGrowthLimitBytes) finish({ kind: 'memory', message: `resident memory grew by ${Math.round(growth / 1e6)} MB`, events: 0 });
      }, 10);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(bytes);
    });
    if (outcome.kind === 'hang' || outcome.kind === 'memory' || outcome.kind === 'crash') await this.restart();
    return outcome;
  }

  async close(): Promise<void> {
    await this.restart();
  }
}
