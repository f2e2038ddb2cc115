// CSV (RFC 4180) for the CLI's exports. Names come from traces, which anyone can write: a field that
// a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) gets a leading
// apostrophe, as OWASP advises; numbers are written as they are.

export type CsvValue = string | number | boolean | null | undefined;

function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows with CRLF line ends, as RFC 4180 has them. */
export function csv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
