// Byte-level decoding: Go's uvarint rules (padded and 64-bit values included), the
// header (v1 traces refused with a clear message) and batch framing errors with offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceError } from '../../server/src/trace/event';
import { BatchStream, uvarintAt, varintPos } from '../../server/src/trace/wire';
import type { I64 } from '../../server/src/trace/exact';
import { batch, header, uvarint } from './tracebuilder';

function decode(bytes: number[]): I64 {
  varintPos.at = 0;
  return uvarintAt(Uint8Array.from(bytes), bytes.length);
}

test('uvarints decode like encoding/binary.Uvarint, as Go\'s int64 view', () => {
  assert.equal(decode([0x00]), 0);
  assert.equal(decode([0x7f]), 127);
  assert.equal(decode([0x80, 0x01]), 128);
  assert.equal(decode(uvarint(15625000)), 15625000);
  assert.equal(decode(uvarint(2 ** 48 + 12345)), 2 ** 48 + 12345);
  // The runtime pads batch sizes to 10 bytes.
  assert.deepEqual(uvarint(24, 10), [0x98, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
  assert.equal(decode(uvarint(24, 10)), 24);
  assert.equal(varintPos.at, 10);
  // NoThread is written as 2^64-1 and must come out as Go's ThreadID(-1), not a rounded float.
  assert.equal(decode(uvarint(2n ** 64n - 1n)), -1);
  // Beyond ±2^53 a double would round: such values come out as exact bigints (int64 view), and only those.
  assert.equal(decode(uvarint(2n ** 63n)), -(2n ** 63n));
  assert.equal(decode(uvarint(2n ** 53n + 1n)), 2n ** 53n + 1n);
  assert.equal(decode(uvarint(2n ** 53n - 1n)), 2 ** 53 - 1);
  assert.equal(decode(uvarint(2n ** 64n - 2n ** 53n)), -(2n ** 53n), '−2^53 is a double but not a safe one');
});

test('malformed uvarints are rejected, not misread', () => {
  assert.ok(Number.isNaN(decode([0x80])), 'truncated');
  assert.ok(Number.isNaN(decode([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])), '10th byte above 1');
  assert.ok(Number.isNaN(decode(new Array(11).fill(0x80))), 'more than 10 bytes');
});

async function headerError(bytes: number[]): Promise<TraceError> {
  const error: unknown = await BatchStream.fromBytes(Uint8Array.from(bytes)).readHeader().then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof TraceError, `expected a TraceError, got ${String(error)}`);
  return error;
}

test('v1 traces (Go 1.21 and older) get a clear error naming the version and the fix', async () => {
  for (const v of [11, 19, 21]) {
    const error = await headerError(header(v));
    assert.match(error.message, new RegExp(`Go 1\\.${v}`));
    assert.match(error.message, /Go 1\.22 or newer/);
  }
});

test('a file that is not a trace, or of an unknown version, is refused', async () => {
  assert.match((await headerError([...Buffer.from('PK\x03\x04 not a trace at all')])).message, /not a Go execution trace/);
  assert.match((await headerError(header(24))).message, /unsupported trace version go 1\.24/);
  assert.match((await headerError([...Buffer.from('go 1.2')])).message, /not a Go execution trace/);
});

test('batch framing errors say what and where', async () => {
  const cases: [number[], RegExp][] = [
    [[7], /expected batch event, got event 7 \(at byte 16\)/],
    [[1, ...uvarint(1), ...uvarint(0), ...uvarint(0), ...uvarint(2n ** 40n)], /invalid batch size 1099511627776, maximum is 65536/],
    [batch(1, 0, 0, [1, 2, 3]).slice(0, -1), /failed to read full batch: read 2 but wanted 3/],
    [[1, 0x80], /error reading batch gen: unexpected EOF \(at byte 17\)/],
  ];
  for (const [body, message] of cases) {
    const stream = BatchStream.fromBytes(Uint8Array.from([...header(26), ...body]));
    await stream.readHeader();
    await assert.rejects(stream.readBatch(), (e: unknown) => e instanceof TraceError && message.test(e.message));
  }
});

test('the end of the stream and the end-of-generation byte are told apart', async () => {
  const stream = BatchStream.fromBytes(Uint8Array.from([...header(26), ...batch(3, 5, 100, [9, 9]), 52]));
  assert.equal(await stream.readHeader(), 26);
  const first = await stream.readBatch();
  assert.deepEqual({ gen: first?.gen, m: first?.batch.m, time: first?.batch.time, data: [...(first?.batch.data ?? [])] },
    { gen: 3, m: 5, time: 100, data: [9, 9] });
  assert.deepEqual([...((await stream.readBatch())?.batch.data ?? [])], [52]);
  assert.equal(await stream.readBatch(), null);
});
