// npm start: shows the product working. Packages the extension, installs it into a throwaway
// profile, serves a copy of the demo workspace (Go code with runtime/trace misuse and a trace
// recorded from it) with code-server, and prints the local URL. Ctrl+C stops everything.
// PORT=8080 npm start picks the port; otherwise a free one is used.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { require as requireTypeScript } from 'tsx/cjs/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const harness = requireTypeScript('../test/e2e/harness/codeServer.ts', import.meta.url);
const { ensureFreshVsix } = requireTypeScript('../test/e2e/harness/vsix.ts', import.meta.url);

if (!existsSync(harness.codeServerEntry)) {
  const install = spawnSync(join(root, 'scripts', 'install-code-server.sh'), { stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const vsix = ensureFreshVsix((line) => console.log(line));
const profile = harness.createProfile('start');
harness.installExtension(profile, vsix);
const folder = harness.copyWorkspace(harness.e2eWorkspace, profile);
const port = process.env.PORT ? Number(process.env.PORT) : undefined;
let server;
try {
  server = await harness.startCodeServer(profile, folder, port);
} catch (error) {
  harness.removeProfile(profile);
  console.error(`npm start: code-server did not start: ${error.message}`);
  process.exit(1);
}

console.log(`
Go Trace Lens is running in VS Code (code-server): ${server.url}

  Open it in a browser. The workspace is a copy of test/fixtures/e2e-workspace:
  batch.go has runtime/trace misuse with quick fixes (Ctrl+.), orders.go is correct,
  orders.trace opens in the trace viewer. Workspace: ${folder}

Press Ctrl+C to stop.`);

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await server.stop();
  harness.removeProfile(profile);
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
server.exited.then((code) => {
  if (stopping) return;
  console.error(`code-server exited unexpectedly (${code}):\n${server.output().slice(-2000)}`);
  stop(1);
});
