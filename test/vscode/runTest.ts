// `npm run test:vscode`: the standard @vscode/test-electron entry point. Downloads VS Code into
// .vscode-test/, then runs the API-level suite (suite/index.ts) in its extension host with this
// repository as the extension under development and a copy of the e2e workspace open.
// It needs network access to VS Code's download servers, which this project's CI lacks: there the
// code-server suite (test/e2e) covers the same ground through the real workbench.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const repoRoot = resolve(__dirname, '..', '..', '..', '..');
  const scratch = mkdtempSync(join(tmpdir(), 'go-trace-lens-vscode-'));
  const workspace = join(scratch, 'workspace');
  cpSync(join(repoRoot, 'test', 'fixtures', 'e2e-workspace'), workspace, { recursive: true });
  try {
    await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${join(scratch, 'user-data')}`],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('test:vscode failed:', error);
  process.exit(1);
});
