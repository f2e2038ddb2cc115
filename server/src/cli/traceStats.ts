// go-trace-lens trace stats FILE [--format text|json|csv] [--no-breakdowns] [--threads N|auto] (--json = --format json):
// tasks, regions, logs and GC statistics of a trace; the JSON adds each task and region type's latency
// breakdown and tail explanation unless --no-breakdowns (they take an execution clock in the same
// read, about twice the CPU time). --threads N reads ranges of generations on N threads
// (trace/parallel/), with the same statistics and no breakdowns; `auto`, the default, takes the cores
// other processes leave idle right now for large files (autoThreads), watched while reading starts.
// Exit codes: 0 done (also for a truncated trace, with a warning), 2 usage error, unreadable or
// invalid trace.
import { statSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { TraceError } from '../trace/event';
import { startMarkingEarly } from '../trace/heap';
import { analyzeInParallel } from '../trace/parallel/parallelStats';
import { workerRanges } from '../trace/parallel/workerRanges';
import { openTraceFile } from '../trace/reader';
import { RequestAnalyzer } from '../trace/requests/analyzer';
import { analyzeEvents, STATISTICS_ONLY } from '../trace/summary/analyzer';
import { statsCsv, statsJson, statsText } from '../trace/summary/report';
import { TerminalProgress } from './progress';

const usage = 'usage: go-trace-lens trace stats FILE [--format text|json|csv] [--json] [--no-breakdowns] [--threads N|auto]\n';
const FORMATS = ['text', 'json', 'csv'] as const;

/**
 * Below this size `auto` reads on one thread: two threads peak at 115–118 MB on files of 33–100 MB
 * (the second isolate and its heap, ~35 MB, cost the same whatever the file), within 1.25× the file
 * from about 95 MB on; the benchmark's 100 MB traces (100.4–101.7 MB) peak at 1.14–1.23× on two
 * (once 1.31× on busy cores, where `auto` reads on one).
 */
const AUTO_MIN_BYTES = 95 * 2 ** 20;
/**
 * Several threads start full collections early (heap.ts startMarkingEarly, 2–6% more CPU time) when
 * their peak would otherwise come near 1.25× the file: on files under 256 MiB (above, two to four
 * threads peak at 126–196 MB on 500 MB, far within the 250 MB). Two threads peak at 1.20–1.29×
 * the 100 MB traces without it; GC heavy's, with generations of 2.6 MB, at 1.04× on the traces it was
 * first measured on but at 113–119 MiB (1.17–1.26×) on those of 2026-12-07, 113–114 MiB with it.
 */
export function marksEarly(fileBytes: number): boolean {
  return fileBytes < 256 * 2 ** 20;
}
/** Each range holds a generation (~40 MB on the 500 MB traces): four stay within 250 MB. */
const AUTO_MAX_THREADS = 4;

/** How long `auto` watches the cores before choosing: short beside the seconds a large file takes. */
const IDLE_SAMPLE_MS = 100;

/**
 * The threads `--threads auto` reads on: one per idle core, for files of at least AUTO_MIN_BYTES.
 * On busy cores a second thread only changes the process's share of them, for 17–34% more CPU
 * time (docs/trace-engine.md).
 */
export function autoThreads(fileBytes: number, idleCores: number): number {
  if (fileBytes < AUTO_MIN_BYTES) return 1;
  return Math.max(1, Math.min(AUTO_MAX_THREADS, Math.round(idleCores)));
}

/**
 * The cores other processes leave idle: from the machine's CPU times over `ms` (the load average would
 * also count what ran a minute ago, such as the run before this one), less this process's own (it
 * starts reading and its workers load meanwhile), at most the cores this process may use.
 */
export async function idleCores(ms = IDLE_SAMPLE_MS): Promise<number> {
  const idleAndTotal = () => cpus().reduce(([idle, total], { times: t }) => [idle + t.idle, total + t.user + t.nice + t.sys + t.irq + t.idle], [0, 0]);
  const [idle0, total0] = idleAndTotal();
  const own0 = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const [idle1, total1] = idleAndTotal();
  const own = process.cpuUsage(own0);
  const total = total1 - total0;
  if (total <= 0) return 0;
  const othersBusy = Math.max(0, total - (idle1 - idle0) - (own.user + own.system) / 1000);
  return Math.min(availableParallelism(), (1 - othersBusy / total) * cpus().length);
}

/** The file and format, or undefined for a usage error. */
function parseArgs(args: string[]): { files: string[]; format: typeof FORMATS[number]; breakdowns: boolean; threads: number | 'auto' } | undefined {
  let format: typeof FORMATS[number] = 'text';
  /** JSON has them unless --no-breakdowns (which halves the CPU time: no execution clock); --breakdowns is the default, kept for scripts. */
  let breakdowns: boolean | undefined;
  let threads: number | 'auto' = 'auto';
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') format = 'json';
    else if (arg === '--breakdowns') breakdowns = true;
    else if (arg === '--no-breakdowns') breakdowns = false;
    else if (arg === '--threads' || arg.startsWith('--threads=')) {
      const value = arg === '--threads' ? args[++i] : arg.slice('--threads='.length);
      threads = value === 'auto' ? value : Number(value);
      if (threads !== 'auto' && (!Number.isInteger(threads) || threads < 1)) return undefined;
    }
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (!FORMATS.includes(value as typeof format)) return undefined;
      format = value as typeof format;
    } else files.push(arg);
  }
  if (breakdowns !== undefined && format !== 'json') return undefined;
  // The ranges read on other threads compute the statistics only: asking for breakdowns there is a usage error.
  if (breakdowns === true && typeof threads === 'number' && threads > 1) return undefined;
  const withBreakdowns = format === 'json' && (threads === 1 || threads === 'auto') && breakdowns !== false;
  // The breakdowns are computed on one thread: with them, `auto` is one.
  return files.length === 1 && !files[0].startsWith('-') ? { files, format, breakdowns: withBreakdowns, threads: withBreakdowns ? 1 : threads } : undefined;
}

export async function runTraceStats(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === undefined) {
    process.stderr.write(usage);
    return 2;
  }
  const { files, format, breakdowns } = parsed;
  const [file] = files;
  const progress = new TerminalProgress();
  let analyzer;
  // The latency breakdown per task and region type, computed in the same read.
  const requests = breakdowns ? new RequestAnalyzer({ keep: { slowest: 0 } }) : undefined;
  try {
    const fileBytes = statSync(file).size;
    const auto = parsed.threads === 'auto';
    // `auto` starts as if on the most threads it may take and cuts the ranges once it has watched the cores.
    const threads = !auto ? parsed.threads as number : fileBytes < AUTO_MIN_BYTES ? 1 : Math.min(AUTO_MAX_THREADS, availableParallelism());
    if (threads > 1) {
      if (marksEarly(fileBytes)) startMarkingEarly();
      const parallel = await analyzeInParallel(file, threads, workerRanges(join(__dirname, 'traceRangeWorker.js')), {
        threads: auto ? idleCores().then((idle) => autoThreads(fileBytes, idle)) : undefined,
        onPause: (a) => progress.update(() => `go-trace-lens: ${file}: ${(a.eventCount / 1e6).toFixed(1)} M events read on the first thread`),
      });
      analyzer = parallel.analyzer;
      if (parallel.report.fallback !== undefined) {
        progress.clear();
        process.stderr.write(`go-trace-lens: note: ${file}: read on one thread after all (${parallel.report.fallback})\n`);
      }
    } else {
      let bytesRead = 0;
      // The statistics count logs and the breakdowns here filter on none: no message is read. Without the
      // breakdowns, nothing needs the scheduling of goroutines (most of a GC-heavy trace's events) or the
      // runtime's detail (sweeps, mark assists, the heap goal): none is built.
      const opened = await openTraceFile(file, {
        onProgress: (p) => { bytesRead = p.bytesRead; }, logMessages: false, scheduling: requests !== undefined, runtimeDetail: requests !== undefined,
      });
      const source = requests === undefined ? opened : {
        goVersion: opened.goVersion,
        forEach: (onEvent: Parameters<typeof opened.forEach>[0], onPause?: Parameters<typeof opened.forEach>[1]) =>
          opened.forEach((ev) => { onEvent(ev); requests.add(ev); }, onPause),
      };
      analyzer = await analyzeEvents(source, fileBytes, (a) => progress.update(() =>
        `go-trace-lens: ${file}: ${fileBytes > 0 ? Math.floor((100 * bytesRead) / fileBytes) : 100}% read, ${(a.eventCount / 1e6).toFixed(1)} M events`),
      STATISTICS_ONLY);
    }
  } catch (error) {
    progress.clear();
    process.stderr.write(`go-trace-lens: ${file}: ${describe(error)}\n`);
    return 2;
  }
  progress.clear();
  const summary = analyzer.summary();
  const truncated = summary.overview.truncatedError;
  if (truncated !== undefined) {
    process.stderr.write(`go-trace-lens: warning: ${file}: ${truncated}; statistics cover the ${summary.overview.generations} complete generation(s)\n`);
  }
  requests?.finish();
  process.stdout.write(format === 'json' ? `${JSON.stringify({ ...statsJson(summary), breakdowns: requests?.typeBreakdowns() }, null, 2)}\n` : format === 'csv' ? statsCsv(summary) : statsText(summary));
  return 0;
}

export function describe(error: unknown): string {
  if (error instanceof TraceError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
