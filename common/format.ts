// How durations, sizes and counts read everywhere: the viewer, hovers, CodeLens, diagnostics and the CLI.
// Durations follow Go's time.Duration style ("850ns", "1.23ms", "850µs", "2.1s", "1m30s") with three
// significant digits; sizes use binary units with a space, as VS Code shows them ("1.5 MiB").

const SMALL_DURATION_UNITS: [number, string][] = [[1e3, 'µs'], [1e6, 'ms'], [1e9, 's']];

/** Three significant digits without trailing zeros: 2.10 → "2.1", 850 → "850". */
const threeDigits = (value: number): number => Number(value.toPrecision(3));

export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns < 0) return `-${formatDuration(-ns)}`;
  if (ns === 0) return '0s';
  if (Math.round(ns) < 1e3) return `${Math.round(ns)}ns`;
  for (const [scale, unit] of SMALL_DURATION_UNITS) {
    // Rounding can carry into the next unit (999.6µs → "1ms"), so the unit follows the rounded value.
    const value = threeDigits(ns / scale);
    if (value < (unit === 's' ? 60 : 1e3)) return `${value}${unit}`;
  }
  const seconds = Math.round(ns / 1e9);
  const hours = Math.floor(seconds / 3600);
  const minutes = `${Math.floor((seconds % 3600) / 60)}m${seconds % 60}s`;
  return hours > 0 ? `${hours}h${minutes}` : minutes;
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (Math.abs(threeDigits(value)) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${threeDigits(value)} ${BYTE_UNITS[unit]}`;
}

/**
 * 1234567 → "1,234,567", the same in every locale: as `toLocaleString('en-US')` prints it, but
 * integers are grouped by hand, since the first `toLocaleString` maps ~4.5 MiB of Node's ICU data
 * into the language server's memory (docs/trace-viewer.md, "Memory over a trace's whole life").
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  const head = digits.length % 3 || 3;
  let text = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) text += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${text}` : text;
}
