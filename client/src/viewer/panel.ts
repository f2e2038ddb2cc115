// One viewer panel bound to one trace loaded in the language server: relays
// the webview's queries to the server, status back to the webview, shows
// progress and errors, and reveals source lines in the editor beside.
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { commands, Disposable, ProgressLocation, Uri, window, workspace, type WebviewPanel } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { formatCount } from '../../../common/format';
import { DEFAULT_CAPTURE_WINDOW_SECONDS } from '../../../common/settings';
import type { SourceLocation } from '../../../common/traceModel';
import { TraceNotifications, TraceRequests, type FocusTarget, type TraceStatus } from '../../../common/traceProtocol';
import type { FromWebview, ToWebview } from '../webview/messages';
import { viewerDocument } from './document';
import { COMPARE_COMMAND } from './compareCommand';
import { errorMessage, sendRequest } from './lsp';
import { revealSource } from './reveal';

export class TracePanel extends Disposable {
  private readonly traceId = randomUUID();
  private status?: TraceStatus;
  private ready = false;
  private finishProgress?: () => void;
  private progressUpdate?: () => void;
  private readonly subscriptions: Disposable[] = [];

  constructor(
    readonly traceUri: Uri,
    readonly panel: WebviewPanel,
    private readonly client: LanguageClient,
    extensionUri: Uri,
    private readonly onClosed: (panel: TracePanel) => void,
  ) {
    super(() => this.close());
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [Uri.joinPath(extensionUri, 'dist'), Uri.joinPath(extensionUri, 'media')] };
    webview.html = viewerDocument({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(Uri.joinPath(extensionUri, 'media', 'viewer.css')).toString(),
      nonce: randomBytes(18).toString('base64'),
    });
    panel.iconPath = Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.subscriptions.push(
      webview.onDidReceiveMessage((message: FromWebview) => this.onMessage(message)),
      panel.onDidDispose(() => this.dispose()),
    );
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.showProgress();
      await sendRequest(this.client, TraceRequests.open, { uri: this.traceUri.toString(), traceId: this.traceId });
    } catch (error) {
      this.onStatus({
        traceId: this.traceId, uri: this.traceUri.toString(), phase: 'error',
        progress: { bytesRead: 0, totalBytes: 0, generations: 0, events: 0 }, error: errorMessage(error),
      });
    }
  }

  /** A cancellable notification while the server reads the file. */
  private showProgress(): void {
    const name = path.basename(this.traceUri.fsPath);
    void window.withProgress({ location: ProgressLocation.Notification, title: `Loading trace ${name}`, cancellable: true }, (progress, token) =>
      new Promise<void>((resolve) => {
        let reported = 0;
        const update = (): void => {
          const { bytesRead, totalBytes, events } = this.status?.progress ?? { bytesRead: 0, totalBytes: 0, events: 0 };
          const percent = totalBytes > 0 ? (100 * bytesRead) / totalBytes : 0;
          progress.report({ increment: percent - reported, message: `${Math.round(percent)}% · ${formatCount(events)} events` });
          reported = percent;
        };
        this.finishProgress = () => { this.finishProgress = undefined; resolve(); };
        this.progressUpdate = update;
        token.onCancellationRequested(() => this.cancel());
        if (this.status && this.status.phase !== 'loading') this.finishProgress();
      }));
  }

  cancel(): void {
    void this.client.sendNotification(TraceNotifications.cancel.method, { traceId: this.traceId });
  }

  /** Called by the registry for every status notification of this panel's trace. */
  onStatus(status: TraceStatus): void {
    const previous = this.status?.phase;
    this.status = status;
    this.progressUpdate?.();
    if (status.phase !== 'loading') this.finishProgress?.();
    if (status.phase === 'error' && previous !== 'error') {
      void window.showErrorMessage(`Go Trace Lens could not read ${path.basename(this.traceUri.fsPath)}: ${status.error ?? 'unknown error'}`);
    }
    if (this.ready) this.post({ type: 'status', status });
  }

  get id(): string { return this.traceId; }

  focus(target: FocusTarget): void {
    this.panel.reveal(undefined, false);
    this.post({ type: 'focus', target });
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.post({
          type: 'init',
          traceName: path.basename(this.traceUri.fsPath),
          captureWindowSeconds: workspace.getConfiguration('goTraceLens.lint').get<number>('captureWindowSeconds', DEFAULT_CAPTURE_WINDOW_SECONDS),
          status: this.status ?? { traceId: this.traceId, uri: this.traceUri.toString(), phase: 'loading', progress: { bytesRead: 0, totalBytes: 0, generations: 0, events: 0 } },
        });
        break;
      case 'query':
        try {
          const result = await sendRequest(this.client, TraceRequests.query, { traceId: this.traceId, query: message.query });
          this.post({ type: 'queryResult', requestId: message.requestId, result });
        } catch (error) {
          this.post({ type: 'queryResult', requestId: message.requestId, error: errorMessage(error) });
        }
        break;
      case 'reveal':
        await this.reveal(message.location, message.annotation);
        break;
      case 'cancel':
        this.cancel();
        break;
      case 'compareWith':
        await commands.executeCommand(COMPARE_COMMAND, this.traceUri);
        break;
    }
  }

  private async reveal(location: SourceLocation, annotation: boolean): Promise<void> {
    this.post({ type: 'revealed', note: await revealSource(this.client, { traceId: this.traceId, location, annotation }, this.panel) });
  }

  private close(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.finishProgress?.();
    void this.client.sendNotification(TraceNotifications.close.method, { traceId: this.traceId });
    this.onClosed(this);
  }
}
