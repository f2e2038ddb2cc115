// A fix never breaks a build: every fixture that compiles on its own with Go 1.26 (standard library
// only) still compiles after its behaviour-preserving fixes (.golden) and after its suggestions
// (.suggested.golden). Fixtures that import other modules, or test files, do not build alone and
// are listed, so the check cannot quietly cover nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { goEnv, requireGo } from '../../scripts/go-toolchain.mjs';
import { FIXTURES, goFiles } from './harness';
import { readdirSync } from 'node:fs';

const GO_VERSION = '1.26';
const work = mkdtempSync(join(tmpdir(), 'gtl-compiles-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Compiles one file as a package of its own; the compiler's message when it does not compile. */
function compileError(path: string): string | undefined {
  const dir = mkdtempSync(join(work, 'pkg-'));
  const name = basename(path).replace(/(\.suggested)?\.golden$/, '');
  copyFileSync(path, join(dir, name));
  // Named on the command line: a package of its own, no go.mod needed.
  const result = spawnSync(requireGo(GO_VERSION), ['build', '-o', '/dev/null', name], { cwd: dir, env: goEnv(GO_VERSION), encoding: 'utf8' });
  return result.status === 0 ? undefined : result.stderr.trim();
}

test('fixes keep fixtures that compile alone compiling (go build, Go 1.26)', () => {
  const fixed = readdirSync(FIXTURES).flatMap((dir) => goFiles(join(FIXTURES, dir)))
    .filter((file) => !file.endsWith('_test.go'))
    .flatMap((file) => ['.golden', '.suggested.golden'].filter((suffix) => existsSync(file + suffix)).map((suffix) => ({ file, golden: file + suffix })));
  let checked = 0;
  const buildsAlone = new Map<string, boolean>();
  for (const { file, golden } of fixed) {
    if (!buildsAlone.has(file)) buildsAlone.set(file, compileError(file) === undefined);
    if (!buildsAlone.get(file)) continue;
    assert.equal(compileError(golden), undefined, `${golden} no longer compiles`);
    checked++;
  }
  const notAlone = [...buildsAlone].filter(([, builds]) => !builds).map(([file]) => file.slice(FIXTURES.length + 1));
  // Those import modules the test cannot fetch (golang.org/x/exp/trace, OpenTelemetry, example.com/…).
  assert.ok(checked >= 12, `only ${checked} fixed fixtures compiled alone; not alone: ${notAlone.join(', ')}`);
});
