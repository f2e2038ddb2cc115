import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CodeActionKind, TextDocumentEdit, type CodeAction, type Command, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspSession } from './session';
import { MISUSE, uriOf } from './sources';

let session: LspSession;
before(async () => { session = await LspSession.start(); });
after(async () => { await session.stop(); });

function isCodeAction(action: Command | CodeAction): action is CodeAction {
  return 'kind' in action || 'edit' in action || 'isPreferred' in action;
}

/** Applies a versioned workspace edit for `uri` to `text`, checking that it targets `version`. */
function applyEdit(text: string, uri: string, version: number, edit: WorkspaceEdit | undefined): string {
  const changes = edit?.documentChanges ?? [];
  assert.equal(changes.length, 1);
  const change = changes[0];
  assert.ok(TextDocumentEdit.is(change));
  assert.deepEqual(change.textDocument, { uri, version });
  const edits = change.edits.map((e) => ('newText' in e ? e : assert.fail('the server sends plain text edits')));
  return TextDocument.applyEdits(TextDocument.create(uri, 'go', version, text), edits);
}

async function actionsFor(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  const actions = (await session.codeActions(uri, diagnostic.range, [diagnostic])) ?? [];
  assert.ok(actions.every(isCodeAction));
  return actions as CodeAction[];
}

/** Replaces the whole document, as an editor applying a workspace edit would send it. */
async function replaceText(uri: string, version: number, oldText: string, newText: string): Promise<void> {
  const end = TextDocument.create(uri, 'go', version, oldText).positionAt(oldText.length);
  await session.change(uri, version, [{ range: { start: { line: 0, character: 0 }, end }, text: newText }]);
}

test('each diagnostic offers its preferred fix first, then disable-for-line and the documentation', async () => {
  const uri = uriOf('actions.go');
  await session.open(uri, MISUSE);
  const diagnostics = await session.diagnosticsFor(uri, 1);
  const diagnostic = diagnostics.find((d) => d.code === 'region-result-discarded')!;
  const actions = await actionsFor(uri, diagnostic);
  assert.deepEqual(actions.map((a) => a.title), [
    'End the region when the function returns (defer …End())',
    'Disable region-result-discarded for this line',
    'Show documentation for region-result-discarded',
  ]);
  assert.deepEqual(actions.map((a) => a.isPreferred === true), [true, false, false]);
  assert.ok(actions.every((a) => a.kind === CodeActionKind.QuickFix));
  assert.ok(actions.every((a) => a.diagnostics?.[0].code === 'region-result-discarded'));
  assert.deepEqual(actions[2].command, { title: 'Show documentation for region-result-discarded', command: 'goTraceLens.showRuleDocumentation', arguments: ['region-result-discarded'] });
  // Nothing is offered for a range without our diagnostics.
  assert.deepEqual(await session.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, []), []);
});

test('a fix that changes behaviour is a suggestion: offered, never preferred, its title saying what changes', async () => {
  const uri = uriOf('suggestion.go');
  await session.open(uri, MISUSE);
  const diagnostic = (await session.diagnosticsFor(uri, 1)).find((d) => d.code === 'start-error-ignored')!;
  const actions = await actionsFor(uri, diagnostic);
  assert.deepEqual(actions.map((a) => [a.title, a.isPreferred === true]), [
    ["Check trace.Start's error: panic(err) when tracing cannot start", false],
    ['Disable start-error-ignored for this line', false],
    ['Show documentation for start-error-ignored', false],
  ]);
  const checked = applyEdit(MISUSE, uri, 1, actions[0].edit);
  assert.match(checked, /if err := trace\.Start\(f\); err != nil \{\n\t\tpanic\(err\)\n\t\}/);
  await replaceText(uri, 2, MISUSE, checked);
  assert.deepEqual((await session.diagnosticsFor(uri, 2)).map((d) => d.code), ['region-result-discarded']);
});

test('applying the preferred fix makes its diagnostic go away', async () => {
  const uri = uriOf('preferred.go');
  await session.open(uri, MISUSE);
  const diagnostic = (await session.diagnosticsFor(uri, 1)).find((d) => d.code === 'region-result-discarded')!;
  const preferred = (await actionsFor(uri, diagnostic)).find((a) => a.isPreferred)!;
  const fixed = applyEdit(MISUSE, uri, 1, preferred.edit);
  assert.match(fixed, /\n\tdefer trace\.StartRegion\(ctx, "work"\)\.End\(\)\n/);
  await replaceText(uri, 2, MISUSE, fixed);
  assert.deepEqual((await session.diagnosticsFor(uri, 2)).map((d) => d.code), ['start-error-ignored']);
});

test('"Disable … for this line" silences exactly that diagnostic', async () => {
  const uri = uriOf('disable.go');
  await session.open(uri, MISUSE);
  const diagnostic = (await session.diagnosticsFor(uri, 1)).find((d) => d.code === 'region-result-discarded')!;
  const disable = (await actionsFor(uri, diagnostic)).find((a) => a.title === 'Disable region-result-discarded for this line')!;
  const silenced = applyEdit(MISUSE, uri, 1, disable.edit);
  assert.match(silenced, /\n\t\/\/gotracelens:ignore region-result-discarded\n\ttrace\.StartRegion/);
  await replaceText(uri, 2, MISUSE, silenced);
  assert.deepEqual((await session.diagnosticsFor(uri, 2)).map((d) => d.code), ['start-error-ignored']);
});

test('fix-all is a source.fixAll action that applies every behaviour-preserving fix and no suggestion', async () => {
  const uri = uriOf('fixall.go');
  await session.open(uri, MISUSE);
  const diagnostics = await session.diagnosticsFor(uri, 1);
  assert.deepEqual(diagnostics.map((d) => d.code), ['start-error-ignored', 'region-result-discarded']);
  const whole = { start: { line: 0, character: 0 }, end: { line: 19, character: 0 } };
  // As codeActionsOnSave asks: only the parent kind source.fixAll.
  const actions = (await session.codeActions(uri, whole, [], [CodeActionKind.SourceFixAll])) as CodeAction[];
  assert.deepEqual(actions.map((a) => a.kind), ['source.fixAll.goTraceLens']);
  const fixed = applyEdit(MISUSE, uri, 1, actions[0].edit);
  // The region is ended; trace.Start's error stays unchecked: checking it would make the program stop.
  assert.equal(fixed, MISUSE.replace('\ttrace.StartRegion(ctx, "work")\n', '\tdefer trace.StartRegion(ctx, "work").End()\n'));
  await replaceText(uri, 2, MISUSE, fixed);
  const left = await session.diagnosticsFor(uri, 2);
  assert.deepEqual(left.map((d) => d.code), ['start-error-ignored']);
  // Quick-fix requests never carry the source action; with only suggestions left there is none.
  assert.ok(((await session.codeActions(uri, whole, left)) as CodeAction[]).every((a) => a.kind === CodeActionKind.QuickFix));
  assert.deepEqual(await session.codeActions(uri, whole, [], [CodeActionKind.SourceFixAll]), []);
});

test('code actions answer for the current version even before its diagnostics are published', async () => {
  const uri = uriOf('racing.go');
  await session.open(uri, 'package main\n');
  await session.diagnosticsFor(uri, 1);
  await replaceText(uri, 2, 'package main\n', MISUSE);
  const actions = (await session.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 19, character: 0 } }, [], [CodeActionKind.SourceFixAll])) as CodeAction[];
  assert.equal(applyEdit(MISUSE, uri, 2, actions[0].edit).includes('defer trace.StartRegion(ctx, "work").End()'), true);
});
