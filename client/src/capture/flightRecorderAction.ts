// "Add a flight recorder that snapshots slow requests": a refactoring offered in Go files that import
// net/http (and a command for any Go file) that creates flightrecorder.go in the file's package; the
// language server writes it for the module's Go version.
import {
  CodeAction, CodeActionKind, commands, languages, Position, Uri, window, workspace, WorkspaceEdit,
  type CodeActionProvider, type ExtensionContext, type TextDocument,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CaptureRequests, type FlightRecorderFile } from '../../../common/captureProtocol';

const TITLE = 'Add a flight recorder that snapshots slow requests';
const COMMAND = 'goTraceLens.addFlightRecorder';
const IMPORTS_NET_HTTP = /^\s*(?:import\s+)?(?:[A-Za-z_]\w*\s+)?"net\/http"/m;

async function addFlightRecorderEdit(client: LanguageClient, document: TextDocument): Promise<{ edit: WorkspaceEdit; target: Uri } | undefined> {
  if (document.uri.scheme !== 'file') return undefined;
  const file = await client.sendRequest<FlightRecorderFile | null>(CaptureRequests.flightRecorder.method, { uri: document.uri.toString() });
  if (!file) return undefined;
  const target = Uri.file(file.path);
  const edit = new WorkspaceEdit();
  edit.createFile(target, { ignoreIfExists: false, overwrite: false });
  edit.insert(target, new Position(0, 0), file.text);
  return { edit, target };
}

export function registerFlightRecorderAction(context: ExtensionContext, client: LanguageClient): void {
  /** The action's document, kept until VS Code asks for its edit (built only when the action is picked). */
  const pending = new WeakMap<CodeAction, TextDocument>();
  const provider: CodeActionProvider = {
    provideCodeActions(document) {
      if (document.uri.scheme !== 'file' || !IMPORTS_NET_HTTP.test(document.getText())) return [];
      const action = new CodeAction(TITLE, CodeActionKind.Refactor.append('flightRecorder'));
      pending.set(action, document);
      return [action];
    },
    async resolveCodeAction(action) {
      const document = pending.get(action);
      const made = document && await addFlightRecorderEdit(client, document);
      if (made) action.edit = made.edit;
      return action;
    },
  };
  context.subscriptions.push(
    languages.registerCodeActionsProvider({ language: 'go', scheme: 'file' }, provider, { providedCodeActionKinds: [CodeActionKind.Refactor] }),
    commands.registerCommand(COMMAND, async () => {
      const document = window.activeTextEditor?.document;
      const made = document?.languageId === 'go' ? await addFlightRecorderEdit(client, document) : undefined;
      if (!made) {
        void window.showInformationMessage('Go Trace Lens: open a Go file of the package that should get the flight recorder.');
        return;
      }
      try {
        await workspace.fs.stat(made.target);
        void window.showErrorMessage(`Go Trace Lens: ${made.target.fsPath} already exists.`);
        return;
      } catch {
        // Not there yet: create it.
      }
      if (!await workspace.applyEdit(made.edit)) return;
      const created = await workspace.openTextDocument(made.target);
      await created.save();
      await window.showTextDocument(created);
    }),
  );
}
