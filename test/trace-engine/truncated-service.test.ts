// A goroutine-per-request trace cut short, as a partial copy leaves it: `trace stats` says it is
// truncated (never a flight-recorder snapshot), counts the complete generations Go's own reader
// keeps, and refuses a file with none with a sentence instead of "1 events, 0 ns".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVICE = join(__dirname, '..', 'fixtures', 'viewer', 'service.trace');
const dir = mkdtempSync(join(tmpdir(), 'truncated-service-'));

/** Writes the first `fraction` of the service trace to a file. */
function cutServiceTrace(fraction: number, name: string): string {
  const whole = readFileSync(SERVICE);
  const path = join(dir, name);
  writeFileSync(path, whole.subarray(0, Math.floor(whole.length * fraction)));
  return path;
}

/** Complete generations as Go 1.26's reader sees them: each one starts with a Sync, the cut one's Sync comes before the error. */
async function goCompleteGenerations(path: string): Promise<number> {
  const { requireGo, goEnv } = await import('../../scripts/go-toolchain.mjs');
  const result = spawnSync(requireGo('1.26'), ['tool', 'trace', '-d=parsed', path], { env: goEnv('1.26'), maxBuffer: 1 << 28 });
  assert.notEqual(result.status, 0, 'Go rejects the cut file');
  return (result.stdout.toString().match(/ Sync Time=/g) ?? []).length - 1;
}

function stats(path: string) {
  const result = spawnSync(process.execPath, ['dist/cli.js', 'trace', 'stats', path], { maxBuffer: 1 << 26 });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

test('cut after its first generation: labelled truncated, with the generations Go keeps', async () => {
  const path = cutServiceTrace(0.9, 'cut-late.trace');
  const complete = await goCompleteGenerations(path);
  assert.ok(complete >= 1, 'the cut leaves at least one complete generation');
  const r = stats(path);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`events in ${complete} generation\\(s\\)`));
  assert.match(r.stdout, new RegExp(`Truncated file: these numbers cover its ${complete} complete generation\\(s\\)`));
  assert.doesNotMatch(r.stdout, /Flight-recorder/);
  assert.match(r.stdout, /"request"/, 'the complete generations’ tasks are listed');
});

test('cut inside its first generation: an error that says so, no made-up numbers', async () => {
  const path = cutServiceTrace(0.3, 'cut-early.trace');
  assert.equal(await goCompleteGenerations(path), 0);
  const r = stats(path);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /the first generation is incomplete or damaged, so there is nothing to show/);
  assert.doesNotMatch(r.stderr, /Flight-recorder|1 events/);
});
