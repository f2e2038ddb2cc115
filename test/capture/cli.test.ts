// `go-trace-lens capture` as a process: exit codes 0 (captured), 1 (capture failed), 2 (usage).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureModule, goRootDir, startFixtureServer, summarize, type FixtureServer } from './fixtureServer';

const out = mkdtempSync(join(tmpdir(), 'capture-cli-'));
const cli = join(__dirname, '../../dist/cli.js');

function capture(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [cli, 'capture', ...args], {
    cwd: fixtureModule, encoding: 'utf8',
    env: { ...process.env, PATH: `${join(goRootDir(), 'bin')}:${process.env.PATH}`, GOROOT: goRootDir(), GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod', ...env },
  });
  assert.doesNotMatch(result.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace on stderr');
  return result;
}

describe('go-trace-lens capture', () => {
  let server: FixtureServer;
  before(async () => { server = await startFixtureServer(); });
  after(async () => { await server?.stop(); });

  it('test: exit 0 and a trace with the test\'s task', async () => {
    const file = join(out, 'test.trace');
    const r = capture(['test', 'TestCheckout', '.', '-o', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((await summarize(file)).tasks.map((t) => t.type), ['checkout']);
  });

  it('test -bench: exit 0', async () => {
    const file = join(out, 'bench.trace');
    const r = capture(['test', '-bench', 'BenchmarkEncode', '.', '-o', file, '--benchtime', '20ms']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((await summarize(file)).regions.map((t) => t.type), ['encode']);
  });

  it('test: a failing test exits 1 and says so', () => {
    const r = capture(['test', 'TestFailsOnRequest', '.', '-o', join(out, 'fail.trace')], { CAPTURE_FIXTURE_FAIL: '1' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /failing as requested/);
    assert.match(r.stderr, /go test failed \(exit 1\); the trace is in/);
  });

  it('test: no go on PATH exits 1 with what to install', () => {
    const r = capture(['test', 'TestCheckout', '.', '-o', join(out, 'nogo.trace')], { PATH: '/nonexistent' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /The go command was not found on PATH\. Install Go/);
  });

  it('url: exit 0 with a 1 s window', async () => {
    const file = join(out, 'url.trace');
    const r = capture(['url', `${server.url}/debug/pprof/trace`, '--seconds', '1', '-o', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /wrote .*url\.trace \(\d+ bytes\)/);
    assert.ok((await summarize(file)).tasks.length > 0);
  });

  it('url: a 404 exits 1 with how to add net/http/pprof', () => {
    const r = capture(['url', `${server.url}/nope`, '-o', join(out, 'nope.trace')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /net\/http\/pprof/);
    assert.equal(existsSync(join(out, 'nope.trace')), false);
  });

  it('usage errors exit 2', () => {
    assert.equal(capture(['test', 'TestCheckout', '.']).status, 2);
    assert.equal(capture(['test', 'Helper', '.', '-o', 'x']).status, 2);
    assert.equal(capture(['url', 'http://x', '--seconds', 'abc', '-o', 'x']).status, 2);
    assert.equal(capture(['sideways']).status, 2);
  });
});
