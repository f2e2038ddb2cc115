// The comparison view: a webview beside the code showing how one trace's tasks and regions changed
// against another's. The language server compares in a worker thread; while this panel is open,
// its CodeLens show each annotation's change.
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Disposable, ProgressLocation, Uri, ViewColumn, window, type WebviewPanel } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TraceNotifications, TraceRequests } from '../../../common/traceProtocol';
import type { ComparisonState, FromCompareView, ToCompareView } from '../webview/compareMessages';
import { viewerDocument } from './document';
import { errorMessage, sendRequest } from './lsp';
import { revealSource } from './reveal';

export const COMPARISON_VIEW_TYPE = 'goTraceLens.comparison';

export class ComparisonPanel extends Disposable {
  readonly comparisonId = randomUUID();
  private readonly panel: WebviewPanel;
  private state: ComparisonState;
  private ready = false;
  private readonly subscriptions: Disposable[] = [];

  constructor(readonly oldUri: Uri, readonly newUri: Uri, private readonly client: LanguageClient, extensionUri: Uri, private readonly onClosed: (panel: ComparisonPanel) => void) {
    super(() => this.close());
    const [oldName, newName] = [oldUri, newUri].map((u) => path.basename(u.fsPath));
    this.state = { oldName, newName, phase: 'loading' };
    this.panel = window.createWebviewPanel(COMPARISON_VIEW_TYPE, `${oldName} → ${newName}`, ViewColumn.Beside, {
      enableScripts: true, localResourceRoots: [Uri.joinPath(extensionUri, 'dist'), Uri.joinPath(extensionUri, 'media')],
    });
    const webview = this.panel.webview;
    webview.html = viewerDocument({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(Uri.joinPath(extensionUri, 'dist', 'compareView.js')).toString(),
      styleUri: webview.asWebviewUri(Uri.joinPath(extensionUri, 'media', 'viewer.css')).toString(),
      nonce: randomBytes(18).toString('base64'),
    });
    this.panel.iconPath = Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.subscriptions.push(
      webview.onDidReceiveMessage((message: FromCompareView) => this.onMessage(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
    void this.compare();
  }

  private async compare(): Promise<void> {
    await window.withProgress({ location: ProgressLocation.Notification, title: `Comparing ${this.state.oldName} with ${this.state.newName}` }, async () => {
      try {
        const comparison = await sendRequest(this.client, TraceRequests.compare, { comparisonId: this.comparisonId, oldUri: this.oldUri.toString(), newUri: this.newUri.toString() });
        this.update({ phase: 'done', comparison });
      } catch (error) {
        this.update({ phase: 'error', error: errorMessage(error) });
        void window.showErrorMessage(`Go Trace Lens could not compare the traces: ${errorMessage(error)}`);
      }
    });
  }

  private update(next: Partial<ComparisonState>): void {
    this.state = { ...this.state, ...next };
    if (this.ready) this.post({ type: 'update', state: this.state });
  }

  /** Selects a type, as a comparison CodeLens asks. */
  focus(kind: 'task' | 'region', name: string): void {
    this.panel.reveal(undefined, false);
    this.post({ type: 'focus', kind, name });
  }

  private post(message: ToCompareView): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: FromCompareView): Promise<void> {
    if (message.type === 'ready') {
      this.ready = true;
      this.post({ type: 'init', state: this.state });
    } else if (message.type === 'reveal') {
      this.post({ type: 'revealed', note: await revealSource(this.client, { location: message.location, annotation: true }, this.panel) });
    }
  }

  private close(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.panel.dispose();
    void this.client.sendNotification(TraceNotifications.closeComparison.method, { comparisonId: this.comparisonId });
    this.onClosed(this);
  }
}
