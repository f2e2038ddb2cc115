// Runs one test, benchmark or fuzz target's seed corpus under `go test -trace`, one package per run
// as the go command requires, and stops the whole process tree (go and the test binary) on cancel.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SETTING_DEFAULTS } from '../../../common/settings';
import type { GoTool } from './goTool';
import type { TestKind } from '../../../common/captureProtocol';
import { CaptureError, checkTraceFile } from './traceFile';

export interface GoTestTarget {
  kind: TestKind;
  /** The function's name: TestX, BenchmarkX or FuzzX. */
  name: string;
  /** The package, as the go command takes it (".", "./orders", a path). */
  pkg: string;
  /** Directory the go command runs in (the module or package directory). */
  cwd: string;
}

export interface GoTestOptions {
  /** Where the trace goes (absolute path). */
  traceFile: string;
  /** Also record CPU samples: `-cpuprofile` writes them to this file (and the trace holds them). */
  cpuProfile?: string;
  /** `-benchtime` for benchmarks; short by default: a trace of a long benchmark is huge. */
  benchtime?: string;
  signal?: AbortSignal;
  onOutput?: (text: string) => void;
}

export interface GoTestResult {
  /** The go command's exit code (0 passed, 1 a test failed or the build failed). */
  exitCode: number;
  output: string;
  /** Set when the trace was written and is a Go trace. */
  traceFile?: string;
  /** The first lines that explain a failure, when the go command failed. */
  failure?: string;
}

export const DEFAULT_BENCHTIME = SETTING_DEFAULTS['goTraceLens.capture.benchtime'];

/** Function names `go test` treats as tests: Test, Benchmark or Fuzz followed by nothing or a non-lowercase rune. */
export function testKindOf(name: string): TestKind | undefined {
  const match = /^(Test|Benchmark|Fuzz)(.*)$/u.exec(name);
  if (!match || /^\p{Ll}/u.test(match[2])) return undefined;
  return match[1] === 'Test' ? 'test' : match[1] === 'Benchmark' ? 'benchmark' : 'fuzz';
}

/** The arguments after `go`: only this function runs (a fuzz target runs its seed corpus, never fuzzes). */
export function goTestArgs(target: GoTestTarget, options: Pick<GoTestOptions, 'traceFile' | 'cpuProfile' | 'benchtime'>, testBinary?: string): string[] {
  const exact = `^${target.name}$`;
  const args = ['test', '-count=1'];
  if (target.kind === 'benchmark') args.push('-run', '^$', '-bench', exact, `-benchtime=${options.benchtime ?? DEFAULT_BENCHTIME}`);
  else args.push('-run', exact);
  args.push(`-trace=${options.traceFile}`);
  // -cpuprofile also writes the test binary, into the current directory unless -o says where.
  if (options.cpuProfile) args.push(`-cpuprofile=${options.cpuProfile}`, '-o', testBinary ?? 'capture.test');
  args.push(target.pkg);
  return args;
}

/** Stops a process and everything it started (go runs the test binary as its child). */
function killTree(pid: number): void {
  try {
    if (process.platform === 'win32') spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
    else process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The lines that say why the go command failed: the first failing test's lines, else the first lines. */
export function failureSummary(output: string, maxLines = 6): string {
  const lines = output.split(/\r?\n/).filter((line) => line.trim() !== '' && !/^(=== (RUN|PAUSE|CONT|NAME)|goos:|goarch:|pkg:|cpu:)/.test(line));
  const failed = lines.findIndex((line) => /^\s*--- FAIL/.test(line));
  return lines.slice(failed >= 0 ? failed : 0, (failed >= 0 ? failed : 0) + maxLines).join('\n');
}

/**
 * Runs the go command. The trace is written to a scratch folder and moved to `traceFile` only when
 * it is a Go trace, so a cancelled or failed run leaves nothing behind. Throws a CaptureError when
 * cancelled or when go cannot start.
 */
export async function runGoTest(go: GoTool, target: GoTestTarget, options: GoTestOptions): Promise<GoTestResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'go-trace-lens-capture-'));
  try {
    const scratchTrace = join(scratch, 'capture.trace');
    const args = goTestArgs(target, { ...options, traceFile: scratchTrace }, join(scratch, 'capture.test'));
    const { exitCode, output } = await run(go, args, target.cwd, options);
    const result: GoTestResult = { exitCode, output };
    if (exitCode !== 0) result.failure = failureSummary(output);
    if (existsSync(scratchTrace)) {
      checkTraceFile(scratchTrace, 'The file go test wrote');
      renameOrCopy(scratchTrace, options.traceFile);
      result.traceFile = options.traceFile;
    }
    return result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function renameOrCopy(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    // Another file system: copy to a sibling and rename, so `to` never holds half a trace.
    const sibling = `${to}.partial`;
    copyFileSync(from, sibling);
    renameSync(sibling, to);
  }
}

function run(go: GoTool, args: string[], cwd: string, options: GoTestOptions): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new CaptureError('Cancelled.'));
      return;
    }
    const child = spawn(go.binary, args, { cwd, env: go.env, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let cancelled = false;
    const onAbort = (): void => {
      cancelled = true;
      if (child.pid !== undefined) killTree(child.pid);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(new CaptureError(`Could not run ${go.binary}: ${error.message}`));
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (cancelled) reject(new CaptureError('Cancelled.'));
      else resolve({ exitCode: code ?? 1, output });
    });
  });
}
