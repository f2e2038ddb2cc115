// What the benchmarks share: the traces they read (three shapes of service, generated once per size), and measuring a process from /proc
// (peak RSS as the kernel's own high-water mark, user + system CPU seconds of all its threads), so
// no extra tool is needed.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { buildInsideGoroot, goEnv, goroot, repoRoot } from '../scripts/go-toolchain.mjs';

export const GO = '1.26';
export const MB = 1e6;
export const cacheDir = join(repoRoot, '.cache/bench');

/**
 * The shapes of trace the benchmarks read, each a Go program run until its trace reaches the size:
 * a worker pool serving requests (busyservice), a goroutine per request like net/http with fan-out
 * child tasks (perrequest: ~4,300 goroutines per MB), and a GC-heavy allocation workload (gcheavy).
 */
export const SHAPES = {
  busyservice: { program: join(repoRoot, 'test/fixtures/traces/programs/busyservice/main.go'), args: ['-duration', '10m'] },
  perrequest: { program: join(repoRoot, 'bench/go/perrequest/main.go'), args: [] },
  gcheavy: { program: join(repoRoot, 'bench/go/gcheavy/main.go'), args: [] },
};

/** A short hash of a source file and the Go version, naming what was built or generated from it. */
export function sourceHash(path) {
  return createHash('sha256').update(readFileSync(path)).update(GO).digest('hex').slice(0, 10);
}

/**
 * A trace of about `mb` MB, generated once per program version into cacheDir: `shape` is a key of
 * SHAPES (default busyservice), given alone or as { shape, workers, generationMs }; `workers` other
 * than the busy service's default (32 concurrent handlers) gives a second trace of another shape.
 * `generationMs` sets the tracer's period between generations (GODEBUG traceadvanceperiod; Go's
 * default is about a second), so a small trace has several generations however fast the machine
 * writes it.
 */
export function benchTrace(mb, shapeOrOptions = {}) {
  const { shape = 'busyservice', workers, generationMs } = typeof shapeOrOptions === 'string' ? { shape: shapeOrOptions } : shapeOrOptions;
  const { program, args } = SHAPES[shape] ?? {};
  if (!program) throw new Error(`unknown trace shape ${shape}: one of ${Object.keys(SHAPES).join(', ')}`);
  const variant = `${workers === undefined ? '' : `-w${workers}`}${generationMs === undefined ? '' : `-gen${generationMs}ms`}`;
  const path = join(cacheDir, `${shape}-${mb}mb${variant}-${sourceHash(program)}.trace`);
  if (existsSync(path)) return path;
  console.log(`generating ${path}…`);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  execFileSync(join(goroot(GO), 'bin/go'), ['run', program, '-o', tmp, ...args, '-size', String(Math.round(mb * MB)),
    ...(workers === undefined ? [] : ['-workers', String(workers)])], {
    env: { ...goEnv(GO), ...(generationMs === undefined ? {} : { GODEBUG: `traceadvanceperiod=${Math.round(generationMs * 1e6)}` }) }, stdio: 'inherit',
  });
  renameSync(tmp, path);
  return path;
}

/** Go 1.26's reader with the light aggregation of bench/go/tracestats (built once, inside Go's tree). */
export function goTraceStatsBinary() {
  mkdirSync(join(cacheDir, 'bin'), { recursive: true });
  const source = join(repoRoot, 'bench/go/tracestats/main.go');
  const binary = join(cacheDir, 'bin', `tracestats-${sourceHash(source)}`);
  if (!existsSync(binary)) buildInsideGoroot(GO, source, 'internal/trace/lensbench', binary);
  return binary;
}

/** Kernel clock ticks per second, the unit of CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Peak RSS in bytes; NaN for a process that has exited (a zombie has no VmHWM). Throws once it is reaped. */
export function peakRssBytes(pid) {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** User + system CPU seconds of a live process, all its threads. Throws once it is reaped. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Runs a command, sampling its peak RSS and CPU seconds every 10 ms. CPU time is what to compare
 * on a loaded machine, where wall time mostly measures the other processes. Killed past `rssLimit`
 * bytes (killedFor 'memory') or `timeoutMs` (killedFor 'time'), so it cannot take the shared machine
 * down; `until(stderrSoFar)` may end the run early (time to serve: `ready`, `seconds` up to then).
 */
export function measure(command, argv, { env = process.env, rssLimit = Infinity, timeoutMs = Infinity, until } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', peakRss = 0, cpu = 0, killedFor, readyAt;
    const kill = (why) => { if (!killedFor) { killedFor = why; child.kill('SIGKILL'); } };
    const sample = () => {
      try {
        const rss = peakRssBytes(child.pid);
        if (Number.isFinite(rss)) peakRss = Math.max(peakRss, rss);
        cpu = Math.max(cpu, cpuSeconds(child.pid));
      } catch { /* exited between samples */ }
      if (peakRss > rssLimit) kill('memory');
      else if (readyAt === undefined && performance.now() - started > timeoutMs) kill('time');
    };
    const timer = setInterval(sample, 10);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (until && readyAt === undefined && until(stderr)) {
        readyAt = performance.now();
        sample();
        child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('close', (status) => {
      clearInterval(timer);
      const seconds = ((readyAt ?? performance.now()) - started) / 1e3;
      resolve({ status, stdout, stderr, seconds, cpuSeconds: cpu, peakRss, killedFor, ready: readyAt !== undefined });
    });
  });
}
