// Builds go-trace-lens.vsix: copies what the build reads into a staging folder, then runs
// `vsce package` there (its vscode:prepublish runs the production build). Staging keeps the
// production build out of the work tree's dist/, which the dev build and tests own.
// Usage: node scripts/package.mjs [--from-git REV]   (REV: package a commit instead of the work tree)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const staging = join(root, '.vscode-test', 'package-staging');
const out = join(root, 'go-trace-lens.vsix');
const inputs = ['common', 'client', 'server', 'scripts/build.mjs', 'media', 'docs', 'package.json', 'package-lock.json',
  'tsconfig.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE'];

const revisionFlag = process.argv.indexOf('--from-git');
const revision = revisionFlag >= 0 ? process.argv[revisionFlag + 1] : undefined;

rmSync(staging, { recursive: true, force: true });
mkdirSync(join(staging, 'scripts'), { recursive: true });
if (revision) {
  const archive = spawnSync('git', ['archive', '--format=tar', revision], { cwd: root, maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new Error(`git archive ${revision} failed: ${archive.stderr}`);
  const unpack = spawnSync('tar', ['-x', '-C', staging], { input: archive.stdout });
  if (unpack.status !== 0) throw new Error(`unpacking ${revision} failed: ${unpack.stderr}`);
} else {
  for (const input of inputs) {
    if (existsSync(join(root, input))) cpSync(join(root, input), join(staging, input), { recursive: true });
  }
}
symlinkSync(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');

const vsce = join(root, 'node_modules', '.bin', 'vsce');
const result = spawnSync(vsce, ['package', '--no-dependencies', '--out', out], { cwd: staging, stdio: 'inherit' });
rmSync(staging, { recursive: true, force: true });
process.exit(result.status ?? 1);
