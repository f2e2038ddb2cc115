// Differential fuzzing: every mutated trace goes to our reader and to Go 1.26's
// (test/trace-fuzz/goverdict, built inside Go's tree), and the two must agree on
// the verdict and on every event printed before the end or the error. A
// disagreement is saved under test/fixtures/traces/divergences/ with Go's dump
// and verdict, where the conformance tests replay it; a crash, hang or memory
// blow-up of ours is saved as a crasher.
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { CaseRunner, Outcome } from './harness';
import { Rng, mutate } from './mutate';
import { headerMinor } from './wire';
import { budgetLeft, isFailure, readerTarget, saveCrasher, seedTraces, type FuzzBudget } from './fuzz';
import { divergencesDir } from '../trace-conformance/goldens';

const GO = '1.26';

interface GoAnswer { accepts: boolean; error?: string; events: number; dumpSha256: string }

/** A long-running goverdict process; undefined answers mean Go itself crashed or hung on the input. */
class GoOracle {
  private child!: ChildProcessWithoutNullStreams;
  private pending: ((answer: GoAnswer | undefined) => void) | undefined;

  constructor(private readonly binary: string) { this.start(); }

  private start() {
    this.child = spawn(this.binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.settle(JSON.parse(line) as GoAnswer));
    this.child.on('exit', () => this.settle(undefined));
    this.child.stdin.on('error', () => this.settle(undefined));
  }

  private settle(answer: GoAnswer | undefined) {
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.(answer);
  }

  ask(bytes: Uint8Array, timeoutMs: number): Promise<GoAnswer | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.child.kill('SIGKILL'); }, timeoutMs);
      this.pending = (answer) => {
        clearTimeout(timer);
        if (!answer) this.start();
        resolve(answer);
      };
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      this.child.stdin.write(length);
      this.child.stdin.write(bytes);
    });
  }

  close() { this.child.stdin.end(); }
}

export async function buildGoOracle(dir: string): Promise<string> {
  const { buildInsideGoroot } = await import('../../scripts/go-toolchain.mjs');
  return buildInsideGoroot(GO, join(__dirname, 'goverdict/main.go'), 'internal/trace/lensgoverdict', join(dir, 'goverdict'));
}

/** Go's own dump of a divergent case, so it becomes a conformance fixture like the others. */
async function saveDivergence(dir: string, bytes: Uint8Array, ours: Outcome, go: GoAnswer, mutation: string): Promise<string> {
  const { goEnv, requireGo } = await import('../../scripts/go-toolchain.mjs');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, createHash('sha256').update(bytes).digest('hex').slice(0, 12));
  writeFileSync(`${base}.trace`, bytes);
  let dump: Buffer;
  try {
    dump = execFileSync(requireGo(GO), ['tool', 'trace', '-d=parsed', `${base}.trace`], { env: goEnv(GO), maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    dump = (error as { stdout: Buffer }).stdout;
  }
  writeFileSync(`${base}.parsed.golden.gz`, gzipSync(dump, { level: 9 }));
  const verdict = { goAccepts: go.accepts, goError: go.error, goEvents: go.events, mutation, ours: { kind: ours.kind, error: ours.message, events: ours.events } };
  writeFileSync(`${base}.verdict.json`, `${JSON.stringify(verdict, null, 2)}\n`);
  return `${base}.trace`;
}

export interface DifferentialReport { seed: number; cases: number; agreed: number; goFailed: number; divergences: string[]; crashers: string[] }

/** saveDir: where divergences go (default: the committed divergences/ directory). */
export async function differentialFuzz(
  options: FuzzBudget & { seed: number; saveDir?: string; log?: (line: string) => void },
): Promise<DifferentialReport> {
  const work = mkdtempSync(join(tmpdir(), 'goverdict-'));
  const oracle = new GoOracle(await buildGoOracle(work));
  const runner = new CaseRunner({ target: readerTarget });
  const seeds = seedTraces();
  const rng = new Rng(options.seed);
  const report: DifferentialReport = { seed: options.seed, cases: 0, agreed: 0, goFailed: 0, divergences: [], crashers: [] };
  const left = budgetLeft(options);
  try {
    while (left(report.cases)) {
      const [input, other] = [rng.pick(seeds), rng.pick(seeds)];
      const m = mutate(rng, input.bytes, other.bytes);
      const mutation = `${input.name} (splice source ${other.name}): ${m.description}`;
      const ours = await runner.run(m.bytes);
      report.cases++;
      if (isFailure(ours.kind)) {
        report.crashers.push(saveCrasher(m.bytes, ours, { mutation, seed: options.seed, case: report.cases }));
        options.log?.(`${ours.kind}: ${mutation}: ${ours.message?.split('\n')[0]}`);
        continue;
      }
      // Go still reads the v1 format (Go ≤ 1.21); we reject it on purpose with an explanation.
      const minor = headerMinor(m.bytes);
      if (minor !== undefined && minor < 22) continue;
      const go = await oracle.ask(m.bytes, 10_000);
      if (!go) { report.goFailed++; continue; }
      if ((ours.kind === 'accepted') === go.accepts && ours.digest === go.dumpSha256) {
        report.agreed++;
        continue;
      }
      const file = await saveDivergence(options.saveDir ?? divergencesDir, m.bytes, ours, go, mutation);
      report.divergences.push(file);
      options.log?.(`divergence: ${mutation}\n  Go: ${go.accepts ? 'accepts' : go.error} (${go.events} events); ours: ${ours.kind} ${ours.message ?? ''} (${ours.events} events)\n  saved as ${file}`);
    }
  } finally {
    oracle.close();
    await runner.close();
    rmSync(work, { recursive: true, force: true });
  }
  return report;
}
