// Runs every test/**/*.test.ts with Node's test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [--only DIR] [--skip DIR] [files...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = [], skip = [], files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only') only.push(args[++i]);
  else if (args[i] === '--skip') skip.push(args[++i]);
  else files.push(args[i]);
}

function collect(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'fixtures' || name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...collect(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const topDir = (file) => relative(join(root, 'test'), file).split('/')[0];
const selected = files.length > 0 ? files : collect(join(root, 'test')).filter((f) =>
  (only.length === 0 || only.includes(topDir(f))) && !skip.includes(topDir(f))).sort();
if (selected.length === 0) {
  console.error('run-tests: no test files selected');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...selected], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
