// Tasks view benchmark (issue 16): the bundled language server opens the goroutine-per-request
// trace (one task per request plus fan-out child tasks: ~400,000 task instances in 100 MB) as the
// extension does, and the Tasks view's queries go to its trace worker:
//   - time to the first page: `taskList` asked every 20 ms from the open request on, until it
//     returns rows (the store grows while the file loads), beside the time to the first summary;
//   - filter latencies once loaded (type, duration range, exact log message, slowest N per type,
//     another sort): the first round trip through the server (cold: no cached sort order or
//     histogram) and the median of the repeats (warm), and a brush moving over the histogram (the
//     duration range changing under the same filter, as the view sends it);
//   - one task explained (a second read of the trace up to the task's end);
//   - the server's peak RSS (VmHWM, the worker lives in it) against the file size (target ≤ 1.5×)
//     and its CPU seconds (what to compare on this loaded machine).
// Then `trace tasks` (CLI) on the same file: peak RSS and CPU seconds. There is no Go tool that
// lists or filters task instances (`go tool trace`'s /usertasks page needs ~100× the file in memory,
// see viewer.bench.mjs), so the ratios printed are to the file size.
//
// --baseline DIR: also load the trace through DIR/dist/server.js (e.g. a build from before the Tasks
// store) and print its peak RSS beside ours, so what the store adds is measured in the same run.
//
// Usage: node bench/tasks.bench.mjs [--size 100] [--runs 5] [--baseline DIR]
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../scripts/go-toolchain.mjs';
import { startLanguageServer } from './languageServer.mjs';
import { benchTrace, cpuSeconds, MB, measure, peakRssBytes } from './processes.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i < 0 ? fallback : args[i + 1]; };
const sizeMb = Number(option('--size', '100'));
const runs = Number(option('--runs', '5'));
const path = benchTrace(sizeMb, 'perrequest');
const fileBytes = statSync(path).size;

const baseline = option('--baseline', undefined);

/** Peak RSS of a server that only loads the trace. */
async function loadOnlyPeakRss(root) {
  const { child, connection, stop } = await startLanguageServer(root);
  const done = new Promise((resolve) => connection.onNotification('goTraceLens/trace/statusChanged', (s) => { if (s.phase !== 'loading') resolve(s); }));
  await connection.sendRequest('goTraceLens/trace/open', { uri: pathToFileURL(path).toString(), traceId: 'bench' });
  await done;
  const rss = peakRssBytes(child.pid);
  await stop();
  return rss;
}

const { child, connection, stop } = await startLanguageServer(repoRoot);
const query = (q) => connection.sendRequest('goTraceLens/trace/query', { traceId: 'bench', query: q });
const ms = (t) => `${t.toFixed(0)} ms`;

const idleCpu = cpuSeconds(child.pid);
const started = performance.now();
let firstSummaryMs;
let lastStatus;
const done = new Promise((resolve) => {
  connection.onNotification('goTraceLens/trace/statusChanged', (status) => {
    lastStatus = status;
    if (firstSummaryMs === undefined && status.summary) firstSummaryMs = performance.now() - started;
    if (status.phase !== 'loading') resolve(status);
  });
});
await connection.sendRequest('goTraceLens/trace/open', { uri: pathToFileURL(path).toString(), traceId: 'bench' });
let firstPage;
while (firstPage === undefined) {
  try {
    const page = await query({ kind: 'taskList', query: { filter: {}, offset: 0, limit: 100 } });
    if (page.rows.length > 0) firstPage = { ms: performance.now() - started, page, bytesRead: lastStatus?.progress.bytesRead ?? 0 };
  } catch { /* no events yet */ }
  if (firstPage === undefined) await new Promise((r) => setTimeout(r, 20));
}
const status = await done;
const loadMs = performance.now() - started;
const loadCpu = cpuSeconds(child.pid) - idleCpu;
const loadedRss = peakRssBytes(child.pid);
if (status.phase !== 'done') throw new Error(`loading ended with ${status.phase}: ${status.error}`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(q) {
  const times = [];
  let answer;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    answer = await query(q);
    times.push(performance.now() - t);
  }
  return { first: times[0], median: median(times), answer };
}
const all = await query({ kind: 'taskList', query: { filter: {}, offset: 0, limit: 1 } });
const slowest = all.rows[0];
const filters = {
  'everything (slowest first)': { filter: {}, offset: 0, limit: 100 },
  [`type ${slowest.type}`]: { filter: { types: [slowest.type] }, offset: 0, limit: 100 },
  'duration 1–5 ms': { filter: { minDurationNs: 1e6, maxDurationNs: 5e6 }, offset: 0, limit: 100 },
  'log request=id=4242': { filter: { log: { category: 'request', message: 'id=4242' } }, offset: 0, limit: 100 },
  'log category db, ended': { filter: { log: { category: 'db' }, state: 'ended' }, offset: 0, limit: 100 },
  'slowest 10 per type': { filter: {}, slowestPerType: 10, offset: 0, limit: 100 },
  'by start, page 1000': { filter: {}, sort: { key: 'start', descending: false }, offset: 100_000, limit: 100 },
};
const rows = [];
for (const [name, q] of Object.entries(filters)) {
  const r = await timed({ kind: 'taskList', query: q });
  rows.push([name, String(r.answer.total), ms(r.first), ms(r.median)]);
}
const brush = [];
for (let i = 0; i < 2 * runs; i++) {
  const t = performance.now();
  await query({ kind: 'taskList', query: { filter: { types: [slowest.type], minDurationNs: 1e5 * (i + 1), maxDurationNs: 1e7 * (i + 1) }, offset: 0, limit: 100 } });
  brush.push(performance.now() - t);
}
const filteredRss = peakRssBytes(child.pid);
const explainStart = performance.now();
const explanation = await query({ kind: 'taskExplanation', id: slowest.id });
const explainMs = performance.now() - explainStart;
const peakRss = peakRssBytes(child.pid);
const totalCpu = cpuSeconds(child.pid) - idleCpu;
await stop();
const baselineRss = baseline === undefined ? undefined : await loadOnlyPeakRss(baseline);

const cli = await measure(process.execPath, [join(repoRoot, 'dist/cli.js'), 'trace', 'tasks', path, '--slowest', '10']);

console.log(`trace: ${path} (${(fileBytes / MB).toFixed(0)} MB, ${all.total} task instances)`);
console.log(`first page: ${ms(firstPage.ms)} after the open request (${firstPage.page.total} instances, ${(firstPage.bytesRead / MB).toFixed(1)} MB read, complete: ${firstPage.page.complete}); first summary ${ms(firstSummaryMs ?? NaN)}; loaded in ${ms(loadMs)} (${loadCpu.toFixed(1)} CPU s)`);
console.log(`\nfilter (round trip through the language server, ${runs} runs)  | matches | first (cold) | median (warm)`);
for (const r of rows) console.log(`${r[0].padEnd(58)} | ${r[1].padStart(7)} | ${r[2].padStart(12)} | ${r[3].padStart(13)}`);
console.log(`brush: duration range moved ${brush.length} times over type ${slowest.type}: median ${ms(median(brush))}, max ${ms(Math.max(...brush))}`);
console.log(`\nexplain task ${slowest.id} (${slowest.type}, ${(slowest.durationNs / 1e6).toFixed(2)} ms): ${ms(explainMs)}, ${explanation.criticalPath?.length ?? 0} path segments, ${explanation.regions.length} regions, ${explanation.logs.length} logs`);
console.log(`language server peak RSS once loaded ${(loadedRss / MB).toFixed(0)} MB = ${(loadedRss / fileBytes).toFixed(2)}× the file` +
  (baselineRss === undefined ? '' : `; ${baseline} loading alone: ${(baselineRss / MB).toFixed(0)} MB (the Tasks store adds ${((loadedRss - baselineRss) / MB).toFixed(0)} MB)`));
console.log(`language server peak RSS after the filters (the breakdown pass running meanwhile) ${(filteredRss / MB).toFixed(0)} MB`);
console.log(`language server peak RSS ${(peakRss / MB).toFixed(0)} MB = ${(peakRss / fileBytes).toFixed(2)}× the file (target ≤ 1.5×), ${totalCpu.toFixed(1)} CPU s in all`);
console.log(`trace tasks --slowest 10: exit ${cli.status}, peak RSS ${(cli.peakRss / MB).toFixed(0)} MB = ${(cli.peakRss / fileBytes).toFixed(2)}× the file, ${cli.cpuSeconds.toFixed(1)} CPU s, ${cli.seconds.toFixed(1)} s wall`);
