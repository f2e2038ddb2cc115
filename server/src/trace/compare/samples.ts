// What a comparison keeps of one trace: the statistics of every task type, region type, call site
// and log category, and each type's and site's durations as one sorted typed array (for the U
// test). The trace is read with the streaming engine (statistics only) and the analyzer is dropped
// afterwards, so comparing two traces holds the durations of both, never their events.
import { statSync } from 'node:fs';
import type { LatencyStats } from '../../../../common/traceModel';
import { openTraceFile } from '../reader';
import { analyzeEvents, STATISTICS_ONLY, type TraceAnalyzer } from '../summary/analyzer';
import type { DurationSeries } from '../summary/durations';
import type { TraceSamples, TypeSample } from './compare';
import type { SortedSample } from './utest';

/** Reads a trace file and keeps only what a comparison needs. `onPause` reports progress. */
export async function readTraceSamples(path: string, onPause?: (bytesRead: number, fileBytes: number, events: number) => void): Promise<TraceSamples> {
  const fileBytes = statSync(path).size;
  let bytesRead = 0;
  // Durations need neither goroutines' scheduling (most of a GC-heavy trace's events) nor the runtime's detail.
  const opened = await openTraceFile(path, { onProgress: (p) => { bytesRead = p.bytesRead; }, scheduling: false, runtimeDetail: false });
  const analyzer = await analyzeEvents(opened, fileBytes, (a) => onPause?.(bytesRead, fileBytes, a.eventCount), STATISTICS_ONLY);
  return samplesOf(analyzer);
}

/** The samples of a finished analysis. */
export function samplesOf(analyzer: TraceAnalyzer): TraceSamples {
  const summary = analyzer.summary();
  const withDurations = (kind: 'task' | 'region', list: typeof summary.tasks): TypeSample[] => {
    const series = analyzer.durationSeries(kind);
    return list.map((t) => {
      const bySite = series.get(t.type) ?? [];
      const siteSamples = new Map(bySite.map((s) => [s.site, s.series]));
      // One site (most types): the type's durations are the site's, sorted once and shared.
      const typeDurations = sortedDurations(bySite.map((s) => s.series));
      return {
        type: t.type, stats: withoutSites(t), durations: typeDurations,
        sites: t.sites.map((s) => ({
          site: s.site, stats: withoutSites(s),
          durations: bySite.length === 1 ? typeDurations : sortedDurations([siteSamples.get(s.site) as DurationSeries]),
        })),
      };
    });
  };
  return {
    overview: summary.overview,
    tasks: withDurations('task', summary.tasks),
    regions: withDurations('region', summary.regions),
    logs: summary.logs.map((l) => ({ category: l.category, count: l.count })),
  };
}

function withoutSites<T extends LatencyStats>(s: T): LatencyStats {
  return { count: s.count, completeCount: s.completeCount, totalNs: s.totalNs, p50Ns: s.p50Ns, p90Ns: s.p90Ns, p99Ns: s.p99Ns, maxNs: s.maxNs, histogram: s.histogram };
}

/**
 * The durations of several series, sorted, in the narrowest array that holds them exactly: 2 bytes
 * each when all are below 65.5 µs, 4 below 4.3 s, else 8.
 */
export function sortedDurations(series: readonly DurationSeries[]): SortedSample {
  const chunks = series.flatMap((s) => s.chunks());
  let n = 0;
  let widest = 0; // 0: 16-bit, 1: 32-bit, 2: double
  for (const chunk of chunks) {
    n += chunk.length;
    if (chunk.length > 0) widest = Math.max(widest, chunk instanceof Uint16Array ? 0 : chunk instanceof Uint32Array ? 1 : 2);
  }
  const out = widest === 0 ? new Uint16Array(n) : widest === 1 ? new Uint32Array(n) : new Float64Array(n);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out.sort();
}
