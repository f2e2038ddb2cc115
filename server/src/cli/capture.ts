// `go-trace-lens capture test [-bench] NAME PKG -o FILE [--cpuprofile FILE] [--benchtime D]`
// `go-trace-lens capture url URL [--seconds N] -o FILE`
// Exit codes: 0 captured, 1 capture failed (build or test failed, server refused, not a trace), 2 usage.
import { resolve } from 'node:path';
import { findGo, GoNotFoundError } from '../capture/goTool';
import { runGoTest, testKindOf } from '../capture/goTest';
import type { TestKind } from '../../../common/captureProtocol';
import { captureHttp } from '../capture/httpCapture';
import { CaptureError } from '../capture/traceFile';
import { TerminalProgress } from './progress';

const usage = `usage: go-trace-lens capture test [-bench] NAME PKG -o FILE [--cpuprofile FILE] [--benchtime D]
       go-trace-lens capture url URL [--seconds N] -o FILE

capture test   runs one test, benchmark (-bench, or a Benchmark name) or fuzz target's seed corpus
               with go test -trace; PKG is one package as the go command takes it ("." or ./pkg).
               The go command is the one on PATH.
capture url    records a trace from net/http/pprof's /debug/pprof/trace (--seconds N sets the window)
               or downloads a flight-recorder snapshot (no --seconds).
Exit status: 0 captured, 1 capture failed, 2 usage error.
`;

class UsageError extends Error {}

function parse(args: string[], valueFlags: string[], boolFlags: string[]): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const bare = name.replace(/^--?/, '');
    if (boolFlags.includes(bare)) flags.set(bare, 'true');
    else if (valueFlags.includes(bare)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(bare, value);
    } else throw new UsageError(`unknown flag ${name}`);
  }
  return { flags, positional };
}

async function captureTest(args: string[], progress: TerminalProgress): Promise<number> {
  const { flags, positional } = parse(args, ['o', 'cpuprofile', 'benchtime'], ['bench']);
  const out = flags.get('o');
  if (positional.length !== 2 || !out) throw new UsageError('capture test needs NAME, PKG and -o FILE');
  const [name, pkg] = positional;
  const kind: TestKind | undefined = flags.has('bench') ? 'benchmark' : testKindOf(name);
  if (!kind) throw new UsageError(`"${name}" is not a test, benchmark or fuzz function name`);
  const go = findGo({});
  const started = Date.now();
  const result = await runGoTest(go, { kind, name, pkg, cwd: process.cwd() }, {
    traceFile: resolve(out),
    cpuProfile: flags.has('cpuprofile') ? resolve(flags.get('cpuprofile') ?? '') : undefined,
    benchtime: flags.get('benchtime'),
    onOutput: (text) => { progress.clear(); process.stderr.write(text); },
  });
  if (result.exitCode !== 0) {
    process.stderr.write(`go-trace-lens: go test failed (exit ${result.exitCode})${result.traceFile ? `; the trace is in ${out} anyway` : ''}\n`);
    return 1;
  }
  if (!result.traceFile) {
    process.stderr.write(`go-trace-lens: go test wrote no trace (did ${name} run? check the name and the package)\n`);
    return 1;
  }
  process.stderr.write(`go-trace-lens: wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

async function captureFromUrl(args: string[], progress: TerminalProgress): Promise<number> {
  const { flags, positional } = parse(args, ['o', 'seconds'], []);
  const out = flags.get('o');
  if (positional.length !== 1 || !out) throw new UsageError('capture url needs URL and -o FILE');
  const secondsText = flags.get('seconds');
  const seconds = secondsText === undefined ? undefined : Number(secondsText);
  if (seconds !== undefined && !(seconds > 0 && Number.isFinite(seconds))) throw new UsageError(`--seconds must be a positive number, not "${secondsText}"`);
  const result = await captureHttp(positional[0], {
    seconds, out: resolve(out),
    onProgress: ({ bytes, elapsedMs }) => progress.update(() =>
      `go-trace-lens: ${(elapsedMs / 1000).toFixed(0)}${seconds ? `/${seconds}` : ''} s, ${(bytes / 1024).toFixed(0)} KiB`),
  });
  progress.clear();
  process.stderr.write(`go-trace-lens: wrote ${out} (${result.bytes} bytes) in ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
  return 0;
}

export async function runCapture(args: string[]): Promise<number> {
  const [what, ...rest] = args;
  const progress = new TerminalProgress();
  try {
    if (what === 'test') return await captureTest(rest, progress);
    if (what === 'url') return await captureFromUrl(rest, progress);
    if (what === '-h' || what === '--help') {
      process.stdout.write(usage);
      return 0;
    }
    throw new UsageError(what === undefined ? 'capture needs "test" or "url"' : `unknown capture kind "${what}"`);
  } catch (error) {
    progress.clear();
    if (error instanceof UsageError) {
      process.stderr.write(`go-trace-lens: ${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof CaptureError || error instanceof GoNotFoundError) {
      process.stderr.write(`go-trace-lens: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
