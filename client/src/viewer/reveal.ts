// Shows a trace's source location in an editor beside a webview panel (the viewer's or the
// comparison's): the server maps it to a workspace file and checks the line; returns what happened,
// for the panel to tell the user.
import { Range, Selection, TextEditorRevealType, Uri, ViewColumn, window, workspace, type WebviewPanel } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { SourceLocation } from '../../../common/traceModel';
import { TraceRequests, type ResolvedSource } from '../../../common/traceProtocol';
import { errorMessage, sendRequest } from './lsp';

export async function revealSource(client: LanguageClient, request: { traceId?: string; location: SourceLocation; annotation: boolean }, beside: WebviewPanel): Promise<string> {
  const { location } = request;
  let resolved: ResolvedSource | null;
  try {
    resolved = await sendRequest(client, TraceRequests.resolveSource, request);
  } catch (error) {
    return `Could not look up ${location.file}: ${errorMessage(error)}`;
  }
  if (!resolved) return `${location.file}:${location.line} is not in this workspace.`;
  const document = await workspace.openTextDocument(Uri.parse(resolved.uri));
  const line = Math.min(resolved.line, Math.max(0, document.lineCount - 1));
  const range = new Range(line, document.lineAt(line).firstNonWhitespaceCharacterIndex, line, document.lineAt(line).range.end.character);
  const editor = await window.showTextDocument(document, { viewColumn: otherColumn(beside), preserveFocus: false, selection: range });
  editor.selection = new Selection(range.start, range.end);
  editor.revealRange(range, TextEditorRevealType.InCenterIfOutsideViewport);
  const where = `${workspace.asRelativePath(document.uri)}:${line + 1}`;
  if (resolved.stale) void window.showWarningMessage(`Go Trace Lens: ${where} has changed since the trace was recorded — ${resolved.stale}`);
  return resolved.stale ? `${where}: ${resolved.stale}` : `Revealed ${where}${resolved.matchedBySuffix ? ' (matched by path suffix: the trace was recorded elsewhere)' : ''}.`;
}

/** The editor column beside the panel: an existing text editor's column, else a new one beside. */
function otherColumn(panel: WebviewPanel): ViewColumn {
  const own = panel.viewColumn;
  const other = window.visibleTextEditors.find((e) => e.viewColumn !== undefined && e.viewColumn !== own);
  return other?.viewColumn ?? ViewColumn.Beside;
}
