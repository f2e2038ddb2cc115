// A real JSON-RPC client for the bundled language server (dist/server.js over stdio), as an editor
// would drive it: initialize, answer workspace/configuration, and collect published diagnostics.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  CodeActionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Command,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { LINT_STATS_REQUEST, type LintStats } from '../../common/lintProtocol';

export const SERVER = 'dist/server.js';

interface Waiter {
  uri: string;
  accept: (params: PublishDiagnosticsParams) => boolean;
  resolve: (diagnostics: Diagnostic[]) => void;
}

export class LspSession {
  /** The `goTraceLens.lint` section the server pulls through workspace/configuration. */
  lintSettings: Record<string, unknown>;
  /** Folder-specific `goTraceLens.lint` sections, by URI prefix, as a multi-root workspace has them. */
  readonly folderLintSettings = new Map<string, Record<string, unknown>>();
  readonly published = new Map<string, PublishDiagnosticsParams>();
  readonly stderr: string[] = [];
  /** window/logMessage texts: the server reports failed analyses there. */
  readonly logs: string[] = [];
  private waiters: Waiter[] = [];

  private constructor(readonly child: ChildProcess, readonly connection: ProtocolConnection, lintSettings: Record<string, unknown>) {
    this.lintSettings = lintSettings;
  }

  static async start(lintSettings: Record<string, unknown> = {}, nodeArgs: string[] = []): Promise<LspSession> {
    const child = spawn(process.execPath, [...nodeArgs, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const session = new LspSession(child, connection, lintSettings);
    child.stderr!.on('data', (chunk: Buffer) => session.stderr.push(chunk.toString()));
    connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section === 'goTraceLens.lint' ? session.lintSettingsFor(item.scopeUri) : null)));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => session.onDiagnostics(params));
    connection.onNotification(LogMessageNotification.type, ({ message }) => { session.logs.push(message); });
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true }, codeAction: { isPreferredSupport: true } },
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return session;
  }

  private onDiagnostics(params: PublishDiagnosticsParams): void {
    this.published.set(params.uri, params);
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.uri !== params.uri || !waiter.accept(params)) return true;
      waiter.resolve(params.diagnostics);
      return false;
    });
  }

  /** The next diagnostics published for `uri` that satisfy `accept` (or the current ones if they already do). */
  diagnostics(uri: string, accept: (params: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20_000): Promise<Diagnostic[]> {
    const current = this.published.get(uri);
    if (current && accept(current)) return Promise.resolve(current.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(this.published.get(uri))}\nstderr: ${this.stderr.join('')}`)), timeoutMs);
      this.waiters.push({ uri, accept, resolve: (d) => { clearTimeout(timer); resolve(d); } });
    });
  }

  /** Diagnostics published for exactly this document version. */
  diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
    return this.diagnostics(uri, (params) => params.version === version);
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version, text } });
  }

  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  async close(uri: string): Promise<void> {
    this.published.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<(Command | CodeAction)[] | null> {
    return this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
  }

  private lintSettingsFor(scopeUri: string | undefined): Record<string, unknown> {
    for (const [prefix, settings] of this.folderLintSettings) if (scopeUri?.startsWith(prefix)) return settings;
    return this.lintSettings;
  }

  /** Changes the settings the server pulls and tells it so, as VS Code does. */
  async setLintSettings(lintSettings: Record<string, unknown>): Promise<void> {
    this.lintSettings = lintSettings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  stats(): Promise<LintStats> {
    return this.connection.sendRequest<LintStats>(LINT_STATS_REQUEST);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    if (this.alive) {
      const exited = once(this.child, 'exit');
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      if (this.alive) this.child.kill();
    }
    this.connection.dispose();
  }
}
