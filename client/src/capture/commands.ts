// Capture commands: trace a test, benchmark or fuzz seed run (from the CodeLens or the cursor), a
// running server's /debug/pprof/trace, or a flight-recorder snapshot. The work happens in the
// vscode-free capture core; this side asks, shows progress with Cancel, and opens the trace beside.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  commands, env, ProgressLocation, Uri, window, workspace,
  type CodeLens, type ExtensionContext,
} from 'vscode';
import { CapturesIndex, type CaptureSource } from '../../../server/src/capture/captures';
import { runGoTest } from '../../../server/src/capture/goTest';
import { GoNotFoundError } from '../../../server/src/capture/goTool';
import { captureHttp } from '../../../server/src/capture/httpCapture';
import { TRACE_TEST_COMMAND, type TraceTestTarget } from '../../../server/src/capture/protocol';
import { CaptureError } from '../../../server/src/capture/traceFile';
import { openBeside } from '../traceViewer';
import { captureWindowSeconds, capturesDirectory, goTool } from './settings';

const LAST_URL_KEY = 'goTraceLens.capture.lastServerUrl';
const DEFAULT_SERVER_URL = 'http://localhost:6060/debug/pprof/trace';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function registerCaptureCommands(context: ExtensionContext, onCaptured: () => void): void {
  const output = window.createOutputChannel('Go Trace Lens: Capture');
  const index = (): CapturesIndex => new CapturesIndex(capturesDirectory(context));

  /** Runs one capture under a cancellable notification; errors become messages, never exceptions. */
  async function withCapture(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<void>): Promise<void> {
    await window.withProgress({ location: ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      try {
        await work(controller.signal, (message) => progress.report({ message }));
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof GoNotFoundError) {
          const download = 'Download Go';
          if (await window.showErrorMessage(`Go Trace Lens: ${error.message}`, download) === download) await env.openExternal(Uri.parse('https://go.dev/dl/'));
          return;
        }
        const message = error instanceof CaptureError || error instanceof Error ? error.message : String(error);
        void window.showErrorMessage(`Go Trace Lens: ${message}`);
      }
    });
  }

  async function recorded(file: string, source: CaptureSource, what: string, durationMs: number, cpuProfile?: string): Promise<void> {
    index().add(file, { source, what, durationMs, cpuProfile: cpuProfile ? path.basename(cpuProfile) : undefined });
    onCaptured();
    await openBeside(Uri.file(file));
  }

  async function traceTest(target: TraceTestTarget): Promise<void> {
    const file = fileURLToPath(target.uri);
    const cwd = path.dirname(file);
    const settings = workspace.getConfiguration('goTraceLens.capture', Uri.file(file));
    await withCapture(`Tracing ${target.name}`, async (signal, report) => {
      const go = goTool();
      const traceFile = index().newTracePath(target.name);
      const cpuProfile = settings.get<boolean>('cpuProfile', false) ? traceFile.replace(/\.trace$/, '.cpu.pprof') : undefined;
      output.appendLine(`$ cd ${cwd} && go test -run '^${target.name}$' -trace … (${target.kind})`);
      report('running go test…');
      const started = Date.now();
      const result = await runGoTest(go, { kind: target.kind, name: target.name, pkg: '.', cwd }, {
        traceFile, cpuProfile, benchtime: settings.get<string>('benchtime') || undefined, signal,
        onOutput: (text) => output.append(text),
      });
      if (result.exitCode !== 0) {
        const show = 'Show Output';
        void window.showErrorMessage(`Go Trace Lens: go test failed for ${target.name}: ${result.failure ?? ''}`, show).then((picked) => { if (picked === show) output.show(true); });
      }
      if (!result.traceFile) {
        if (result.exitCode === 0) void window.showErrorMessage(`Go Trace Lens: go test wrote no trace for ${target.name}.`);
        return;
      }
      await recorded(result.traceFile, target.kind, `${target.name} (${path.relative(workspace.workspaceFolders?.[0]?.uri.fsPath ?? cwd, cwd) || '.'})`, Date.now() - started, cpuProfile);
    });
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

  async function captureFromUrl(url: string, seconds: number | undefined, source: CaptureSource): Promise<void> {
    const title = source === 'server' ? `Capturing ${seconds} s of trace` : 'Fetching flight recorder snapshot';
    await withCapture(title, async (signal, report) => {
      const file = index().newTracePath(source === 'server' ? `server-${new URL(url).host}` : `snapshot-${new URL(url).host}`);
      const started = Date.now();
      let bytes = 0;
      const show = (): void => {
        const elapsed = ((Date.now() - started) / 1000).toFixed(0);
        report(`${seconds ? `${elapsed}/${seconds} s` : `${elapsed} s`} · ${formatBytes(bytes)} received`);
      };
      // The server sends most of a trace at its end; the clock moves meanwhile.
      const ticker = setInterval(show, 500);
      try {
        show();
        const result = await captureHttp(url, { seconds, out: file, signal, onProgress: (p) => { bytes = p.bytes; } });
        await recorded(file, source, result.url, result.elapsedMs);
      } finally {
        clearInterval(ticker);
      }
    });
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
    const url = workspace.getConfiguration('goTraceLens.capture').get<string>('flightRecorderUrl', '').trim();
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
