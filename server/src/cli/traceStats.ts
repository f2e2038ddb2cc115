// go-trace-lens trace stats FILE [--format text|json|csv] [--breakdowns] [--threads N] (--json = --format json):
// tasks, regions, logs and GC statistics of a trace; --breakdowns adds each task and region type's
// latency breakdown and tail explanation to the JSON (a second analysis that keeps a row per instance,
// so it is asked for: without it, peak memory stays bounded by what is live). --threads N reads ranges
// of generations on N threads (trace/parallel/), with the same result; not with --breakdowns.
// Exit codes: 0 done (also for a truncated trace, with a warning), 2 usage error, unreadable or
// invalid trace.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { TraceError } from '../trace/event';
import { analyzeInParallel } from '../trace/parallel/parallelStats';
import { workerRanges } from '../trace/parallel/workerRanges';
import { openTraceFile } from '../trace/reader';
import { RequestAnalyzer } from '../trace/requests/analyzer';
import { analyzeEvents, STATISTICS_ONLY } from '../trace/summary/analyzer';
import { statsCsv, statsJson, statsText } from '../trace/summary/report';
import { TerminalProgress } from './progress';

const usage = 'usage: go-trace-lens trace stats FILE [--format text|json|csv] [--json] [--breakdowns] [--threads N]\n';
const FORMATS = ['text', 'json', 'csv'] as const;

/** The file and format, or undefined for a usage error. */
function parseArgs(args: string[]): { files: string[]; format: typeof FORMATS[number]; breakdowns: boolean; threads: number } | undefined {
  let format: typeof FORMATS[number] = 'text';
  let breakdowns = false;
  let threads = 1;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') format = 'json';
    else if (arg === '--breakdowns') breakdowns = true;
    else if (arg === '--threads' || arg.startsWith('--threads=')) {
      threads = Number(arg === '--threads' ? args[++i] : arg.slice('--threads='.length));
      if (!Number.isInteger(threads) || threads < 1) return undefined;
    }
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (!FORMATS.includes(value as typeof format)) return undefined;
      format = value as typeof format;
    } else files.push(arg);
  }
  if ((breakdowns && format !== 'json') || (breakdowns && threads > 1)) return undefined;
  return files.length === 1 && !files[0].startsWith('-') ? { files, format, breakdowns, threads } : undefined;
}

export async function runTraceStats(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === undefined) {
    process.stderr.write(usage);
    return 2;
  }
  const { files, format, breakdowns, threads } = parsed;
  const [file] = files;
  const progress = new TerminalProgress();
  let analyzer;
  // The latency breakdown per task and region type, computed in the same read.
  const requests = breakdowns ? new RequestAnalyzer() : undefined;
  try {
    const fileBytes = statSync(file).size;
    if (threads > 1) {
      const parallel = await analyzeInParallel(file, threads, workerRanges(join(__dirname, 'traceRangeWorker.js')), {
        onPause: (a) => progress.update(() => `go-trace-lens: ${file}: ${(a.eventCount / 1e6).toFixed(1)} M events read on the first thread`),
      });
      analyzer = parallel.analyzer;
      if (parallel.report.fallback !== undefined) {
        progress.clear();
        process.stderr.write(`go-trace-lens: note: ${file}: read on one thread after all (${parallel.report.fallback})\n`);
      }
    } else {
      let bytesRead = 0;
      // The statistics count logs; only the breakdowns' log filters would read a message.
      const opened = await openTraceFile(file, { onProgress: (p) => { bytesRead = p.bytesRead; }, logMessages: requests !== undefined });
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
