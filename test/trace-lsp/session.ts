// A JSON-RPC client for the bundled server (dist/server.js over stdio) opened on a workspace
// folder, collecting the trace notifications the extension would receive.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest, createProtocolConnection, DidOpenTextDocumentNotification, ExitNotification, InitializedNotification,
  InitializeRequest, RegistrationRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter, type Diagnostic, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { TraceNotifications, type TraceStatus } from '../../common/traceProtocol';

export class TraceSession {
  readonly statuses: TraceStatus[] = [];
  /** Every complete set of trace diagnostics the server sent, in order. */
  readonly diagnostics: { uri: string; diagnostics: Diagnostic[] }[][] = [];
  readonly stderr: string[] = [];

  private constructor(readonly child: ChildProcess, readonly connection: ProtocolConnection) {}

  /** env: added to the server's environment. */
  static async start(workspaceFolder: string, settings: { lint?: object; trace?: object } = {}, env: Record<string, string> = {}): Promise<TraceSession> {
    const child = spawn(process.execPath, ['dist/server.js', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const session = new TraceSession(child, connection);
    child.stderr!.on('data', (chunk: Buffer) => session.stderr.push(chunk.toString()));
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) =>
      item.section === 'goTraceLens.lint' ? settings.lint ?? {} : item.section === 'goTraceLens.trace' ? settings.trace ?? {} : null));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onNotification(TraceNotifications.status.method, (s: TraceStatus) => { session.statuses.push(s); });
    connection.onNotification(TraceNotifications.diagnostics.method, (p: { items: { uri: string; diagnostics: Diagnostic[] }[] }) => { session.diagnostics.push(p.items); });
    connection.listen();
    const uri = pathToFileURL(workspaceFolder).toString();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: 'workspace' }],
      capabilities: { workspace: { configuration: true }, textDocument: { codeLens: {}, hover: { contentFormat: ['markdown'] } } },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return session;
  }

  async open(uri: string, text: string): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text } });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = once(this.child, 'exit');
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      if (this.child.exitCode === null) this.child.kill();
    }
    this.connection.dispose();
  }
}
