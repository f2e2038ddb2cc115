// Trace numbers next to the code: CodeLens and hovers on runtime/trace
// annotation calls, and diagnostics when the open trace shows a rule's
// problem in numbers. Calls are found with the lint's tree-sitter parser and
// import-aware call resolution (analysis/goFile.ts).
import type { Parser } from 'web-tree-sitter';
import { formatCount, formatDuration } from '../../../common/format';
import { innermostLoop } from '../analysis/loops';
import { RUNTIME_TRACE, GoFile, type TraceCall } from '../analysis/goFile';
import { percentChange, type LatencyComparison, type TraceComparison } from '../../../common/traceComparison';
import type { LatencyStats, SourceLocation, TraceSummary } from '../../../common/traceModel';
import { COMPONENT_LABELS, type SiteBreakdown, type TraceBreakdowns } from '../../../common/requestModel';
import { breakdownText } from '../trace/requests/report';
import type { FocusTarget } from '../../../common/traceProtocol';
import type { SourceLinks } from './sourceLinks';

export type AnnotationKind = FocusTarget['kind'];

const CALL_KINDS: Record<string, AnnotationKind> = { NewTask: 'task', StartRegion: 'region', WithRegion: 'region', Log: 'log', Logf: 'log' };

/** What the trace recorded for one annotation call site (breakdown: its latency breakdown and tail, once computed). */
export interface SiteEntry { kind: AnnotationKind; type: string; site: SourceLocation; count: number; stats?: LatencyStats; breakdown?: SiteBreakdown }

/** A call in a document with the trace's numbers for it (E: what is known per site, SiteEntry or ComparisonEntry). */
export interface AnnotatedCall<E extends { kind: AnnotationKind; site: SourceLocation } = SiteEntry> { call: TraceCall; startLine: number; endLine: number; entries: E[] }

const breakdownKey = (kind: string, type: string, site: SourceLocation) => JSON.stringify([kind, type, site.file, site.line]);

/** Sites by the workspace file they resolve to, with their breakdowns when the trace's are known. */
export function indexSites(summary: TraceSummary, links: SourceLinks, breakdowns?: TraceBreakdowns): Map<string, SiteEntry[]> {
  const bySite = new Map<string, SiteEntry[]>();
  const siteBreakdowns = new Map((breakdowns?.sites ?? []).map((b) => [breakdownKey(b.kind, b.type, b.site), b]));
  const add = (entry: SiteEntry): void => {
    const match = links.resolve(entry.site.file);
    if (!match) return;
    const breakdown = siteBreakdowns.get(breakdownKey(entry.kind, entry.type, entry.site));
    if (breakdown !== undefined) entry.breakdown = breakdown;
    const list = bySite.get(match.path) ?? [];
    list.push(entry);
    bySite.set(match.path, list);
  };
  for (const t of summary.tasks) for (const s of t.sites) add({ kind: 'task', type: t.type, site: s.site, count: s.count, stats: s });
  for (const r of summary.regions) for (const s of r.sites) add({ kind: 'region', type: r.type, site: s.site, count: s.count, stats: s });
  for (const l of summary.logs) for (const s of l.sites) add({ kind: 'log', type: l.category, site: s.site, count: s.count });
  return bySite;
}

/** A call site of a comparison: its type's or its own change between the two traces. */
export interface ComparisonEntry { kind: 'task' | 'region'; type: string; site: SourceLocation; change: LatencyComparison }

/** Comparison sites by the workspace file they resolve to (each site where the new trace has it, else the old). */
export function indexComparisonSites(comparison: TraceComparison, links: SourceLinks): Map<string, ComparisonEntry[]> {
  const bySite = new Map<string, ComparisonEntry[]>();
  for (const t of [...comparison.tasks, ...comparison.regions]) {
    for (const s of t.sites) {
      const match = links.resolve(s.site.file);
      if (!match) continue;
      const list = bySite.get(match.path) ?? [];
      list.push({ kind: t.kind, type: t.type, site: s.site, change: s });
      bySite.set(match.path, list);
    }
  }
  return bySite;
}

/** "trace diff: p99 2.10ms → 1.40ms, −33.3%, p=0.002" (~ instead of the change when it is not significant). */
export function comparisonLensTitle(entry: ComparisonEntry): string {
  const { change } = entry;
  const noun = entry.kind === 'task' ? 'task' : 'region';
  if (change.status === 'added') return `trace diff: ${noun} “${entry.type}” added (${formatCount(change.new?.count ?? 0)} in the new trace)`;
  if (change.status === 'removed') return `trace diff: ${noun} “${entry.type}” removed (${formatCount(change.old?.count ?? 0)} in the old trace)`;
  const before = change.old!;
  const after = change.new!;
  const pct = percentChange(before.p99Ns, after.p99Ns);
  const delta = change.status === 'unchanged' ? '~' : pct === null ? 'new' : `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(0)}%`;
  return `trace diff: p99 ${formatDuration(before.p99Ns)} → ${formatDuration(after.p99Ns)}, ${delta}, p=${change.test?.p.toFixed(3) ?? '–'}` +
    (change.status === 'unchanged' ? '' : ` (${change.status})`);
}

/** The runtime/trace annotation calls of a Go source text, each with the trace's entries for its lines. */
export function annotatedCalls<E extends { kind: AnnotationKind; site: SourceLocation }>(parser: Parser, text: string, entries: E[]): AnnotatedCall<E>[] {
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    const file = new GoFile(tree, text);
    return file.calls
      .filter((call) => call.pkg === RUNTIME_TRACE && call.name in CALL_KINDS)
      .map((call) => {
        const startLine = call.node.startPosition.row;
        const endLine = call.node.endPosition.row;
        const kind = CALL_KINDS[call.name];
        return { call, startLine, endLine, entries: entries.filter((e) => e.kind === kind && e.site.line - 1 >= startLine && e.site.line - 1 <= endLine) };
      });
  } finally {
    tree.delete();
  }
}

export function lensTitle(entry: SiteEntry, events: number): string {
  if (entry.kind === 'log') return `trace: ${formatCount(entry.count)} logs “${entry.type}” (${((100 * entry.count) / Math.max(1, events)).toFixed(1)}% of events)`;
  const noun = entry.kind === 'task' ? 'tasks' : 'regions';
  const stats = entry.stats;
  if (!stats || stats.completeCount === 0) return `trace: ${formatCount(entry.count)} ${noun} “${entry.type}” (none complete)`;
  const tail = entry.breakdown?.tail;
  const slowTail = tail === undefined ? '' : ` · slow tail: ${Math.round(100 * tail.tailShare)}% ${COMPONENT_LABELS[tail.component]}${tail.region === undefined ? '' : ` in ${tail.region}`}`;
  return `trace: ${formatCount(entry.count)} ${noun} “${entry.type}” · p50 ${formatDuration(stats.p50Ns)} · p99 ${formatDuration(stats.p99Ns)}${slowTail}`;
}

/** Markdown for a hover: the numbers and the latency histogram as text bars. */
export function hoverMarkdown(entries: SiteEntry[], traceName: string): string {
  const parts: string[] = [];
  for (const entry of entries) {
    const stats = entry.stats;
    parts.push(`**${entry.kind} ${codeSpan(entry.type)}** in ${codeSpan(traceName)}: ${formatCount(entry.count)} from this line`);
    if (!stats || stats.completeCount === 0) continue;
    parts.push(`p50 ${formatDuration(stats.p50Ns)} · p90 ${formatDuration(stats.p90Ns)} · p99 ${formatDuration(stats.p99Ns)} · max ${formatDuration(stats.maxNs)} · total ${formatDuration(stats.totalNs)}`);
    const b = entry.breakdown;
    if (b !== undefined && b.count > 0) {
      parts.push(`Where the time went (${formatCount(b.count)} complete): ${escapeMarkdown(breakdownText(b.breakdown, b.wallNs))}`);
      if (b.tail !== undefined) parts.push(`Slow tail: ${escapeMarkdown(b.tail.sentence)}`);
    }
    const { boundsNs, counts } = stats.histogram;
    const max = Math.max(1, ...counts);
    const rows = counts.map((n, i) => {
      const from = formatDuration(boundsNs[i] ?? 0).padStart(8);
      const bar = '█'.repeat(Math.round((24 * n) / max)) || (n > 0 ? '▏' : '');
      return `${from} │${bar.padEnd(24)} ${formatCount(n)}`;
    }).filter((_, i) => counts.slice(i).some((n) => n > 0) && counts.slice(0, i + 1).some((n) => n > 0));
    if (rows.length > 0) parts.push('```text\n' + rows.join('\n') + '\n```');
  }
  return parts.join('\n\n');
}

/**
 * Text that may hold trace strings (region names), shown as plain text in markdown: one line (it
 * follows a label, so nothing is at a line's start) with emphasis, code, links and HTML escaped.
 */
function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

/** Inline code that a trace string cannot break out of (it may contain backticks or markdown). */
function codeSpan(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${clean} ${fence}`;
}

// Thresholds for trace-backed diagnostics.
/** A log call site is noisy when it produced at least this share of all events… */
export const NOISY_LOG_SHARE = 0.05;
/** …and at least this many. */
export const NOISY_LOG_MIN = 1000;
/** Tiny tasks: at least this many of one type from one site… */
export const TINY_TASKS_MIN = 1000;
/** …whose median is below this. */
export const TINY_TASK_P50_NS = 1e6;
/** A capture is far longer than the configured window at this factor. */
export const CAPTURE_FACTOR = 2;

/** Rule ids of the lint catalogue these diagnostics back with numbers. */
export const RULES = { noisyLog: 'log-in-loop', tinyTasks: 'task-per-iteration', captureWindow: 'long-capture-window', startup: 'whole-program-capture' } as const;

export interface TraceFinding { site: SourceLocation; rule: string; message: string }

/** The calls each trace-backed rule is about; the lint reports them only inside a hot loop. */
const LOOP_RULE_CALLS: Record<string, readonly string[]> = { [RULES.noisyLog]: ['Log', 'Logf'], [RULES.tinyTasks]: ['NewTask'] };

/** A runtime/trace call that runs in a hot loop: its name and its lines (0-based). */
export interface HotLoopCall { name: string; startRow: number; endRow: number }

/** The runtime/trace calls of a file that run in a hot loop, found in one parse. */
export function hotLoopCalls(parser: Parser, text: string): HotLoopCall[] {
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    return new GoFile(tree, text).calls
      .filter((call) => call.pkg === RUNTIME_TRACE && innermostLoop(call.node, text)?.kind === 'hot')
      .map((call) => ({ name: call.name, startRow: call.node.startPosition.row, endRow: call.node.endPosition.row }));
  } finally {
    tree.delete();
  }
}

/**
 * Whether the code agrees with a trace finding under a lint rule's id: the rule's call is on the
 * line (0-based) and runs in a hot loop (`hotLoop`, from hotLoopCalls), as the lint itself requires.
 * A NewTask once per request makes many small tasks too, and that is right: it must not be called a
 * task per iteration.
 */
export function codeAgrees(hotLoop: readonly HotLoopCall[], rule: string, line: number): boolean {
  const names = LOOP_RULE_CALLS[rule];
  if (names === undefined) return true;
  return hotLoop.some((call) => names.includes(call.name) && call.startRow <= line && line <= call.endRow);
}

/** Sites where the trace shows a rule's problem in numbers (publish them only where codeAgrees). */
export function traceFindings(summary: TraceSummary, traceName: string): TraceFinding[] {
  const findings: TraceFinding[] = [];
  const events = summary.overview.events;
  for (const log of summary.logs) {
    for (const s of log.sites) {
      if (s.count >= NOISY_LOG_MIN && s.count >= NOISY_LOG_SHARE * events) {
        findings.push({
          site: s.site, rule: RULES.noisyLog,
          message: `In ${traceName}, this trace.Log call produced ${formatCount(s.count)} log events (category “${log.category}”), ${((100 * s.count) / events).toFixed(1)}% of all ${formatCount(events)} events.`,
        });
      }
    }
  }
  for (const task of summary.tasks) {
    for (const s of task.sites) {
      if (s.count >= TINY_TASKS_MIN && s.completeCount > 0 && s.p50Ns < TINY_TASK_P50_NS) {
        findings.push({
          site: s.site, rule: RULES.tinyTasks,
          message: `In ${traceName}, this line created ${formatCount(s.count)} tasks “${task.type}” with a median of ${formatDuration(s.p50Ns)} (p99 ${formatDuration(s.p99Ns)}): tasks this small cost more to trace than they explain.`,
        });
      }
    }
  }
  return findings;
}

/** Findings about the capture as a whole, shown on the trace.Start calls of open files. */
export function captureFindings(summary: TraceSummary, traceName: string, windowSeconds: number): { rule: string; message: string }[] {
  const findings: { rule: string; message: string }[] = [];
  const seconds = summary.overview.durationNs / 1e9;
  if (seconds > CAPTURE_FACTOR * windowSeconds) {
    findings.push({
      rule: RULES.captureWindow,
      message: `${traceName} covers ${formatDuration(summary.overview.durationNs)}, ${(seconds / windowSeconds).toFixed(1)}× the ${formatDuration(windowSeconds * 1e9)} capture window (goTraceLens.lint.captureWindowSeconds).`,
    });
  }
  if (summary.overview.spansStartup) {
    findings.push({ rule: RULES.startup, message: `${traceName} includes program start-up: initialisation is traced beside the workload.` });
  }
  return findings;
}
