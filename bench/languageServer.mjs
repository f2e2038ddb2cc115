// The bundled language server over stdio, as the extension starts it, for the benchmarks that
// measure it (viewer, tasks).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection, InitializedNotification, InitializeRequest, StreamMessageReader, StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

/** Starts `root`/dist/server.js and initialises it; `stop` shuts it down (or just ends it when it died). */
export async function startLanguageServer(root) {
  // The environment client/src/extension.ts gives the server (SERVER_ENV).
  const env = { ...process.env, MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' };
  const child = spawn(process.execPath, [join(root, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => null));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
  await connection.sendNotification(InitializedNotification.type, {});
  const stop = async () => {
    // A server that died already has a closed connection: nothing to shut down.
    try {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } catch { /* closed */ }
    connection.dispose();
    child.kill();
  };
  return { child, connection, stop };
}
