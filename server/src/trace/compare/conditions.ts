// `trace diff --fail-on` conditions: KIND:TYPE:METRIC OP THRESHOLD, e.g. `region:db.query:p99>+10%`.
//   KIND       task, region or log
//   TYPE       the task or region type, or log category; `*` for every one of the kind
//   METRIC     count, total, p50, p90, p99 or max (logs: count)
//   OP         > or <
//   THRESHOLD  a change in percent (+10%, -5%), a duration (250us, 1.5ms, 2s) or a count (1000)
// A percent condition on a latency (p50…max) holds only when the U test finds the change significant,
// so noise alone never fails a build; count and total changes are compared as they are. A type
// absent from the new trace meets no condition; an absolute threshold applies to the new trace's value.
import { formatDuration } from '../../../../common/format';
import { LATENCY_METRICS, metricValue, percentChange, type LatencyMetric, type TraceComparison } from '../../../../common/traceComparison';

export interface Condition {
  text: string;
  kind: 'task' | 'region' | 'log';
  type: string;
  metric: LatencyMetric;
  op: '>' | '<';
  /** Percent change, or an absolute value (ns for durations). */
  threshold: { percent: number } | { value: number };
}

export interface ConditionResult {
  condition: string;
  failed: boolean;
  /** What each matched type had, e.g. `db.query: p99 +31.2% (p=0.000)`; empty when nothing matched. */
  matches: { type: string; failed: boolean; detail: string }[];
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };
const SYNTAX = /^(task|region|log):(.*):(count|total|p50|p90|p99|max)\s*([<>])\s*([+-]?\d+(?:\.\d+)?)(%|ns|us|µs|ms|s)?$/;

/** Parses a condition; throws an Error that says what is wrong. */
export function parseCondition(text: string): Condition {
  const m = SYNTAX.exec(text.trim());
  if (!m) throw new Error(`bad --fail-on condition "${text}": expected KIND:TYPE:METRIC>THRESHOLD, e.g. region:db.query:p99>+10%`);
  const [, kind, type, metric, op, number, unit] = m;
  if (type === '') throw new Error(`bad --fail-on condition "${text}": no type`);
  if (kind === 'log' && metric !== 'count') throw new Error(`bad --fail-on condition "${text}": logs have only a count`);
  const value = Number(number);
  let threshold: Condition['threshold'];
  if (unit === '%') threshold = { percent: value };
  else if (unit !== undefined) {
    if (metric === 'count') throw new Error(`bad --fail-on condition "${text}": a count is not a duration`);
    threshold = { value: value * DURATION_UNITS[unit] };
  } else {
    if (metric !== 'count') throw new Error(`bad --fail-on condition "${text}": give the duration's unit (ns, us, ms, s) or a percent`);
    threshold = { value };
  }
  return { text, kind: kind as Condition['kind'], type, metric: metric as LatencyMetric, op: op as Condition['op'], threshold };
}

const LATENCIES: ReadonlySet<LatencyMetric> = new Set(LATENCY_METRICS.filter((m) => m !== 'count' && m !== 'total'));

function exceeds(value: number, op: '>' | '<', limit: number): boolean {
  return op === '>' ? value > limit : value < limit;
}

function formatPercent(pct: number): string {
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

export function evaluateCondition(c: Condition, comparison: TraceComparison): ConditionResult {
  const matches: ConditionResult['matches'] = [];
  const wanted = (type: string) => c.type === '*' || c.type === type;
  if (c.kind === 'log') {
    for (const log of comparison.logs) {
      if (!wanted(log.category) || log.status === 'removed') continue;
      const change = percentChange(log.old, log.new);
      const failed = 'percent' in c.threshold
        ? log.status !== 'added' && change !== null && exceeds(change, c.op, c.threshold.percent)
        : exceeds(log.new, c.op, c.threshold.value);
      matches.push({ type: log.category, failed, detail: `count ${log.old} → ${log.new}${change === null || log.status === 'added' ? ' (added)' : ` (${formatPercent(change)})`}` });
    }
  } else {
    for (const t of c.kind === 'task' ? comparison.tasks : comparison.regions) {
      if (!wanted(t.type) || t.new === undefined) continue;
      const after = metricValue(t.new, c.metric);
      if ('percent' in c.threshold) {
        const change = t.changePct?.[c.metric] ?? null;
        if (t.status === 'added' || change === null) {
          matches.push({ type: t.type, failed: false, detail: `${c.metric}: no base to compare with` });
          continue;
        }
        const significant = !LATENCIES.has(c.metric) || t.test?.significant === true;
        const p = t.test === undefined ? '' : ` (p=${t.test.p.toFixed(3)})`;
        matches.push({
          type: t.type, failed: significant && exceeds(change, c.op, c.threshold.percent),
          detail: `${c.metric} ${formatPercent(change)}${LATENCIES.has(c.metric) ? p : ''}${significant ? '' : ', not significant'}`,
        });
      } else {
        matches.push({ type: t.type, failed: exceeds(after, c.op, c.threshold.value), detail: `${c.metric} ${c.metric === 'count' ? String(after) : formatDuration(after)}` });
      }
    }
  }
  return { condition: c.text, failed: matches.some((m) => m.failed), matches };
}
