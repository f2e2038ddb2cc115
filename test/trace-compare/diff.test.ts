// `trace diff` on the fixture pair (test/fixtures/traces/compare/): one program traced by Go 1.26 before
// and after a known change — db.query 100 µs slower, cache.get unchanged, legacy.check removed,
// audit.write added, the retry log halved — through the engine and through the CLI as a process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceComparison } from '../../common/traceComparison';
import { compareTraces, sharedHistogram, type TraceSamples } from '../../server/src/trace/compare/compare';
import { evaluateCondition, parseCondition } from '../../server/src/trace/compare/conditions';
import { diffMarkdown, markdownText } from '../../server/src/trace/compare/report';
import { readTraceSamples } from '../../server/src/trace/compare/samples';

const BEFORE = 'test/fixtures/traces/compare/before.trace';
const AFTER = 'test/fixtures/traces/compare/after.trace';
const SLOWDOWN_NS = 100_000;

let samples: Promise<[TraceSamples, TraceSamples]> | undefined;
const both = () => (samples ??= Promise.all([readTraceSamples(BEFORE), readTraceSamples(AFTER)]));
const region = (c: TraceComparison, type: string) => {
  const r = c.regions.find((t) => t.type === type);
  assert.ok(r, `region ${type} missing`);
  return r;
};

test('the slowed region is significantly slower, by the injected amount; the unchanged one is "~"', async () => {
  const [before, after] = await both();
  const c = compareTraces('before.trace', before, 'after.trace', after);
  const db = region(c, 'db.query');
  assert.equal(db.status, 'slower');
  assert.ok(db.test!.significant && db.test!.p < 1e-6, `p=${db.test!.p}`);
  assert.equal(db.test!.n1, 300);
  assert.equal(db.test!.n2, 300);
  const shift = db.new!.p50Ns - db.old!.p50Ns;
  assert.ok(Math.abs(shift - SLOWDOWN_NS) < 15_000, `median moved ${shift} ns, injected ${SLOWDOWN_NS}`);
  // 100–200 µs draws, median ≈ 150 µs: +100 µs is about +67 %.
  assert.ok(db.changePct!.p50! > 50 && db.changePct!.p50! < 80, `p50 ${db.changePct!.p50}%`);
  const cache = region(c, 'cache.get');
  assert.equal(cache.status, 'unchanged');
  assert.ok(!cache.test!.significant && cache.test!.p > 0.05, `p=${cache.test!.p}`);
  const request = c.tasks.find((t) => t.type === 'request');
  assert.equal(request?.status, 'slower');
});

test('a region of one trace only is removed or added; log counts are compared', async () => {
  const [before, after] = await both();
  const c = compareTraces('before.trace', before, 'after.trace', after);
  const removed = region(c, 'legacy.check');
  assert.equal(removed.status, 'removed');
  assert.equal(removed.old?.count, 300);
  assert.equal(removed.new, undefined);
  assert.equal(removed.test, undefined);
  assert.equal(region(c, 'audit.write').status, 'added');
  assert.deepEqual(c.logs.map((l) => [l.category, l.old, l.new, l.status]), [['request', 300, 300, 'unchanged'], ['retry', 30, 15, 'changed']]);
  assert.equal(c.logs[1].changePct, -50);
  // Sites: each type's one call site, matched by file, line and function.
  assert.equal(region(c, 'db.query').sites.length, 1);
  assert.equal(region(c, 'db.query').sites[0].status, 'slower');
  assert.match(region(c, 'db.query').sites[0].site.file, /compare\/main\.go$/);
});

test('a trace compared with itself reports no change anywhere', async () => {
  const [before] = await both();
  const c = compareTraces('a', before, 'b', before);
  for (const t of [...c.tasks, ...c.regions, ...c.tasks.flatMap((t) => t.sites), ...c.regions.flatMap((t) => t.sites)]) {
    assert.equal(t.status, 'unchanged');
    assert.equal(t.test!.p, 1);
    for (const pct of Object.values(t.changePct!)) assert.equal(pct, 0);
  }
  assert.ok(c.logs.every((l) => l.status === 'unchanged' && l.changePct === 0));
  const latencyRows = diffMarkdown(c).split('\n').filter((l) => l.startsWith('| "') && l.split('|').length > 8);
  assert.equal(latencyRows.length, c.tasks.length + c.regions.length);
  for (const line of latencyRows) assert.match(line, /^\| "[^|]+" \| ~ \|(.*)\| ~ \|(.*)\| ~ \| 1\.000 \|$/);
});

test('conditions: parsing, significance, wildcards, counts', async () => {
  const [before, after] = await both();
  const c = compareTraces('before.trace', before, 'after.trace', after);
  const holds = (text: string) => !evaluateCondition(parseCondition(text), c).failed;
  assert.equal(holds('region:db.query:p50>+10%'), false);
  assert.equal(holds('region:db.query:p50>+90%'), true);
  assert.equal(holds('region:*:p50>+10%'), false);
  assert.equal(holds('region:cache.get:p50<-0.1%'), true, 'not significant, so never failing');
  assert.equal(holds('region:db.query:p50>1ms'), true);
  assert.equal(holds('region:db.query:p50>200us'), false);
  assert.equal(holds('region:legacy.check:p50>+1%'), true, 'removed: nothing to compare');
  assert.equal(holds('log:retry:count<-40%'), false);
  assert.equal(holds('log:retry:count>100'), true);
  assert.equal(holds('task:request:count>+0%'), true);
  assert.equal(evaluateCondition(parseCondition('region:nope:p99>+1%'), c).matches.length, 0);
  assert.deepEqual(parseCondition('region:a:b:p99>+10%'), { text: 'region:a:b:p99>+10%', kind: 'region', type: 'a:b', metric: 'p99', op: '>', threshold: { percent: 10 } });
  for (const bad of ['region:db.query:p99', 'span:x:p99>1%', 'region:x:p99>10', 'log:x:p99>1%', 'region::p99>1%', 'task:x:count>2ms']) {
    assert.throws(() => parseCondition(bad), /bad --fail-on condition/, bad);
  }
});

test('Markdown escapes names from the trace', () => {
  assert.equal(markdownText('a|b<img src=x>`*[x](y)'), 'a\\|b&lt;img src=x\\>\\`\\*\\[x\\]\\(y\\)');
  assert.equal(markdownText('line\nbreak'), 'line break');
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['dist/cli.js', 'trace', ...args], { encoding: 'utf8' });
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace on stderr');
  return r;
}

test('CLI: text aligned in columns, "~" for the unchanged region, exit 0 without conditions', () => {
  const r = cli('diff', BEFORE, AFTER);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const db = lines.find((l) => l.startsWith('"db.query"'))!;
  const cache = lines.find((l) => l.startsWith('"cache.get"'))!;
  assert.match(db, /\+\d+\.\d%\s+[+−]\d+\.\d%\s+\(p=0\.000 n=300\+300\)$/);
  assert.match(cache, /~\s+~\s+\(p=0\.\d+ n=300\+300\)$/);
  assert.match(lines.find((l) => l.startsWith('"legacy.check"'))!, /removed\s+removed$/);
  // Aligned: the p-value column starts at the same place on every row of the regions table.
  const at = [db, cache].map((l) => l.indexOf('(p='));
  assert.equal(at[0], at[1]);
});

test('CLI: --fail-on exits 1 when a condition fails, 0 when all hold', () => {
  const failing = cli('diff', BEFORE, AFTER, '--fail-on', 'region:db.query:p50>+10%', '--fail-on=region:cache.get:p50>+1%');
  assert.equal(failing.status, 1, failing.stderr);
  assert.match(failing.stdout, /^FAIL region:db\.query:p50>\+10%: FAIL db\.query: p50 \+\d+\.\d% \(p=0\.000\)$/m);
  assert.match(failing.stdout, /^ok {3}region:cache\.get:p50>\+1%: cache\.get: .*not significant$/m);
  const passing = cli('diff', BEFORE, AFTER, '--fail-on', 'region:db.query:p50>+90%', '--fail-on', 'region:cache.get:p50>+1%');
  assert.equal(passing.status, 0, passing.stderr);
  assert.equal(cli('diff', BEFORE, BEFORE, '--fail-on', 'region:*:p99>+1%', '--fail-on', 'task:*:p50>+1%').status, 0);
});

test('CLI: usage errors and unreadable traces exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-diff-'));
  const garbage = join(dir, 'garbage.trace');
  writeFileSync(garbage, 'not a trace at all');
  for (const args of [['diff', BEFORE], ['diff', BEFORE, AFTER, '--format', 'html'], ['diff', BEFORE, AFTER, '--fail-on', 'p99>1%'],
    ['diff', BEFORE, AFTER, '--alpha', '2'], ['diff', BEFORE, AFTER, '--bogus']]) {
    const r = cli(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /usage: go-trace-lens trace diff/);
  }
  const missing = cli('diff', join(dir, 'nope.trace'), AFTER);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.trace: no such file/);
  const bad = cli('diff', BEFORE, garbage);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /garbage\.trace: /);
  assert.equal(bad.stdout, '');
});

test('CLI: JSON holds every type with its test; Markdown is a well-formed GitHub table', () => {
  const json = JSON.parse(cli('diff', BEFORE, AFTER, '--format', 'json', '--fail-on', 'region:db.query:p50>+10%').stdout);
  assert.equal(json.alpha, 0.05);
  assert.deepEqual(json.regions.map((r: { type: string; status: string }) => [r.type, r.status]),
    [['audit.write', 'added'], ['cache.get', 'unchanged'], ['db.query', 'slower'], ['legacy.check', 'removed']]);
  const db = json.regions[2];
  assert.deepEqual(Object.keys(db.test).sort(), ['method', 'n1', 'n2', 'p', 'significant', 'u']);
  assert.equal(db.test.method, 'normal');
  assert.equal(typeof db.old.p99Ns, 'number');
  assert.equal(db.old.histogram, undefined);
  assert.equal(json.conditions[0].failed, true);

  const md = cli('diff', BEFORE, AFTER, '--format', 'markdown', '--fail-on', 'region:db.query:p50>+10%');
  assert.equal(md.status, 1);
  assert.match(md.stdout, /^### Trace comparison: before\\\.trace → after\\\.trace$/m);
  assert.match(md.stdout, /^❌ 1 of 1 condition\(s\) failed:$/m);
  // Every table: a header, a delimiter row with the same number of cells, rows with that number too.
  const blocks = md.stdout.split('\n\n').filter((b) => b.startsWith('|'));
  assert.equal(blocks.length, 3, 'tasks, regions, logs');
  const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length;
  for (const block of blocks) {
    const [head, delimiter, ...rows] = block.trim().split('\n');
    assert.match(delimiter, /^\|( :?-+:? \|)+$/);
    for (const line of [delimiter, ...rows]) assert.equal(cells(line), cells(head), line);
  }
  assert.match(md.stdout, /^\| "db\\\.query" \| 🔴 slower \| 300 \| 300 \| .* \| \+\d+\.\d% \| .* \| 0\.000 \|$/m);
  assert.match(md.stdout, /^\| "cache\\\.get" \| ~ \| 300 \| 300 \| .* \| ~ \| .* \| ~ \| 0\.\d+ \|$/m);
});

/** Splits CSV (RFC 4180, as the exports write it) into rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += ch;
  }
  return rows;
}

test('CLI: CSV exports of the comparison and of trace stats', () => {
  const diff = cli('diff', BEFORE, AFTER, '--format', 'csv');
  assert.equal(diff.status, 0, diff.stderr);
  const rows = parseCsv(diff.stdout);
  const header = rows[0];
  assert.ok(rows.every((r) => r.length === header.length));
  const get = (r: string[], name: string) => r[header.indexOf(name)];
  const db = rows.find((r) => r[0] === 'region' && r[1] === 'db.query' && r[2] === '')!;
  assert.equal(get(db, 'status'), 'slower');
  assert.equal(get(db, 'significant'), 'true');
  assert.equal(get(db, 'old_count'), '300');
  assert.ok(Number(get(db, 'new_p50_ns')) - Number(get(db, 'old_p50_ns')) > 85_000);
  assert.deepEqual(rows.filter((r) => r[0] === 'log').map((r) => [r[1], get(r, 'status'), get(r, 'old_count'), get(r, 'new_count')]),
    [['request', 'unchanged', '300', '300'], ['retry', 'changed', '30', '15']]);

  const stats = cli('stats', BEFORE, '--format', 'csv');
  assert.equal(stats.status, 0, stats.stderr);
  const srows = parseCsv(stats.stdout);
  assert.deepEqual(srows[0], ['kind', 'type', 'file', 'line', 'function', 'count', 'complete', 'total_ns', 'p50_ns', 'p90_ns', 'p99_ns', 'max_ns']);
  const json = JSON.parse(cli('stats', BEFORE, '--json').stdout);
  const dbStats = srows.find((r) => r[0] === 'region' && r[1] === 'db.query' && r[2] === '')!;
  assert.deepEqual(dbStats.slice(5).map(Number), ['count', 'completeCount', 'totalNs', 'p50Ns', 'p90Ns', 'p99Ns', 'maxNs'].map((k) => json.regions['db.query'][k]));
  assert.ok(srows.some((r) => r[0] === 'region' && r[1] === 'db.query' && r[2].endsWith('main.go') && Number(r[3]) > 0));
});

test('CLI: a truncated trace is compared on its complete generations, with a warning', () => {
  const r = cli('diff', 'test/fixtures/traces/generations-go1.26.trace', 'test/fixtures/traces/generations-go1.26-cut-midbatch.trace');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^go-trace-lens: warning: .*cut-midbatch\.trace: .*\(at byte \d+\); the comparison covers its complete generations\n$/);
  assert.match(r.stdout, /^new: generations-go1\.26-cut-midbatch\.trace {2}\(Go 1\.26, .*truncated: /m);
});

test('shared histogram: both samples over the same log-spaced buckets, the far tail in one open bucket', () => {
  const before = Uint32Array.from([100, 110, 120, 130, 140, 150, 160, 170, 180, 1_000_000]).sort();
  const after = Uint32Array.from([200, 210, 220, 230, 240, 250, 260, 270, 280, 290]).sort();
  const h = sharedHistogram(before, after)!;
  assert.equal(h.boundsNs[0], 100);
  assert.equal(h.old.length, h.boundsNs.length - 1);
  assert.equal(h.old.reduce((a, b) => a + b), 10);
  assert.equal(h.new.reduce((a, b) => a + b), 10);
  assert.ok(h.lastIsOpen, 'the 1 ms outlier lies beyond twice the larger p90');
  assert.equal(h.old[h.old.length - 1], 1, 'the outlier is counted in the last bucket');
  for (let i = 1; i < h.boundsNs.length; i++) assert.ok(h.boundsNs[i] > h.boundsNs[i - 1]);
  // Every old value below every new one: the old counts end where the new ones start.
  const lastOld = Math.max(...h.old.slice(0, -1).map((c, i) => (c > 0 ? i : -1)));
  const firstNew = h.new.findIndex((c) => c > 0);
  assert.ok(lastOld <= firstNew);
  assert.equal(sharedHistogram(undefined, new Uint16Array(0)), undefined);
});
