// The language server's capture requests over stdio, as the client sends them: go test -trace with
// its output as progress, a server capture cancelled through the request, the captures index, the
// "no go" error the client turns into a download button, and flightrecorder.go for a package.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, ResponseError } from 'vscode-languageserver-protocol/node';
import {
  CaptureNotifications, CaptureRequests, type CaptureEntry, type CaptureErrorData, type CaptureProgress, type CaptureTestResult,
  type CaptureUrlResult, type FlightRecorderFile,
} from '../../common/captureProtocol';
import { TraceSession } from '../trace-lsp/session';
import { fixtureModule, goRootDir, startFixtureServer, summarize, type FixtureServer } from './fixtureServer';

describe('capture requests of the language server', () => {
  let session: TraceSession;
  let server: FixtureServer;
  const directory = mkdtempSync(join(tmpdir(), 'capture-lsp-'));
  const progress: CaptureProgress[] = [];
  const testUri = pathToFileURL(join(fixtureModule, 'checkout_test.go')).toString();

  before(async () => {
    [session, server] = await Promise.all([TraceSession.start(fixtureModule), startFixtureServer()]);
    session.connection.onNotification(CaptureNotifications.progress.method, (update: CaptureProgress) => { progress.push(update); });
  });
  after(async () => { await Promise.all([session?.stop(), server?.stop()]); });

  it('traces a test with go.goroot, streams go test\'s output, and indexes the trace', async () => {
    const result = await session.connection.sendRequest(CaptureRequests.test.method, {
      captureId: 'a', directory, go: { goroot: goRootDir() }, cpuProfile: false, target: { uri: testUri, name: 'TestCheckout', kind: 'test' },
    }) as CaptureTestResult;
    assert.equal(result.exitCode, 0);
    assert.ok(result.traceFile?.startsWith(directory));
    assert.deepEqual((await summarize(result.traceFile!)).tasks.map((t) => t.type), ['checkout']);
    assert.match(progress.filter((p) => p.captureId === 'a').map((p) => p.output).join(''), /^ok\s+example\.com\/capture/m);
    const list = await session.connection.sendRequest(CaptureRequests.list.method, { directory }) as CaptureEntry[];
    assert.deepEqual(list.map((e) => [e.source, e.what]), [['test', 'TestCheckout (capture)']]);
  });

  it('says when there is no go, marked so the client can offer the download', async () => {
    await assert.rejects(session.connection.sendRequest(CaptureRequests.test.method, {
      captureId: 'b', directory, go: { goroot: '/nonexistent' }, cpuProfile: false, target: { uri: testUri, name: 'TestCheckout', kind: 'test' },
    }), (error: unknown) => error instanceof ResponseError && (error.data as CaptureErrorData).goNotFound === true && /go\.goroot is "\/nonexistent"/.test(error.message));
  });

  it('records a server window; cancelling the request leaves no file', async () => {
    const url = `${server.url}/debug/pprof/trace`;
    const done = await session.connection.sendRequest(CaptureRequests.url.method, { captureId: 'c', directory, url, seconds: 1, source: 'server' }) as CaptureUrlResult;
    assert.ok(done.bytes > 0 && existsSync(done.traceFile));
    const before = readdirSync(directory).sort();
    const cancel = new CancellationTokenSource();
    const pending = session.connection.sendRequest(CaptureRequests.url.method, { captureId: 'd', directory, url, seconds: 5, source: 'server' }, cancel.token);
    setTimeout(() => cancel.cancel(), 1000);
    await assert.rejects(pending);
    // The server stops streaming and removes the partial file shortly after the cancel.
    const deadline = Date.now() + 10_000;
    while (readdirSync(directory).sort().join() !== before.join() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(readdirSync(directory).sort(), before);
  });

  it('renames and removes captures', async () => {
    const [first] = await session.connection.sendRequest(CaptureRequests.list.method, { directory }) as CaptureEntry[];
    const renamed = await session.connection.sendRequest(CaptureRequests.rename.method, { directory, file: first.file, newName: 'kept' }) as CaptureEntry;
    assert.equal(renamed.file, 'kept.trace');
    await session.connection.sendRequest(CaptureRequests.remove.method, { directory, file: 'kept.trace' });
    const list = await session.connection.sendRequest(CaptureRequests.list.method, { directory }) as CaptureEntry[];
    assert.equal(list.length, 1);
    assert.equal(existsSync(join(directory, 'kept.trace')), false);
  });

  it('writes flightrecorder.go for the package of a Go file, for its module\'s Go version', async () => {
    const file = await session.connection.sendRequest(CaptureRequests.flightRecorder.method, { uri: testUri }) as FlightRecorderFile;
    assert.equal(file.path, join(fixtureModule, 'flightrecorder.go'));
    assert.match(file.text, /^package capture\n[\s\S]*\t"runtime\/trace"/);
  });
});
