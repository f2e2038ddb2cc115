// Progress of a long CLI command on stderr, shown only on a terminal (never in pipes, files or CI
// logs): one line rewritten in place, at most every PROGRESS_INTERVAL_MS, erased before the output.

const PROGRESS_INTERVAL_MS = 200;
const ERASE_LINE = '\r\x1b[K';

/** The parts of a stream the progress line needs (process.stderr in the CLI). */
export interface ProgressStream { isTTY?: boolean; write(text: string): unknown }

export class TerminalProgress {
  private lastShown = -Infinity;
  private shown = false;

  constructor(private readonly out: ProgressStream = process.stderr, private readonly now: () => number = Date.now) {}

  /** Shows the line `text()` builds, unless one was shown less than an interval ago. */
  update(text: () => string): void {
    if (!this.out.isTTY) return;
    const now = this.now();
    if (now - this.lastShown < PROGRESS_INTERVAL_MS) return;
    this.lastShown = now;
    this.out.write(`${ERASE_LINE}${text()}`);
    this.shown = true;
  }

  /** Erases the line, so that what is printed next starts on a clean line. */
  clear(): void {
    if (!this.shown) return;
    this.out.write(ERASE_LINE);
    this.shown = false;
  }
}
