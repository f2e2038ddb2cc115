// HTTP capture against the fixture module's real Go server (net/http/pprof, flight recorder) on 127.0.0.1.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { captureHttp } from '../../server/src/capture/httpCapture';
import { CaptureError } from '../../server/src/capture/traceFile';
import { startFixtureServer, summarize, type FixtureServer } from './fixtureServer';

const out = mkdtempSync(join(tmpdir(), 'capture-http-'));

function rejectsWith(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof CaptureError, `a CaptureError, not ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('capture from a running server', () => {
  let server: FixtureServer;
  let shortTimeout: FixtureServer;
  let shortTimeoutGo122: FixtureServer;
  before(async () => {
    [server, shortTimeout, shortTimeoutGo122] = await Promise.all([startFixtureServer(['-flight-recorder']),
      startFixtureServer(['-write-timeout', '500ms']), startFixtureServer(['-write-timeout', '500ms'], '1.22')]);
  });
  after(async () => {
    await Promise.all([server?.stop(), shortTimeout?.stop(), shortTimeoutGo122?.stop()]);
  });

  it('captures a 1 s window whose trace holds the server\'s tasks and regions', async () => {
    const file = join(out, 'one-second.trace');
    const progress: number[] = [];
    const result = await captureHttp(`${server.url}/debug/pprof/trace`, { seconds: 1, out: file, onProgress: ({ bytes }) => progress.push(bytes) });
    assert.ok(result.elapsedMs >= 900, `took ${result.elapsedMs} ms`);
    assert.equal(result.bytes, statSync(file).size);
    assert.ok(progress.length > 0 && progress.at(-1) === result.bytes);
    assert.match(result.url, /\?seconds=1$/);
    const summary = await summarize(file);
    assert.ok(summary.tasks.some((t) => t.type === 'background' && t.count > 10), JSON.stringify(summary.tasks));
    assert.ok(summary.regions.some((r) => r.type === 'tick'));
    assert.equal(existsSync(`${file}.partial`), false);
  });

  it('cancel mid-capture leaves no file, partial or whole', async () => {
    const file = join(out, 'cancelled.trace');
    const controller = new AbortController();
    const capture = captureHttp(`${server.url}/debug/pprof/trace`, {
      seconds: 5, out: file, signal: controller.signal,
      onProgress: ({ bytes }) => { if (bytes > 0) controller.abort(); },
    });
    await assert.rejects(capture, rejectsWith(/^Cancelled\.$/));
    assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('cancelled')), []);
  });

  it('a window longer than the server\'s WriteTimeout: Go 1.26 extends the deadline, so the capture succeeds', async () => {
    // Go 1.22 answers 400 here (next test); 1.26's net/http/pprof moves the write deadline past the window instead.
    const file = join(out, 'timeout.trace');
    await captureHttp(`${shortTimeout.url}/debug/pprof/trace`, { seconds: 2, out: file });
    assert.ok((await summarize(file)).tasks.length > 0);
  });

  it('a window longer than the server\'s WriteTimeout on Go 1.22 (its net/http/pprof answers 400): said in plain words, no file left', async () => {
    const file = join(out, 'refused.trace');
    await assert.rejects(captureHttp(`${shortTimeoutGo122.url}/debug/pprof/trace`, { seconds: 2, out: file }),
      rejectsWith(/^The server refused a 2 s capture: profile duration exceeds server's WriteTimeout \(HTTP 400\)\. Capture a shorter window/));
    assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('refused')), []);
  });

  it('a second capture while one runs: 500 "Could not enable tracing"', async () => {
    const first = captureHttp(`${server.url}/debug/pprof/trace`, { seconds: 2, out: join(out, 'first.trace') });
    // Start the second once the first is streaming, so the server is tracing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await assert.rejects(captureHttp(`${server.url}/debug/pprof/trace`, { seconds: 1, out: join(out, 'second.trace') }),
      rejectsWith(/could not enable tracing \(HTTP 500\): another trace is already running/));
    await first;
    assert.equal(existsSync(join(out, 'second.trace')), false);
  });

  it('no pprof handler: 404 says how to add net/http/pprof', async () => {
    await assert.rejects(captureHttp(`${server.url}/debug/nothing/trace`, { seconds: 1, out: join(out, 'missing.trace') }),
      rejectsWith(/HTTP 404.*import _ "net\/http\/pprof"/));
  });

  it('connection refused', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    await assert.rejects(captureHttp(`http://127.0.0.1:${port}/debug/pprof/trace`, { seconds: 1, out: join(out, 'refused.trace') }),
      rejectsWith(new RegExp(`^Connection refused: nothing is listening on 127\\.0\\.0\\.1:${port}\\.`)));
  });

  it('a body that is not a Go trace', async () => {
    await assert.rejects(captureHttp(`${server.url}/not-a-trace`, { out: join(out, 'html.trace') }),
      rejectsWith(/is not a Go execution trace.*starts with "<html>hello<\/htm"/));
    assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('html')), []);
  });

  it('a redirect on the same host is followed', async () => {
    const file = join(out, 'moved.trace');
    const result = await captureHttp(`${server.url}/moved`, { seconds: 1, out: file });
    assert.equal(result.url, `${server.url}/debug/pprof/trace?seconds=1`);
    assert.ok((await summarize(file)).tasks.length > 0);
  });

  it('a redirect to another host is refused', async () => {
    await assert.rejects(captureHttp(`${server.url}/elsewhere`, { out: join(out, 'redirect.trace') }),
      rejectsWith(/redirected the capture to http:\/\/example\.invalid, another host; refusing/));
  });

  it('fetches a flight-recorder snapshot', async () => {
    const file = join(out, 'snapshot.trace');
    await captureHttp(`${server.url}/debug/flightrecorder`, { out: file });
    const summary = await summarize(file);
    assert.ok(summary.tasks.some((t) => t.type === 'background'), JSON.stringify(summary.tasks));
  });
});
