// The language server's trace features over stdio, as the extension drives
// them: open a real fixture trace (parsed in a worker thread), query it, map
// its source locations into a workspace that is a copy elsewhere (a trace
// "recorded on another machine"), CodeLens, hover and trace-backed diagnostics.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  CodeLensRequest, HoverRequest, PublishDiagnosticsNotification, type CodeLens, type Diagnostic, type Hover, type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import {
  FOCUS_COMMAND, TraceNotifications, TraceRequests, type FocusTarget, type ResolvedSource, type TraceStatus, type ViewerQueryResult,
} from '../../common/traceProtocol';
import { ruleDocumentationUrl } from '../../common/ruleDocs';
import { TINY_TASK_P50_NS, TINY_TASKS_MIN, traceFindings } from '../../server/src/traceService/callSiteInsights';
import { TraceSession } from './session';

const FIXTURES = join(__dirname, '..', 'fixtures', 'viewer');
const RECORDED_SOURCE = join(FIXTURES, 'gen', 'main.go');

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('trace features of the language server', () => {
  let session: TraceSession;
  let workspace: string;
  let mainGo: string;
  const statuses = (): TraceStatus[] => session.statuses;

  /** The first status ending the load of traceId among those received from index `from` on. */
  const finalStatus = (traceId: string, from: number) =>
    until(() => statuses().slice(from).find((s) => s.traceId === traceId && s.phase !== 'loading'), `trace ${traceId} to load`);
  const open = async (traceId: string, file: string): Promise<TraceStatus> => {
    const from = statuses().length;
    await session.connection.sendRequest(TraceRequests.open.method, { uri: pathToFileURL(file).toString(), traceId });
    return finalStatus(traceId, from);
  };
  const query = <K extends keyof ViewerQueryResult>(traceId: string, q: { kind: K } & Record<string, unknown>) =>
    session.connection.sendRequest(TraceRequests.query.method, { traceId, query: q }) as Promise<ViewerQueryResult[K]>;

  before(async () => {
    // The workspace is a copy of the program in another directory: the trace's absolute paths do not point into it.
    workspace = mkdtempSync(join(tmpdir(), 'glt-trace-lsp-'));
    mainGo = join(workspace, 'main.go');
    copyFileSync(RECORDED_SOURCE, mainGo);
    copyFileSync(join(FIXTURES, 'gen', 'go.mod'), join(workspace, 'go.mod'));
    mkdirSync(join(workspace, 'service'));
    copyFileSync(join(FIXTURES, 'gen', 'service', 'main.go'), join(workspace, 'service', 'main.go'));
    // A tiny capture window, so that even the fixture traces count as long captures.
    session = await TraceSession.start(workspace, { lint: { captureWindowSeconds: 0.0002 } });
  });
  after(async () => {
    await session?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  test('loads a trace in a worker and answers summary, instance, task and timeline queries', async () => {
    const status = await open('demo', join(FIXTURES, 'demo.trace'));
    assert.equal(status.phase, 'done', status.error);
    const summary = status.summary!;
    assert.equal(summary.overview.goVersion, '1.26');
    assert.equal(summary.tasks.find((t) => t.type === 'handleRequest')?.count, 120);
    assert.deepEqual(summary.regions.map((r) => r.type).sort(), ['decode', 'encode', 'query']);
    assert.ok(status.progress.bytesRead > 0 && status.progress.bytesRead === status.progress.totalBytes);
    // The first view comes while the trace still streams in: a summary of the events read so far.
    const first = statuses().find((s) => s.traceId === 'demo' && s.summary)!;
    assert.equal(first.phase, 'loading');
    assert.ok(first.summary!.overview.events > 0 && first.summary!.overview.events < summary.overview.events,
      `first view with ${first.summary!.overview.events} of ${summary.overview.events} events`);
    // The progress notification counts what the views count (it once said "41 % · 0 events" beside 278,528 in the overview).
    for (const s of statuses().filter((s) => s.traceId === 'demo' && s.summary)) {
      assert.equal(s.progress.events, s.summary!.overview.events, `progress events in a ${s.phase} status`);
      assert.equal(s.progress.generations, s.summary!.overview.generations);
    }

    // Region instances (the Regions view); task instances are the Tasks view's (its own test below).
    const instances = await query('demo', { kind: 'instances', query: { type: 'query', limit: 5 } });
    assert.equal(instances.total, summary.regions.find((r) => r.type === 'query')?.count);
    assert.equal(instances.instances.length, 5);
    assert.ok(instances.instances.every((r) => r.type === 'query' && r.site?.file.endsWith('main.go')));
    const durations = instances.instances.map((r) => r.durationNs ?? 0);
    assert.deepEqual(durations, [...durations].sort((a, b) => b - a), 'slowest first');

    const { startNs, endNs } = summary.overview;
    const coarse = await query('demo', { kind: 'timeline', query: { startNs, endNs, resolutionNs: (endNs - startNs) / 100, lanes: [0, 1, 2, 3, 4] } });
    const fine = await query('demo', { kind: 'timeline', query: { startNs, endNs, resolutionNs: 1, lanes: [0, 1, 2, 3, 4] } });
    assert.equal(coarse.lanes[0].lane.kind, 'gc', 'display order starts with the GC lane');
    assert.equal(coarse.lanes[1].lane.kind, 'proc', 'then procs');
    assert.ok(coarse.totalLanes > 100);
    const count = (s: typeof fine) => s.lanes.reduce((n, l) => n + l.spans.length, 0);
    assert.ok(count(coarse) < count(fine), `level of detail merges spans (${count(coarse)} vs ${count(fine)})`);
  });

  test('the first Go document opened after a trace was loaded is linted (web-tree-sitter loads with the first parser, not at start-up)', async () => {
    // The server starts without web-tree-sitter (parser.ts imports it with the first parser): the
    // trace above loaded before any Go document; this one is the session's first (the CodeLens test
    // below parses on the main thread).
    const twice = join(__dirname, '..', 'fixtures', 'lint', 'end-called-twice', 'twice.go');
    const file = join(workspace, 'twice.go');
    copyFileSync(twice, file);
    const uri = pathToFileURL(file).toString();
    const published = new Promise<Diagnostic[]>((resolve) => session.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      if (p.uri === uri) resolve(p.diagnostics);
    }));
    await session.open(uri, readFileSync(file, 'utf8'));
    const diagnostics = await published;
    const wanted = readFileSync(file, 'utf8').split('\n').flatMap((l, i) => (l.includes('// want') ? [i] : []));
    assert.deepEqual(diagnostics.filter((d) => d.code === 'end-called-twice').map((d) => d.range.start.line), wanted);
  });

  test('maps trace locations into a workspace copy by path suffix and notices a changed file', async () => {
    const demo = statuses().find((s) => s.traceId === 'demo' && s.phase === 'done')!.summary!;
    const site = demo.tasks.find((t) => t.type === 'handleRequest')!.sites[0].site;
    // The fixture was recorded in some checkout of this repository, not necessarily this one: the trace
    // names that machine's absolute path, which may or may not exist here; either way the workspace copy wins.
    assert.ok(site.file.endsWith('/test/fixtures/viewer/gen/main.go'), `the trace names the path where it was recorded: ${site.file}`);
    assert.ok(!site.file.startsWith(workspace), 'the recorded path is outside the workspace');
    const resolve = (location: typeof site, annotation = true) =>
      session.connection.sendRequest(TraceRequests.resolveSource.method, { traceId: 'demo', location, annotation }) as Promise<ResolvedSource | null>;
    const resolved = await resolve(site);
    assert.deepEqual(resolved, { uri: pathToFileURL(mainGo).toString(), line: site.line - 1, matchedBySuffix: true });

    // Two lines inserted above: the recorded line no longer holds trace.NewTask; it moved down by two.
    const original = readFileSync(mainGo, 'utf8');
    writeFileSync(mainGo, original.replace('package main\n', 'package main\n\n// moved\n'));
    try {
      const moved = await resolve(site);
      assert.equal(moved?.line, site.line + 1);
      assert.match(moved?.stale ?? '', new RegExp(`line ${site.line} no longer holds the runtime/trace call.*moved to line ${site.line + 2}`));
    } finally {
      writeFileSync(mainGo, original);
    }
    assert.equal(await resolve({ function: 'x.y', file: '/nowhere/else/missing.go', line: 3 }), null);
  });

  test('the Tasks view’s queries: a filtered page of every task and one explained, from the worker', async () => {
    const page = await query('demo', { kind: 'taskList', query: { filter: { types: ['handleRequest'], state: 'ended' }, offset: 0, limit: 3 } });
    assert.equal(page.total, 120);
    assert.equal(page.complete, true);
    assert.equal(page.rows.length, 3);
    assert.ok(page.rows[0].durationNs! >= page.rows[1].durationNs! && page.rows[1].durationNs! >= page.rows[2].durationNs!, 'slowest first');
    assert.equal(page.histogram.counts.reduce((a, b) => a + b, 0), 120);
    const logged = await query('demo', { kind: 'taskList', query: { filter: { log: { category: 'request' } }, offset: 0, limit: 1 } });
    assert.equal(logged.total, 120);
    const e = (await query('demo', { kind: 'taskExplanation', id: page.rows[0].id }))!;
    assert.equal(e.task.id, page.rows[0].id);
    const b = e.breakdown!;
    const parts = Object.values(b).reduce((a, v) => a + v, 0);
    assert.ok(parts >= page.rows[0].durationNs!, `breakdown ${parts} covers the ${page.rows[0].durationNs} ns task`);
    assert.deepEqual([...new Set(e.regions.map((r) => r.type))].sort(), ['decode', 'encode', 'query']);
    assert.ok(e.regions.every((r) => r.site?.file.endsWith('main.go')), 'regions link to their source');
    assert.equal(e.logs[0]?.category, 'request');
    assert.equal(e.criticalPath![0].endNs, page.rows[0].endNs, 'path latest first, from the task\'s end');
    assert.equal(e.criticalPath!.at(-1)!.startNs, page.rows[0].startNs);
    assert.equal(await query('demo', { kind: 'taskExplanation', id: 123456789 }), null);
  });

  test('with the timeline and the task store built on the main thread (as for large traces), every query answers as from the worker', async () => {
    const onMain = await TraceSession.start(workspace, {}, { GO_TRACE_LENS_INDEXES: 'main' });
    try {
      const cut = join(workspace, 'service-cut-main.trace');
      const whole = readFileSync(join(FIXTURES, 'service.trace'));
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.9)));
      for (const [traceId, file] of [['main-demo', join(FIXTURES, 'demo.trace')], ['main-cut', cut]] as const) {
        const ours = await open(traceId, file);
        await onMain.connection.sendRequest(TraceRequests.open.method, { uri: pathToFileURL(file).toString(), traceId });
        const theirs = await until(() => onMain.statuses.find((s) => s.traceId === traceId && s.phase !== 'loading'), `${traceId} on the main thread`);
        assert.equal(theirs.phase, ours.phase, theirs.error);
        const ask = <K extends keyof ViewerQueryResult>(q: { kind: K } & Record<string, unknown>) =>
          onMain.connection.sendRequest(TraceRequests.query.method, { traceId, query: q }) as Promise<ViewerQueryResult[K]>;
        const { startNs, endNs } = ours.summary!.overview;
        for (const timeline of [
          { startNs, endNs, resolutionNs: (endNs - startNs) / 800, lanes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
          { startNs, endNs, resolutionNs: (endNs - startNs) / 800, groups: { expanded: [] } },
          { startNs: (startNs + endNs) / 2, endNs, resolutionNs: 1, lanes: [0, 1, 2, 20, 30] },
        ]) {
          assert.deepEqual(await ask({ kind: 'timeline', query: timeline }), await query(traceId, { kind: 'timeline', query: timeline }), `${traceId}: timeline`);
        }
        const page = { filter: { state: 'ended' }, offset: 0, limit: 10 };
        const tasks = await ask({ kind: 'taskList', query: page });
        assert.ok(tasks.total > 0 && tasks.complete);
        assert.deepEqual(tasks, await query(traceId, { kind: 'taskList', query: page }), `${traceId}: tasks`);
        const explained = await ask({ kind: 'taskExplanation', id: tasks.rows[0].id });
        assert.deepEqual(explained, await query(traceId, { kind: 'taskExplanation', id: tasks.rows[0].id }), `${traceId}: explanation`);
        assert.equal(explained?.task.id, tasks.rows[0].id);
        assert.equal(await ask({ kind: 'taskExplanation', id: 123456789 }), null);
        // The later tests speak of the trace opened first.
        await session.connection.sendNotification(TraceNotifications.close.method, { traceId });
      }
    } finally {
      await onMain.stop();
    }
  });

  test('CodeLens and hover on annotation calls show the open trace’s numbers', async () => {
    const uri = pathToFileURL(mainGo).toString();
    const text = readFileSync(mainGo, 'utf8');
    await session.open(uri, text);
    const lenses = await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }) as CodeLens[];
    const byLine = new Map(lenses.map((l) => [l.range.start.line + 1, l.command!]));
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    // The slow tail joins once the worker's breakdown pass is done (see the next test).
    assert.match(byLine.get(lineOf('trace.NewTask(ctx, "handleRequest")'))!.title, /^trace: 120 tasks “handleRequest” · p50 \S+ · p99 \S+( · slow tail: .+)?$/);
    assert.match(byLine.get(lineOf('trace.StartRegion(ctx, "query")'))!.title, /120 regions “query”/);
    assert.match(byLine.get(lineOf('trace.Log(ctx, "request"'))!.title, /120 logs “request” \(\d+\.\d% of events\)/);
    const focus = byLine.get(lineOf('trace.NewTask(ctx, "handleRequest")'))!;
    assert.equal(focus.command, FOCUS_COMMAND);
    const target = focus.arguments![0] as FocusTarget;
    assert.equal(target.kind, 'task');
    assert.equal(target.type, 'handleRequest');
    assert.equal(target.traceUri, pathToFileURL(join(FIXTURES, 'demo.trace')).toString());

    const line = lineOf('trace.NewTask(ctx, "handleRequest")') - 1;
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: text.split('\n')[line].indexOf('NewTask') + 2 } }) as Hover;
    const markdown = (hover.contents as MarkupContent).value;
    assert.match(markdown, /\*\*task ` handleRequest `\*\* in ` demo\.trace `: 120 from this line/);
    assert.match(markdown, /p50 .* p99 .* max/);
    assert.match(markdown, /```text\n[\s\S]*│█/);
    // No CodeLens on lines without annotation calls.
    assert.ok(lenses.every((l) => /trace\.(NewTask|StartRegion|WithRegion|Log)/.test(text.split('\n')[l.range.start.line])));
  });

  test('once the breakdown pass is done, CodeLens and hover above NewTask and StartRegion carry the slow tail and the breakdown', async () => {
    const uri = pathToFileURL(mainGo).toString();
    const text = readFileSync(mainGo, 'utf8');
    await session.open(uri, text);
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle));
    const taskLine = lineOf('trace.NewTask(ctx, "handleRequest")');
    let title = '';
    for (let tries = 0; tries < 200 && !title.includes('slow tail'); tries++) {
      if (tries > 0) await new Promise((r) => setTimeout(r, 50));
      const lenses = await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }) as CodeLens[];
      title = lenses.find((l) => l.range.start.line === taskLine)?.command?.title ?? '';
    }
    assert.match(title, /^trace: 120 tasks “handleRequest” · p50 \S+ · p99 \S+ · slow tail: \d+% .+$/);
    // The views hear of it too (the Tasks view asks again for an explanation it showed without its tail).
    const ready = await until(() => statuses().find((s) => s.traceId === 'demo' && s.breakdowns !== undefined), 'a status with the breakdowns');
    assert.equal(ready.breakdowns, 'ready');
    assert.equal(ready.phase, 'done');
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: taskLine, character: text.split('\n')[taskLine].indexOf('NewTask') + 2 } }) as Hover;
    const markdown = (hover.contents as MarkupContent).value;
    assert.match(markdown, /Where the time went \(120 complete\): \S+/);
    assert.match(markdown, /Slow tail: p99 handleRequest \(\d+ ≥ \S+\) spend \d+% .+; p50 \(\S+\) spend \d+%/);
    const regionLine = lineOf('trace.StartRegion(ctx, "query")');
    const regionHover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: regionLine, character: text.split('\n')[regionLine].indexOf('StartRegion') + 2 } }) as Hover;
    assert.match((regionHover.contents as MarkupContent).value, /Where the time went \(120 complete\)/);
  });

  test('a trace showing a rule’s problem in numbers puts a diagnostic on the line', async () => {
    const status = await open('noisy', join(FIXTURES, 'noisy.trace'));
    assert.equal(status.phase, 'done');
    const items = await until(() => [...session.diagnostics].reverse().find((d) => d.some((i) => i.diagnostics.some((x) => x.code === 'log-in-loop'))), 'trace diagnostics');
    const forMain = items.find((i) => i.uri === pathToFileURL(mainGo).toString())!.diagnostics;
    const text = readFileSync(mainGo, 'utf8').split('\n');
    const log = forMain.find((d) => d.code === 'log-in-loop')!;
    assert.equal(log.source, 'go-trace-lens');
    // Every trace-backed diagnostic links to its rule's page, as the lint's diagnostics do.
    for (const d of forMain) assert.equal(d.codeDescription?.href, ruleDocumentationUrl(String(d.code)));
    assert.match(text[log.range.start.line], /trace\.Log\(tctx, "op", "x"\)/);
    assert.match(log.message as string, /produced 3,000 log events \(category “op”\), \d+\.\d% of all [\d,]+ events/);
    const tiny = forMain.find((d) => d.code === 'task-per-iteration')!;
    assert.match(text[tiny.range.start.line], /trace\.NewTask\(ctx, "tinyOp"\)/);
    assert.match(tiny.message as string, /created 3,000 tasks “tinyOp” with a median of \S+/);
    // Capture-wide findings land on the trace.Start call of the open file.
    const startLine = text.findIndex((l) => l.includes('trace.Start(os.Stdout)'));
    const long = forMain.find((d) => d.code === 'long-capture-window')!;
    assert.equal(long.range.start.line, startLine);
    assert.match(long.message as string, /noisy\.trace covers [\d.]+(?:ns|µs|ms|s), [\d.]+× the 200µs capture window/);
    const startup = forMain.find((d) => d.code === 'whole-program-capture');
    assert.equal(startup?.range.start.line, status.summary!.overview.spansStartup ? startLine : undefined);
  });

  test('trace-backed findings agree with the code: many small tasks from a NewTask once per request are no task-per-iteration', async () => {
    const status = await open('service', join(FIXTURES, 'service.trace'));
    assert.equal(status.phase, 'done', status.error);
    // The numbers alone would call it one: over a thousand fetch tasks from one line, median far under 1 ms.
    const fetch = status.summary!.tasks.find((t) => t.type === 'fetch')!.sites[0];
    assert.ok(fetch.count >= TINY_TASKS_MIN && fetch.p50Ns < TINY_TASK_P50_NS, `${fetch.count} fetch tasks, p50 ${fetch.p50Ns} ns`);
    assert.ok(traceFindings(status.summary!, 'service.trace').some((f) => f.rule === 'task-per-iteration'));
    // Diagnostics published for this trace (its long-capture finding names it): none says task-per-iteration.
    const items = await until(() => [...session.diagnostics].reverse().find((d) => d.some((i) => i.diagnostics.some((x) => /service\.trace covers/.test(x.message as string)))), 'diagnostics of service.trace');
    assert.deepEqual(items.flatMap((i) => i.diagnostics).filter((d) => d.code === 'task-per-iteration' || d.code === 'log-in-loop'), []);
  });

  test('a load cancelled from the progress notification stops, and the trace opens again afterwards', async () => {
    // The cancel is queued before the worker has read anything (it starts reading only once it is up).
    await session.connection.sendRequest(TraceRequests.open.method, { uri: pathToFileURL(join(FIXTURES, 'demo.trace')).toString(), traceId: 'stopped' });
    await session.connection.sendNotification(TraceNotifications.cancel.method, { traceId: 'stopped' });
    const stopped = await finalStatus('stopped', 0);
    assert.equal(stopped.phase, 'cancelled');
    assert.ok(stopped.progress.events < statuses().find((s) => s.traceId === 'demo' && s.phase === 'done')!.progress.events);
    const again = await open('stopped', join(FIXTURES, 'demo.trace'));
    assert.equal(again.phase, 'done');
    assert.equal(again.summary?.tasks.find((t) => t.type === 'handleRequest')?.count, 120);
  });

  test('a truncated trace keeps its complete generations and says it is truncated; cut inside the first, a clear error', async () => {
    const whole = readFileSync(join(FIXTURES, 'service.trace'));
    const late = join(workspace, 'service-cut-late.trace');
    writeFileSync(late, whole.subarray(0, Math.floor(whole.length * 0.9)));
    const status = await open('cut-late', late);
    assert.equal(status.phase, 'error');
    const overview = status.summary!.overview;
    assert.ok(overview.generations >= 1 && overview.events > 1000, `${overview.generations} generations, ${overview.events} events`);
    assert.equal(overview.flightRecorder, false, 'a cut file is not a flight-recorder snapshot');
    assert.equal(overview.truncatedError, status.error);
    assert.equal(status.progress.events, overview.events);
    const early = join(workspace, 'service-cut-early.trace');
    writeFileSync(early, whole.subarray(0, Math.floor(whole.length * 0.3)));
    const failed = await open('cut-early', early);
    assert.equal(failed.phase, 'error');
    assert.equal(failed.summary, undefined, 'no summary of a lone Sync event');
    assert.match(failed.error ?? '', /the first generation is incomplete or damaged/);
  });

  test('a corrupt trace fails with a clear error and the server keeps serving', async () => {
    const bad = join(workspace, 'corrupt.trace');
    const good = readFileSync(join(FIXTURES, 'demo.trace'));
    writeFileSync(bad, Buffer.concat([good.subarray(0, 40), Buffer.alloc(64, 0xff)]));
    const status = await open('bad', bad);
    assert.equal(status.phase, 'error');
    assert.ok(status.error && status.error.length > 0 && !/\n\s+at /.test(status.error), status.error);
    const notTrace = join(workspace, 'notes.trace');
    writeFileSync(notTrace, 'hello, this is not a trace');
    const status2 = await open('text', notTrace);
    assert.equal(status2.phase, 'error');
    assert.match(status2.error ?? '', /trace/i);
    const again = await query('demo', { kind: 'instances', query: { type: 'query', limit: 1 } });
    assert.equal(again.total, 120);
  });
});
