// Runs every bench/*.bench.mjs (or those whose name contains an argument), one after another,
// so each measures on a quiet machine. Each benchmark prints its own table and ratios. Options, from
// the first argument that starts with `-` (or after a `--`), go to every benchmark run:
// `npm run bench -- viewer --shapes perrequest --runs 1`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const split = args.findIndex((arg) => arg.startsWith('-'));
const filters = split < 0 ? args : args.slice(0, split);
const passed = split < 0 ? [] : args.slice(args[split] === '--' ? split + 1 : split);
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.bench.mjs'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();
if (benches.length === 0) {
  console.error(`bench: nothing matches ${filters.join(' ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name}`);
  const result = spawnSync(process.execPath, ['--expose-gc', join(here, name), ...passed], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
