// The Go toolchains that scripts/install-go.sh unpacks under .cache/go/, and how to run
// them offline. Shared by the trace fixture generator, the trace conformance tests and
// the trace benchmark.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function goroot(version) {
  return join(repoRoot, '.cache/go', version, `usr/lib/go-${version}`);
}

export function goBinary(version) {
  return join(goroot(version), 'bin/go');
}

/** Throws a message that says how to install the toolchain, so no caller skips silently. */
export function requireGo(version) {
  const go = goBinary(version);
  if (!existsSync(go)) throw new Error(`Go ${version} is not installed at ${go}; run scripts/install-go.sh ${version}`);
  return go;
}

/** Environment for running one toolchain: local only, no module proxy, no toolchain switching. */
export function goEnv(version) {
  return { ...process.env, GOROOT: goroot(version), GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod' };
}

/**
 * Builds a main package that imports Go's internal packages (internal/trace…), which only code
 * inside the standard library may do. An -overlay places the source at GOROOT/src/<importPath>
 * for this build only, so the toolchain's tree is never modified.
 */
export function buildInsideGoroot(version, sourceFile, importPath, outBinary) {
  const go = requireGo(version);
  const src = join(goroot(version), 'src');
  const overlay = `${outBinary}.overlay.json`;
  writeFileSync(overlay, JSON.stringify({ Replace: { [join(src, importPath, 'main.go')]: sourceFile } }));
  execFileSync(go, ['build', `-overlay=${overlay}`, '-o', outBinary, importPath], { cwd: src, env: { ...goEnv(version), PWD: src }, stdio: 'inherit' });
  return outBinary;
}
