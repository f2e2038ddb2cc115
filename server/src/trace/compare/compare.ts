// Comparing two traces, as benchstat compares benchmark runs: for every task type, region type and
// call site in either trace, the statistics before and after, their change in percent, and the
// Mann–Whitney U test on the two sets of durations (significant when p < α). The result
// (common/traceComparison.ts) is plain JSON: it goes to the CLI's reports and, as is, to the comparison view.
import type { LatencyStats, SourceLocation, TraceOverview } from '../../../../common/traceModel';
import {
  DEFAULT_ALPHA, LATENCY_METRICS, metricValue, percentChange, type ChangeStatus, type LatencyComparison, type LatencyMetric, type LogComparison,
  type SharedHistogram, type TraceComparison, type TraceSide, type TypeComparison,
} from '../../../../common/traceComparison';
import { mannWhitneyU, type SortedSample } from './utest';

/** What a comparison keeps of one trace (samples.ts reads it): statistics, and durations sorted for the U test. */
export interface SampledStats { stats: LatencyStats; durations: SortedSample }
export interface SiteSample extends SampledStats { site: SourceLocation }
export interface TypeSample extends SampledStats { type: string; sites: SiteSample[] }
export interface TraceSamples {
  overview: TraceOverview;
  tasks: TypeSample[];
  regions: TypeSample[];
  logs: { category: string; count: number }[];
}

/** Buckets per doubling of the duration, and at most this many buckets (fewer per doubling over a wide range). */
const BUCKETS_PER_OCTAVE = 8;
const MAX_BUCKETS = 64;

/**
 * Old and new durations over shared log-spaced buckets, from the smallest of both to twice the larger
 * p90 (a few outliers, such as a preempted thread's, would otherwise squeeze the body into a bucket or two).
 */
export function sharedHistogram(before: SortedSample | undefined, after: SortedSample | undefined): SharedHistogram | undefined {
  const samples = [before, after].filter((s): s is SortedSample => s !== undefined && s.length > 0);
  if (samples.length === 0) return undefined;
  const low = Math.max(1, Math.min(...samples.map((s) => s[0])));
  const largest = Math.max(...samples.map((s) => s[s.length - 1] + 1));
  const bodyEnd = 2 * Math.max(...samples.map((s) => s[Math.ceil(0.9 * s.length) - 1]));
  const high = Math.max(low * 2, Math.min(largest, bodyEnd));
  const octaves = Math.log2(high / low);
  const buckets = Math.max(1, Math.min(MAX_BUCKETS, Math.ceil(octaves * BUCKETS_PER_OCTAVE)));
  const boundsNs = Array.from({ length: buckets + 1 }, (_, i) => low * 2 ** ((octaves * i) / buckets));
  boundsNs[buckets] = high;
  // Sorted samples: one walk each, moving to the next bucket as values pass its bound.
  const count = (sample: SortedSample | undefined): number[] => {
    const counts = new Array<number>(buckets).fill(0);
    if (sample === undefined) return counts;
    let b = 0;
    for (let i = 0; i < sample.length; i++) {
      while (b < buckets - 1 && sample[i] >= boundsNs[b + 1]) b++;
      counts[b]++;
    }
    return counts;
  };
  return { boundsNs, old: count(before), new: count(after), lastIsOpen: largest > high };
}

function compareSampled(before: SampledStats | undefined, after: SampledStats | undefined, alpha: number): LatencyComparison {
  const histograms = sharedHistogram(before?.durations, after?.durations);
  if (before === undefined) return { status: 'added', new: after?.stats, histograms };
  if (after === undefined) return { status: 'removed', old: before.stats, histograms };
  const test = mannWhitneyU(before.durations, after.durations);
  const significant = test.p < alpha;
  // U counts pairs where the old duration is the larger: above half of all pairs, the new trace is faster.
  const status: ChangeStatus = !significant ? 'unchanged' : test.u > (test.n1 * test.n2) / 2 ? 'faster' : 'slower';
  const changePct = Object.fromEntries(LATENCY_METRICS.map((m) => [m, percentChange(metricValue(before.stats, m), metricValue(after.stats, m))])) as
    Record<LatencyMetric, number | null>;
  return { status, old: before.stats, new: after.stats, changePct, test: { ...test, significant }, histograms };
}

function siteKey(site: SourceLocation): string {
  return `${site.file}:${site.line}:${site.function}`;
}

/** Names sorted as the statistics sort them, from both traces. */
function unionOf(before: Iterable<string>, after: Iterable<string>): string[] {
  return [...new Set([...before, ...after])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function compareTypes(kind: 'task' | 'region', before: TypeSample[], after: TypeSample[], alpha: number): TypeComparison[] {
  const oldByType = new Map(before.map((t) => [t.type, t]));
  const newByType = new Map(after.map((t) => [t.type, t]));
  return unionOf(oldByType.keys(), newByType.keys()).map((type) => {
    const o = oldByType.get(type);
    const n = newByType.get(type);
    const oldSites = new Map((o?.sites ?? []).map((s) => [siteKey(s.site), s]));
    const newSites = new Map((n?.sites ?? []).map((s) => [siteKey(s.site), s]));
    const sites = unionOf(oldSites.keys(), newSites.keys()).map((key) => {
      const os = oldSites.get(key);
      const ns = newSites.get(key);
      return { site: (os ?? ns)!.site, ...compareSampled(os, ns, alpha) };
    });
    return { kind, type, ...compareSampled(o, n, alpha), sites };
  });
}

function side(name: string, o: TraceOverview): TraceSide {
  return {
    name, goVersion: o.goVersion, durationNs: o.durationNs, events: o.events,
    ...(o.truncatedError === undefined ? {} : { truncatedError: o.truncatedError }),
  };
}

export function compareTraces(oldName: string, before: TraceSamples, newName: string, after: TraceSamples, alpha = DEFAULT_ALPHA): TraceComparison {
  const oldLogs = new Map(before.logs.map((l) => [l.category, l.count]));
  const newLogs = new Map(after.logs.map((l) => [l.category, l.count]));
  const logs = unionOf(oldLogs.keys(), newLogs.keys()).map((category): LogComparison => {
    const o = oldLogs.get(category);
    const n = newLogs.get(category);
    const status = o === undefined ? 'added' : n === undefined ? 'removed' : o === n ? 'unchanged' : 'changed';
    return { category, old: o ?? 0, new: n ?? 0, status, changePct: o === undefined || n === undefined ? null : percentChange(o, n) };
  });
  return {
    old: side(oldName, before.overview),
    new: side(newName, after.overview),
    alpha,
    tasks: compareTypes('task', before.tasks, after.tasks, alpha),
    regions: compareTypes('region', before.regions, after.regions, alpha),
    logs,
  };
}
