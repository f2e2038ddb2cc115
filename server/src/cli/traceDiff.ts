// go-trace-lens trace diff OLD NEW [--format text|json|markdown|csv] [--fail-on CONDITION]… [--alpha A]:
// compares two traces' tasks, regions and logs (see trace/compare/). The traces are read one after
// the other, keeping only their durations in between.
// Exit codes: 0 no condition failed, 1 a --fail-on condition failed, 2 usage error or unreadable trace.
import { basename } from 'node:path';
import { DEFAULT_ALPHA } from '../../../common/traceComparison';
import { compareTraces, type TraceSamples } from '../trace/compare/compare';
import { evaluateCondition, parseCondition, type Condition } from '../trace/compare/conditions';
import { conditionLine, diffCsv, diffJson, diffMarkdown, diffText } from '../trace/compare/report';
import { readTraceSamples } from '../trace/compare/samples';
import { TerminalProgress } from './progress';
import { describe } from './traceStats';

const FORMATS = ['text', 'json', 'markdown', 'csv'] as const;
type Format = typeof FORMATS[number];

const usage = `usage: go-trace-lens trace diff OLD NEW [--format text|json|markdown|csv] [--fail-on CONDITION]... [--alpha 0.05]
  CONDITION: KIND:TYPE:METRIC>THRESHOLD, e.g. region:db.query:p99>+10%  task:*:p50>2ms  log:retry:count>100
    KIND task|region|log; TYPE a name or *; METRIC count|total|p50|p90|p99|max; > or <;
    THRESHOLD a percent change (a latency's counts only when significant), a duration, or a count
`;

interface DiffArgs { files: string[]; format: Format; conditions: Condition[]; alpha: number }

/** Parses the arguments; a string is the usage error to print. */
function parseArgs(args: string[]): DiffArgs | string {
  const files: string[] = [];
  const conditions: Condition[] = [];
  let format: Format = 'text';
  let alpha = DEFAULT_ALPHA;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const [name, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (name === '--format') {
      const f = value();
      if (!FORMATS.includes(f as Format)) return `unknown format "${f ?? ''}"`;
      format = f as Format;
    } else if (name === '--fail-on') {
      const text = value();
      if (text === undefined) return '--fail-on needs a condition';
      try {
        conditions.push(parseCondition(text));
      } catch (error) {
        return (error as Error).message;
      }
    } else if (name === '--alpha') {
      alpha = Number(value());
      if (!(alpha > 0 && alpha < 1)) return '--alpha must be between 0 and 1';
    } else if (arg.startsWith('-') && arg !== '-') {
      return `unknown option "${arg}"`;
    } else {
      files.push(arg);
    }
  }
  if (files.length !== 2) return 'give two trace files, OLD and NEW';
  return { files, format, conditions, alpha };
}

export async function runTraceDiff(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`go-trace-lens: ${parsed}\n${usage}`);
    return 2;
  }
  const progress = new TerminalProgress();
  const samples: TraceSamples[] = [];
  for (const file of parsed.files) {
    try {
      samples.push(await readTraceSamples(file, (bytesRead, fileBytes, events) => progress.update(() =>
        `go-trace-lens: ${file}: ${fileBytes > 0 ? Math.floor((100 * bytesRead) / fileBytes) : 100}% read, ${(events / 1e6).toFixed(1)} M events`)));
    } catch (error) {
      progress.clear();
      process.stderr.write(`go-trace-lens: ${file}: ${describe(error)}\n`);
      return 2;
    }
    const truncated = samples[samples.length - 1].overview.truncatedError;
    progress.clear();
    if (truncated !== undefined) process.stderr.write(`go-trace-lens: warning: ${file}: ${truncated}; the comparison covers its complete generations\n`);
  }
  const [oldFile, newFile] = parsed.files;
  const comparison = compareTraces(basename(oldFile), samples[0], basename(newFile), samples[1], parsed.alpha);
  const results = parsed.conditions.map((c) => evaluateCondition(c, comparison));
  switch (parsed.format) {
    case 'text': process.stdout.write(diffText(comparison, results)); break;
    case 'markdown': process.stdout.write(diffMarkdown(comparison, results)); break;
    case 'json': process.stdout.write(`${JSON.stringify(diffJson(comparison, results), null, 2)}\n`); break;
    case 'csv':
      process.stdout.write(diffCsv(comparison));
      for (const r of results) process.stderr.write(`${conditionLine(r)}\n`);
      break;
  }
  return results.some((r) => r.failed) ? 1 : 0;
}
