// API-level tests in VS Code's extension host: activation, commands, diagnostics, code actions,
// settings and the trace viewer, on a copy of test/fixtures/e2e-workspace.
import assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import {
  CodeActionKind, commands, ConfigurationTarget, DiagnosticSeverity, extensions, languages, Range, TabInputCustom, Uri, ViewColumn,
  window, workspace, WorkspaceEdit, type CodeAction, type Diagnostic,
} from 'vscode';

const EXTENSION_ID = 'go-trace-lens.go-trace-lens';
const SOURCE = 'go-trace-lens';

const fileUri = (name: string) => Uri.joinPath(workspace.workspaceFolders![0].uri, name);
const ruleOf = (d: Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);
const ours = (uri: Uri) => languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);

/** Polls a condition until it yields a value (or true); fails with `what` after the timeout. */
async function waitFor<T>(probe: () => T | undefined | false, what: string, timeout = 30_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resume) => setTimeout(resume, 100));
  }
}

suite('Go Trace Lens in VS Code', () => {
  const batch = fileUri('batch.go');

  suiteSetup(async () => {
    await window.showTextDocument(await workspace.openTextDocument(batch));
  });

  test('activates when a Go file opens', async () => {
    const extension = extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await waitFor(() => extension.isActive, 'activation');
  });

  test('registers every command it contributes', async () => {
    const manifest = extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
    const registered = new Set(await commands.getCommands(true));
    for (const { command } of manifest.contributes.commands) assert.ok(registered.has(command), `${command} is not registered`);
  });

  test('reports each misuse with its rule id and documentation link', async () => {
    const found = await waitFor(() => (ours(batch).length >= 3 ? ours(batch) : undefined), 'diagnostics for batch.go');
    assert.deepEqual(found.map(ruleOf).sort(), ['log-in-loop', 'start-error-ignored', 'task-per-iteration']);
    for (const diagnostic of found) {
      assert.ok(typeof diagnostic.code === 'object' && diagnostic.code.target, `${ruleOf(diagnostic)} has no documentation link`);
    }
  });

  test('reports nothing for correct code, while it does analyse the file', async () => {
    const orders = fileUri('orders.go');
    const document = await workspace.openTextDocument(orders);
    await window.showTextDocument(document);
    const misuse = new WorkspaceEdit();
    misuse.insert(orders, document.lineAt(16).range.end, '\n\ttrace.Start(nil)');
    assert.ok(await workspace.applyEdit(misuse));
    await waitFor(() => ours(orders).some((d) => ruleOf(d) === 'start-error-ignored'), 'the inserted misuse to be reported');
    await commands.executeCommand('undo');
    await waitFor(() => ours(orders).length === 0 && !document.getText().includes('trace.Start(nil)'), 'no diagnostics for orders.go');
  });

  test("a rule's severity follows the settings", async () => {
    const lint = workspace.getConfiguration('goTraceLens.lint');
    await lint.update('rules', { 'log-in-loop': 'error' }, ConfigurationTarget.Workspace);
    try {
      await waitFor(() => ours(batch).some((d) => ruleOf(d) === 'log-in-loop' && d.severity === DiagnosticSeverity.Error), 'log-in-loop as an error');
      await lint.update('rules', { 'log-in-loop': 'off' }, ConfigurationTarget.Workspace);
      await waitFor(() => ours(batch).length > 0 && !ours(batch).some((d) => ruleOf(d) === 'log-in-loop'), 'log-in-loop switched off');
    } finally {
      await lint.update('rules', undefined, ConfigurationTarget.Workspace);
    }
    await waitFor(() => ours(batch).some((d) => ruleOf(d) === 'log-in-loop' && d.severity === DiagnosticSeverity.Warning), 'log-in-loop back to a warning');
  });

  test('offers a suggestion that is not preferred and says what it changes; applying it removes the problem', async () => {
    const document = await workspace.openTextDocument(batch);
    await window.showTextDocument(document);
    const problem = await waitFor(() => ours(batch).find((d) => ruleOf(d) === 'start-error-ignored'), 'start-error-ignored');
    const actions = await commands.executeCommand<CodeAction[]>('vscode.executeCodeActionProvider', batch, problem.range, CodeActionKind.QuickFix.value);
    const forProblem = actions.filter((a) => a.diagnostics?.some((d) => ruleOf(d) === 'start-error-ignored'));
    assert.deepEqual(forProblem.filter((a) => a.isPreferred), []);
    const suggestion = forProblem.find((a) => a.title === "Check trace.Start's error: panic(err) when tracing cannot start");
    assert.ok(suggestion?.edit, 'no suggestion to check the error');
    assert.ok(forProblem.some((a) => a.title === 'Disable start-error-ignored for this line'));
    assert.ok(await workspace.applyEdit(suggestion.edit));
    await waitFor(() => !ours(batch).some((d) => ruleOf(d) === 'start-error-ignored'), 'the fixed problem to go away');
    assert.match(document.getText(), /if err := trace\.Start\(w\); err != nil \{/);
  });

  test('"Disable for this line" silences the rule on that line only', async () => {
    const problem = await waitFor(() => ours(batch).find((d) => ruleOf(d) === 'task-per-iteration'), 'task-per-iteration');
    const actions = await commands.executeCommand<CodeAction[]>('vscode.executeCodeActionProvider', batch, new Range(problem.range.start, problem.range.start));
    const disable = actions.find((a) => a.title === 'Disable task-per-iteration for this line');
    assert.ok(disable?.edit, 'no "Disable for this line" action');
    assert.ok(await workspace.applyEdit(disable.edit));
    await waitFor(() => !ours(batch).some((d) => ruleOf(d) === 'task-per-iteration'), 'task-per-iteration suppressed');
    assert.ok(ours(batch).some((d) => ruleOf(d) === 'log-in-loop'), 'other rules still report');
  });

  test('a trace file opens in the viewer beside the code', async () => {
    await commands.executeCommand('vscode.openWith', fileUri('orders.trace'), 'goTraceLens.traceViewer', ViewColumn.Beside);
    await waitFor(() => window.tabGroups.all.flatMap((group) => group.tabs)
      .some((tab) => tab.input instanceof TabInputCustom && tab.input.viewType === 'goTraceLens.traceViewer'), 'the trace viewer tab');
  });
});
