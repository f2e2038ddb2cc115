// `go test -trace` through the capture core, with the real Go 1.26 toolchain on the fixture module.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { failureSummary, goTestArgs, runGoTest, testKindOf } from '../../server/src/capture/goTest';
import { findGo, GoNotFoundError } from '../../server/src/capture/goTool';
import { CaptureError } from '../../server/src/capture/traceFile';
import { fixtureModule, go, goRootDir, summarize } from './fixtureServer';

const out = mkdtempSync(join(tmpdir(), 'capture-gotest-'));

describe('go test -trace', () => {
  it('runs one test and its trace holds the test\'s task and regions', async () => {
    const traceFile = join(out, 'checkout.trace');
    const output: string[] = [];
    const result = await runGoTest(go(), { kind: 'test', name: 'TestCheckout', pkg: '.', cwd: fixtureModule }, { traceFile, onOutput: (t) => output.push(t) });
    assert.equal(result.exitCode, 0, result.output);
    assert.equal(result.traceFile, traceFile);
    assert.match(output.join(''), /^ok\s+example\.com\/capture/m);
    const summary = await summarize(traceFile);
    assert.deepEqual(summary.tasks.map((t) => [t.type, t.count]), [['checkout', 1]]);
    assert.deepEqual(summary.regions.map((r) => r.type).sort(), ['charge', 'validate']);
  });

  it('runs one benchmark only, with CPU samples, and leaves no test binary in the package', async () => {
    const traceFile = join(out, 'encode.trace');
    const cpuProfile = join(out, 'encode.cpu.pprof');
    const result = await runGoTest(go(), { kind: 'benchmark', name: 'BenchmarkEncode', pkg: '.', cwd: fixtureModule }, { traceFile, cpuProfile, benchtime: '50ms' });
    assert.equal(result.exitCode, 0, result.output);
    assert.match(result.output, /BenchmarkEncode/);
    assert.ok(existsSync(cpuProfile));
    const summary = await summarize(traceFile);
    assert.deepEqual(summary.tasks, []);
    assert.deepEqual(summary.regions.map((r) => r.type), ['encode']);
    assert.ok(summary.regions[0].count > 100, `encode ran ${summary.regions[0].count} times`);
    assert.deepEqual(readdirSync(fixtureModule).filter((f) => f.endsWith('.test')), []);
  });

  it('runs a fuzz target\'s seed corpus', async () => {
    const traceFile = join(out, 'fuzz.trace');
    const result = await runGoTest(go(), { kind: 'fuzz', name: 'FuzzCheckout', pkg: '.', cwd: fixtureModule }, { traceFile });
    assert.equal(result.exitCode, 0, result.output);
    assert.deepEqual((await summarize(traceFile)).tasks.map((t) => [t.type, t.count]), [['checkout', 1]]);
  });

  it('reports a failing test with its lines, and still keeps the trace', async () => {
    const traceFile = join(out, 'failing.trace');
    const tool = go();
    const result = await runGoTest({ ...tool, env: { ...tool.env, CAPTURE_FIXTURE_FAIL: '1' } },
      { kind: 'test', name: 'TestFailsOnRequest', pkg: '.', cwd: fixtureModule }, { traceFile });
    assert.equal(result.exitCode, 1);
    assert.match(result.failure ?? '', /^--- FAIL: TestFailsOnRequest/);
    assert.match(result.failure ?? '', /failing as requested/);
    assert.equal(result.traceFile, traceFile);
  });

  it('reports a compile error with its file and line, and writes no trace', async () => {
    const module = mkdtempSync(join(tmpdir(), 'capture-broken-'));
    cpSync(fixtureModule, module, { recursive: true });
    writeFileSync(join(module, 'broken_test.go'), 'package capture\n\nfunc TestBroken(t *testing.T) { undefinedThing() }\n');
    const traceFile = join(out, 'broken.trace');
    const result = await runGoTest(go(), { kind: 'test', name: 'TestBroken', pkg: '.', cwd: module }, { traceFile });
    assert.equal(result.exitCode, 1);
    assert.match(result.failure ?? '', /broken_test\.go:3:\d+: undefined: testing/);
    assert.equal(result.traceFile, undefined);
    assert.equal(existsSync(traceFile), false);
  });

  it('cancel kills go and the test binary, and leaves no trace', async () => {
    const module = mkdtempSync(join(tmpdir(), 'capture-slow-'));
    cpSync(fixtureModule, module, { recursive: true });
    writeFileSync(join(module, 'slow_test.go'), 'package capture\n\nimport (\n\t"os"\n\t"testing"\n\t"time"\n)\n\n'
      + 'func TestSlow(t *testing.T) {\n\tos.WriteFile("started", []byte("x"), 0o644)\n\ttime.Sleep(time.Minute)\n}\n');
    const traceFile = join(out, 'slow.trace');
    const testBinaries = (): string[] => execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.includes('.test') && l.includes('^TestSlow$'));
    const controller = new AbortController();
    let seenRunning: string[] = [];
    const waitForStart = setInterval(() => {
      if (!existsSync(join(module, 'started')) || controller.signal.aborted) return;
      seenRunning = testBinaries();
      controller.abort();
    }, 50);
    const began = Date.now();
    await assert.rejects(runGoTest(go(), { kind: 'test', name: 'TestSlow', pkg: '.', cwd: module }, { traceFile, signal: controller.signal }),
      (error: unknown) => error instanceof CaptureError && error.message === 'Cancelled.');
    clearInterval(waitForStart);
    assert.ok(Date.now() - began < 50_000, 'the run ended long before the test\'s minute');
    assert.equal(existsSync(traceFile), false);
    // The test binary, a child of go, was running and is gone too.
    assert.equal(seenRunning.length, 1, 'the test binary was running when cancelled');
    assert.deepEqual(testBinaries(), []);
  });
});

describe('go test arguments', () => {
  it('selects exactly one function', () => {
    assert.deepEqual(goTestArgs({ kind: 'test', name: 'TestA', pkg: './x', cwd: '/' }, { traceFile: '/t' }), ['test', '-count=1', '-run', '^TestA$', '-trace=/t', './x']);
    assert.deepEqual(goTestArgs({ kind: 'benchmark', name: 'BenchmarkA', pkg: '.', cwd: '/' }, { traceFile: '/t', benchtime: '1x' }),
      ['test', '-count=1', '-run', '^$', '-bench', '^BenchmarkA$', '-benchtime=1x', '-trace=/t', '.']);
  });

  it('knows test names as go test does', () => {
    assert.equal(testKindOf('TestX'), 'test');
    assert.equal(testKindOf('Test'), 'test');
    assert.equal(testKindOf('Test_x'), 'test');
    assert.equal(testKindOf('Testing'), undefined);
    assert.equal(testKindOf('BenchmarkX'), 'benchmark');
    assert.equal(testKindOf('FuzzX'), 'fuzz');
    assert.equal(testKindOf('Helper'), undefined);
  });

  it('summarizes a failure from its first failing test', () => {
    assert.equal(failureSummary('=== RUN   TestA\n--- FAIL: TestA (0.00s)\n    a_test.go:5: boom\nFAIL\n', 2), '--- FAIL: TestA (0.00s)\n    a_test.go:5: boom');
  });
});

describe('finding go', () => {
  it('uses go.goroot, then PATH, and says what to install when there is none', () => {
    const root = goRootDir();
    assert.equal(findGo({ goroot: root }, { PATH: '' }).binary, join(root, 'bin/go'));
    assert.equal(findGo({ goroot: root }, { PATH: '' }).env.GOROOT, root);
    assert.equal(findGo({}, { PATH: `/nonexistent:${join(root, 'bin')}` }).binary, join(root, 'bin/go'));
    assert.equal(findGo({ alternateGo: join(root, 'bin/go') }, { PATH: '' }).binary, join(root, 'bin/go'));
    assert.throws(() => findGo({}, { PATH: '/nonexistent' }), (e: unknown) => e instanceof GoNotFoundError && /Install Go 1\.22 or newer from https:\/\/go\.dev\/dl\//.test(e.message));
    assert.throws(() => findGo({ goroot: '/nonexistent' }, { PATH: '' }), /go\.goroot is "\/nonexistent"/);
  });
});
