// Formatting shared by the views; durations, sizes and counts read as everywhere else (common/format.ts).
import { COMPONENT_LABELS, type PathSegment } from '../../../common/requestModel';
import type { SourceLocation } from '../../../common/traceModel';

import { formatCount, formatDuration } from '../../../common/format';

export { formatBytes, formatCount, formatDuration } from '../../../common/format';

/** A count and its noun: "1 generation", "3 generations". */
export const countOf = (n: number, noun: string): string => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

export function formatPercent(part: number, whole: number): string {
  return whole > 0 ? `${trim((100 * part) / whole)}%` : '–';
}

/** Percentages keep three significant figures at most. */
function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

/** A task type as shown: trace.NewTask accepts "", which would read as a missing cell. */
export const taskTypeLabel = (type: string): string => (type === '' ? '(no type)' : type);

export const siteLabel = (site: SourceLocation): string => `${baseName(site.file)}:${site.line}`;
export const siteTitle = (site: SourceLocation): string => `${site.function} — ${site.file}:${site.line}`;

/** "7.9 ms blocked on network in db.query on G2041 (main.worker)". */
export function describeSegment(segment: PathSegment): string {
  const what = COMPONENT_LABELS[segment.state];
  const reason = segment.reason && !what.includes(segment.reason) ? ` (${segment.reason})` : '';
  const region = segment.region ? ` in ${segment.region}` : '';
  const name = segment.goroutineName ? ` (${segment.goroutineName})` : '';
  return `${formatDuration(segment.endNs - segment.startNs)} ${what}${reason}${region} on G${segment.goroutine}${name}`;
}
