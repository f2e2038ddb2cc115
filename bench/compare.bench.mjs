// `trace diff` benchmark: compares two busy-service traces of the same size but different shapes
// (32 and 16 concurrent handlers), and sets the time and peak RSS against what reading both takes:
// Go 1.26's reader with its light aggregation (bench/go/tracestats) run on each file, and our own
// `trace stats` on each. Go has no trace comparison, so its two reads are the floor it would start
// from. The diff must read one trace after the other and keep only durations in between: its peak
// RSS should stay near one `trace stats`, not two.
//
// Usage: node bench/compare.bench.mjs [--sizes 100]
// Traces are generated once with Go 1.26 and cached in .cache/bench/ (not committed).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { requireGo, repoRoot } from '../scripts/go-toolchain.mjs';
import { benchTrace, cacheDir, GO, goTraceStatsBinary, MB, measure } from './processes.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i < 0 ? fallback : args[i + 1]; };
const sizesMb = option('--sizes', '100').split(',').map(Number);

const mb = (bytes) => `${(bytes / MB).toFixed(0)} MB`;
const row = (cells) => cells.map((c, i) => String(c).padEnd([44, 8, 8, 10, 8][i] ?? 10)).join(' ');

/** Two runs one after the other, as one: times add up, the peak is the larger. */
function sequential(a, b) {
  return { seconds: a.seconds + b.seconds, cpuSeconds: a.cpuSeconds + b.cpuSeconds, peakRss: Math.max(a.peakRss, b.peakRss), status: a.status || b.status };
}

async function main() {
  requireGo(GO);
  const cli = join(repoRoot, 'dist/cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
  mkdirSync(cacheDir, { recursive: true });
  const tracestats = goTraceStatsBinary();
  let failures = 0;
  for (const size of sizesMb) {
    const before = benchTrace(size);
    const after = benchTrace(size, { workers: 16 });
    const bytes = [before, after].map((f) => statSync(f).size);
    console.log(`\ncompare ${before.replace(`${repoRoot}/`, '')} (${mb(bytes[0])}) with ${after.replace(`${repoRoot}/`, '')} (${mb(bytes[1])})`);
    console.log(row(['', 'wall s', 'CPU s', 'peak RSS', 'status']));
    const print = (label, r) => console.log(row([label, r.seconds.toFixed(2), r.cpuSeconds.toFixed(2), mb(r.peakRss), r.status === 0 ? 'ok' : `exit ${r.status}`]));
    const go = sequential(await measure(tracestats, [before]), await measure(tracestats, [after]));
    print(`Go ${GO} internal/trace + stats, each file`, go);
    const stats = sequential(await measure(process.execPath, [cli, 'trace', 'stats', before, '--json']),
      await measure(process.execPath, [cli, 'trace', 'stats', after, '--json']));
    print('go-trace-lens trace stats, each file', stats);
    const diff = await measure(process.execPath, [cli, 'trace', 'diff', before, after, '--format', 'json']);
    print('go-trace-lens trace diff', diff);
    if (diff.status !== 0 || go.status !== 0 || stats.status !== 0) {
      failures++;
      console.log(`a run failed: ${diff.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      continue;
    }
    const comparison = JSON.parse(diff.stdout);
    const types = comparison.tasks.length + comparison.regions.length;
    const samples = [...comparison.tasks, ...comparison.regions].reduce((n, t) => n + (t.old?.completeCount ?? 0) + (t.new?.completeCount ?? 0), 0);
    console.log(`${types} task and region types, ${(samples / 1e6).toFixed(2)} M durations compared (U test on each type and site)`);
    console.log(`ratio: diff ${(diff.seconds / go.seconds).toFixed(2)}× the wall time of Go reading both (${(diff.cpuSeconds / go.cpuSeconds).toFixed(2)}× its CPU time), ` +
      `${(diff.seconds / stats.seconds).toFixed(2)}× our two trace stats; peak RSS ${(diff.peakRss / stats.peakRss).toFixed(2)}× one trace stats, ` +
      `${(diff.peakRss / go.peakRss).toFixed(2)}× Go's, ${(diff.peakRss / Math.max(...bytes)).toFixed(2)}× one file's size`);
  }
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`compare bench: ${error.message}`);
  process.exitCode = 1;
});
