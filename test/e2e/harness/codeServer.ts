// Runs code-server (VS Code's workbench served to a browser) with the packaged extension in a
// throwaway profile. Shared by the end-to-end tests and `npm start`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './vsix';

export const codeServerEntry = join(repoRoot, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const e2eWorkspace = join(repoRoot, 'test', 'fixtures', 'e2e-workspace');

/** A quiet workbench: no welcome page, no trust prompt (restricted mode would disable the extension). */
const quietSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'editor.codeLens': true,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'window.commandCenter': false,
};

export function requireCodeServer(): string {
  if (!existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed (${codeServerEntry} is missing). ` +
      'Run scripts/install-code-server.sh (scripts/setup.sh runs it) before the end-to-end tests or npm start.');
  }
  return codeServerEntry;
}

export interface Profile {
  dir: string;
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
}

export function createProfile(name: string): Profile {
  const dir = mkdtempSync(join(tmpdir(), `go-trace-lens-${name}-`));
  const profile = { dir, userDataDir: join(dir, 'user-data'), extensionsDir: join(dir, 'extensions'), configFile: join(dir, 'config.yaml') };
  mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  // code-server otherwise writes ~/.config/code-server/config.yaml.
  writeFileSync(profile.configFile, 'auth: none\ncert: false\n');
  writeUserSettings(profile, {});
  return profile;
}

export function writeUserSettings(profile: Profile, settings: Record<string, unknown>): void {
  writeFileSync(join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...settings }, null, 2));
}

function profileArgs(profile: Profile): string[] {
  return ['--config', profile.configFile, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

export function installExtension(profile: Profile, vsix: string): void {
  const result = spawnSync(process.execPath, [requireCodeServer(), ...profileArgs(profile), '--install-extension', vsix],
    { encoding: 'utf8', timeout: 120_000 });
  const installed = readdirSync(profile.extensionsDir).some((name) => name.startsWith('go-trace-lens.go-trace-lens-'));
  if (result.status !== 0 || !installed) {
    throw new Error(`installing ${vsix} into code-server failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** A copy of a workspace folder the tests may edit freely. */
export function copyWorkspace(source: string, profile: Profile): string {
  const folder = join(profile.dir, 'workspace');
  cpSync(source, folder, { recursive: true });
  return folder;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningCodeServer {
  url: string;
  /** Everything code-server printed so far (for failure messages). */
  output(): string;
  /** Settles when code-server exits, with its exit code. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitUntilServing(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`code-server exited (${child.exitCode ?? child.signalCode})`);
    try {
      const response = await fetch(new URL('healthz', url));
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resume) => setTimeout(resume, 200));
  }
  throw new Error(`code-server did not answer on ${url} in time`);
}

async function startOnce(profile: Profile, folder: string, port: number): Promise<RunningCodeServer> {
  const url = `http://127.0.0.1:${port}/`;
  const args = [requireCodeServer(), ...profileArgs(profile), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', folder];
  // Its own process group, so stopping it also stops the extension host and our language server.
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_PROXY_URI: '' } });
  const exited = new Promise<number | null>((resume) => child.once('exit', (code) => resume(code)));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    // Children that outlived code-server's own shutdown (extension host, language server).
    killGroup(child, 'SIGKILL');
  };
  try {
    await waitUntilServing(url, child, Date.now() + 120_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, output: () => output, exited, stop };
}

/** Starts code-server on a loopback port (a free one unless given), retrying a couple of times if start-up fails. */
export async function startCodeServer(profile: Profile, folder: string, port?: number, attempts = 3): Promise<RunningCodeServer> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await startOnce(profile, folder, port ?? await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** The extension host's log of a profile (code-server writes one per window start). */
function extensionHostLogs(profile: Profile): string[] {
  const logs = join(profile.userDataDir, 'logs');
  if (!existsSync(logs)) return [];
  return readdirSync(logs).map((session) => join(logs, session, 'exthost1', 'remoteexthost.log')).filter((path) => existsSync(path));
}

/**
 * Waits until the extension host has started activating our extension, as its log says; fails at
 * once with the host's words if activation failed.
 */
export async function extensionActivation(profile: Profile, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const log = extensionHostLogs(profile).map((path) => readFileSync(path, 'utf8')).join('\n');
    const failure = log.split('\n').find((line) => /Activating extension '?go-trace-lens\.go-trace-lens'? failed/.test(line));
    if (failure) throw new Error(`the extension failed to activate: ${failure}`);
    if (log.includes('_doActivateExtension go-trace-lens.go-trace-lens')) return;
    if (Date.now() > deadline) throw new Error(`the extension host did not activate go-trace-lens within ${timeout / 1000} s`);
    await new Promise((resume) => setTimeout(resume, 250)); // polling a log file
  }
}

export function removeProfile(profile: Profile): void {
  rmSync(profile.dir, { recursive: true, force: true, maxRetries: 3 });
}
