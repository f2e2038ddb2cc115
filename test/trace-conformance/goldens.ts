// The committed conformance material (see test/fixtures/traces/README.md) and a
// diff that points at the first line where our output leaves Go's.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const fixturesDir = join(__dirname, '../fixtures/traces');
export const testsuiteDir = join(fixturesDir, 'go-testsuite');
export const divergencesDir = join(fixturesDir, 'divergences');

export interface Verdict { goAccepts: boolean; goError?: string; expect?: string; source?: string }

export interface GoldenCase {
  name: string;
  tracePath: string;
  /** What Go 1.26's `go tool trace -d=parsed` prints on stdout. */
  golden: () => Buffer;
  verdict: Verdict;
}

/** Every .trace in dir with its golden dump; a trace without .verdict.json is one Go accepts. */
export function goldenCases(dir: string): GoldenCase[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.trace')).sort().map((file) => {
    const base = join(dir, file.replace(/\.trace$/, ''));
    const verdictPath = `${base}.verdict.json`;
    return {
      name: file,
      tracePath: join(dir, file),
      golden: () => gunzipSync(readFileSync(`${base}.parsed.golden.gz`)),
      verdict: existsSync(verdictPath) ? (JSON.parse(readFileSync(verdictPath, 'utf8')) as Verdict) : { goAccepts: true },
    };
  });
}

const cli = join(__dirname, '../../dist/cli.js');

/** Runs the built CLI's `trace dump`, as users do. */
export function runDump(tracePath: string) {
  return spawnSync(process.execPath, [cli, 'trace', 'dump', tracePath], { maxBuffer: 1 << 30 });
}

/** undefined when equal; otherwise where and how the outputs first differ. */
export function firstDifference(ours: Buffer | string, go: Buffer): string | undefined {
  const mine = typeof ours === 'string' ? Buffer.from(ours) : ours;
  if (mine.equals(go)) return undefined;
  let at = 0;
  while (at < mine.length && at < go.length && mine[at] === go[at]) at++;
  const lineStart = mine.lastIndexOf(10, at - 1) + 1;
  const line = mine.subarray(0, lineStart).toString().split('\n').length;
  const excerpt = (b: Buffer) => b.subarray(lineStart, lineStart + 400).toString().split('\n').slice(0, 3).join('\n      ');
  return `first difference at byte ${at}, line ${line} (ours ${mine.length} bytes, Go ${go.length}):\n` +
    `  ours: ${excerpt(mine)}\n  Go:   ${excerpt(go)}`;
}

/** An error message for users: one line of text, no JavaScript stack. */
export function assertCleanError(stderr: string): string | undefined {
  if (stderr.trim() === '') return 'no error message on stderr';
  if (/^\s+at .+:\d+:\d+\)?$/m.test(stderr)) return `stack trace on stderr:\n${stderr}`;
  return undefined;
}

/**
 * Counts, per category, the cases whose dump and verdict were identical to Go's, so that every run states
 * how much of the conformance material agrees (the per-case tests say which case does not).
 */
export class ConformanceTally {
  private readonly counts = new Map<string, { identical: number; total: number }>();

  /** Runs a case's assertions and counts it as identical if none failed. */
  async check(category: string, assertions: () => void | Promise<void>): Promise<void> {
    const c = this.counts.get(category) ?? { identical: 0, total: 0 };
    this.counts.set(category, c);
    c.total++;
    await assertions();
    c.identical++;
  }

  get total(): { identical: number; total: number } {
    let identical = 0, total = 0;
    for (const c of this.counts.values()) { identical += c.identical; total += c.total; }
    return { identical, total };
  }

  summary(): string {
    const { identical, total } = this.total;
    const parts = [...this.counts].map(([category, c]) => `${category} ${c.identical}/${c.total}`);
    return `${identical}/${total} identical to Go 1.26 (${parts.join(', ')})`;
  }
}
