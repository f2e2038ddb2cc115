// The capture tests' real parts: the Go 1.26 toolchain and the fixture module's HTTP server
// (test/fixtures/capture/cmd/server), built once per Go version and started on 127.0.0.1 with a free port.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { goEnv, goroot, requireGo, repoRoot } from '../../scripts/go-toolchain.mjs';
import type { GoTool } from '../../server/src/capture/goTool';
import { openTraceFile } from '../../server/src/trace/reader';
import { analyzeEvents, STATISTICS_ONLY } from '../../server/src/trace/summary/analyzer';
import type { TraceSummary } from '../../common/traceModel';

export const GO_VERSION = '1.26';
export const fixtureModule: string = join(repoRoot as string, 'test/fixtures/capture');

/** The toolchain as the extension would be given it through go.goroot. */
export function go(): GoTool {
  return { binary: requireGo(GO_VERSION) as string, env: goEnv(GO_VERSION) as NodeJS.ProcessEnv };
}

export const goRootDir = (): string => goroot(GO_VERSION) as string;

const built = new Map<string, string>();
/**
 * The server built by Go `version`. The fixture module asks for Go 1.26, so an older toolchain builds
 * a copy of the command in a module of its own version.
 */
function serverBinary(version: string): string {
  const cached = built.get(version);
  if (cached && existsSync(cached)) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'capture-server-'));
  const out = join(dir, 'server');
  let cwd = fixtureModule, pkg = './cmd/server';
  if (version !== GO_VERSION) {
    cwd = join(dir, 'src');
    mkdirSync(cwd);
    const source = join(fixtureModule, 'cmd/server');
    for (const name of readdirSync(source)) copyFileSync(join(source, name), join(cwd, name));
    writeFileSync(join(cwd, 'go.mod'), `module example.com/capture\n\ngo ${version}\n`);
    pkg = '.';
  }
  execFileSync(requireGo(version) as string, ['build', '-o', out, pkg], { cwd, env: goEnv(version), stdio: 'inherit' });
  built.set(version, out);
  return out;
}

export interface FixtureServer { url: string; process: ChildProcess; stop(): Promise<void> }

export async function startFixtureServer(args: string[] = [], goVersion: string = GO_VERSION): Promise<FixtureServer> {
  const child = spawn(serverBinary(goVersion), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the fixture server did not start in 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the fixture server exited with ${code}`)));
    lines.on('line', (line) => {
      const match = /^listening on (http:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    url, process: child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
  };
}

export async function summarize(path: string): Promise<TraceSummary> {
  const analyzer = await analyzeEvents(await openTraceFile(path), 0, undefined, STATISTICS_ONLY);
  return analyzer.summary();
}
