// The `trace stats` report: a stable JSON shape for scripts, a readable text table, and CSV.
import { formatBytes, formatDuration } from '../../../../common/format';
import type { LatencyStats, TraceSummary } from '../../../../common/traceModel';
import { csv, type CsvValue } from '../csv';

interface LatencyJson { count: number; completeCount: number; totalNs: number; p50Ns: number; p90Ns: number; p99Ns: number; maxNs: number }
interface SiteJson { file: string; line: number; function: string; count: number }

export interface StatsJson {
  goVersion: string;
  durationNs: number;
  events: number;
  generations: number;
  goroutines: number;
  procs: number;
  tasks: Record<string, LatencyJson & { sites: SiteJson[] }>;
  regions: Record<string, LatencyJson & { sites: SiteJson[] }>;
  logs: Record<string, { count: number }>;
  gc: { count: number; pauseNs: number };
  stw: { count: number; pauseNs: number };
  peakHeapBytes: number;
  flightRecorder: boolean;
  spansStartup: boolean;
  /** Present when the file ended early or went bad: the stats cover the complete generations. */
  truncatedError?: string;
}

function latency(s: LatencyStats): LatencyJson {
  return { count: s.count, completeCount: s.completeCount, totalNs: s.totalNs, p50Ns: s.p50Ns, p90Ns: s.p90Ns, p99Ns: s.p99Ns, maxNs: s.maxNs };
}

export function statsJson(summary: TraceSummary): StatsJson {
  const o = summary.overview;
  const byType = (list: TraceSummary['tasks']) => Object.fromEntries(list.map((t) => [t.type, {
    ...latency(t),
    sites: t.sites.map((s) => ({ file: s.site.file, line: s.site.line, function: s.site.function, count: s.count })),
  }]));
  return {
    goVersion: o.goVersion,
    durationNs: o.durationNs,
    events: o.events,
    generations: o.generations,
    goroutines: o.goroutines,
    procs: o.procs,
    tasks: byType(summary.tasks),
    regions: byType(summary.regions),
    logs: Object.fromEntries(summary.logs.map((l) => [l.category, { count: l.count }])),
    gc: { count: o.gcCount, pauseNs: o.gcPauseNs },
    stw: { count: o.stwCount, pauseNs: o.stwPauseNs },
    peakHeapBytes: o.peakHeapBytes,
    flightRecorder: o.flightRecorder,
    spansStartup: o.spansStartup,
    ...(o.truncatedError === undefined ? {} : { truncatedError: o.truncatedError }),
  };
}

/** Left-aligns the first column and right-aligns the others. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Names from the trace are shown quoted so that empty or odd names stay visible. */
export function quoted(name: string): string {
  return JSON.stringify(name);
}

export function statsText(summary: TraceSummary): string {
  const o = summary.overview;
  const out: string[] = [];
  out.push(`Go ${o.goVersion} trace: ${formatDuration(o.durationNs)}, ${o.events} events in ${o.generations} generation(s), ` +
    `${o.goroutines} goroutines, ${o.procs} procs`);
  out.push(`GC: ${o.gcCount} cycles, ${formatDuration(o.gcPauseNs)} GC pauses; stop-the-world: ${o.stwCount} pauses, ` +
    `${formatDuration(o.stwPauseNs)}; peak heap ${formatBytes(o.peakHeapBytes)}`);
  if (o.truncatedError !== undefined) out.push(`Truncated file: these numbers cover its ${o.generations} complete generation(s).`);
  if (o.flightRecorder) out.push('Flight-recorder snapshot (starts mid-stream).');
  if (o.spansStartup) out.push('The capture includes program start-up.');
  const latencyRows = (list: TraceSummary['tasks']) => list.map((t) => [
    quoted(t.type), String(t.count), String(t.completeCount), formatDuration(t.totalNs), formatDuration(t.p50Ns),
    formatDuration(t.p90Ns), formatDuration(t.p99Ns), formatDuration(t.maxNs),
    t.sites.length === 0 ? '' : `${t.sites[0].site.file.split('/').pop()}:${t.sites[0].site.line}${t.sites.length > 1 ? ` +${t.sites.length - 1}` : ''}`,
  ]);
  const header = (what: string) => [what, 'count', 'complete', 'total', 'p50', 'p90', 'p99', 'max', 'site'];
  out.push('', 'Tasks', summary.tasks.length === 0 ? '(none)' : table(header('type'), latencyRows(summary.tasks)));
  out.push('', 'Regions', summary.regions.length === 0 ? '(none)' : table(header('type'), latencyRows(summary.regions)));
  out.push('', 'Logs', summary.logs.length === 0 ? '(none)' : table(['category', 'count'], summary.logs.map((l) => [quoted(l.category), String(l.count)])));
  return out.join('\n') + '\n';
}

/** One row per task and region type (site columns empty) and per call site, then one per log category. */
export function statsCsv(summary: TraceSummary): string {
  const rows: CsvValue[][] = [];
  const latencyRows = (kind: string, list: TraceSummary['tasks']) => {
    for (const t of list) {
      rows.push([kind, t.type, '', '', '', t.count, t.completeCount, t.totalNs, t.p50Ns, t.p90Ns, t.p99Ns, t.maxNs]);
      for (const s of t.sites) rows.push([kind, t.type, s.site.file, s.site.line, s.site.function, s.count, s.completeCount, s.totalNs, s.p50Ns, s.p90Ns, s.p99Ns, s.maxNs]);
    }
  };
  latencyRows('task', summary.tasks);
  latencyRows('region', summary.regions);
  for (const l of summary.logs) {
    rows.push(['log', l.category, '', '', '', l.count]);
    for (const s of l.sites) rows.push(['log', l.category, s.site.file, s.site.line, s.site.function, s.count]);
  }
  return csv(['kind', 'type', 'file', 'line', 'function', 'count', 'complete', 'total_ns', 'p50_ns', 'p90_ns', 'p99_ns', 'max_ns'], rows);
}
