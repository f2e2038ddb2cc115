// Captures a trace over HTTP from net/http/pprof's /debug/pprof/trace (a window of N seconds) or from
// a flight-recorder snapshot endpoint. The body streams to FILE.partial, which becomes FILE only when
// the response was a whole Go trace; cancel, errors and non-trace bodies leave no file. The server's
// known refusals are turned into plain words.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { HEADER_BYTES } from '../trace/wire';
import { CaptureError, checkTraceHeader } from './traceFile';

export interface HttpCaptureOptions {
  /** The capture window; sent as `seconds=N` (pprof's trace endpoint records 1 s without it). Omit for a snapshot. */
  seconds?: number;
  /** Where the trace goes. */
  out: string;
  signal?: AbortSignal;
  onProgress?: (progress: { bytes: number; elapsedMs: number }) => void;
  /** Give up when the server sends nothing for this long beyond the window. */
  idleTimeoutMs?: number;
}

export interface HttpCaptureResult { bytes: number; elapsedMs: number; url: string }

const MAX_REDIRECTS = 5;
const ERROR_BODY_LIMIT = 4096;

/** The request URL: the user's, with `seconds` set when a window is given. */
export function captureUrl(url: string, seconds?: number): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CaptureError(`"${url}" is not a URL; expected something like http://localhost:6060/debug/pprof/trace.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CaptureError(`"${url}" is not an http or https URL.`);
  if (seconds !== undefined) parsed.searchParams.set('seconds', String(seconds));
  return parsed;
}

const sameOrigin = (a: URL, b: URL): boolean => a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port;

/** Plain words for a response that is not a trace, by status and body (the texts net/http/pprof sends). */
export function describeHttpFailure(url: URL, status: number, body: string, seconds?: number): string {
  const text = body.trim().split(/\r?\n/)[0]?.slice(0, 300) ?? '';
  if (status === 404) {
    return `${url.origin}${url.pathname} was not found (HTTP 404): the server has no net/http/pprof handler there. `
      + 'Add `import _ "net/http/pprof"` to the program when it serves http.DefaultServeMux, or on your own mux: '
      + '`mux.HandleFunc("/debug/pprof/trace", pprof.Trace)`.';
  }
  if (status === 400 && /exceeds server's WriteTimeout/i.test(text)) {
    return `The server refused a ${seconds ?? '?'} s capture: profile duration exceeds server's WriteTimeout (HTTP 400). `
      + 'Capture a shorter window, or raise the http.Server\'s WriteTimeout above the window.';
  }
  if (status === 500 && /Could not enable tracing/i.test(text)) {
    return 'The server could not enable tracing (HTTP 500): another trace is already running in that process '
      + '(a concurrent capture, or trace.Start in the program). Wait for it to finish and try again.';
  }
  return `The server answered HTTP ${status}${text ? `: ${text}` : ''}`;
}

function describeNetworkError(url: URL, error: NodeJS.ErrnoException): string {
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  switch (error.code) {
    case 'ECONNREFUSED': return `Connection refused: nothing is listening on ${where}. Is the server running, and is this its net/http/pprof address?`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `Unknown host "${url.hostname}".`;
    case 'ECONNRESET': return `The server at ${where} closed the connection before the trace was complete.`;
    case 'ETIMEDOUT': return `No answer from ${where} in time.`;
    default: return `Could not capture from ${url.href}: ${error.message}`;
  }
}

/** Follows redirects on the same origin only: a capture never goes to a host the user did not name. */
export async function captureHttp(url: string, options: HttpCaptureOptions): Promise<HttpCaptureResult> {
  let target = captureUrl(url, options.seconds);
  const started = Date.now();
  for (let hops = 0; ; hops++) {
    const outcome = await requestOnce(target, options, started);
    if (outcome.kind === 'done') return { ...outcome.result, url: target.href };
    const next = new URL(outcome.location, target);
    if (!sameOrigin(next, target)) {
      throw new CaptureError(`The server redirected the capture to ${next.origin}, another host; refusing to follow it. Use that URL directly if you trust it.`);
    }
    if (hops >= MAX_REDIRECTS) throw new CaptureError(`Too many redirects from ${url}.`);
    target = next;
  }
}

type Outcome = { kind: 'done'; result: Omit<HttpCaptureResult, 'url'> } | { kind: 'redirect'; location: string };

function requestOnce(url: URL, options: HttpCaptureOptions, started: number): Promise<Outcome> {
  const { signal, out, seconds } = options;
  const partial = `${out}.partial`;
  const idleTimeoutMs = options.idleTimeoutMs ?? ((seconds ?? 0) * 1000 + 30_000);
  return new Promise<Outcome>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CaptureError('Cancelled.'));
      return;
    }
    let settled = false;
    let file: ReturnType<typeof createWriteStream> | undefined;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      request.destroy();
      signal?.removeEventListener('abort', onAbort);
      const cleanUp = (): void => { rmSync(partial, { force: true }); reject(new CaptureError(message)); };
      if (file) {
        file.once('close', cleanUp);
        file.destroy();
      } else {
        cleanUp();
      }
    };
    const onAbort = (): void => fail('Cancelled.');
    signal?.addEventListener('abort', onAbort, { once: true });

    const request = (url.protocol === 'https:' ? https : http).get(url, { headers: { 'user-agent': 'go-trace-lens' } }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ kind: 'redirect', location: response.headers.location });
        return;
      }
      if (status !== 200) {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => { if (body.length < ERROR_BODY_LIMIT) body += chunk; });
        response.on('end', () => fail(describeHttpFailure(url, status, body, seconds)));
        return;
      }
      const sink = createWriteStream(partial);
      file = sink;
      sink.on('error', (error) => fail(`Could not write ${partial}: ${error.message}`));
      let bytes = 0;
      let head = new Uint8Array(0);
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (head.length < HEADER_BYTES) {
          head = Buffer.concat([head, chunk.subarray(0, HEADER_BYTES - head.length)]);
          if (head.length >= HEADER_BYTES) {
            try {
              checkTraceHeader(head, `The response from ${url.origin}${url.pathname}`);
            } catch (error) {
              fail(`${(error as Error).message} Content-Type: ${response.headers['content-type'] ?? 'none'}.`);
              return;
            }
          }
        }
        bytes += chunk.length;
        sink.write(chunk);
        options.onProgress?.({ bytes, elapsedMs: Date.now() - started });
      });
      response.on('aborted', () => fail(`The server at ${url.host} stopped sending before the trace was complete.`));
      response.on('end', () => {
        if (settled) return;
        if (head.length < HEADER_BYTES) {
          try {
            checkTraceHeader(head, `The response from ${url.origin}${url.pathname}`);
          } catch (error) {
            fail((error as Error).message);
            return;
          }
        }
        sink.end(() => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          try {
            renameSync(partial, out);
          } catch (error) {
            rmSync(partial, { force: true });
            reject(new CaptureError(`Could not write ${out}: ${(error as Error).message}`));
            return;
          }
          resolve({ kind: 'done', result: { bytes, elapsedMs: Date.now() - started } });
        });
      });
    });
    request.setTimeout(idleTimeoutMs, () => fail(`No data from ${url.host} for ${Math.round(idleTimeoutMs / 1000)} s; giving up.`));
    request.on('error', (error: NodeJS.ErrnoException) => fail(describeNetworkError(url, error)));
  });
}
