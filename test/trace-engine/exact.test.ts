// Exact 64-bit values on the double fast path (server/src/trace/exact.ts) and the
// ID tables of a generation: what Go computes in int64/uint64 must come out the same,
// wrap-around included, whatever the size of the values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTime, asUint64, exactTime, i64, inc, low8, relTime, timeBefore, timeLo, uint64Less, uint64Text } from '../../server/src/trace/exact';
import { IdTable, StringTable } from '../../server/src/trace/generation';

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);

/** Go's relative time after addTime, as a bigint. */
function added(hi: number, lo: number, d: number, timeBase: number): bigint {
  const h = addTime(hi, lo, d, timeBase);
  return exactTime(h, timeLo.v);
}

test('values are numbers exactly when they are safe integers', () => {
  assert.equal(i64(2n ** 53n - 1n), 2 ** 53 - 1);
  assert.equal(i64(2n ** 53n), 2n ** 53n);
  assert.equal(i64(-(2n ** 53n) + 1n), -(2 ** 53) + 1);
  assert.equal(inc(2 ** 53 - 1), 2n ** 53n);
  assert.equal(inc(-1), 0, 'uint64 2^64−1 + 1 wraps to 0');
  assert.equal(inc(MAX_INT64), MIN_INT64);
  assert.equal(low8(1024), 0);
  assert.equal(low8(2n ** 60n + 0x1ffn), 0xff);
  assert.equal(low8(-1), 0xff);
  assert.equal(uint64Text(-1), '18446744073709551615');
  assert.equal(uint64Text(2n ** 53n + 1n), '9007199254740993');
  assert.equal(asUint64(-1), 2 ** 64);
  assert.ok(uint64Less(1, -1), 'the int64 view −1 is the largest uint64');
  assert.ok(!uint64Less(2n ** 60n, 5));
});

test('time arithmetic is exact beyond 2^53 and wraps like Go\'s int64', () => {
  assert.equal(added(10, 0, 5, 0), 15n);
  assert.equal(timeLo.v, 0);
  // Past 2^53 the double alone rounds; hi + lo stays exact.
  assert.equal(added(2 ** 53, 0, 1, 0), 2n ** 53n + 1n);
  assert.equal(added(2 ** 53, 1, 2, 0), 2n ** 53n + 3n);
  // Absolute times (relative + base) wrap at 2^63.
  const base = 2 ** 62;
  assert.equal(added(2 ** 62, 0, 2 ** 62, base), MIN_INT64 + 2n ** 62n - BigInt(base));
  assert.equal(added(2 ** 63, -1, 1, 0), MIN_INT64, 'MaxInt64 (2^63 − 1 as hi + lo) + 1');
  assert.equal(exactTime(relTime(2 ** 60, 3), timeLo.v), 2n ** 60n - 3n);
  // (hi, lo) order is the exact order.
  const h = Number(2n ** 60n + 100n);
  const lo1 = Number(2n ** 60n + 100n - BigInt(h));
  assert.ok(timeBefore(h, lo1 - 1, h, lo1));
  assert.ok(!timeBefore(h, lo1, h, lo1));
  assert.ok(timeBefore(2 ** 53 - 1, 0, 2 ** 53, 0));
});

test('ID tables: any ID, in any order, duplicates refused, 0 always taken', () => {
  const table = new IdTable<string>();
  const ids = [1, 3, 2, 70000, -1, 2n ** 53n + 1n, 2n ** 53n + 2n, 2 ** 40, 5];
  for (const id of ids) assert.ok(table.insert(id, String(id)), `insert ${id}`);
  for (const id of ids) assert.equal(table.get(id), String(id));
  for (const id of ids) assert.ok(!table.insert(id, 'again'), `duplicate ${id}`);
  assert.ok(!table.insert(0, 'zero'));
  assert.equal(table.get(0), undefined);
  assert.equal(table.get(4), undefined);
  assert.equal(table.get(2n ** 53n), undefined, 'a neighbouring huge ID is another ID');
  assert.equal(table.get(-2), undefined);
  assert.equal([...table.entries()].length, ids.length);
  // A permutation of 1..n (the runtime's stack order) stays in the array: all found, in ID order.
  const perm = new IdTable<number>();
  const n = 5000;
  const order = Array.from({ length: n }, (_, i) => ((i * 7919) % n) + 1);
  for (const id of order) assert.ok(perm.insert(id, id));
  assert.deepEqual([...perm.entries()].map(([id]) => id), Array.from({ length: n }, (_, i) => i + 1));
  // The array is kept in chunks of 4,096 IDs: a jump past several chunks (within the slack), and
  // values on both sides of a chunk's edge.
  const chunked = new IdTable<string>();
  const jumped = [...Array.from({ length: 9000 }, (_, i) => i + 1), 30_000, 4095, 4096, 4097].filter((id, i, all) => all.indexOf(id) === i);
  for (const id of jumped) assert.ok(chunked.insert(id, `v${id}`), `insert ${id}`);
  for (const id of [4095, 4096, 4097, 8192, 30_000]) assert.equal(chunked.get(id), `v${id}`);
  assert.equal(chunked.get(8191), 'v8191');
  assert.equal(chunked.get(29_999), undefined);
  assert.equal(chunked.get(30_001), undefined);
  assert.ok(chunked.insert(29_999, 'gap filled') && !chunked.insert(30_000, 'again'));
  assert.deepEqual([...chunked.entries()].map(([id]) => id), [...Array.from({ length: 9000 }, (_, i) => i + 1), 29_999, 30_000]);
});

for (const inFile of [false, true]) {
  test(`string tables ${inFile ? 'left in the file' : 'copied'}: bytes kept until asked for, duplicates refused, odd bytes preserved`, () => {
    const table = new StringTable();
    const bytes = Buffer.alloc(3_000_000);
    // Left in the file, a string is read again from its record (its length as a uvarint, then the
    // string; here in file, at stream position 100 + its offset) each time it is decoded and not kept.
    const file = Buffer.alloc(3_100_000);
    let fileLength = 0;
    const shift = 100;
    const record = (lengthVarint: number[], start: number, end: number, from = bytes) => {
      const at = fileLength;
      file.set(lengthVarint, at);
      from.copy(file, at + lengthVarint.length, start, end);
      fileLength += lengthVarint.length + end - start;
      return shift + at;
    };
    let reads = 0;
    if (inFile) {
      table.leaveInFile({
        bytesAt: (position, target) => { reads++; target.set(file.subarray(position - shift, position - shift + target.length)); return target; },
        get totalBytes() { return shift + fileLength; },
      });
    }
    const uvarint = (v: number) => (v < 128 ? [v] : [(v & 0x7f) | 0x80, v >> 7]);
    const strings: [number, number, number][] = [];
    // 3 MB of strings of every length up to the maximum fills blocks of 16 KB, 32 KB, … and 1 MB.
    let at = 0;
    for (let id = 1; at + 1024 <= bytes.length; id++) {
      const len = (id * 37) % 1025;
      for (let i = 0; i < len; i++) bytes[at + i] = 0x61 + ((id + i) % 26);
      assert.ok(table.insert(id, bytes, at, at + len, record(uvarint(len), at, at + len)), `insert ${id}`);
      strings.push([id, at, at + len]);
      at += len;
    }
    assert.ok(strings.length > 5000);
    // Invalid UTF-8 keeps its bytes as escapes; valid UTF-8 decodes. Its length is a uvarint Go accepts
    // though not the shortest (4 as 0x84 0x80 0x00), and its record ends the file.
    const odd = Buffer.from([0x68, 0xff, 0xc3, 0xa9]);
    assert.ok(table.insert(2n ** 60n, odd, 0, odd.length, record([0x84, 0x80, 0x00], 0, odd.length, odd)));
    const text = ([, start, end]: [number, number, number]) => bytes.toString('latin1', start, end);
    for (const s of [...strings].reverse()) assert.equal(table.getOnce(s[0]), text(s), `getOnce ${s[0]}`);
    for (const s of strings) {
      assert.equal(table.get(s[0]), text(s), `get ${s[0]}`);
      assert.equal(table.getOnce(s[0]), text(s), `getOnce ${s[0]} once kept`);
    }
    // The file is read 64 KiB at a time: each window once backwards, once forwards (records across a
    // window's end are read whole from the window they start in).
    const windows = Math.ceil((fileLength + shift) / 65_536);
    assert.ok(inFile ? reads > 0 && reads <= 2 * windows : reads === 0, `${reads} reads, ${windows} windows`);
    assert.ok(!table.insert(1, bytes, 0, 1), 'a taken ID');
    assert.ok(!table.insert(0, bytes, 0, 1), 'ID 0');
    assert.equal(table.get(0), '');
    assert.equal(table.get(strings.length + 1), undefined);
    assert.equal(table.getOnce(-5), undefined);
    assert.equal(table.get(2n ** 60n), 'h\udcffé');
    assert.ok(!table.insert(2n ** 60n, bytes, 0, 1), 'a taken sparse ID');
  });
}
