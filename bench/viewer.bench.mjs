// Viewer benchmark: opens busy-service traces the way the extension does — the bundled language
// server over stdio, parsing in its worker thread — and measures the time to the first view (the
// first status carrying a summary), the time to complete, and the peak RSS of the server process
// (VmHWM: the worker thread doing the parsing lives in it). Beside it, `go tool trace`'s time to
// serve the same file and its peak RSS. Then the webview bundle in headless
// Chromium draws the timeline of the loaded trace at several zoom levels, with slices answered by
// the same server, and the frame times (one canvas draw each) are compared with the 16 ms budget.
//
// go tool trace needs over 100× the file in memory: it runs on every size under a memory cap and a
// time limit (killed past either, so it cannot take the shared machine down), and when it is
// killed the line says how far it got. CPU seconds are printed beside wall times: on a loaded
// machine wall time mostly measures the other processes.
//
// Usage: node bench/viewer.bench.mjs [--sizes 100,500] [--go-cap-mb 6000] [--go-timeout-s 240] [--frames 100]
// Traces come from .cache/bench/ (the trace benchmark's busy-service traces); missing ones are generated.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, InitializedNotification, InitializeRequest, StreamMessageReader, StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { goEnv, repoRoot } from '../scripts/go-toolchain.mjs';
import { benchTrace, cacheDir, cpuSeconds, GO, MB, measure, peakRssBytes } from './processes.mjs';
import { launch, printFrameTable, timelineFrameTimes } from './timelineFrames.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i < 0 ? fallback : args[i + 1]; };
const sizesMb = option('--sizes', '100,500').split(',').map(Number);
const goCapBytes = Number(option('--go-cap-mb', '6000')) * MB;
const goTimeoutMs = Number(option('--go-timeout-s', '240')) * 1000;
const framesPerZoom = Number(option('--frames', '100'));

/** A language server with one trace loaded through it; resolves when loading finished. */
async function loadThroughServer(path) {
  const child = spawn(process.execPath, [join(repoRoot, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => null));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
  await connection.sendNotification(InitializedNotification.type, {});
  const idleRss = peakRssBytes(child.pid);
  const idleCpu = cpuSeconds(child.pid);
  const started = performance.now();
  let firstViewMs;
  let firstViewEvents;
  const final = new Promise((resolve) => {
    connection.onNotification('goTraceLens/trace/statusChanged', (status) => {
      if (firstViewMs === undefined && status.summary) {
        firstViewMs = performance.now() - started;
        firstViewEvents = status.summary.overview.events;
      }
      if (status.phase !== 'loading') resolve(status);
    });
  });
  await connection.sendRequest('goTraceLens/trace/open', { uri: pathToFileURL(path).toString(), traceId: 'bench' });
  const status = await final;
  const completeMs = performance.now() - started;
  const cpu = cpuSeconds(child.pid) - idleCpu;
  const stop = async () => {
    // A server that died already has a closed connection: nothing to shut down.
    try {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } catch { /* closed */ }
    connection.dispose();
    child.kill();
  };
  if (status.phase !== 'done') {
    await stop();
    throw new Error(`loading ${path} ended with ${status.phase}: ${status.error}`);
  }
  return { connection, status, firstViewMs, firstViewEvents, completeMs, cpu, peakRss: peakRssBytes(child.pid), idleRss, stop };
}

/**
 * go tool trace (the built binary, so its own memory is measured, not the go command's): time
 * until its HTTP server listens (it has parsed and split the trace by then), peak RSS and CPU
 * seconds; killed past the memory cap or the time limit.
 */
async function goToolTraceServe(path) {
  const gotrace = join(cacheDir, 'bin', `gotrace-${GO}`);
  if (!existsSync(gotrace)) return { skipped: `${gotrace} is missing (npm run bench -- trace builds it)` };
  const run = await measure(gotrace, ['-http=127.0.0.1:0', path], {
    env: { ...goEnv(GO), BROWSER: 'true' }, rssLimit: goCapBytes, timeoutMs: goTimeoutMs,
    until: (stderr) => stderr.includes('Trace viewer is listening on'),
  });
  const result = run.ready ? 'served' : { memory: 'memory cap', time: 'time limit' }[run.killedFor] ?? `exit ${run.status}`;
  return { result, ms: run.seconds * 1000, peakRss: run.peakRss, cpu: run.cpuSeconds };
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (bytes) => `${(bytes / MB).toFixed(0)} MB`;
const load = () => `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;

console.log(`${load()} at the start (wall times need a quiet machine; CPU seconds are steadier)`);
const browser = await launch();
try {
  for (const mb of sizesMb) {
    const path = benchTrace(mb);
    const bytes = statSync(path).size;
    console.log(`\n${path.split('/').pop()} (${fmtMb(bytes)}), ${load()}`);
    globalThis.gc?.();
    const loaded = await loadThroughServer(path);
    try {
      const events = loaded.status.summary.overview.events;
      console.log(`  go-trace-lens: first view ${fmtMs(loaded.firstViewMs)} (with ${loaded.firstViewEvents.toLocaleString('en-US')} events read), complete ${fmtMs(loaded.completeMs)} ` +
        `(${loaded.cpu.toFixed(1)} CPU s; ${(bytes / MB / (loaded.completeMs / 1000)).toFixed(1)} MB/s wall, ${(bytes / MB / loaded.cpu).toFixed(1)} MB per CPU s; ${(events / 1e6).toFixed(1)} M events), ` +
        `server peak RSS ${fmtMb(loaded.peakRss)} (${(loaded.peakRss / bytes).toFixed(2)}× the file; idle ${fmtMb(loaded.idleRss)})`);
      // Frames are drawn before go tool trace runs: right after it is killed at the memory cap, the
      // machine spends a while taking those gigabytes back, and the first frames drawn then measured that.
      const rows = await timelineFrameTimes(browser, { status: loaded.status, answerer: { answer: (query) => loaded.connection.sendRequest('goTraceLens/trace/query', { traceId: 'bench', query }) } }, { framesPerZoom });
      const go = await goToolTraceServe(path);
      if (go.skipped) console.log(`  go tool trace: not run: ${go.skipped}`);
      else if (go.result === 'served') {
        console.log(`  go tool trace: serving after ${fmtMs(go.ms)} (${go.cpu.toFixed(1)} CPU s), peak RSS ${fmtMb(go.peakRss)} (${(go.peakRss / bytes).toFixed(1)}× the file)`);
        console.log(`  ratios: first view ${(go.ms / loaded.firstViewMs).toFixed(1)}× sooner, complete ${(go.ms / loaded.completeMs).toFixed(1)}× sooner ` +
          `(${(go.cpu / loaded.cpu).toFixed(1)}× less CPU), peak memory ${(go.peakRss / loaded.peakRss).toFixed(1)}× less than go tool trace`);
      } else {
        console.log(`  go tool trace: not serving after ${fmtMs(go.ms)} (${go.cpu.toFixed(1)} CPU s): ${go.result} at ${fmtMb(go.peakRss)} peak RSS ` +
          `(cap ${fmtMb(goCapBytes)}, limit ${fmtMs(goTimeoutMs)}); go-trace-lens had the first view after ${fmtMs(loaded.firstViewMs)} and all of it after ${fmtMs(loaded.completeMs)}`);
      }
      console.log(`  timeline frames (canvas draw in headless Chromium, 1200×~600 px, ${framesPerZoom} pans per zoom, ms; ${(events / 1e6).toFixed(1)} M events):`);
      printFrameTable(rows, '    ');
    } finally {
      await loaded.stop();
    }
  }
} finally {
  await browser.close();
}
console.log(`\n${load()} at the end`);
