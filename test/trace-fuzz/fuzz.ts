// The trace fuzzer: mutates the committed fixture traces and feeds them to the
// reader through CaseRunner for a number of cases (or a time budget, for long runs). Anything but a clean
// read or a TraceError — an exception, a hang, a memory blow-up — is a crasher:
// it is saved under test/fixtures/traces/crashers/ and replayed by crashers.test.ts.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaseRunner, Outcome, OutcomeKind } from './harness';
import { Rng, mutate } from './mutate';

export const fixturesDir = join(__dirname, '../fixtures/traces');
export const crashersDir = join(fixturesDir, 'crashers');
export const readerTarget = join(__dirname, 'target-reader.ts');

export interface Crasher { file: string; outcome: Outcome; mutation: string }
export interface FuzzReport {
  seed: number;
  cases: number;
  counts: Record<OutcomeKind, number>;
  crashers: Crasher[];
}

/**
 * Every committed trace: the programs' traces, the truncated copies and Go's own test traces, in a fixed
 * order so that a seed picks the same inputs on every machine.
 */
export function seedTraces(): { name: string; bytes: Uint8Array }[] {
  const dirs = [fixturesDir, join(fixturesDir, 'go-testsuite')];
  return dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.trace')).sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) })));
}

export function isFailure(kind: OutcomeKind): boolean {
  return kind === 'crash' || kind === 'hang' || kind === 'memory';
}

export function saveCrasher(bytes: Uint8Array, outcome: Outcome, details: Record<string, unknown>): string {
  mkdirSync(crashersDir, { recursive: true });
  const base = join(crashersDir, `${outcome.kind}-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`);
  writeFileSync(`${base}.trace`, bytes);
  writeFileSync(`${base}.json`, `${JSON.stringify({ kind: outcome.kind, message: outcome.message?.slice(0, 2000), ...details }, null, 2)}\n`);
  return `${base}.trace`;
}

/**
 * How long a fuzz run goes: a number of cases (the same cases on any machine: what tests use) or, for
 * exploration, seconds of wall time. With both, whichever ends first.
 */
export interface FuzzBudget { cases?: number; seconds?: number }

/** A predicate that is true while the budget lasts, given the number of cases run so far. */
export function budgetLeft(budget: FuzzBudget): (casesRun: number) => boolean {
  if (budget.cases === undefined && budget.seconds === undefined) throw new Error('a fuzz budget needs cases or seconds');
  const stopAt = budget.seconds === undefined ? Infinity : performance.now() + budget.seconds * 1000;
  return (casesRun) => casesRun < (budget.cases ?? Infinity) && performance.now() < stopAt;
}

export async function fuzzTraces(options: FuzzBudget & { seed: number; log?: (line: string) => void }): Promise<FuzzReport> {
  const seeds = seedTraces();
  const rng = new Rng(options.seed);
  const runner = new CaseRunner({ target: readerTarget });
  const counts: Record<OutcomeKind, number> = { accepted: 0, rejected: 0, crash: 0, hang: 0, memory: 0 };
  const crashers: Crasher[] = [];
  const left = budgetLeft(options);
  let cases = 0;
  try {
    // The unmutated seeds first: a crash on a real trace matters most.
    const inputs = function* () {
      for (const s of seeds) yield { bytes: s.bytes, mutation: `unmutated ${s.name}` };
      for (;;) {
        const input = rng.pick(seeds);
        const other = rng.pick(seeds);
        const m = mutate(rng, input.bytes, other.bytes);
        yield { bytes: m.bytes, mutation: `${input.name} (splice source ${other.name}): ${m.description}` };
      }
    };
    for (const { bytes, mutation } of inputs()) {
      if (!left(cases)) break;
      const outcome = await runner.run(bytes);
      cases++;
      counts[outcome.kind]++;
      if (isFailure(outcome.kind)) {
        const file = saveCrasher(bytes, outcome, { mutation, seed: options.seed, case: cases });
        crashers.push({ file, outcome, mutation });
        options.log?.(`${outcome.kind}: ${mutation}\n  ${outcome.message?.split('\n').slice(0, 3).join('\n  ')}\n  saved as ${file}`);
      }
    }
  } finally {
    await runner.close();
  }
  return { seed: options.seed, cases, counts, crashers };
}
