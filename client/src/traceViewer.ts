// Opens Go execution traces in the viewer beside the code. Parsing happens in
// the language server (in a worker thread); this side only wires panels.
import {
  commands, languages, Uri, ViewColumn, window,
  type CancellationToken, type CustomDocument, type CustomReadonlyEditorProvider, type ExtensionContext, type WebviewPanel,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FOCUS_COMMAND, TraceNotifications, type FocusTarget, type NotificationDescriptor, type TraceStatus } from '../../common/traceProtocol';
import { TracePanel } from './viewer/panel';

type TraceDiagnosticsParams = typeof TraceNotifications.diagnostics extends NotificationDescriptor<infer P> ? P : never;

const VIEW_TYPE = 'goTraceLens.traceViewer';
// Extensions without their dot; 'trace' also matches *.pprof.trace.
const TRACE_FILTERS = { 'Go execution traces': ['trace', 'out'], 'All files': ['*'] };

export function registerTraceViewer(context: ExtensionContext, client: LanguageClient): void {
  const panels = new Set<TracePanel>();

  // Opening through the custom editor in every case gives one code path and
  // lets VS Code restore the panel (and its webview state) after a reload.
  const openBeside = (uri: Uri) => commands.executeCommand('vscode.openWith', uri, VIEW_TYPE, ViewColumn.Beside);

  const provider: CustomReadonlyEditorProvider = {
    openCustomDocument: (uri: Uri): CustomDocument => ({ uri, dispose: () => undefined }),
    resolveCustomEditor: (document: CustomDocument, panel: WebviewPanel, _token: CancellationToken) => {
      panels.add(new TracePanel(document.uri, panel, client, context.extensionUri, (closed) => panels.delete(closed)));
    },
  };

  context.subscriptions.push(
    window.registerCustomEditorProvider(VIEW_TYPE, provider, { supportsMultipleEditorsPerDocument: true }),
    commands.registerCommand('goTraceLens.openTrace', async () => {
      const picked = await window.showOpenDialog({ canSelectMany: false, openLabel: 'Open Trace', filters: TRACE_FILTERS, title: 'Open a Go execution trace' });
      if (picked?.[0]) await openBeside(picked[0]);
    }),
    commands.registerCommand('goTraceLens.openTraceFromExplorer', async (uri?: Uri) => {
      const target = uri ?? window.activeTextEditor?.document.uri;
      if (target) await openBeside(target);
    }),
    commands.registerCommand(FOCUS_COMMAND, async (target: FocusTarget) => {
      const panel = [...panels].find((p) => p.traceUri.toString() === target.traceUri);
      if (panel) panel.focus(target);
      else await openBeside(Uri.parse(target.traceUri));
    }),
    { dispose: () => { for (const panel of panels) panel.dispose(); } },
  );

  client.onNotification(TraceNotifications.status.method, (status: TraceStatus) => {
    for (const panel of panels) if (panel.id === status.traceId) panel.onStatus(status);
  });

  // Trace-backed diagnostics live in their own collection so they never replace the lint's.
  const traceDiagnostics = languages.createDiagnosticCollection('go-trace-lens-trace');
  context.subscriptions.push(traceDiagnostics);
  client.onNotification(TraceNotifications.diagnostics.method, async ({ items }: TraceDiagnosticsParams) => {
    const converted = await Promise.all(items.map(async ({ uri, diagnostics }) =>
      [Uri.parse(uri), await client.protocol2CodeConverter.asDiagnostics(diagnostics)] as const));
    traceDiagnostics.clear();
    traceDiagnostics.set(converted.map(([uri, diagnostics]) => [uri, [...diagnostics]]));
  });
}
