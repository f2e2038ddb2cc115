// Language-server side of capturing: runs one test under go test -trace, records a server's
// /debug/pprof/trace or fetches a flight-recorder snapshot (cancelled with the request), keeps
// the captures index, and writes flightrecorder.go for a package. The client only asks and shows.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { CapturesIndex } from './capture/captures';
import { FLIGHT_RECORDER_FILE, flightRecorderSource } from './capture/flightRecorder';
import { runGoTest } from './capture/goTest';
import { findGo, GoNotFoundError } from './capture/goTool';
import { captureHttp } from './capture/httpCapture';
import {
  CaptureNotifications, CaptureRequests, type CaptureErrorData, type CaptureProgress,
} from '../../common/captureProtocol';
import { CaptureError } from './capture/traceFile';
import { handleRequest, type RegisterFeature } from './feature';
import { GoModules } from './analysis/goModules';

/** ResponseError code of a capture that failed in a way the user can act on (message as is). */
const CAPTURE_FAILED = 1;

function abortOn(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** Known failures become ResponseErrors carrying their plain message; anything else is a bug and propagates. */
async function failingPlainly<R>(work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GoNotFoundError) throw new ResponseError<CaptureErrorData>(CAPTURE_FAILED, error.message, { goNotFound: true });
    if (error instanceof CaptureError) throw new ResponseError<CaptureErrorData>(CAPTURE_FAILED, error.message, {});
    throw error;
  }
}

export const registerCaptureFeatures: RegisterFeature = (connection: Connection) => {
  const goModules = new GoModules();
  const progress = (update: CaptureProgress): void => { void connection.sendNotification(CaptureNotifications.progress.method, update); };

  handleRequest(connection, CaptureRequests.test, ({ captureId, target, go, cpuProfile, benchtime, directory }, token) => failingPlainly(async () => {
    const index = new CapturesIndex(directory);
    const cwd = dirname(fileURLToPath(target.uri));
    const traceFile = index.newTracePath(target.name);
    const profile = cpuProfile ? traceFile.replace(/\.trace$/, '.cpu.pprof') : undefined;
    const started = Date.now();
    const result = await runGoTest(findGo(go), { kind: target.kind, name: target.name, pkg: '.', cwd }, {
      traceFile, cpuProfile: profile, benchtime, signal: abortOn(token), onOutput: (output) => progress({ captureId, output }),
    });
    if (result.traceFile) {
      index.add(result.traceFile, { source: target.kind, what: `${target.name} (${basename(cwd)})`, durationMs: Date.now() - started, cpuProfile: profile && basename(profile) });
    }
    return { exitCode: result.exitCode, failure: result.failure, traceFile: result.traceFile };
  }));

  handleRequest(connection, CaptureRequests.url, ({ captureId, url, seconds, source, directory }, token) => failingPlainly(async () => {
    const index = new CapturesIndex(directory);
    const traceFile = index.newTracePath(`${source}-${new URL(url).host}`);
    const result = await captureHttp(url, { seconds, out: traceFile, signal: abortOn(token), onProgress: ({ bytes }) => progress({ captureId, bytes }) });
    index.add(traceFile, { source, what: result.url, durationMs: result.elapsedMs });
    return { traceFile, ...result };
  }));

  handleRequest(connection, CaptureRequests.list, ({ directory }) => new CapturesIndex(directory).list());
  handleRequest(connection, CaptureRequests.rename, ({ directory, file, newName }) => {
    const index = new CapturesIndex(directory);
    const entry = index.list().find((e) => e.file === file);
    if (!entry) throw new ResponseError(CAPTURE_FAILED, `${file} is no longer in the captures folder`);
    try {
      return index.rename(entry, newName);
    } catch (error) {
      throw new ResponseError(CAPTURE_FAILED, (error as Error).message);
    }
  });
  handleRequest(connection, CaptureRequests.remove, ({ directory, file }) => {
    const index = new CapturesIndex(directory);
    const entry = index.list().find((e) => e.file === file);
    if (entry) index.remove(entry);
    return null;
  });

  handleRequest(connection, CaptureRequests.flightRecorder, ({ uri }) => {
    if (!uri.startsWith('file:')) return null;
    const path = fileURLToPath(uri);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return null;
    }
    const pkg = /^\s*package\s+([A-Za-z_]\w*)/m.exec(text)?.[1];
    if (!pkg) return null;
    goModules.invalidate();
    return { path: join(dirname(path), FLIGHT_RECORDER_FILE), text: flightRecorderSource(pkg.replace(/_test$/, ''), goModules.goVersionFor(path)) };
  });

  return { capabilities: () => ({}) };
};
