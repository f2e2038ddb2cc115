// The model on real fixture traces: overview flags, region instance queries, the timeline
// index, and the `trace stats` command's behaviour on good, truncated and bad files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKED_STRIDE } from '../../common/traceModel';
import { openTraceFile } from '../../server/src/trace/reader';
import { TerminalProgress } from '../../server/src/cli/progress';
import { analyzeEvents, type TraceAnalyzer } from '../../server/src/trace/summary/analyzer';

const root = join(__dirname, '..', '..');
const fixture = (name: string) => join(root, 'test', 'fixtures', 'traces', `${name}.trace`);
const analyze = async (name: string): Promise<TraceAnalyzer> => analyzeEvents(await openTraceFile(fixture(name)));

describe('model on fixture traces', () => {
  it('tells flight-recorder snapshots from captures', async () => {
    for (const name of ['flightrecorder-go1.25', 'flightrecorder-go1.26']) {
      assert.equal((await analyze(name)).summary().overview.flightRecorder, true, name);
    }
    for (const name of ['annotations-go1.26', 'httppprof-go1.22', 'gotestflag-go1.23']) {
      assert.equal((await analyze(name)).summary().overview.flightRecorder, false, name);
    }
  });

  it('lists region instances slowest first, by type and by call site', async () => {
    const a = await analyze('annotations-go1.26');
    const lookup = a.summary().regions.find((r) => r.type === 'lookup');
    assert.ok(lookup);
    const all = a.instances({ type: 'lookup' });
    assert.equal(all.total, lookup.count);
    const durations = all.instances.map((r) => r.durationNs ?? -1);
    assert.deepEqual(durations, [...durations].sort((x, y) => y - x));
    assert.equal(durations[0], lookup.maxNs);
    assert.ok(all.instances.every((r) => r.type === 'lookup' && r.site?.file.endsWith('main.go')));
    const bySite = a.instances({ type: 'lookup', site: { file: lookup.sites[0].site.file, line: lookup.sites[0].site.line } });
    assert.equal(bySite.total, lookup.sites[0].count);
    assert.equal(a.instances({ type: 'lookup', site: { file: 'elsewhere.go', line: 1 } }).total, 0);
  });

  it('timeline: every span is counted once at any resolution, packed and object forms agree', async () => {
    const a = await analyze('busyservice-go1.26');
    const { startNs, endNs } = a.summary().overview;
    const exact = a.timeline.queryPacked({ startNs, endNs, resolutionNs: 0 });
    const total = exact.lanes.reduce((n, l) => n + l.spans.length / PACKED_STRIDE, 0);
    assert.ok(total > 1000, `${total} spans`);
    for (const resolutionNs of [1e3, 1e5, (endNs - startNs) / 1600, endNs - startNs]) {
      const packed = a.timeline.queryPacked({ startNs, endNs, resolutionNs });
      let merged = 0;
      for (const lane of packed.lanes) for (let i = 2; i < lane.spans.length; i += PACKED_STRIDE) merged += lane.spans[i];
      assert.equal(merged, total, `merged counts at ${resolutionNs} ns/px`);
      const objects = a.timeline.query({ startNs, endNs, resolutionNs });
      assert.equal(objects.lanes.reduce((n, l) => n + l.spans.length, 0) * PACKED_STRIDE, packed.lanes.reduce((n, l) => n + l.spans.length, 0));
    }
    const kinds = new Set(a.timeline.lanes().map((l) => l.kind));
    assert.deepEqual([...kinds].sort(), ['gc', 'goroutine', 'proc']);
  });
});

describe('go-trace-lens trace stats', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server/src/cli/main.ts'), 'trace', 'stats', ...args], { encoding: 'utf8', cwd: root });

  it('prints JSON with the documented fields', () => {
    const r = run(fixture('annotations-go1.26'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    for (const key of ['goVersion', 'durationNs', 'tasks', 'regions', 'logs', 'gc']) assert.ok(key in json, key);
    assert.deepEqual(Object.keys(json.regions.lookup).slice(0, 7), ['count', 'completeCount', 'totalNs', 'p50Ns', 'p90Ns', 'p99Ns', 'maxNs']);
    assert.deepEqual(Object.keys(json.regions.lookup.sites[0]), ['file', 'line', 'function', 'count']);
    assert.deepEqual(Object.keys(json.gc), ['count', 'pauseNs']);
  });

  it('prints a table, and no progress line when stderr is not a terminal', () => {
    const r = run(fixture('annotations-go1.26'));
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Tasks$/m);
    assert.match(r.stdout, /"lookup"\s+3\s+3/);
  });

  it('keeps the complete generations of a truncated trace and warns', () => {
    const r = run(fixture('generations-go1.26-cut-midbatch'), '--json');
    assert.equal(r.status, 0);
    assert.match(r.stderr, /warning: .*complete generation/);
    assert.ok(JSON.parse(r.stdout).events > 0);
  });

  it('fails clearly, without a stack trace, on a missing or non-trace file', () => {
    for (const file of [join(root, 'no-such.trace'), join(root, 'package.json')]) {
      const r = run(file);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^go-trace-lens: .+\n$/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    assert.equal(run().status, 2);
  });
});

describe('the progress line of long CLI commands', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, isTTY, write: (text: string) => written.push(text) };
  };

  it('is rewritten in place at most every 200 ms and erased at the end, on a terminal', () => {
    const out = stream(true);
    let now = 1000;
    const progress = new TerminalProgress(out, () => now);
    progress.update(() => '10% read');
    now += 50;
    progress.update(() => 'too soon');
    now += 200;
    progress.update(() => '50% read');
    progress.clear();
    assert.deepEqual(out.written, ['\r\x1b[K10% read', '\r\x1b[K50% read', '\r\x1b[K']);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const out = stream(false);
    const progress = new TerminalProgress(out, () => 0);
    progress.update(() => 'never built');
    progress.clear();
    assert.deepEqual(out.written, []);
  });
});
