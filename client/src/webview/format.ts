// Number formatting shared by the views.
import type { SourceLocation } from '../../../common/traceModel';

export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${Math.round(ns)} ns`;
  if (abs < 1e6) return `${trim(ns / 1e3)} µs`;
  if (abs < 1e9) return `${trim(ns / 1e6)} ms`;
  return `${trim(ns / 1e9)} s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${unit === 0 ? value : trim(value)} ${units[unit]}`;
}

export const formatCount = (n: number): string => n.toLocaleString('en-US');

export function formatPercent(part: number, whole: number): string {
  return whole > 0 ? `${trim((100 * part) / whole)}%` : '–';
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

export const siteLabel = (site: SourceLocation): string => `${baseName(site.file)}:${site.line}`;
export const siteTitle = (site: SourceLocation): string => `${site.function} — ${site.file}:${site.line}`;
