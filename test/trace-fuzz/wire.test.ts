// The fuzzer's own framing must be right, or its "boundary" mutations land anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeUvarint, frameBatches, headerMinor, readUvarint, tableCountFields } from './wire';
import { Rng, mutate } from './mutate';

const fixtures = join(__dirname, '../fixtures/traces');
const wholeFixtures = readdirSync(fixtures)
  .filter((f) => f.endsWith('.trace') && !f.includes('-cut-'));

test('varints round-trip, including the runtime\'s padded sizes and 2^64-1', () => {
  assert.deepEqual([...encodeUvarint(24n, 10)], [0x98, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
  for (const value of [0n, 1n, 127n, 128n, 300n, (1n << 53n) + 1n, (1n << 64n) - 1n]) {
    for (const width of [0, 10]) {
      const bytes = encodeUvarint(value, width);
      assert.deepEqual(readUvarint(bytes, 0), { value, next: bytes.length });
    }
  }
  assert.equal(readUvarint(new Uint8Array(10).fill(0xff), 0), undefined, 'unterminated after 10 bytes');
  assert.equal(readUvarint(Uint8Array.of(0x80), 0), undefined, 'truncated');
});

test('every whole fixture trace frames into whole batches from the header to its last byte', () => {
  assert.ok(wholeFixtures.length >= 30, `only ${wholeFixtures.length} fixtures`);
  for (const name of wholeFixtures) {
    const bytes = readFileSync(join(fixtures, name));
    const minor = headerMinor(bytes);
    assert.ok(minor !== undefined && minor >= 22, name);
    const frames = frameBatches(bytes);
    assert.equal(frames[0].start, 16, name);
    for (let i = 1; i < frames.length; i++) assert.equal(frames[i].start, frames[i - 1].end, `${name}: gap before batch ${i}`);
    assert.equal(frames[frames.length - 1].end, bytes.length, `${name}: unframed tail`);
    if (minor >= 26) assert.equal(frames[frames.length - 1].kind, 'endOfGeneration', name);
    const counts = frames.flatMap((f) => tableCountFields(bytes, f));
    assert.ok(counts.some((c) => c.what === 'string length') && counts.some((c) => c.what === 'stack frames'), `${name}: no tables found`);
  }
});

test('mutations are a pure function of the seed', () => {
  const a = readFileSync(join(fixtures, 'annotations-go1.26.trace'));
  const b = readFileSync(join(fixtures, 'blocking-go1.22.trace'));
  for (let seed = 1; seed < 50; seed++) {
    const first = mutate(new Rng(seed), a, b);
    const second = mutate(new Rng(seed), a, b);
    assert.equal(first.description, second.description);
    assert.deepEqual(first.bytes, second.bytes);
  }
});

test('mutations never throw, even on empty and header-only inputs', () => {
  const real = readFileSync(join(fixtures, 'generations-go1.22.trace'));
  for (let length = 0; length <= 40; length++) {
    for (let seed = 1; seed <= 40; seed++) mutate(new Rng(seed * 97 + length), real.subarray(0, length), real);
  }
});
