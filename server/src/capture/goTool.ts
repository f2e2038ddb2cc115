// Finds the go command the way vscode-go does: `go.alternateTools.go` (a path or a name on PATH),
// else `go.goroot`/bin/go, else `go` on PATH. No vscode import: the CLI uses it too.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { GoToolSettings } from '../../../common/captureProtocol';


export interface GoTool {
  binary: string;
  /** Environment for the go command (GOROOT set when `go.goroot` is). */
  env: NodeJS.ProcessEnv;
}

export class GoNotFoundError extends Error {}

const EXE = process.platform === 'win32' ? '.exe' : '';

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name + (name.endsWith(EXE) ? '' : EXE));
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function findGo(settings: GoToolSettings, env: NodeJS.ProcessEnv = process.env): GoTool {
  const { alternateGo, goroot } = settings;
  const withRoot = goroot ? { ...env, GOROOT: goroot } : { ...env };
  if (alternateGo) {
    const binary = isAbsolute(alternateGo) ? (isExecutable(alternateGo) ? alternateGo : undefined) : onPath(alternateGo, env);
    if (binary) return { binary, env: withRoot };
    throw new GoNotFoundError(`go.alternateTools.go is "${alternateGo}", which is not an executable file${isAbsolute(alternateGo) ? '' : ' on PATH'}.`);
  }
  if (goroot) {
    const binary = join(goroot, 'bin', `go${EXE}`);
    if (isExecutable(binary)) return { binary, env: withRoot };
    throw new GoNotFoundError(`go.goroot is "${goroot}", but ${binary} is not an executable file.`);
  }
  const binary = onPath('go', env);
  if (binary) return { binary, env: withRoot };
  throw new GoNotFoundError('The go command was not found on PATH. Install Go 1.22 or newer from https://go.dev/dl/ '
    + '(or set "go.goroot" or "go.alternateTools" to the Go you use) and try again.');
}
