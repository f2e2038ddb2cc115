// Debounced, cancellable analysis per document. After an edit, a document that has been quiet for
// as long as its last analysis took is analysed at once; while edits keep coming, each waits that
// long (capped by the setting) and a newer edit replaces the pending run. So a small file updates
// on every keystroke, and a file that is slow to analyse takes at most about half the CPU while
// someone types in it, instead of queueing an analysis per keystroke.

export type Run = (isCurrent: () => boolean) => Promise<void> | void;

interface History {
  costMs: number;
  finishedAt: number;
}

export class AnalysisScheduler {
  private readonly pending = new Map<string, { stop: () => void; generation: number }>();
  private readonly history = new Map<string, History>();
  private generation = 0;

  constructor(private maxDelayMs: number) {}

  setMaxDelay(ms: number): void {
    this.maxDelayMs = ms;
  }

  /** `run` is told, between its steps, whether a newer schedule for the same document superseded it. */
  schedule(uri: string, run: Run): void {
    this.cancel(uri);
    const generation = ++this.generation;
    const isCurrent = (): boolean => this.pending.get(uri)?.generation === generation;
    const start = async () => {
      const started = performance.now();
      try {
        await run(isCurrent);
      } finally {
        if (isCurrent()) {
          this.pending.delete(uri);
          const finishedAt = performance.now();
          this.history.set(uri, { costMs: finishedAt - started, finishedAt });
        }
      }
    };
    // No wait: run on the next turn of the event loop (a zero timeout still waits a millisecond or more).
    const delay = this.delayFor(uri);
    let stop: () => void;
    if (delay === 0) {
      const immediate = setImmediate(() => void start());
      stop = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => void start(), delay);
      stop = () => clearTimeout(timer);
    }
    this.pending.set(uri, { stop, generation });
  }

  cancel(uri: string): void {
    this.pending.get(uri)?.stop();
    this.pending.delete(uri);
  }

  forget(uri: string): void {
    this.cancel(uri);
    this.history.delete(uri);
  }

  private delayFor(uri: string): number {
    const last = this.history.get(uri);
    if (!last || performance.now() - last.finishedAt >= last.costMs) return 0;
    return Math.min(this.maxDelayMs, last.costMs);
  }
}
