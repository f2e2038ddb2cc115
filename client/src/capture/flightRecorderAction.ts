// "Add a flight recorder that snapshots slow requests": a refactoring offered in Go files that import
// net/http (and a command for any Go file) that creates flightrecorder.go in the file's package,
// written for the module's Go version.
import * as path from 'node:path';
import {
  CodeAction, CodeActionKind, commands, languages, Position, Uri, window, workspace, WorkspaceEdit,
  type CodeActionProvider, type ExtensionContext, type TextDocument,
} from 'vscode';
import { FLIGHT_RECORDER_FILE, flightRecorderSource } from '../../../server/src/capture/flightRecorder';
import { GoModules } from '../../../server/src/lint/goModules';

const TITLE = 'Add a flight recorder that snapshots slow requests';
const COMMAND = 'goTraceLens.addFlightRecorder';

function packageName(document: TextDocument): string | undefined {
  return /^\s*package\s+([A-Za-z_]\w*)/m.exec(document.getText())?.[1];
}

function addFlightRecorderEdit(document: TextDocument, goModules: GoModules): { edit: WorkspaceEdit; target: Uri } | undefined {
  const pkg = packageName(document);
  if (!pkg || document.uri.scheme !== 'file') return undefined;
  const target = Uri.file(path.join(path.dirname(document.uri.fsPath), FLIGHT_RECORDER_FILE));
  const edit = new WorkspaceEdit();
  edit.createFile(target, { ignoreIfExists: false, overwrite: false });
  edit.insert(target, new Position(0, 0), flightRecorderSource(pkg.replace(/_test$/, ''), goModules.goVersionFor(document.uri.fsPath)));
  return { edit, target };
}

const IMPORTS_NET_HTTP = /^\s*(?:import\s+)?(?:[A-Za-z_]\w*\s+)?"net\/http"/m;

export function registerFlightRecorderAction(context: ExtensionContext): void {
  const goModules = new GoModules();
  /** The action's document, kept until VS Code asks for its edit (built only when the action is picked). */
  const pending = new WeakMap<CodeAction, TextDocument>();
  const provider: CodeActionProvider = {
    provideCodeActions(document) {
      if (document.uri.scheme !== 'file' || !IMPORTS_NET_HTTP.test(document.getText()) || !packageName(document)) return [];
      const action = new CodeAction(TITLE, CodeActionKind.Refactor.append('flightRecorder'));
      pending.set(action, document);
      return [action];
    },
    resolveCodeAction(action) {
      const document = pending.get(action);
      goModules.invalidate();
      const made = document && addFlightRecorderEdit(document, goModules);
      if (made) action.edit = made.edit;
      return action;
    },
  };
  context.subscriptions.push(
    languages.registerCodeActionsProvider({ language: 'go', scheme: 'file' }, provider, { providedCodeActionKinds: [CodeActionKind.Refactor] }),
    commands.registerCommand(COMMAND, async () => {
      const document = window.activeTextEditor?.document;
      goModules.invalidate();
      const made = document?.languageId === 'go' ? addFlightRecorderEdit(document, goModules) : undefined;
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
