// Durations read as Go's time.Duration prints them (three significant digits), sizes in binary units.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatCount, formatDuration } from '../../common/format';

test('durations in Go style: ns, µs, ms, s, then minutes and hours', () => {
  const cases: [number, string][] = [
    [0, '0s'], [12, '12ns'], [999, '999ns'], [1234, '1.23µs'], [850_000, '850µs'], [999_600, '1ms'], [1_234_567, '1.23ms'],
    [2.1e9, '2.1s'], [59.99e9, '1m0s'], [90e9, '1m30s'], [3605e9, '1h0m5s'], [-1_234_567, '-1.23ms'], [Number.NaN, '–'],
  ];
  for (const [ns, text] of cases) assert.equal(formatDuration(ns), text, String(ns));
});

test('sizes in binary units and counts with thousands separators', () => {
  assert.deepEqual([0, 1023, 1536, 5e9].map(formatBytes), ['0 B', '1023 B', '1.5 KiB', '4.66 GiB']);
  assert.equal(formatCount(1234567), '1,234,567');
});

test('counts grouped by hand read exactly as toLocaleString(\'en-US\') prints them', () => {
  const values = [0, -0, 1, 7, 12, 999, 1000, -1000, 999_999, 1_000_000, 1234567, -987654321, 406_500, 2 ** 32, Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER, 2 ** 53, 1.5, 1234.5678, -0.25, 1e21, Number.NaN, Number.POSITIVE_INFINITY];
  for (let digits = 1; digits <= 16; digits++) values.push(Math.floor(Math.random() * 10 ** digits), -Math.floor(Math.random() * 10 ** digits));
  for (const n of values) assert.equal(formatCount(n), n.toLocaleString('en-US'), String(n));
});
