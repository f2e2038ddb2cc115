// Trace engine benchmark (issue 13): reads traces of three shapes (SHAPES in processes.mjs: a worker
// pool, a goroutine per request, a GC-heavy workload) at each size with Go 1.26's own reader
// (internal/trace with a light aggregation of tasks, regions, logs and GC: bench/go/tracestats) and
// with ours (`go-trace-lens trace stats FILE --json`), interleaved run by run, since the machine is
// shared and timings are noisy; it reports the best and the median of the runs, the ratios, and the
// targets: trace stats ≥ 1.5× Go's throughput, peak RSS ≤ 1.25× the file at 100 MB and ≤ 250 MB at
// 500 MB.
// Our statistics follow Go's Summarizer (internal/trace/summary.go, behind go tool trace's pages:
// regions also end when their goroutine does, and every goroutine's time is accounted): on traces up to
// --summarizer-mb, the Summarizer's run (scripts/gen-stats-goldens.go) is measured too, and every
// statistic of ours must equal its own. `go tool trace`'s time to serve and peak RSS are measured on a
// smaller busyservice (worker pool) trace: it needs well over 100× the file size in memory.
//
// `trace stats` runs as users run it, with `--threads auto` (the cores idle at its start, for files of
// 95 MiB or more); --threads auto,1,2 runs `trace stats --threads N` for each N in the same
// interleaving (a row each in the table), and checks that every N prints the same JSON.
//
// Usage: node bench/trace.bench.mjs [--sizes 100,500] [--shapes busyservice,perrequest,gcheavy]
//          [--runs 3] [--go-tool-trace-mb 20 (0: skip)] [--summarizer-mb 100] [--threads auto]
// Traces are generated once with Go 1.26 and cached in .cache/bench/ (not committed).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildInsideGoroot, goEnv, goroot, repoRoot, requireGo } from '../scripts/go-toolchain.mjs';
import { benchTrace, cacheDir, GO, goTraceStatsBinary, MB, measure, SHAPES, sourceHash } from './processes.mjs';

const binDir = join(cacheDir, 'bin');
/** go tool trace is killed beyond this, to spare the other users of the machine. */
const GO_TOOL_TRACE_RSS_LIMIT = 8e9;

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i < 0 ? fallback : args[i + 1]; };
const sizesMb = option('--sizes', '100,500').split(',').map(Number);
const shapes = option('--shapes', Object.keys(SHAPES).join(',')).split(',');
const runs = Number(option('--runs', '3'));
const goToolTraceMb = Number(option('--go-tool-trace-mb', '20'));
/** The Summarizer keeps every task and region: ~38× the file in memory, so it runs on the smaller traces. */
const summarizerMb = Number(option('--summarizer-mb', '100'));
/** `auto` is the CLI's default (the idle cores, for files of 128 MiB or more); numbers force a count. */
const threadCounts = option('--threads', 'auto').split(',').map((n) => (n === 'auto' ? n : Number(n)));

/** Go's reader with stats aggregation, Go's reader with its Summarizer, and the `go tool trace` binary itself (so we measure it, not the go command). */
function goTools() {
  mkdirSync(binDir, { recursive: true });
  const tracestats = goTraceStatsBinary();
  const goldensSource = join(repoRoot, 'scripts/gen-stats-goldens.go');
  const summarizer = join(binDir, `gtlstats-${sourceHash(goldensSource)}`);
  if (!existsSync(summarizer)) buildInsideGoroot(GO, goldensSource, 'internal/trace/lensgoldens', summarizer);
  const gotrace = join(binDir, `gotrace-${GO}`);
  if (!existsSync(gotrace)) {
    const src = join(goroot(GO), 'src');
    execFileSync(join(goroot(GO), 'bin/go'), ['build', '-o', gotrace, 'cmd/trace'],
      { cwd: join(src, 'cmd'), env: { ...goEnv(GO), PWD: join(src, 'cmd') }, stdio: 'inherit' });
  }
  return { tracestats, summarizer, gotrace };
}

/** Reads every event through the engine API and nothing else: isolates the reader's share of the time. */
async function readAllBundle() {
  const bundle = join(binDir, 'read-all-events.cjs');
  await build({
    stdin: {
      contents: `
        import { openTraceFile } from './server/src/trace/reader';
        openTraceFile(process.argv[2]).then(async (trace) => {
          let n = 0;
          await trace.forEach(() => n++);
          process.stdout.write(JSON.stringify({ events: n }) + '\\n');
        });`,
      resolveDir: repoRoot, loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error',
  });
  return bundle;
}

/**
 * Our side: `trace stats --json --no-breakdowns`, the product path that does the same work as Go's
 * side (Go's light pass computes no latency breakdowns, which take a second clock and about twice
 * the CPU time), on each thread count, and the bare reader.
 */
async function ourCommands() {
  const cli = join(repoRoot, 'dist/cli.js');
  const readAll = await readAllBundle();
  const reader = { label: 'go-trace-lens reader only', argv: (file) => [readAll, file] };
  return [threadCounts.map((n) => ({
    label: n === 'auto' ? 'go-trace-lens trace stats' : `go-trace-lens trace stats --threads ${n}`, threads: n,
    argv: (file) => [cli, 'trace', 'stats', file, '--json', '--no-breakdowns', ...(n === 'auto' ? [] : ['--threads', String(n)])],
  })), reader];
}

/** Issue 13's targets: throughput against Go's light pass, and peak RSS by trace size. */
const TARGET_SPEEDUP = 1.5;
const rssTarget = (mb, size) => (mb <= 100 ? { limit: 1.25 * size, text: '≤ 1.25× file' } : { limit: 250 * MB, text: '≤ 250 MB' });

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const best = (xs) => Math.min(...xs);

const fmt = {
  mb: (bytes) => `${(bytes / MB).toFixed(0)} MB`,
  rate: (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`),
};

function row(cells) {
  const widths = [36, 8, 8, 9, 12, 11, 10, 9, 8];
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 10)).join(' ');
}

/** Task and region counts per type must agree with Go's: a benchmark of wrong results is worthless. */
function compareCounts(go, ours) {
  const problems = [];
  for (const section of ['tasks', 'regions']) {
    for (const [type, stats] of Object.entries(go[section] ?? {})) {
      // Go's side counts finished tasks and regions only.
      const mine = ours[section]?.[type]?.completeCount ?? ours[section]?.[type]?.count;
      if (mine !== stats.count) problems.push(`${section}.${type}: Go ${stats.count}, ours ${mine}`);
    }
  }
  return problems;
}

/** Every statistic both report must be Go's Summarizer's exactly. */
function compareWithSummarizer(go, ours) {
  const problems = [];
  for (const section of ['tasks', 'regions']) {
    for (const [type, stats] of Object.entries(go[section] ?? {})) {
      for (const field of ['count', 'completeCount', 'totalNs', 'p50Ns', 'p90Ns', 'p99Ns', 'maxNs']) {
        const mine = ours[section]?.[type]?.[field];
        if (mine !== stats[field]) problems.push(`${section}.${type}.${field}: Go ${stats[field]}, ours ${mine}`);
      }
    }
  }
  for (const [category, count] of Object.entries(go.logs ?? {})) {
    if (ours.logs?.[category]?.count !== count) problems.push(`logs.${category}: Go ${count}, ours ${ours.logs?.[category]?.count}`);
  }
  if (go.gc.count !== ours.gc?.count || go.gc.pauseNs !== ours.gc?.pauseNs) problems.push(`gc: Go ${JSON.stringify(go.gc)}, ours ${JSON.stringify(ours.gc)}`);
  return problems;
}

/** Best and median wall time, median CPU time and the highest peak RSS of a case's runs. */
function summarizeRuns(results) {
  const seconds = results.map((r) => r.seconds);
  return {
    best: best(seconds), median: median(seconds), cpu: median(results.map((r) => r.cpuSeconds)),
    peakRss: Math.max(...results.map((r) => r.peakRss)),
  };
}

/** The closing table: one line per shape and size, ratios by median (and by best) wall time, and the targets. */
function printTable(cases) {
  const widths = [12, 7, 16, 16, 14, 10, 9, 9, 10, 12, 12];
  const line = (cells) => console.log(cells.map((c, i) => String(c).padEnd(widths[i] ?? 10)).join(' '));
  console.log(`\nSummary (${runs} interleaved runs each; time as best / median; speed-up = Go's time / ours, by median (by best); ` +
    'by CPU = Go\'s median CPU seconds / ours, what a loaded machine still measures; RSS the highest of the runs)');
  line(['shape', 'size', 'Go s', 'ours s', 'speed-up', 'by CPU', 'Go RSS', 'ours RSS', 'RSS/file', `≥ ${TARGET_SPEEDUP}× Go`, 'RSS target', 'threads']);
  for (const c of cases) {
    const target = rssTarget(c.mb, c.size);
    const speedup = c.go.median / c.ours.median;
    line([c.shape, fmt.mb(c.size), `${c.go.best.toFixed(2)} / ${c.go.median.toFixed(2)}`, `${c.ours.best.toFixed(2)} / ${c.ours.median.toFixed(2)}`,
      `${speedup.toFixed(2)}× (${(c.go.best / c.ours.best).toFixed(2)}×)`, `${(c.go.cpu / c.ours.cpu).toFixed(2)}×`, fmt.mb(c.go.peakRss), fmt.mb(c.ours.peakRss),
      (c.ours.peakRss / c.size).toFixed(2), speedup >= TARGET_SPEEDUP ? 'met' : 'MISSED',
      `${c.ours.peakRss <= target.limit ? 'met' : 'MISSED'} (${target.text})`, c.threads ?? 'auto']);
  }
}

/** Checks our statistics against Go's light pass, and on smaller traces against Go's Summarizer; returns the failures. */
async function checkStatistics(summarizer, file, mb, goStats, ourStats, print, oursRun) {
  let failures = 0;
  if (mb <= summarizerMb && ourStats?.tasks !== undefined) {
    const full = await measure(summarizer, [file], { rssLimit: GO_TOOL_TRACE_RSS_LIMIT });
    print(`Go ${GO} internal/trace + Summarizer`, full);
    if (full.killedFor === 'memory') {
      console.log(`Go's Summarizer killed at ${fmt.mb(full.peakRss)} after ${full.seconds.toFixed(1)} s`);
    } else if (full.status !== 0) {
      throw new Error(`Go's Summarizer failed on ${file}: ${full.stderr}`);
    } else {
      const problems = compareWithSummarizer(JSON.parse(full.stdout), ourStats);
      if (problems.length > 0) { failures++; console.log(`STATS DIFFER from Go's Summarizer: ${problems.slice(0, 5).join('; ')}`); }
      else console.log('same statistics as Go\'s Summarizer: every count, total and percentile equal');
      console.log(`Go's Summarizer: ours ${(full.seconds / oursRun.seconds).toFixed(2)}× its throughput by wall time, ` +
        `${(full.cpuSeconds / oursRun.cpuSeconds).toFixed(2)}× by CPU time, ${(full.peakRss / oursRun.peakRss).toFixed(1)}× less memory`);
    }
  }
  if (ourStats && ourStats.events !== undefined && ourStats.tasks === undefined) {
    if (ourStats.events !== goStats.events) { failures++; console.log(`EVENT COUNT DIFFERS: Go ${goStats.events}, ours ${ourStats.events}`); }
  } else if (ourStats) {
    const problems = compareCounts(goStats, ourStats);
    if (problems.length > 0) { failures++; console.log(`STATS DIFFER from Go's: ${problems.slice(0, 5).join('; ')}`); }
  }
  return failures;
}

async function main() {
  requireGo(GO);
  if (!existsSync(join(repoRoot, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run npm run build');
  for (const shape of shapes) if (SHAPES[shape] === undefined) throw new Error(`unknown shape ${shape} (known: ${Object.keys(SHAPES).join(', ')})`);
  mkdirSync(cacheDir, { recursive: true });
  const { tracestats, summarizer, gotrace } = goTools();
  const [variants, ...extra] = await ourCommands();
  console.log(`Go: internal/trace of go${GO} with the same aggregation as trace stats (bench/go/tracestats)`);
  let failures = 0;
  const cases = [];

  for (const shape of shapes) {
    for (const mb of sizesMb) {
      const file = benchTrace(mb, shape);
      const size = statSync(file).size;
      console.log(`\n${shape}: ${file.replace(`${repoRoot}/`, '')}: ${fmt.mb(size)}`);
      console.log(row(['reader', 'wall s', 'MB/s', 'events/s', 'peak RSS', 'RSS/file', 'status', 'CPU s', 'MB/CPU s']));
      let goStats;
      const print = (label, r) => console.log(row([label, r.seconds.toFixed(2), (size / MB / r.seconds).toFixed(1),
        goStats ? fmt.rate(goStats.events / r.seconds) : '', fmt.mb(r.peakRss), (r.peakRss / size).toFixed(2), r.status === 0 ? 'ok' : `exit ${r.status}`,
        r.cpuSeconds.toFixed(2), (size / MB / r.cpuSeconds).toFixed(1)]));
      const goRuns = [];
      const ourRuns = variants.map(() => []);
      const outputs = variants.map(() => undefined);
      let ourStats;
      let broken;
      // Interleaved, and each side first in turn, so that neither always gets the quieter moments.
      for (let i = 0; i < runs && broken === undefined; i++) {
        const sides = ['go', ...variants.keys()];
        for (const side of i % 2 === 0 ? sides : sides.reverse()) {
          if (side === 'go') {
            const go = await measure(tracestats, [file]);
            if (go.status !== 0) throw new Error(`Go's reader failed on ${file}: ${go.stderr}`);
            goStats ??= JSON.parse(go.stdout);
            goRuns.push(go);
            print(`Go ${GO} internal/trace + stats #${i + 1}`, go);
          } else {
            const ours = variants[side];
            const mine = await measure(process.execPath, ours.argv(file));
            print(`${ours.label} #${i + 1}`, mine);
            if (mine.status !== 0) { broken = mine; break; }
            ourRuns[side].push(mine);
            outputs[side] ??= mine.stdout;
            try { ourStats ??= JSON.parse(mine.stdout); } catch { ourStats = undefined; }
          }
        }
      }
      for (const [v, out] of outputs.entries()) {
        if (v > 0 && out !== undefined && out !== outputs[0]) { failures++; console.log(`${variants[v].label} PRINTS OTHER STATISTICS than ${variants[0].label}`); }
      }
      if (variants.length > 1 && outputs.every((o) => o === outputs[0])) console.log(`same JSON with ${variants.map((v) => v.threads).join(', ')} threads`);
      if (broken !== undefined) {
        failures++;
        console.log(`ours failed: ${broken.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        continue;
      }
      for (const other of extra) print(other.label, await measure(process.execPath, other.argv(file)));
      const target = rssTarget(mb, size);
      for (const [v, runsOfVariant] of ourRuns.entries()) {
      const summary = { shape, mb, size, threads: variants[v].threads, go: summarizeRuns(goRuns), ours: summarizeRuns(runsOfVariant) };
      console.log(`${variants[v].label}: ratio ours/Go: throughput ${(summary.go.median / summary.ours.median).toFixed(2)}× by median wall time, ` +
        `${(summary.go.cpu / summary.ours.cpu).toFixed(2)}× by median CPU time (target ≥ ${TARGET_SPEEDUP}×); ` +
        `peak RSS ${(summary.ours.peakRss / summary.go.peakRss).toFixed(2)}× Go's, ${(summary.ours.peakRss / size).toFixed(2)}× the file ` +
        `(target ${target.text}: ${summary.ours.peakRss <= target.limit ? 'met' : 'MISSED'})`);
      cases.push(summary);
      }
      failures += await checkStatistics(summarizer, file, mb, goStats, ourStats, print, ourRuns[0][0]);
    }
  }
  printTable(cases);
  if (goToolTraceMb > 0) await measureGoToolTrace(gotrace, variants[0]);
  process.exitCode = failures === 0 ? 0 : 1;
}

/** `go tool trace`'s time to serve and its peak RSS beside ours, on a small busyservice (worker pool) trace. */
async function measureGoToolTrace(gotrace, ours) {
  const small = benchTrace(goToolTraceMb);
  const smallSize = statSync(small).size;
  console.log(`\ngo tool trace (go${GO}) on ${fmt.mb(smallSize)}: time until it serves, peak RSS (killed above ${fmt.mb(GO_TOOL_TRACE_RSS_LIMIT)})`);
  const served = await measure(gotrace, ['-http=127.0.0.1:0', small], {
    env: { ...process.env, BROWSER: 'true' }, rssLimit: GO_TOOL_TRACE_RSS_LIMIT,
    until: (stderr) => stderr.includes('Trace viewer is listening on'),
  });
  if (served.ready) {
    console.log(`go tool trace: ${served.seconds.toFixed(1)} s to serve, peak RSS ${fmt.mb(served.peakRss)} (${(served.peakRss / smallSize).toFixed(1)}× the file)`);
  } else {
    console.log(`go tool trace: did not serve (${served.killedFor === 'memory' ? `killed at ${fmt.mb(served.peakRss)}` : `exit ${served.status}`}) after ${served.seconds.toFixed(1)} s`);
  }
  const oursSmall = await measure(process.execPath, ours.argv(small));
  console.log(`go-trace-lens on the same file: ${oursSmall.seconds.toFixed(1)} s, peak RSS ${fmt.mb(oursSmall.peakRss)}` +
    (served.ready ? ` (${(served.seconds / oursSmall.seconds).toFixed(1)}× faster, ${(served.peakRss / oursSmall.peakRss).toFixed(1)}× less memory than go tool trace)` : ''));
}

main().catch((error) => {
  console.error(`trace bench: ${error.message}`);
  process.exitCode = 1;
});
