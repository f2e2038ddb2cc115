// Text of `trace tasks`: one block per task instance with its breakdown and critical path.
import { basename } from 'node:path';
import {
  BREAKDOWN_COMPONENTS, COMPONENT_LABELS, type Breakdown, type PathSegment, type TaskInstanceReport, type TypeBreakdown,
} from '../../../../common/requestModel';
import { formatDuration } from '../../../../common/format';

/** Critical path parts printed per task (largest first); the rest are summed. */
const MAX_PRINTED_PARTS = 8;

const percent = (part: number, whole: number) => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : '–');

/** "running 1.2ms (40%), blocked on network 900µs (30%)": non-zero components, largest first. */
export function breakdownText(b: Breakdown, wallNs: number): string {
  const parts = BREAKDOWN_COMPONENTS.filter((c) => b[c] > 0).sort((x, y) => b[y] - b[x]);
  return parts.length === 0 ? 'nothing recorded' : parts.map((c) => `${COMPONENT_LABELS[c]} ${formatDuration(b[c])} (${percent(b[c], wallNs)})`).join(', ');
}

/** "7.9ms blocked on network in region db.query on G2041 (orders.go:57)". */
export function segmentText(s: PathSegment): string {
  // Go's wait reason when it says more than the component ("chan receive" for channel waits).
  const what = s.reason !== undefined && s.reason !== s.state ? `${COMPONENT_LABELS[s.state]} (${s.reason})` : COMPONENT_LABELS[s.state];
  const where = s.region === undefined ? '' : ` in region ${s.region}`;
  const site = s.site === undefined ? '' : ` (${basename(s.site.file)}:${s.site.line} ${s.site.function})`;
  return `${formatDuration(s.endNs - s.startNs)} ${what}${where} on G${s.goroutine}${s.goroutineName === undefined ? '' : ` ${s.goroutineName}`}${site}`;
}

export function tasksText(tasks: readonly TaskInstanceReport[], types: readonly TypeBreakdown[] = []): string {
  if (tasks.length === 0) return 'no ended task instances match\n';
  const lines: string[] = [];
  for (const type of types) {
    lines.push(`${type.type}: ${type.count} ended, ${breakdownText(type.breakdown, type.wallNs)}`);
    if (type.tail !== undefined) lines.push(`  ${type.tail.sentence}`);
  }
  if (types.length > 0) lines.push('');
  for (const t of tasks) {
    lines.push(`${t.type} #${t.id}  ${formatDuration(t.durationNs)}  ended on G${t.goroutine}, ${t.regions} outermost region(s)`);
    lines.push(`  breakdown: ${breakdownText(t.breakdown, t.durationNs)}`);
    const path = t.criticalPath;
    if (path !== undefined && path.length > 0) {
      const parts = pathParts(path);
      lines.push(`  critical path ${formatDuration(t.durationNs)} (${path.length} segment(s)), largest parts:`);
      for (const s of parts.slice(0, MAX_PRINTED_PARTS)) lines.push(`    ${segmentText(s)}`);
      const rest = parts.slice(MAX_PRINTED_PARTS).reduce((sum, s) => sum + s.endNs - s.startNs, 0);
      if (rest > 0) lines.push(`    ${formatDuration(rest)} in ${parts.length - MAX_PRINTED_PARTS} smaller part(s)`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The path's segments summed by what they are (goroutine, state, reason, region, source line),
 * largest first: each part's startNs is 0 and its endNs its total.
 */
export function pathParts(path: readonly PathSegment[]): PathSegment[] {
  const parts = new Map<string, PathSegment>();
  for (const s of path) {
    const key = `${s.goroutine}|${s.state}|${s.reason}|${s.region}|${s.site?.file}:${s.site?.line}`;
    const part = parts.get(key);
    if (part === undefined) parts.set(key, { ...s, startNs: 0, endNs: s.endNs - s.startNs });
    else part.endNs += s.endNs - s.startNs;
  }
  return [...parts.values()].sort((a, b) => b.endNs - a.endNs);
}
