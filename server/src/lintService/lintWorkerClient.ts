// The main thread's side of the lint worker. Jobs are queued here and handed over one at a time, so
// a queued lint of a document is dropped when a newer version arrives, and the running one can be
// stopped: if a newer version of its document waits behind it for long, or it exceeds the time
// limit, the worker is terminated and a fresh one takes the remaining jobs (re-parsing from scratch).
import { Worker } from 'node:worker_threads';
import type { Finding, LintOptions } from '../analysis/types';
import type { WorkerJob, WorkerResponse, WorkerResults, WorkerStats } from './lintWorkerProtocol';

export class JobCancelled extends Error {}
export class JobTimedOut extends Error {}

/** A superseded lint may finish if it is this close to done; beyond, restarting is cheaper. */
const SUPERSEDE_AFTER_MS = 250;

interface QueuedJob {
  id: number;
  job: WorkerJob;
  resolve: (result: never) => void;
  reject: (error: Error) => void;
  startedAt?: number;
}

export class LintWorkerClient {
  private worker: Worker | undefined;
  private readonly queue: QueuedJob[] = [];
  private running: QueuedJob | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private nextId = 0;
  private disposed = false;

  constructor(private readonly script: string, private timeoutMs: number, private readonly log: (message: string) => void) {}

  setTimeout(ms: number): void {
    this.timeoutMs = ms;
  }

  lint(uri: string, text: string, options: LintOptions): Promise<Finding[]> {
    for (const queued of this.queue.filter((q) => q.job.kind === 'lint' && q.job.uri === uri)) {
      this.queue.splice(this.queue.indexOf(queued), 1);
      queued.reject(new JobCancelled());
    }
    const running = this.running;
    if (running?.job.kind === 'lint' && running.job.uri === uri && performance.now() - running.startedAt! > SUPERSEDE_AFTER_MS) {
      this.restart(running, new JobCancelled());
    }
    return this.submit<'lint'>({ kind: 'lint', uri, text, options });
  }

  fixAll(text: string, options: LintOptions, findings: Finding[]): Promise<string> {
    return this.submit<'fixAll'>({ kind: 'fixAll', text, options, findings });
  }

  async close(uri: string): Promise<void> {
    await this.submit<'close'>({ kind: 'close', uri });
  }

  stats(): Promise<WorkerStats> {
    return this.submit<'stats'>({ kind: 'stats' });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.watchdog);
    void this.worker?.terminate();
    this.worker = undefined;
    for (const job of [...this.queue, ...(this.running ? [this.running] : [])]) job.reject(new JobCancelled());
    this.queue.length = 0;
    this.running = undefined;
  }

  private submit<K extends WorkerJob['kind']>(job: WorkerJob & { kind: K }): Promise<WorkerResults[K]> {
    if (this.disposed) return Promise.reject(new JobCancelled());
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.nextId, job, resolve: resolve as (result: never) => void, reject });
      this.pump();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (response: WorkerResponse) => this.finish(response));
    worker.on('error', (error) => this.log(`lint worker failed: ${error.stack ?? error.message}`));
    worker.on('exit', () => {
      if (this.worker !== worker) return; // terminated on purpose
      this.worker = undefined;
      if (this.running) this.restart(this.running, new Error('the lint worker exited'));
    });
    this.worker = worker;
    return worker;
  }

  private pump(): void {
    if (this.running || this.queue.length === 0 || this.disposed) return;
    const next = this.queue.shift()!;
    next.startedAt = performance.now();
    this.running = next;
    this.ensureWorker().postMessage({ id: next.id, job: next.job });
    this.watchdog = setTimeout(() => {
      this.log(`lint job ${describe(next.job)} took longer than ${this.timeoutMs} ms; restarting the lint worker`);
      this.restart(next, new JobTimedOut());
    }, this.timeoutMs);
  }

  private finish(response: WorkerResponse): void {
    const job = this.running;
    if (!job || job.id !== response.id) return;
    clearTimeout(this.watchdog);
    this.running = undefined;
    if (response.ok) job.resolve(response.result as never);
    else job.reject(new Error(response.error));
    this.pump();
  }

  /** Drops the worker (and every tree it held) with the running job; queued jobs go to a new one. */
  private restart(job: QueuedJob, reason: Error): void {
    clearTimeout(this.watchdog);
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.running = undefined;
    job.reject(reason);
    this.pump();
  }
}

function describe(job: WorkerJob): string {
  return 'uri' in job ? `${job.kind} ${job.uri}` : job.kind;
}
