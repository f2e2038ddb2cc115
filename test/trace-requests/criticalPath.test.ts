// Critical paths and tail explanations on the whyslow fixture program
// (test/fixtures/traces/programs/whyslow), whose requests are slow for one known reason each.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { NO_ID } from '../../server/src/trace/event';
import { openTraceFile } from '../../server/src/trace/reader';
import { analyzeRequests, type RequestAnalyzer } from '../../server/src/trace/requests/analyzer';
import { PathRecorder } from '../../server/src/trace/requests/criticalPath';
import type { PathSegment, TaskInstanceReport } from '../../common/requestModel';

const trace = join(__dirname, '..', 'fixtures', 'traces', 'whyslow-go1.26.trace');
const MS = 1e6;

/** Path time per (goroutine name, state, region). */
function timeWhere(path: PathSegment[], match: (s: PathSegment) => boolean): number {
  return path.filter(match).reduce((sum, s) => sum + s.endNs - s.startNs, 0);
}

describe('critical path on requests slow for a known reason', () => {
  let analyzer: RequestAnalyzer;
  let tasks: TaskInstanceReport[];
  before(async () => {
    ({ analyzer } = await analyzeRequests(await openTraceFile(trace)));
    tasks = analyzer.tasks();
    const windows = tasks.map((t) => ({ goroutine: t.goroutine, startNs: t.startNs, endNs: t.endNs }));
    const recorder = new PathRecorder(windows);
    await (await openTraceFile(trace)).forEach((ev) => recorder.add(ev));
    tasks.forEach((t, i) => { t.criticalPath = recorder.path(windows[i]); });
  });
  const ofType = (type: string) => tasks.filter((t) => t.type === type);

  it('tiles each task from its start to its end', () => {
    assert.equal(tasks.length, 15);
    for (const t of tasks) {
      const path = t.criticalPath!;
      assert.equal(path[0].startNs, t.startNs, `task ${t.id} path start`);
      assert.equal(path[path.length - 1].endNs, t.endNs, `task ${t.id} path end`);
      for (let i = 1; i < path.length; i++) assert.equal(path[i].startNs, path[i - 1].endNs, `task ${t.id} segment ${i} contiguous`);
    }
  });

  it('the same paths with goroutine IDs past 2^31 (kept aside from the narrow column, exactly)', async () => {
    const shift = 2 ** 32;
    const shiftedWindows = tasks.map((t) => ({ goroutine: t.goroutine + shift, startNs: t.startNs, endNs: t.endNs }));
    const recorder = new PathRecorder(shiftedWindows);
    await (await openTraceFile(trace)).forEach((ev) => {
      if (ev.goroutine !== NO_ID) ev.goroutine += shift;
      if (ev.kind === 'StateTransition' && ev.resource.kind === 'Goroutine') ev.resource = { ...ev.resource, id: ev.resource.id + shift };
      recorder.add(ev);
    });
    const followed = tasks.filter((t) => t.criticalPath!.some((s) => s.goroutine !== t.goroutine));
    assert.ok(followed.length > 0, 'some path goes through another goroutine');
    tasks.forEach((t, i) => assert.deepEqual(recorder.path(shiftedWindows[i]).map((s) => ({ ...s, goroutine: s.goroutine - shift })), t.criticalPath, `task ${t.id}`));
  });

  it('the same paths with times far apart and not whole (kept aside from the 4-byte offsets, exactly)', async () => {
    // Every time × 4096 (the fixture's seconds spread past the 4.3 s a chunk's offsets hold), odd ones + 0.5 ns.
    const spread = (t: number): number => t * 4096 + (t % 2 === 1 ? 0.5 : 0);
    const spreadWindows = tasks.map((t) => ({ goroutine: t.goroutine, startNs: spread(t.startNs), endNs: spread(t.endNs) }));
    const recorder = new PathRecorder(spreadWindows);
    await (await openTraceFile(trace)).forEach((ev) => {
      ev.time = spread(ev.time);
      recorder.add(ev);
    });
    const back = (t: number): number => Math.floor(t / 4096);
    tasks.forEach((t, i) => assert.deepEqual(recorder.path(spreadWindows[i]).map((s) => ({ ...s, startNs: back(s.startNs), endNs: back(s.endNs) })), t.criticalPath, `task ${t.id}`));
  });

  it('a request waiting on a channel: the worker computing (~3ms) on its own goroutine', () => {
    for (const t of ofType('chan.request')) {
      const worker = timeWhere(t.criticalPath!, (s) => s.goroutineName === 'main.worker' && s.state === 'running' && s.goroutine !== t.goroutine);
      assert.ok(worker >= 2.5 * MS, `task ${t.id}: ${worker}ns on main.worker`);
      assert.ok(t.breakdown.channel + t.breakdown.runnable >= 2.5 * MS, `task ${t.id} breakdown ${JSON.stringify(t.breakdown)}`);
    }
  });

  it('a request blocked on a mutex: the other request sleeping while it holds it, in its region', () => {
    const blocked = ofType('mutex.request').filter((t) => t.breakdown.sync > 0.5 * MS);
    assert.ok(blocked.length >= 1, 'some mutex.request waited for the lock');
    for (const t of blocked) {
      const holder = timeWhere(t.criticalPath!, (s) => s.goroutine !== t.goroutine && s.state === 'sleep' && s.region === 'lock.shared');
      assert.ok(holder >= 0.8 * t.breakdown.sync, `task ${t.id}: holder slept ${holder}ns on its path, waited ${t.breakdown.sync}ns`);
    }
  });

  it('a request waiting on the network: network wait in region db.query at its source line', () => {
    for (const t of ofType('net.request')) {
      const net = t.criticalPath!.filter((s) => s.state === 'network' && s.region === 'db.query' && s.goroutine === t.goroutine);
      assert.ok(timeWhere(net, () => true) >= 1.5 * MS, `task ${t.id}`);
      assert.ok(net.every((s) => s.site?.file.endsWith('whyslow/main.go') && s.site.function.startsWith('main.netRequest')), JSON.stringify(net[0]?.site));
      assert.equal(net[0].reason, 'network');
    }
  });

  it('a request held up by GC: time on the GC mark worker on its path', () => {
    const gc = ofType('gc.request').map((t) => timeWhere(t.criticalPath!, (s) => s.goroutineName?.startsWith('runtime.gc') === true));
    assert.ok(Math.max(...gc) >= 1 * MS, `GC worker time on gc.request paths: ${gc.join(', ')}`);
  });

  it('explains the tail in one sentence per type', () => {
    const types = new Map(analyzer.typeBreakdowns().map((b) => [`${b.kind} ${b.type}`, b]));
    const chan = types.get('task chan.request')!.tail!;
    assert.equal(chan.tailCount, 1);
    assert.match(chan.sentence, /^p99 chan\.request \(1 ≥ [\d.]+ms\) spend \d+% .+; p50 \([\d.]+ms\) spend \d+% \(\+[\d.]+[µm]?s per instance\)$/);
    const net = types.get('task net.request')!.tail!;
    assert.equal(net.component, 'network');
    assert.equal(net.region, 'db.query');
    const region = types.get('region db.query')!;
    assert.equal(region.count, 3);
    assert.ok(region.breakdown.network > region.wallNs / 2);
  });
});

describe('go-trace-lens trace tasks', () => {
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'trace', 'tasks', ...args], { encoding: 'utf8' });

  it('prints the slowest instances of a type with breakdown and critical path', () => {
    const r = run(trace, '--type', 'net.request', '--slowest', '2');
    assert.equal(r.status, 0, r.stderr);
    const [header, ...blocks] = r.stdout.trim().split('\n\n');
    assert.match(header, /^net\.request: 3 ended, blocked on network [\d.]+ms \(\d+%\).*\n {2}p99 net\.request .* in db\.query; p50 /);
    assert.equal(blocks.length, 2);
    assert.match(blocks[0], /^net\.request #\d+ {2}[\d.]+ms/);
    assert.match(blocks[0], /breakdown: blocked on network [\d.]+ms \(\d+%\)/);
    assert.match(blocks[0], /critical path [\d.]+ms \(\d+ segment\(s\)\), largest parts:\n {4}[\d.]+ms blocked on network in region db\.query on G\d+ main\.main \(main\.go:\d+ main\.netRequest\.func1\)\n/);
  });

  it('--json lists instances slowest first; --filter keeps tasks with a matching log', () => {
    const all = JSON.parse(run(trace, '--json', '--slowest', '100').stdout) as { types: { type: string }[]; tasks: TaskInstanceReport[] };
    assert.equal(all.tasks.length, 15);
    assert.deepEqual(all.types.map((t) => t.type), ['chan.request', 'gc.request', 'mutex.request', 'net.request']);
    for (let i = 1; i < all.tasks.length; i++) assert.ok(all.tasks[i - 1].durationNs >= all.tasks[i].durationNs);
    const none = JSON.parse(run(trace, '--json', '--filter', 'orderID=42').stdout) as { tasks: TaskInstanceReport[] };
    assert.deepEqual(none.tasks, []);
    const orders = join(__dirname, '..', 'fixtures', 'e2e-workspace', 'orders.trace'); // logs orderID=N in task N+1
    const one = JSON.parse(run(orders, '--json', '--filter', 'orderID=3').stdout) as { tasks: TaskInstanceReport[] };
    assert.deepEqual(one.tasks.map((t) => t.id), [4]);
  });

  it('rejects bad arguments and unreadable files with one line', () => {
    assert.equal(run(trace, '--slowest', 'x').status, 2);
    assert.equal(run(trace, '--filter', 'novalue').status, 2);
    const missing = run(join(__dirname, 'missing.trace'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^go-trace-lens: .*missing\.trace: no such file\n$/);
  });
});

describe('go-trace-lens trace stats --json', () => {
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  it('adds the breakdown and tail explanation per task and region type', () => {
    const r = spawnSync(process.execPath, [cli, 'trace', 'stats', '--json', trace], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const stats = JSON.parse(r.stdout) as { tasks: Record<string, unknown>; breakdowns: { kind: string; type: string; count: number; tail?: { sentence: string } }[] };
    assert.ok(stats.tasks['net.request'], 'the existing keys stay');
    const net = stats.breakdowns.find((b) => b.kind === 'task' && b.type === 'net.request');
    assert.equal(net?.count, 3);
    assert.match(net?.tail?.sentence ?? '', /^p99 net\.request .* blocked on network in db\.query; p50/);
  });

  it('leaves them out with --no-breakdowns (half the CPU time), accepts --breakdowns, and refuses both outside JSON', () => {
    const plain = spawnSync(process.execPath, [cli, 'trace', 'stats', '--json', '--no-breakdowns', trace], { encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal((JSON.parse(plain.stdout) as { breakdowns?: unknown }).breakdowns, undefined);
    const asked = spawnSync(process.execPath, [cli, 'trace', 'stats', '--json', '--breakdowns', trace], { encoding: 'utf8' });
    assert.equal((JSON.parse(asked.stdout) as { breakdowns: unknown[] }).breakdowns.length > 0, true);
    assert.equal(spawnSync(process.execPath, [cli, 'trace', 'stats', '--breakdowns', trace], { encoding: 'utf8' }).status, 2);
    assert.equal(spawnSync(process.execPath, [cli, 'trace', 'stats', '--no-breakdowns', trace], { encoding: 'utf8' }).status, 2);
  });
});
