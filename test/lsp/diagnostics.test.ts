import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { LspSession } from './session';
import { CORRECT, MISUSE, uriOf } from './sources';

let session: LspSession;
before(async () => { session = await LspSession.start(); });
after(async () => { await session.stop(); });

test('a file with misuse gets diagnostics with source, rule id and a documentation link', async () => {
  const uri = uriOf('misuse.go');
  await session.open(uri, MISUSE);
  const diagnostics = await session.diagnosticsFor(uri, 1);
  const byCode = new Map(diagnostics.map((d) => [d.code, d]));
  assert.deepEqual([...byCode.keys()].sort(), ['region-result-discarded', 'start-error-ignored']);
  for (const d of diagnostics) {
    assert.equal(d.source, 'go-trace-lens');
    assert.equal(d.codeDescription?.href, `https://github.com/go-trace-lens/go-trace-lens/blob/main/docs/rules/${d.code}.md`);
    assert.ok(typeof d.message === 'string' && d.message.length > 0);
  }
  const start = byCode.get('start-error-ignored')!;
  assert.deepEqual(start.range, { start: { line: 10, character: 1 }, end: { line: 10, character: 15 } });
  assert.equal(start.severity, DiagnosticSeverity.Warning);
  assert.equal(byCode.get('region-result-discarded')!.severity, DiagnosticSeverity.Error);
});

test('correct code gets an empty diagnostics list', async () => {
  const uri = uriOf('correct.go');
  await session.open(uri, CORRECT);
  assert.deepEqual(await session.diagnosticsFor(uri, 1), []);
});

test('an edit that fixes the code clears its diagnostic; closing clears all and frees the tree', async () => {
  const uri = uriOf('edited.go');
  await session.open(uri, MISUSE);
  assert.equal((await session.diagnosticsFor(uri, 1)).length, 2);
  // Line 14 (0-based 13): `trace.StartRegion(ctx, "work")` becomes `defer trace.StartRegion(ctx, "work").End()`.
  await session.change(uri, 2, [
    { range: { start: { line: 13, character: 31 }, end: { line: 13, character: 31 } }, text: '.End()' },
    { range: { start: { line: 13, character: 1 }, end: { line: 13, character: 1 } }, text: 'defer ' },
  ]);
  assert.deepEqual((await session.diagnosticsFor(uri, 2)).map((d) => d.code), ['start-error-ignored']);

  const before = (await session.stats()).worker.openTrees;
  await session.close(uri);
  assert.deepEqual(await session.diagnostics(uri), []);
  assert.equal((await session.stats()).worker.openTrees, before - 1);
});

test('a non-file document (untitled) is linted too', async () => {
  const uri = 'untitled:Untitled-1';
  await session.open(uri, MISUSE);
  assert.equal((await session.diagnosticsFor(uri, 1)).length, 2);
});
