// Go's text formatting that trace dump reproduces: %q (strconv.Quote, with Go's own
// Unicode tables and raw bytes of invalid UTF-8), RFC 3339 wall times, and Go strings
// that are not valid UTF-8 surviving the trip from trace bytes to output bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatUnixRFC3339Nano, goQuote } from '../../server/src/trace/gofmt';
import { goSortFunc } from '../../server/src/trace/gosort';
import { decodeGoString, encodeGoText } from '../../server/src/trace/strings';

test('goQuote matches strconv.Quote', () => {
  assert.equal(goQuote('plain text'), '"plain text"');
  assert.equal(goQuote('say "hi"\\'), '"say \\"hi\\"\\\\"');
  assert.equal(goQuote('tab\tnl\nnul\0del\x7f bell\x07'), '"tab\\tnl\\nnul\\x00del\\x7f bell\\a"');
  assert.equal(goQuote('café ☕ 𝄞'), '"café ☕ 𝄞"');
  // Not printable for Go: soft hyphen, no-break space, a private-use code point, a line separator.
  assert.equal(goQuote('\u00ad\u00a0\ue000\u2028'), '"\\u00ad\\u00a0\\ue000\\u2028"');
  // Assigned after Unicode 15.0 (Go 1.26's tables), so Go escapes it even if this Node knows it.
  assert.equal(goQuote('\u{2ebf0}'), '"\\U0002ebf0"');
  assert.equal(goQuote('\u{1f600}'), '"😀"');
});

test('strings that are not valid UTF-8 keep their bytes: \\x in %q, raw in output', () => {
  const bytes = Buffer.from([0x61, 0xff, 0xe2, 0x82, 0x62, 0xed, 0xa0, 0x80, 0xc3, 0xa9]);
  const s = decodeGoString(bytes);
  assert.equal(goQuote(s), '"a\\xff\\xe2\\x82b\\xed\\xa0\\x80é"');
  assert.deepEqual([...encodeGoText(`<${s}>`)], [0x3c, ...bytes, 0x3e]);
  assert.equal(decodeGoString(Buffer.from([0xef, 0xbb, 0xbf, 0x41])), '\ufeffA', 'a BOM is kept');
  assert.deepEqual([...encodeGoText('𐂀 \u{10080}')], [...Buffer.from('𐂀 \u{10080}')], 'surrogate pairs are not escapes');
});

test('wall times print as time.Time.Format(time.RFC3339Nano) in the local zone', () => {
  // Node re-reads the zone when TZ is assigned; Go's time.Local follows TZ the same way.
  const saved = process.env.TZ;
  process.env.TZ = 'UTC';
  assert.equal(formatUnixRFC3339Nano(0n, 0n), '1970-01-01T00:00:00Z');
  assert.equal(formatUnixRFC3339Nano(1700000000n, 5n), '2023-11-14T22:13:20.000000005Z');
  assert.equal(formatUnixRFC3339Nano(1700000000n, 120000000n), '2023-11-14T22:13:20.12Z');
  assert.equal(formatUnixRFC3339Nano(951782400n, 0n), '2000-02-29T00:00:00Z');
  assert.equal(formatUnixRFC3339Nano(-1n, 1500000000n), '1970-01-01T00:00:00.5Z', 'nsec is normalized like time.Unix');
  process.env.TZ = 'Asia/Kolkata';
  assert.equal(formatUnixRFC3339Nano(1700000000n, 0n), '2023-11-15T03:43:20+05:30');
  process.env.TZ = 'America/New_York';
  assert.equal(formatUnixRFC3339Nano(1700000000n, 0n), '2023-11-14T17:13:20-05:00');
  if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved;
});

test('goSortFunc sorts like slices.SortFunc, including which equal elements come first', () => {
  // Small inputs use insertion sort, so equal keys keep their order.
  const small = [3, 1, 2, 1, 0].map((k, i) => ({ k, i }));
  goSortFunc(small, (a, b) => a.k - b.k);
  assert.deepEqual(small.map((e) => `${e.k}${e.i}`), ['04', '11', '13', '22', '30']);
  // Larger inputs go through pdqsort; the order must be sorted and deterministic.
  const big = Array.from({ length: 500 }, (_, i) => ({ k: (i * 7919) % 13, i }));
  goSortFunc(big, (a, b) => a.k - b.k);
  for (let i = 1; i < big.length; i++) assert.ok(big[i - 1].k <= big[i].k);
});
