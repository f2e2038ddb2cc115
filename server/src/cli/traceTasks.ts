// go-trace-lens trace tasks FILE [--type T] [--slowest N] [--filter KEY=VALUE] [--json]: ended task
// instances, slowest first, with their latency breakdown and critical path. Reads the file twice:
// once for every task's breakdown, once more for the history the chosen tasks' critical paths need.
// Exit codes: 0 done (also for a truncated trace, with a warning), 2 usage error, unreadable or invalid trace.
import { openTraceFile } from '../trace/reader';
import { analyzeRequests, type LogFilter } from '../trace/requests/analyzer';
import { PathRecorder } from '../trace/requests/criticalPath';
import { tasksText } from '../trace/requests/report';
import { describe } from './traceStats';

const usage = 'usage: go-trace-lens trace tasks FILE [--type T] [--slowest N] [--filter KEY=VALUE] [--json]\n';
const DEFAULT_SLOWEST = 10;

interface TasksArgs { file: string; type?: string; slowest: number; filter?: LogFilter; json: boolean }

function parse(args: string[]): TasksArgs | undefined {
  const files: string[] = [];
  const parsed: Partial<TasksArgs> = { slowest: DEFAULT_SLOWEST, json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => args[++i] as string | undefined;
    if (a === '--json') parsed.json = true;
    else if (a === '--type') {
      if ((parsed.type = value()) === undefined) return undefined;
    } else if (a === '--slowest') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) return undefined;
      parsed.slowest = n;
    } else if (a === '--filter') {
      const kv = value();
      const eq = kv?.indexOf('=') ?? -1;
      if (kv === undefined || eq <= 0) return undefined;
      parsed.filter = { category: kv.slice(0, eq), message: kv.slice(eq + 1) };
    } else if (a.startsWith('-')) return undefined;
    else files.push(a);
  }
  return files.length === 1 ? { ...parsed, file: files[0] } as TasksArgs : undefined;
}

export async function runTraceTasks(args: string[]): Promise<number> {
  const opts = parse(args);
  if (opts === undefined) {
    process.stderr.write(usage);
    return 2;
  }
  const { file } = opts;
  try {
    const { analyzer, error } = await analyzeRequests(await openTraceFile(file), {
      filter: opts.filter, keep: { type: opts.type, slowest: opts.slowest, filtered: opts.filter !== undefined },
    });
    if (error !== undefined) process.stderr.write(`go-trace-lens: warning: ${file}: ${error.message}; tasks cover the complete generations\n`);
    const tasks = analyzer.tasks({ type: opts.type, slowest: opts.slowest, filtered: opts.filter !== undefined });
    const windows = tasks.map((t) => ({ goroutine: t.goroutine, startNs: t.startNs, endNs: t.endNs }));
    const recorder = new PathRecorder(windows);
    if (tasks.length > 0) await (await openTraceFile(file)).forEach((ev) => recorder.add(ev)).catch(() => undefined); // same events as the first read
    tasks.forEach((t, i) => { t.criticalPath = recorder.path(windows[i]); });
    if (recorder.truncated) process.stderr.write(`go-trace-lens: warning: ${file}: too many transitions in the tasks' time windows; critical paths are cut short\n`);
    // The types listed, with their tail explained.
    const listed = new Set(tasks.map((t) => t.type));
    const types = analyzer.typeBreakdowns().filter((b) => b.kind === 'task' && listed.has(b.type));
    process.stdout.write(opts.json ? `${JSON.stringify({ types, tasks }, null, 2)}\n` : tasksText(tasks, types));
    return 0;
  } catch (error) {
    process.stderr.write(`go-trace-lens: ${file}: ${describe(error)}\n`);
    return 2;
  }
}
