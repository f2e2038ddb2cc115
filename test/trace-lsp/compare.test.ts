// Trace comparison in the language server, as the comparison view drives it: the compare request
// runs in a worker thread and answers with the comparison; while it is open, CodeLens above each task
// and region call show its change; closing it removes them; an unreadable trace is a clear error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { CodeLensRequest, type CodeLens } from 'vscode-languageserver-protocol/node';
import type { TraceComparison } from '../../common/traceComparison';
import { COMPARISON_FOCUS_COMMAND, TraceNotifications, TraceRequests, type ComparisonTarget } from '../../common/traceProtocol';
import { TraceSession } from './session';

const TRACES = join(__dirname, '..', 'fixtures', 'traces');
const uriOf = (file: string) => pathToFileURL(file).toString();

describe('trace comparison in the language server', () => {
  let session: TraceSession;
  let workspace: string;
  let mainGo: string;

  before(async () => {
    // The fixture programs as the workspace: the traces' paths are this checkout's (or, in another clone,
    // matched by their suffix compare/main.go). A copy elsewhere would lose to the recorded file where it exists.
    workspace = join(TRACES, 'programs');
    mainGo = join(workspace, 'compare', 'main.go');
    session = await TraceSession.start(workspace);
  });
  after(async () => { await session?.stop(); });

  const lenses = async (): Promise<Map<number, CodeLens['command'][]>> => {
    const found = await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: uriOf(mainGo) } }) as CodeLens[];
    const byLine = new Map<number, CodeLens['command'][]>();
    for (const l of found) byLine.set(l.range.start.line + 1, [...(byLine.get(l.range.start.line + 1) ?? []), l.command]);
    return byLine;
  };

  test('compare answers with the comparison; CodeLens show each call\'s change while it is open', async () => {
    const comparison = await session.connection.sendRequest(TraceRequests.compare.method, {
      comparisonId: 'c1', oldUri: uriOf(join(TRACES, 'compare', 'before.trace')), newUri: uriOf(join(TRACES, 'compare', 'after.trace')),
    }) as TraceComparison;
    assert.deepEqual(comparison.regions.map((r) => [r.type, r.status]),
      [['audit.write', 'added'], ['cache.get', 'unchanged'], ['db.query', 'slower'], ['legacy.check', 'removed']]);
    const text = readFileSync(mainGo, 'utf8');
    await session.open(uriOf(mainGo), text);
    const byLine = await lenses();
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const title = (needle: string) => byLine.get(lineOf(needle))?.map((c) => c!.title).join(' | ');
    assert.match(title('"db.query"')!, /^trace diff: p99 \S+ → \S+, [+−]\d+%, p=0\.000 \(slower\)$/);
    assert.match(title('"cache.get"')!, /^trace diff: p99 \S+ → \S+, ~, p=0\.\d{3}$/);
    assert.equal(title('"legacy.check"'), 'trace diff: region “legacy.check” removed (300 in the old trace)');
    assert.equal(title('"audit.write"'), 'trace diff: region “audit.write” added (300 in the new trace)');
    assert.match(title('NewTask(context.Background(), "request")')!, /^trace diff: p99 .* \(slower\)$/);
    const command = byLine.get(lineOf('"db.query"'))![0]!;
    assert.equal(command.command, COMPARISON_FOCUS_COMMAND);
    assert.deepEqual(command.arguments, [{ comparisonId: 'c1', kind: 'region', type: 'db.query' } satisfies ComparisonTarget]);

    await session.connection.sendNotification(TraceNotifications.closeComparison.method, { comparisonId: 'c1' });
    const deadline = Date.now() + 10_000;
    while ((await lenses()).size > 0) {
      assert.ok(Date.now() < deadline, 'CodeLens still shown after the comparison closed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  test('an unreadable trace is an error naming the file; the server keeps serving', async () => {
    await assert.rejects(
      session.connection.sendRequest(TraceRequests.compare.method, {
        comparisonId: 'c2', oldUri: uriOf(join(TRACES, 'compare', 'before.trace')), newUri: uriOf(mainGo),
      }),
      (error: Error) => /main\.go: /.test(error.message) && !/\n\s+at /.test(error.message),
    );
    const again = await session.connection.sendRequest(TraceRequests.compare.method, {
      comparisonId: 'c3', oldUri: uriOf(join(TRACES, 'compare', 'before.trace')), newUri: uriOf(join(TRACES, 'compare', 'before.trace')),
    }) as TraceComparison;
    assert.ok([...again.tasks, ...again.regions].every((t) => t.status === 'unchanged'));
  });
});
