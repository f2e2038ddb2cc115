// Lint commands of the thin client; the language server does the work.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FIX_ALL_KIND, SHOW_RULE_DOCUMENTATION_COMMAND } from '../../common/lintProtocol';
import { RULE_ID_PATTERN, ruleDocumentationPath } from '../../common/ruleDocs';

async function bundledRuleIds(extensionUri: vscode.Uri): Promise<string[]> {
  const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(extensionUri, 'docs', 'rules'));
  return entries.map(([name]) => name.replace(/\.md$/, '')).filter((id) => RULE_ID_PATTERN.test(id)).sort();
}

/** Opens docs/rules/<id>.md from the extension in the Markdown preview; asks for the rule when none is given. */
async function showRuleDocumentation(extensionUri: vscode.Uri, ruleId: unknown): Promise<void> {
  const id = typeof ruleId === 'string' ? ruleId : await vscode.window.showQuickPick(await bundledRuleIds(extensionUri), { placeHolder: 'Rule' });
  if (id === undefined) return;
  if (!RULE_ID_PATTERN.test(id)) {
    void vscode.window.showErrorMessage(`Go Trace Lens: "${id}" is not a rule id.`);
    return;
  }
  const page = vscode.Uri.joinPath(extensionUri, ruleDocumentationPath(id));
  try {
    await vscode.workspace.fs.stat(page);
  } catch {
    void vscode.window.showErrorMessage(`Go Trace Lens: no documentation for rule "${id}".`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', page);
}

/** Applies the server's fix-all action to the active Go editor. */
async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId !== 'go') {
    void vscode.window.showInformationMessage('Go Trace Lens: open a Go file to fix its runtime/trace problems.');
    return;
  }
  const { document } = editor;
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, whole, FIX_ALL_KIND);
  const edit = actions?.find((action) => action.kind?.value === FIX_ALL_KIND)?.edit;
  if (!edit) {
    void vscode.window.showInformationMessage('Go Trace Lens: no automatically fixable runtime/trace problems in this file.');
    return;
  }
  await vscode.workspace.applyEdit(edit);
}

export function registerLintCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_RULE_DOCUMENTATION_COMMAND, (ruleId: unknown) => showRuleDocumentation(context.extensionUri, ruleId)),
    vscode.commands.registerCommand('goTraceLens.fixAll', fixAll),
    vscode.commands.registerCommand('goTraceLens.restartServer', () => client.restart()),
  );
}
