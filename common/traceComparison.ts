// The comparison of two traces (server/src/trace/compare/ computes it): plain JSON shared by the CLI's
// reports, the language server's CodeLens and the comparison view, with the few helpers they all use.
import type { LatencyStats, SourceLocation } from './traceModel';

/** The Mann–Whitney U test's result. */
export interface UTestResult {
  /** U of the first sample (R's W): pairs where its value is the larger, ties counting one half. */
  u: number;
  n1: number;
  n2: number;
  /** Two-sided p-value; 1 when the test cannot tell (an empty sample, all values equal). */
  p: number;
  method: 'exact' | 'normal' | 'none';
}

/** benchstat's default significance level. */
export const DEFAULT_ALPHA = 0.05;

/** slower/faster: the U test finds a difference; unchanged: it does not ("~"); added/removed: in one trace only. */
export type ChangeStatus = 'slower' | 'faster' | 'unchanged' | 'added' | 'removed';

export const LATENCY_METRICS = ['count', 'total', 'p50', 'p90', 'p99', 'max'] as const;
export type LatencyMetric = typeof LATENCY_METRICS[number];

export interface LatencyComparison {
  status: ChangeStatus;
  old?: LatencyStats;
  new?: LatencyStats;
  /** Change in percent of each statistic, new against old; null when the old value is 0 and the new is not. */
  changePct?: Record<LatencyMetric, number | null>;
  /** The U test on the complete instances' durations (absent for added and removed). */
  test?: UTestResult & { significant: boolean };
  /** Both traces' durations counted over the same buckets, for drawing them overlaid. */
  histograms?: SharedHistogram;
}

/**
 * Counts of old and new durations in buckets [boundsNs[i], boundsNs[i+1]), evenly spaced on a log scale;
 * with `lastIsOpen` the last bucket also holds everything longer (the tail beyond twice the larger p90).
 */
export interface SharedHistogram { boundsNs: number[]; old: number[]; new: number[]; lastIsOpen: boolean }

export interface SiteComparison extends LatencyComparison { site: SourceLocation }
export interface TypeComparison extends LatencyComparison { kind: 'task' | 'region'; type: string; sites: SiteComparison[] }
export interface LogComparison { category: string; old: number; new: number; status: 'changed' | 'unchanged' | 'added' | 'removed'; changePct: number | null }

export interface TraceSide {
  name: string;
  goVersion: string;
  durationNs: number;
  events: number;
  truncatedError?: string;
}

export interface TraceComparison {
  old: TraceSide;
  new: TraceSide;
  alpha: number;
  tasks: TypeComparison[];
  regions: TypeComparison[];
  logs: LogComparison[];
}

export function metricValue(s: LatencyStats, metric: LatencyMetric): number {
  switch (metric) {
    case 'count': return s.count;
    case 'total': return s.totalNs;
    case 'p50': return s.p50Ns;
    case 'p90': return s.p90Ns;
    case 'p99': return s.p99Ns;
    case 'max': return s.maxNs;
  }
}

export function percentChange(before: number, after: number): number | null {
  if (before === 0) return after === 0 ? 0 : null;
  return ((after - before) / before) * 100;
}

/** "+12.3%", "−4.0%" (a true minus sign), "0.0%"; "?" when there is no base to compare with. */
export function formatChange(pct: number | null | undefined): string {
  if (pct === null || pct === undefined) return '?';
  if (Math.abs(pct) < 0.05) return '0.0%';
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
}

