// Capture commands: trace a test, benchmark or fuzz seed run (from the CodeLens or the cursor), a
// running server's /debug/pprof/trace, or a flight-recorder snapshot. The language server does the
// work; this side asks, shows progress with Cancel (cancelling the request) and opens the trace beside.
import { randomUUID } from 'node:crypto';
import {
  commands, env, ProgressLocation, Uri, window, workspace,
  type CancellationToken, type CodeLens, type ExtensionContext,
} from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import {
  CaptureNotifications, CaptureRequests, TRACE_TEST_COMMAND, type CaptureErrorData, type CaptureProgress, type TraceTestTarget,
} from '../../../common/captureProtocol';
import type { RequestDescriptor } from '../../../common/traceProtocol';
import { formatBytes } from '../../../common/format';
import { SETTING_DEFAULTS } from '../../../common/settings';
import { captureWindowSeconds, capturesDirectory, goToolSettings } from './settings';

/** Opens a trace in the viewer beside the code, as the viewer's own commands do. */
export const openTraceBeside = (uri: Uri): Thenable<unknown> => commands.executeCommand('goTraceLens.openTraceFromExplorer', uri);

const LAST_URL_KEY = 'goTraceLens.capture.lastServerUrl';
const DEFAULT_SERVER_URL = 'http://localhost:6060/debug/pprof/trace';

export function registerCaptureCommands(context: ExtensionContext, client: LanguageClient, onCaptured: () => void): void {
  const output = window.createOutputChannel('Go Trace Lens: Capture');
  /** Progress listeners by capture id, fed by the server's notifications. */
  const listeners = new Map<string, (update: CaptureProgress) => void>();
  client.onNotification(CaptureNotifications.progress.method, (update: CaptureProgress) => listeners.get(update.captureId)?.(update));

  const send = <P, R>(descriptor: RequestDescriptor<P, R>, params: P, token?: CancellationToken): Promise<R> =>
    client.sendRequest<R>(descriptor.method, params, token);

  /** Runs one capture under a cancellable notification; failures become messages, a cancel ends quietly. */
  async function withCapture(title: string, work: (captureId: string, token: CancellationToken, report: (message: string) => void) => Promise<void>,
    onProgress: (update: CaptureProgress) => void): Promise<void> {
    const captureId = randomUUID();
    listeners.set(captureId, onProgress);
    try {
      await window.withProgress({ location: ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        try {
          await work(captureId, token, (message) => progress.report({ message }));
        } catch (error) {
          if (token.isCancellationRequested) return;
          if (error instanceof ResponseError && (error.data as CaptureErrorData | undefined)?.goNotFound) {
            const download = 'Download Go';
            if (await window.showErrorMessage(`Go Trace Lens: ${error.message}`, download) === download) await env.openExternal(Uri.parse('https://go.dev/dl/'));
            return;
          }
          void window.showErrorMessage(`Go Trace Lens: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    } finally {
      listeners.delete(captureId);
    }
  }

  async function captured(traceFile: string): Promise<void> {
    onCaptured();
    await openTraceBeside(Uri.file(traceFile));
  }

  async function traceTest(target: TraceTestTarget): Promise<void> {
    const settings = workspace.getConfiguration('goTraceLens.capture', Uri.parse(target.uri));
    output.appendLine(`go test ${target.kind === 'benchmark' ? `-bench '^${target.name}$'` : `-run '^${target.name}$'`} -trace … in ${Uri.parse(target.uri).fsPath}`);
    await withCapture(`Tracing ${target.name}`, async (captureId, token, report) => {
      report('running go test…');
      const result = await send(CaptureRequests.test, {
        captureId, target, directory: capturesDirectory(context), go: goToolSettings(),
        cpuProfile: settings.get<boolean>('cpuProfile', SETTING_DEFAULTS['goTraceLens.capture.cpuProfile']), benchtime: settings.get<string>('benchtime') || undefined,
      }, token);
      if (result.exitCode !== 0) {
        const show = 'Show Output';
        void window.showErrorMessage(`Go Trace Lens: go test failed for ${target.name}: ${result.failure ?? ''}`, show).then((picked) => { if (picked === show) output.show(true); });
      }
      if (result.traceFile) await captured(result.traceFile);
      else if (result.exitCode === 0) void window.showErrorMessage(`Go Trace Lens: go test wrote no trace for ${target.name}.`);
    }, ({ output: text }) => { if (text) output.append(text); });
  }

  /** The test, benchmark or fuzz target whose function holds the cursor, found through the server's lenses. */
  async function traceTestAtCursor(): Promise<void> {
    const editor = window.activeTextEditor;
    const lenses = editor ? await commands.executeCommand<CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri) : [];
    const line = editor?.selection.active.line ?? -1;
    const lens = lenses?.find((l) => l.command?.command === TRACE_TEST_COMMAND && l.range.start.line <= line && line <= l.range.end.line);
    if (!lens?.command?.arguments) {
      void window.showInformationMessage('Go Trace Lens: put the cursor inside a TestX, BenchmarkX or FuzzX function of a _test.go file.');
      return;
    }
    await traceTest(lens.command.arguments[0] as TraceTestTarget);
  }

  async function captureFromUrl(url: string, seconds: number | undefined, source: 'server' | 'snapshot'): Promise<void> {
    const title = source === 'server' ? `Capturing ${seconds} s of trace` : 'Fetching flight recorder snapshot';
    let bytes = 0;
    await withCapture(title, async (captureId, token, report) => {
      const started = Date.now();
      const show = (): void => {
        const elapsed = ((Date.now() - started) / 1000).toFixed(0);
        report(`${seconds ? `${elapsed}/${seconds} s` : `${elapsed} s`} · ${formatBytes(bytes)} received`);
      };
      // Servers send much of a trace at its end; the clock moves meanwhile.
      const ticker = setInterval(show, 500);
      try {
        show();
        const result = await send(CaptureRequests.url, { captureId, url, seconds, source, directory: capturesDirectory(context) }, token);
        await captured(result.traceFile);
      } finally {
        clearInterval(ticker);
      }
    }, (update) => { bytes = update.bytes ?? bytes; });
  }

  async function captureFromServer(): Promise<void> {
    const url = await window.showInputBox({
      title: 'Capture Trace from Server', prompt: 'The server\'s net/http/pprof trace URL',
      value: context.workspaceState.get<string>(LAST_URL_KEY, DEFAULT_SERVER_URL),
      validateInput: (value) => (/^https?:\/\/\S+$/.test(value.trim()) ? undefined : 'An http:// or https:// URL, such as http://localhost:6060/debug/pprof/trace'),
    });
    if (!url) return;
    await context.workspaceState.update(LAST_URL_KEY, url.trim());
    const advised = captureWindowSeconds();
    const answer = await window.showInputBox({
      title: 'Capture Trace from Server', prompt: `Seconds to record (goTraceLens.lint.captureWindowSeconds advises at most ${advised})`, value: String(advised),
      validateInput: (value) => (Number(value) > 0 && Number.isFinite(Number(value)) ? undefined : 'A positive number of seconds'),
    });
    if (!answer) return;
    const seconds = Number(answer);
    if (seconds > advised) {
      const go = `Capture ${seconds} s`;
      const picked = await window.showWarningMessage(`Capture ${seconds} s of trace?`, {
        modal: true,
        detail: `That is longer than the ${advised} s window advised (goTraceLens.lint.captureWindowSeconds). The tracer records every scheduling event: `
          + 'a long window makes a large trace that is slow to open and costs the server more, while a few seconds around the problem show it as well.',
      }, go);
      if (picked !== go) return;
    }
    await captureFromUrl(url.trim(), seconds, 'server');
  }

  async function fetchSnapshot(): Promise<void> {
    const url = workspace.getConfiguration('goTraceLens.capture').get<string>('flightRecorderUrl', SETTING_DEFAULTS['goTraceLens.capture.flightRecorderUrl']).trim();
    if (!url) {
      const open = 'Open Settings';
      if (await window.showInformationMessage('Go Trace Lens: set goTraceLens.capture.flightRecorderUrl to your program\'s flight-recorder snapshot endpoint (there is no standard one).', open) === open) {
        await commands.executeCommand('workbench.action.openSettings', 'goTraceLens.capture.flightRecorderUrl');
      }
      return;
    }
    await captureFromUrl(url, undefined, 'snapshot');
  }

  context.subscriptions.push(
    output,
    commands.registerCommand(TRACE_TEST_COMMAND, traceTest),
    commands.registerCommand('goTraceLens.traceTestAtCursor', traceTestAtCursor),
    commands.registerCommand('goTraceLens.captureFromServer', captureFromServer),
    commands.registerCommand('goTraceLens.fetchFlightRecorderSnapshot', fetchSnapshot),
  );
}
