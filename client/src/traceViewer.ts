// Opens Go execution traces in the viewer beside the code. Parsing happens in
// the language server (in a worker thread); this side only wires panels.
import { basename } from 'node:path';
import {
  commands, languages, TabInputCustom, TabInputText, Uri, ViewColumn, window,
  type CancellationToken, type CustomDocument, type Tab, type CustomReadonlyEditorProvider, type ExtensionContext, type WebviewPanel,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  COMPARISON_FOCUS_COMMAND, FOCUS_COMMAND, TraceNotifications, type ComparisonTarget, type FocusTarget, type NotificationDescriptor, type TraceStatus,
} from '../../common/traceProtocol';
import { ComparisonPanel } from './viewer/comparePanel';
import { COMPARE_COMMAND } from './viewer/compareCommand';
import { TracePanel } from './viewer/panel';

type TraceDiagnosticsParams = typeof TraceNotifications.diagnostics extends NotificationDescriptor<infer P> ? P : never;

const VIEW_TYPE = 'goTraceLens.traceViewer';
// Extensions without their dot; 'trace' also matches *.pprof.trace.
const TRACE_FILTERS = { 'Go execution traces': ['trace', 'out'], 'All files': ['*'] };

export function registerTraceViewer(context: ExtensionContext, client: LanguageClient): void {
  const panels = new Set<TracePanel>();
  const comparisons = new Set<ComparisonPanel>();
  const pickTrace = async (title: string, openLabel: string): Promise<Uri | undefined> =>
    (await window.showOpenDialog({ canSelectMany: false, openLabel, filters: TRACE_FILTERS, title }))?.[0];

  /** Traces being opened beside the code by this extension (their panels are already where they belong). */
  const placed = new Set<string>();
  // Opening through the custom editor in every case gives one code path and
  // lets VS Code restore the panel (and its webview state) after a reload.
  const openBeside = async (uri: Uri): Promise<void> => {
    placed.add(uri.toString());
    try {
      await commands.executeCommand('vscode.openWith', uri, VIEW_TYPE, { viewColumn: ViewColumn.Beside, preview: false });
    } finally {
      placed.delete(uri.toString());
    }
  };

  const provider: CustomReadonlyEditorProvider = {
    openCustomDocument: (uri: Uri): CustomDocument => ({ uri, dispose: () => undefined }),
    resolveCustomEditor: (document: CustomDocument, panel: WebviewPanel, _token: CancellationToken) => {
      // A click in the explorer (or Quick Open) opens the trace as a preview tab over the code in its
      // group: open it beside the code instead, as every other way does, and close this one before it loads.
      const column = panel.viewColumn;
      if (!placed.has(document.uri.toString()) && previewOverCode(document.uri, column)) {
        // Disposing the panel while VS Code resolves it fails the open with an error dialog: let this
        // resolve empty, then close its tab (looked up again: tab objects are snapshots) once the trace is open beside.
        setTimeout(() => {
          void openBeside(document.uri).then(() => {
            const stale = previewOverCode(document.uri, column);
            return stale && window.tabGroups.close(stale);
          });
        }, 0);
        return;
      }
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
    // Arguments, for other views to wire (the explorer, a view of captures): the new trace, and optionally the old one.
    commands.registerCommand(COMPARE_COMMAND, async (newUri?: Uri, oldUri?: Uri) => {
      const viewed = [...panels].find((p) => p.panel.active)?.traceUri;
      const newer = newUri ?? viewed ?? await pickTrace('Compare traces: pick the new trace (after the change)', 'Pick New Trace');
      if (!newer) return;
      const older = oldUri ?? await pickTrace(`Compare ${basename(newer.fsPath)} with: pick the old trace (the baseline)`, 'Compare');
      if (!older) return;
      comparisons.add(new ComparisonPanel(older, newer, client, context.extensionUri, (closed) => comparisons.delete(closed)));
    }),
    commands.registerCommand(COMPARISON_FOCUS_COMMAND, (target: ComparisonTarget) => {
      [...comparisons].find((c) => c.comparisonId === target.comparisonId)?.focus(target.kind, target.type);
    }),
    { dispose: () => { for (const panel of [...panels, ...comparisons]) panel.dispose(); } },
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

/**
 * The tab of a trace opened as a preview (a single click in the explorer, Quick Open) in an editor
 * group that shows code, if it was. The extension's own openings are never previews, so a viewer restored
 * after a reload stays where the user left it.
 */
function previewOverCode(uri: Uri, column: ViewColumn | undefined): Tab | undefined {
  const group = window.tabGroups.all.find((g) => g.viewColumn === column);
  if (!group?.tabs.some((tab) => tab.input instanceof TabInputText)) return undefined;
  return group.tabs.find((tab) => tab.isPreview && tab.input instanceof TabInputCustom && tab.input.viewType === VIEW_TYPE
    && tab.input.uri.toString() === uri.toString());
}
