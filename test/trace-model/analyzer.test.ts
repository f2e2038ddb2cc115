import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceAnalyzer } from '../../server/src/trace/summary/analyzer';
import { TaskStore } from '../../server/src/trace/requests/taskStore';
import { MAX_PROFILE_ENTRIES } from '../../server/src/trace/summary/blocking';
import { annotationStack, ev, feed, frame } from './events';

const file = '/src/app/main.go';

/** Goroutine 1 exists and runs from t=0. */
function started(): TraceAnalyzer {
  const a = new TraceAnalyzer('go1.26');
  feed(a, [ev.sync(1), ev.go(1, 1, 'Undetermined', 'Running', { transitionStack: [frame('main.main', file, 5)] })]);
  return a;
}

describe('TraceAnalyzer: tasks, regions and logs', () => {
  it('counts tasks by type with durations only for complete ones', () => {
    const a = started();
    feed(a, [
      ev.taskBegin(10, 1, 'req', 1, annotationStack('NewTask', file, 20)),
      ev.taskBegin(12, 2, 'req', 1, annotationStack('NewTask', file, 20)),
      ev.taskEnd(50, 1, 'req'),
      ev.taskEnd(60, 3, 'req'), // begun before the capture
      ev.taskEnd(112, 2, 'req'),
      ev.taskBegin(120, 4, 'req', 1, annotationStack('NewTask', file, 20)), // never ends
    ]);
    a.finish();
    const req = a.summary().tasks.find((t) => t.type === 'req');
    assert.ok(req);
    assert.equal(req.count, 4);
    assert.equal(req.completeCount, 2);
    assert.equal(req.totalNs, 40 + 100);
    assert.equal(req.maxNs, 100);
    assert.equal(req.p50Ns, 40);
    assert.deepEqual(req.sites.map((s) => [s.site.file, s.site.line, s.site.function, s.count]), [[file, 20, 'main.work', 3]]);
  });

  it('resolves the site past runtime/trace frames and tracks nesting; open regions get no duration', () => {
    const a = started();
    feed(a, [
      ev.regionBegin(10, 'outer', 1, annotationStack('StartRegion', file, 30)),
      ev.regionBegin(20, 'inner', 1, [frame('runtime/trace.userRegion', 'x.go', 1), ...annotationStack('WithRegion', file, 31)]),
      ev.regionEnd(25, 'inner'),
      ev.regionBegin(40, 'left-open', 1, annotationStack('StartRegion', file, 32)),
      ev.go(90, 1, 'Running', 'Runnable'),
    ]);
    a.finish();
    const { regions } = a.summary();
    const byType = Object.fromEntries(regions.map((r) => [r.type, r]));
    assert.equal(byType.inner.completeCount, 1);
    assert.equal(byType.inner.maxNs, 5);
    assert.equal(byType.inner.sites[0].site.line, 31);
    assert.equal(byType.outer.count, 1);
    assert.equal(byType.outer.completeCount, 0, 'still open at the end: counted, no duration');
    assert.equal(byType['left-open'].completeCount, 0);
    const inner = a.instances({ type: 'inner' }).instances[0];
    assert.equal(inner.depth, 1);
    assert.equal(a.instances({ type: 'outer' }).instances[0].depth, 0);
  });

  it('ends the regions of an exiting goroutine at its exit, as Go does', () => {
    const a = started();
    feed(a, [
      ev.go(5, 7, 'NotExist', 'Runnable', { by: 1, transitionStack: [frame('main.worker', file, 70)] }),
      ev.go(6, 7, 'Runnable', 'Running'),
      ev.regionBegin(10, 'job', 7, annotationStack('StartRegion', file, 71)),
      ev.go(30, 7, 'Running', 'NotExist'),
    ]);
    a.finish();
    const job = a.summary().regions.find((r) => r.type === 'job');
    assert.equal(job?.completeCount, 1);
    assert.equal(job?.maxNs, 20);
  });

  it('counts logs by category and site; the task store files them under their task', () => {
    const a = started();
    const events = [
      ev.taskBegin(10, 1, 'req', 1, annotationStack('NewTask', file, 20)),
      ev.log(11, 'db', 'q1', 1, 1, annotationStack('Log', file, 40)),
      ev.log(12, 'db', 'q2', 1, 1, annotationStack('Logf', file, 41)),
      ev.log(13, '', 'x', 1, 0, annotationStack('Log', file, 42)),
      ev.regionBegin(14, 'step', 1, annotationStack('StartRegion', file, 43), 1),
      ev.regionEnd(15, 'step', 1, 1),
      ev.taskEnd(20, 1, 'req'),
    ];
    feed(a, events);
    a.finish();
    const logs = a.summary().logs;
    assert.deepEqual(logs.map((l) => [l.category, l.count, l.sites.length]), [['', 1, 1], ['db', 2, 2]]);
    const store = new TaskStore();
    for (const e of events) store.add(e);
    store.finish();
    const task = store.find(1);
    assert.ok(task);
    assert.deepEqual([task.logs, task.regions, task.durationNs], [2, 1, 10]);
    assert.equal(store.list({ filter: { log: { category: 'db', message: 'q2' } }, offset: 0, limit: 10 }).rows[0]?.id, 1);
  });
});

describe('TraceAnalyzer: goroutines, blocking, GC', () => {
  it('splits goroutine time like Go: running, runnable, blocked by reason, syscall', () => {
    const a = started();
    feed(a, [
      ev.go(11, 1, 'Running', 'Waiting', { reason: 'chan receive', stack: [frame('main.recv', file, 50)] }),
      ev.go(31, 1, 'Waiting', 'Runnable', { by: 2 }),
      ev.go(36, 1, 'Runnable', 'Running'),
      ev.go(40, 1, 'Running', 'Syscall', { stack: [frame('syscall.read', 'sys.go', 1)] }),
      ev.proc(45, 0, 'Running', 'Idle'),
      ev.go(60, 1, 'Syscall', 'Runnable'),
      ev.go(61, 1, 'Runnable', 'Running'),
      ev.go(71, 1, 'Running', 'Waiting', { reason: 'sleep' }),
    ]);
    a.finish();
    const g = a.summary().goroutineGroups.flatMap((group) => group.members).find((x) => x.id === 1);
    assert.ok(g);
    assert.equal(g.name, 'main.main');
    assert.equal(g.runningNs, 10 + 4 + 10);
    assert.equal(g.runnableNs, 5 + 1);
    assert.equal(g.blockedByReasonNs['chan receive'], 20);
    assert.equal(g.blockedNs.sync, 20);
    assert.equal(g.syscallNs, 5, 'syscall until the P was taken');
    assert.equal(g.blockedNs.syscall, 15, 'then blocked in the syscall');
    assert.equal(g.totalNs, 70);
    const sync = a.summary().blocking.find((p) => p.reason === 'sync');
    assert.equal(sync?.totalNs, 20);
    assert.deepEqual(sync?.entries[0].frames.map((f) => f.function), ['main.recv']);
    const syscall = a.summary().blocking.find((p) => p.reason === 'syscall');
    assert.equal(syscall?.totalNs, 20);
  });

  it('lists the blocking stacks with the most time, at most MAX_PROFILE_ENTRIES, and counts them all', () => {
    const a = started();
    const events = [];
    for (let i = 0; i < MAX_PROFILE_ENTRIES + 50; i++) {
      events.push(ev.go(10 + 1000 * i, 1, 'Running', 'Waiting', { reason: 'chan receive', stack: [frame('main.recv', file, 100 + i)] }));
      events.push(ev.go(11 + 1000 * i + i, 1, 'Waiting', 'Running'));
    }
    feed(a, events);
    a.finish();
    const sync = a.summary().blocking.find((p) => p.reason === 'sync')!;
    assert.equal(sync.stacks, MAX_PROFILE_ENTRIES + 50);
    assert.equal(sync.entries.length, MAX_PROFILE_ENTRIES);
    assert.equal(sync.totalNs, Array.from({ length: MAX_PROFILE_ENTRIES + 50 }, (_, i) => 1 + i).reduce((n, d) => n + d, 0));
    assert.equal(sync.entries[0].frames[0].line, 100 + MAX_PROFILE_ENTRIES + 49, 'the longest wait first');
  });

  it('counts GC cycles once across generations and sums GC stop-the-world pauses', () => {
    const a = started();
    const g1 = { kind: 'Goroutine' as const, id: 1 };
    feed(a, [
      ev.range(10, 'RangeBegin', 'stop-the-world (GC sweep termination)', g1),
      ev.range(14, 'RangeEnd', 'stop-the-world (GC sweep termination)', g1),
      ev.range(15, 'RangeBegin', 'GC concurrent mark phase'),
      ev.sync(20),
      ev.range(20, 'RangeActive', 'GC concurrent mark phase'),
      ev.range(30, 'RangeEnd', 'GC concurrent mark phase'),
      ev.range(31, 'RangeBegin', 'stop-the-world (read mem stats)', g1),
      ev.range(33, 'RangeEnd', 'stop-the-world (read mem stats)', g1),
      ev.heap(34, 4096), ev.heap(35, 1024),
    ]);
    a.finish();
    const o = a.summary().overview;
    assert.equal(o.gcCount, 1);
    assert.equal(o.gcPauseNs, 4);
    assert.equal(o.stwCount, 2);
    assert.equal(o.stwPauseNs, 6);
    assert.equal(o.peakHeapBytes, 4096);
    assert.equal(o.generations, 2);
    assert.equal(o.flightRecorder, true, 'no start-trace pause: a flight-recorder snapshot');
  });

  it('tells captures that include start-up and flight-recorder snapshots by the start-trace pause', () => {
    const g1 = { kind: 'Goroutine' as const, id: 1 };
    const startTrace = (callers: string[]) => {
      const a = started();
      const stack = ['runtime.StartTrace', ...callers].map((f, i) => frame(f, file, i + 1));
      feed(a, [ev.range(5, 'RangeBegin', 'stop-the-world (start trace)', g1, stack), ev.range(6, 'RangeEnd', 'stop-the-world (start trace)', g1)]);
      a.finish();
      return a.summary().overview;
    };
    const fromInit = startTrace(['runtime/trace.Start', 'main.init.0', 'runtime.doInit1']);
    assert.deepEqual([fromInit.spansStartup, fromInit.flightRecorder], [true, false]);
    const fromMain = startTrace(['runtime/trace.Start', 'main.main']);
    assert.deepEqual([fromMain.spansStartup, fromMain.flightRecorder], [false, false]);
    const recorder = startTrace(['runtime/trace.(*FlightRecorder).Start', 'main.main']);
    assert.deepEqual([recorder.spansStartup, recorder.flightRecorder], [false, true]);
  });

  it('draws goroutine, proc, region and GC spans on the timeline', () => {
    const a = started();
    feed(a, [
      ev.regionBegin(10, 'r', 1, annotationStack('StartRegion', file, 30)),
      ev.regionEnd(20, 'r'),
      ev.go(30, 1, 'Running', 'Waiting', { reason: 'select' }),
      ev.range(31, 'RangeBegin', 'GC concurrent mark phase'),
      ev.range(40, 'RangeEnd', 'GC concurrent mark phase'),
    ]);
    a.finish();
    const slice = a.timeline.query({ startNs: 0, endNs: 100, resolutionNs: 0 });
    const lane = (kind: string) => slice.lanes.find((l) => l.lane.kind === kind);
    assert.deepEqual(lane('gc')?.spans.map((s) => [s.startNs, s.endNs, s.category]), [[31, 40, 'gc']]);
    assert.deepEqual(lane('goroutine')?.spans.map((s) => [s.label, s.startNs, s.endNs, s.depth]),
      [['Running', 1, 30, 0], ['Waiting (select)', 30, 40, 0], ['r', 10, 20, 0]]);
    assert.equal(lane('goroutine')?.lane.label, 'G1 main.main');
    assert.deepEqual(lane('proc')?.spans.map((s) => [s.startNs, s.endNs, s.label]), [[1, 30, 'G1 main.main']]);
  });
});
