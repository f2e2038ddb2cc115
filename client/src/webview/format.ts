// Formatting shared by the views; durations, sizes and counts read as everywhere else (common/format.ts).
import type { SourceLocation } from '../../../common/traceModel';

import { formatCount } from '../../../common/format';

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

export const siteLabel = (site: SourceLocation): string => `${baseName(site.file)}:${site.line}`;
export const siteTitle = (site: SourceLocation): string => `${site.function} — ${site.file}:${site.line}`;
