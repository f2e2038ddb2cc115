// The captures index: entries survive a new index object (a reload), rename and delete move files and entries.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CapturesIndex } from '../../server/src/capture/captures';

describe('captures index', () => {
  it('adds, lists newest first, renames and removes; a new index reads the same entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'captures-'));
    const index = new CapturesIndex(dir);
    const first = index.newTracePath('TestCheckout', new Date('2026-01-01T10:00:00Z'));
    assert.equal(first, join(dir, 'TestCheckout-20260101T100000Z.trace'));
    writeFileSync(first, 'x'.repeat(10));
    index.add(first, { source: 'test', what: 'TestCheckout (.)', durationMs: 1200, capturedAt: '2026-01-01T10:00:00.000Z' });
    const second = index.newTracePath('http://127.0.0.1:6060/debug/pprof/trace?seconds=5', new Date('2026-01-01T11:00:00Z'));
    assert.equal(second, join(dir, '127.0.0.1-6060-debug-pprof-trace-seconds-5-20260101T110000Z.trace'));
    writeFileSync(second, 'y'.repeat(20));
    index.add(second, { source: 'server', what: 'http://127.0.0.1:6060/debug/pprof/trace?seconds=5', durationMs: 5000, capturedAt: '2026-01-01T11:00:00.000Z' });

    const reloaded = new CapturesIndex(dir);
    assert.deepEqual(reloaded.list().map((e) => [e.source, e.bytes]), [['server', 20], ['test', 10]]);

    const renamed = reloaded.rename(reloaded.list()[1], 'checkout');
    assert.equal(renamed.file, 'checkout.trace');
    assert.ok(existsSync(join(dir, 'checkout.trace')) && !existsSync(first));
    assert.throws(() => reloaded.rename(renamed, '../elsewhere/../captures.json'), /not a usable file name/);
    assert.throws(() => reloaded.rename(reloaded.list()[0], 'checkout'), /already exists/);

    reloaded.remove(renamed);
    assert.equal(existsSync(join(dir, 'checkout.trace')), false);
    assert.deepEqual(new CapturesIndex(dir).list().map((e) => e.source), ['server']);
  });

  it('drops entries whose file is gone and ignores a corrupt index', () => {
    const dir = mkdtempSync(join(tmpdir(), 'captures-'));
    writeFileSync(join(dir, 'captures.json'), JSON.stringify([{ file: 'gone.trace', source: 'test', what: 'x', capturedAt: 'x', durationMs: 1, bytes: 1 }, { file: '../escape', source: 'test' }]));
    assert.deepEqual(new CapturesIndex(dir).list(), []);
    writeFileSync(join(dir, 'captures.json'), '{not json');
    assert.deepEqual(new CapturesIndex(dir).list(), []);
    assert.equal(readFileSync(join(dir, 'captures.json'), 'utf8'), '{not json');
  });
});
