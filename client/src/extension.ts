// Thin client: starts the language server and registers commands and webviews.
import * as path from 'node:path';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { registerCaptureCommands } from './capture/commands';
import { registerFlightRecorderAction } from './capture/flightRecorderAction';
import { registerCapturesView } from './capture/view';
import { registerLintCommands } from './lintCommands';
import { registerTraceViewer } from './traceViewer';

let client: LanguageClient | undefined;

/**
 * The server's process holds a loaded trace in its worker thread: one malloc arena for both threads
 * (glibc gives each thread its own, which keeps freed memory apart) lowered the peak RSS of loading
 * the 100 MB goroutine-per-request trace by ~15 MB (docs/requests.md); a fixed mmap threshold (glibc
 * otherwise raises it after a large block is freed, so later large blocks stay in the heap and its
 * free space is not given back) by 4-5 MB more over a trace's life (docs/trace-viewer.md).
 * bench/languageServer.mjs starts the server the same way.
 */
const SERVER_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' };

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env: SERVER_ENV } },
    debug: { module, transport: TransportKind.ipc, options: { env: SERVER_ENV, execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'go' }, { scheme: 'untitled', language: 'go' }],
    synchronize: { configurationSection: 'goTraceLens' },
  };
  client = new LanguageClient('goTraceLens', 'Go Trace Lens', serverOptions, clientOptions);
  registerLintCommands(context, client);
  registerTraceViewer(context, client);
  const captures = registerCapturesView(context, client);
  registerCaptureCommands(context, client, () => captures.refresh());
  registerFlightRecorderAction(context, client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
