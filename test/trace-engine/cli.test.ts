// `go-trace-lens trace dump` as a process: exit codes and clean one-line errors, never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotatedGeneration, header, traceOf } from './tracebuilder';

const dir = mkdtempSync(join(tmpdir(), 'trace-engine-'));

function dump(path: string) {
  const result = spawnSync(process.execPath, ['dist/cli.js', 'trace', 'dump', path], { maxBuffer: 1 << 28 });
  const stderr = result.stderr.toString();
  assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace on stderr');
  return { status: result.status, stdout: result.stdout.toString(), stderr };
}

test('a missing file exits 2 with a clear message', () => {
  const r = dump(join(dir, 'nope.trace'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot read .*nope\.trace: no such file/);
  assert.equal(r.stdout, '');
});

test('a Go 1.21 trace is refused, naming its version and what to do', () => {
  const path = join(dir, 'old.trace');
  writeFileSync(path, Uint8Array.from([...header(21), 0, 1, 2]));
  const r = dump(path);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Go 1\.21.*record the trace again with Go 1\.22 or newer/);
});

test('a truncated trace prints its complete generations, then fails with the byte offset', () => {
  const whole = traceOf(header(26), annotatedGeneration(1, 1000), annotatedGeneration(2, 5000));
  const path = join(dir, 'cut.trace');
  writeFileSync(path, whole.subarray(0, whole.length - 10));
  const r = dump(path);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^go-trace-lens: .*cut\.trace: .+ \(at byte \d+\)\n$/);
  assert.match(r.stdout, /TaskEnd Time=65024 ID=7/);
  assert.match(r.stdout, /Sync Time=65153 N=2\n$/);
});

test('a valid trace dumps completely and exits 0', () => {
  const path = join(dir, 'ok.trace');
  writeFileSync(path, traceOf(header(26), annotatedGeneration(1, 1000)));
  const r = dump(path);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('M=')).length, 11);
  assert.ok(r.stdout.endsWith('N=2\n'));
  assert.ok(readFileSync(path).length > 0);
});
