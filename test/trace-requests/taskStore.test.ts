// The Tasks view's store and explanations: every list query is checked against a plain scan of the
// same trace's task events (objects per task, the obvious way), on the fixture traces; explanations
// against the breakdown pass and the whyslow program's known causes.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { NO_STACK, NO_TASK, type TraceEvent } from '../../server/src/trace/event';
import { openTraceFile } from '../../server/src/trace/reader';
import { decodeGoString } from '../../server/src/trace/strings';
import { analyzeRequests } from '../../server/src/trace/requests/analyzer';
import { logHistogram, TaskStore } from '../../server/src/trace/requests/taskStore';
import { QueryAnswerer } from '../../server/src/traceService/queries';
import { GenerationIndex } from '../../server/src/traceService/generationIndex';
import { TraceAnalyzer } from '../../server/src/trace/summary/analyzer';
import type { TaskFilter, TaskListQuery } from '../../common/taskModel';

const dir = join(__dirname, '..', 'fixtures', 'traces');
const whyslow = join(dir, 'whyslow-go1.26.trace');

/** A task as the plain scan sees it. */
interface Plain { id: number; parent?: number; type: string; start?: number; end?: number; logs: [string, string][]; goroutines: Set<number>; regions: number }

async function plainScan(file: string): Promise<Plain[]> {
  const byId = new Map<number, Plain>();
  const ended = new Set<number>();
  const all: Plain[] = [];
  const get = (id: number, type: string): Plain | undefined => {
    if (id === NO_TASK || id === 0 || ended.has(id)) return undefined; // 0: Go's BackgroundTask
    let t = byId.get(id);
    if (t === undefined) {
      byId.set(id, (t = { id, type, logs: [], goroutines: new Set(), regions: 0 }));
      all.push(t);
    }
    return t;
  };
  await (await openTraceFile(file)).forEach((ev) => {
    if (ev.kind === 'TaskBegin') Object.assign(get(ev.id, ev.type)!, { start: ev.time, parent: ev.parent });
    else if (ev.kind === 'TaskEnd') {
      const t = get(ev.id, ev.type);
      if (t === undefined) return;
      t.end = ev.time;
      t.type = ev.type;
      ended.add(ev.id);
    } else if (ev.kind === 'RegionBegin' || ev.kind === 'Log') {
      const t = get(ev.task, '');
      if (t === undefined) return;
      t.goroutines.add(ev.goroutine);
      if (ev.kind === 'Log') t.logs.push([ev.category, ev.message]);
      else t.regions++;
    }
  }).catch(() => undefined); // a truncated fixture: what was read
  return all;
}

async function storeOf(file: string): Promise<TaskStore> {
  const store = new TaskStore();
  await (await openTraceFile(file)).forEach((ev) => store.add(ev)).catch(() => undefined);
  store.finish();
  return store;
}

const duration = (t: Plain) => (t.start !== undefined && t.end !== undefined ? t.end - t.start : undefined);

function plainMatch(t: Plain, f: TaskFilter, withRange = true): boolean {
  if (f.types !== undefined && f.types.length > 0 && !f.types.includes(t.type)) return false;
  if (f.log !== undefined && !t.logs.some(([c, m]) => c === f.log!.category && (f.log!.message === undefined || m === f.log!.message))) return false;
  const d = duration(t);
  if (f.state === 'ended' && d === undefined) return false;
  if (f.state === 'unended' && d !== undefined) return false;
  if (withRange && (f.minDurationNs !== undefined || f.maxDurationNs !== undefined)) {
    if (d === undefined || d < (f.minDurationNs ?? -Infinity) || d > (f.maxDurationNs ?? Infinity)) return false;
  }
  return true;
}

/** The same page the hard way: ids in order (ties and unended by first appearance, as the store keeps rows). */
function plainPage(tasks: Plain[], q: TaskListQuery): { total: number; ids: number[]; durations: number[] } {
  let matched = tasks.filter((t) => plainMatch(t, q.filter));
  if (q.slowestPerType !== undefined) {
    const kept = new Set<Plain>();
    for (const type of new Set(matched.map((t) => t.type))) {
      matched.filter((t) => t.type === type && duration(t) !== undefined)
        .sort((a, b) => duration(b)! - duration(a)! || tasks.indexOf(a) - tasks.indexOf(b)).slice(0, q.slowestPerType).forEach((t) => kept.add(t));
    }
    matched = matched.filter((t) => kept.has(t));
  }
  const key = q.sort?.key ?? 'duration';
  const tallies = { goroutines: (t: Plain) => t.goroutines.size, regions: (t: Plain) => t.regions, logs: (t: Plain) => t.logs.length };
  const value = (t: Plain) => (key === 'duration' ? duration(t) : key === 'start' ? t.start : key === 'id' ? t.id : key === 'type' ? undefined : tallies[key](t));
  const sorted = matched.filter((t) => key === 'type' || value(t) !== undefined);
  const rest = matched.filter((t) => key !== 'type' && value(t) === undefined);
  sorted.sort((a, b) => (key === 'type' ? (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) : value(a)! - value(b)!) || tasks.indexOf(a) - tasks.indexOf(b));
  if (q.sort?.descending ?? true) sorted.reverse();
  const ordered = [...sorted, ...rest];
  return {
    total: matched.length,
    ids: ordered.slice(q.offset, q.offset + q.limit).map((t) => t.id),
    durations: tasks.filter((t) => plainMatch(t, q.filter, false)).map(duration).filter((d): d is number => d !== undefined),
  };
}

describe('task store', () => {
  const fixtures = readdirSync(dir).filter((f) => /^(annotations|whyslow|perrequest|busyservice|gotestflag|httppprof|generations)-go1\.2\d.*\.trace$/.test(f));

  it('lists every task instance of the fixture traces, filtered, sorted and paged as a plain scan does', async () => {
    assert.ok(fixtures.length >= 10, fixtures.join());
    let checked = 0;
    for (const f of fixtures) {
      const file = join(dir, f);
      const [store, plain] = await Promise.all([storeOf(file), plainScan(file)]);
      assert.equal(store.size, plain.length, `${f}: rows`);
      // The summary counts the task instances with a TaskBegin or TaskEnd (as go tool trace names them); the
      // store lists those, plus tasks only mentioned by a region or log (begun before the capture, not ended in it).
      const opened = await openTraceFile(file);
      const summary = new TraceAnalyzer(opened.goVersion, 0);
      // The trace worker's store is fed by the analyzer's dispatch: it must hold what one fed every event holds.
      const forwarded = new TaskStore();
      summary.forwardAnnotations(forwarded);
      await opened.forEach((ev) => summary.add(ev)).catch((error: Error) => summary.finish(error));
      summary.finish();
      forwarded.finish();
      const everyRow = { filter: {}, offset: 0, limit: store.size + 1 };
      assert.deepEqual(forwarded.list(everyRow), store.list(everyRow), `${f}: the store fed by the analyzer`);
      const onlyMentioned = plain.filter((t) => t.start === undefined && t.end === undefined).length;
      assert.equal(store.size, summary.summary().tasks.reduce((n, t) => n + t.count, 0) + onlyMentioned, `${f}: rows against the summary's task count`);
      const types = [...new Set(plain.map((t) => t.type))].sort();
      const logs = plain.flatMap((t) => t.logs);
      const ds = plain.map(duration).filter((d): d is number => d !== undefined).sort((a, b) => a - b);
      const filters: TaskFilter[] = [
        {}, { state: 'ended' }, { state: 'unended' }, { types: types.slice(0, 1) }, { types: ['no such type'] },
        ...(ds.length > 0 ? [{ minDurationNs: ds[Math.floor(ds.length / 4)], maxDurationNs: ds[Math.floor((3 * ds.length) / 4)] }] : []),
        ...(logs.length > 0 ? [{ log: { category: logs[0][0] } }, { log: { category: logs[logs.length - 1][0], message: logs[logs.length - 1][1] } }] : []),
        { log: { category: 'no such category' } },
      ];
      for (const filter of filters) {
        for (const sort of [undefined, { key: 'start', descending: false }, { key: 'id', descending: true }, { key: 'type', descending: false },
          { key: 'regions', descending: true }, { key: 'logs', descending: false }, { key: 'goroutines', descending: true }] as const) {
          for (const [offset, limit, slowestPerType] of [[0, 50, undefined], [3, 7, undefined], [0, 1000, 2]] as const) {
            const q: TaskListQuery = { filter, sort, offset, limit, slowestPerType };
            const page = store.list(q);
            const want = plainPage(plain, q);
            const what = `${f} ${JSON.stringify(q)}`;
            assert.equal(page.total, want.total, `${what}: total`);
            assert.deepEqual(page.rows.map((r) => r.id), want.ids, `${what}: ids`);
            assert.deepEqual(page.histogram, logHistogram(want.durations), `${what}: histogram`);
            assert.equal(page.histogram.counts.reduce((a, b) => a + b, 0), want.durations.length);
            assert.equal(page.complete, true);
            checked++;
          }
        }
      }
      for (const t of plain) {
        const row = store.find(t.id)!;
        assert.equal(row.type, t.type, `${f} task ${t.id}`);
        assert.equal(row.startNs, t.start);
        assert.equal(row.endNs, t.end);
        assert.equal(row.logs, t.logs.length);
        assert.equal(row.regions, t.regions);
        assert.equal(row.goroutines, t.goroutines.size);
      }
    }
    assert.ok(checked > 500, `${checked} queries`);
  });

  it('explains a task with its child tasks, as the plain scan finds them', async () => {
    const file = join(dir, 'perrequest-go1.26.trace');
    const [store, plain] = await Promise.all([storeOf(file), plainScan(file)]);
    const parent = plain.find((t) => plain.some((c) => c.parent === t.id))!;
    const want = plain.filter((c) => c.parent === parent.id).map((c) => c.id);
    assert.ok(want.length >= 2, `task ${parent.id} has ${want.length} children`);
    const answerer = new QueryAnswerer(new TraceAnalyzer('1.26', 0), { store, open: (signal) => openTraceFile(file, { signal }) });
    const e = (await answerer.answer({ kind: 'taskExplanation', id: parent.id }))!;
    assert.deepEqual(e.children?.map((c) => c.id), want);
    const leaf = (await answerer.answer({ kind: 'taskExplanation', id: want[0] }))!;
    assert.equal(leaf.children, undefined);
    assert.equal(leaf.task.parent, parent.id);
  });

  it('lists the tasks of one NewTask call site, and none at a line without one', async () => {
    const store = await storeOf(whyslow);
    const byType = store.list({ filter: { types: ['net.request'] }, offset: 0, limit: 100 });
    const site = byType.rows[0].site!;
    const bySite = store.list({ filter: { site: { file: site.file, line: site.line } }, offset: 0, limit: 100 });
    assert.ok(byType.total > 0);
    assert.deepEqual(bySite.rows.map((r) => r.id), byType.rows.map((r) => r.id));
    assert.ok(bySite.rows.every((r) => r.site?.line === site.line));
    assert.equal(store.list({ filter: { site: { file: site.file, line: site.line + 1 } }, offset: 0, limit: 100 }).total, 0);
  });

  it('finds tasks by an exact log message and gives their NewTask site', async () => {
    const store = await storeOf(join(dir, 'perrequest-go1.26.trace'));
    const page = store.list({ filter: { log: { category: 'request', message: 'id=3' } }, offset: 0, limit: 10 });
    assert.equal(page.total, 1);
    assert.equal(page.rows[0].type, 'request');
    assert.match(page.rows[0].site?.function ?? '', /^main\./);
    assert.equal(store.list({ filter: { log: { category: 'request', message: 'id=' } }, offset: 0, limit: 10 }).total, 0);
  });

  it('answers while loading: rows grow, complete only at the end', async () => {
    const store = new TaskStore();
    const totals: number[] = [];
    await (await openTraceFile(whyslow)).forEach((ev) => {
      store.add(ev);
      if (ev.kind === 'TaskEnd') {
        const page = store.list({ filter: {}, offset: 0, limit: 5 });
        assert.equal(page.complete, false);
        totals.push(page.total);
      }
    });
    store.finish();
    assert.ok(totals[0] < store.size && totals.every((t, i) => i === 0 || t >= totals[i - 1]), totals.join());
    assert.equal(store.list({ filter: {}, offset: 0, limit: 5 }).complete, true);
  });

  it('holds more tasks than one chunk of its columns (32,768 rows): 100,000 synthetic ones', () => {
    const store = new TaskStore();
    const base = { thread: 0, proc: 0, stack: NO_STACK, parent: NO_TASK };
    const n = 100_000;
    for (let id = 1; id <= n; id++) {
      const type = id % 3 === 0 ? 'three' : 'other';
      store.add({ ...base, kind: 'TaskBegin', id, type, time: id * 10, goroutine: id } as TraceEvent);
      store.add({ ...base, kind: 'Log', task: id, category: 'k', message: `v=${id}`, time: id * 10 + 1, goroutine: id } as TraceEvent);
      // Durations (id * 7919) mod 100,003: distinct, in no order; every 10th task stays open.
      if (id % 10 !== 0) store.add({ ...base, kind: 'TaskEnd', id, type, time: id * 10 + ((id * 7919) % 100_003) + 1, goroutine: id } as TraceEvent);
    }
    store.finish();
    assert.equal(store.size, n);
    const slowest = store.list({ filter: { types: ['three'], state: 'ended' }, offset: 0, limit: 3 });
    const want = Array.from({ length: n }, (_, i) => i + 1).filter((id) => id % 3 === 0 && id % 10 !== 0)
      .sort((a, b) => ((b * 7919) % 100_003) - ((a * 7919) % 100_003));
    assert.equal(slowest.total, want.length);
    assert.deepEqual(slowest.rows.map((r) => r.id), want.slice(0, 3));
    assert.deepEqual(store.list({ filter: { log: { category: 'k', message: 'v=77777' } }, offset: 0, limit: 5 }).rows.map((r) => r.id), [77777]);
    assert.equal(store.find(99_999)?.durationNs, ((99_999 * 7919) % 100_003) + 1);
    const byStart = store.list({ filter: { state: 'unended' }, sort: { key: 'start', descending: true }, offset: 0, limit: 2 });
    assert.deepEqual(byStart.rows.map((r) => r.id), [100_000, 99_990]);
    assert.equal(byStart.total, n / 10);
  });

  it('keeps values too wide for its narrow columns exactly: ids past 2^32, long durations, 70,000 logs, a start before the capture', () => {
    const store = new TaskStore();
    const base = { thread: 0, proc: 0, stack: NO_STACK };
    const bigId = 2 ** 40 + 3;
    const bigTime = 2 ** 45;
    store.add({ ...base, kind: 'TaskBegin', id: bigId, parent: 2 ** 33, type: 'big', time: bigTime, goroutine: 2 ** 35 } as TraceEvent);
    for (let i = 0; i < 70_000; i++) store.add({ ...base, kind: 'Log', task: bigId, category: 'k', message: `${i}`, time: bigTime + i, goroutine: 7 } as TraceEvent);
    store.add({ ...base, kind: 'TaskEnd', id: bigId, parent: NO_TASK, type: 'big', time: bigTime + 10e9, goroutine: 2 ** 35 + 1 } as TraceEvent);
    // Begun before the capture: its first event is a log, its end is known, its duration is not.
    store.add({ ...base, kind: 'Log', task: 5, category: 'k', message: 'x', time: 100, goroutine: 1 } as TraceEvent);
    store.add({ ...base, kind: 'TaskEnd', id: 5, parent: NO_TASK, type: 'small', time: 200, goroutine: 1 } as TraceEvent);
    store.finish();
    const big = store.find(bigId)!;
    assert.deepEqual([big.id, big.parent, big.goroutine, big.startNs, big.endNs, big.durationNs, big.logs, big.goroutines],
      [bigId, 2 ** 33, 2 ** 35 + 1, bigTime, bigTime + 10e9, 10e9, 70_000, 1]);
    const early = store.find(5)!;
    assert.deepEqual([early.startNs, early.endNs, early.durationNs, early.parent, early.logs], [undefined, 200, undefined, NO_TASK, 1]);
    const page = store.list({ filter: { types: ['big'], minDurationNs: 9e9 }, sort: { key: 'id', descending: true }, offset: 0, limit: 5 });
    assert.deepEqual(page.rows.map((r) => r.id), [bigId]);
    assert.deepEqual(store.list({ filter: { state: 'unended' }, offset: 0, limit: 5 }).rows.map((r) => r.id), [5]);
    // More task types and call sites than a byte numbers: the later ones kept aside, filtered and sorted all the same.
    for (let i = 0; i < 300; i++) {
      store.add({ ...base, kind: 'TaskBegin', id: 1000 + i, parent: NO_TASK, type: `t${i}`, time: 1000 + i, goroutine: 1 } as TraceEvent);
      store.add({ ...base, kind: 'TaskEnd', id: 1000 + i, parent: NO_TASK, type: `t${i}`, time: 2000 + i * 2, goroutine: 1 } as TraceEvent);
    }
    assert.deepEqual(store.list({ filter: { types: ['t299', 't3'] }, offset: 0, limit: 5 }).rows.map((r) => [r.id, r.type, r.durationNs]), [[1299, 't299', 1299], [1003, 't3', 1003]]);
    assert.deepEqual(store.list({ filter: { types: ['t299', 't3', 't100'] }, sort: { key: 'type', descending: true }, offset: 0, limit: 5 }).rows.map((r) => r.type), ['t3', 't299', 't100']);
    // Starts of one chunk of rows far apart (past 2^32 ns from its first), before it, and not integers stay exact and sort.
    const odd = [bigTime + 2 ** 33, bigTime - 5, bigTime + 0.5, 3];
    odd.forEach((time, i) => store.add({ ...base, kind: 'TaskBegin', id: 100 + i, parent: NO_TASK, type: 'odd', time, goroutine: 1 } as TraceEvent));
    assert.deepEqual(odd.map((_, i) => store.find(100 + i)!.startNs), odd);
    assert.deepEqual(store.list({ filter: { types: ['odd'] }, sort: { key: 'start', descending: false }, offset: 0, limit: 5 }).rows.map((r) => r.startNs),
      [...odd].sort((a, b) => a - b));
  });

  for (const given of ['text', 'bytes'] as const) {
    it(`finds every exact message of a category with many, numbered ones too (stored as numbers) and their look-alikes, given as ${given}`, () => {
      const store = new TaskStore();
      const base = { thread: 0, proc: 0, stack: NO_STACK, parent: NO_TASK };
      const odd = ['id=007', 'id=7', 'id=07', 'id=0', 'id=', '0', '42', 'é=5', 'n=1234567890123456', 'n=123456789012345', 'x', '', 'id=7 ', 'ид=7'];
      // As bytes, a message may be any bytes (Go strings need not be UTF-8): it is found by its decoded text.
      const invalid = [Buffer.from([0x69, 0x64, 0x3d, 0xff, 0x37]), Buffer.from([0xc3]), Buffer.from([0x37, 0x80, 0x37])];
      const few = ['cached', 'new session', 'é'];
      const entries = [
        ...[...Array.from({ length: 400 }, (_, i) => `id=${i}`), ...odd].map((m) => ({ category: 'request', raw: Buffer.from(m) })),
        ...(given === 'bytes' ? invalid.map((raw) => ({ category: 'request', raw })) : []),
        ...[...few, ...few].map((m) => ({ category: 'auth', raw: Buffer.from(m) })),
        ...(given === 'bytes' ? invalid.map((raw) => ({ category: 'auth', raw })) : []),
      ];
      const texts = entries.map((e) => decodeGoString(e.raw));
      entries.forEach(({ category, raw }, i) => {
        store.add({ ...base, kind: 'TaskBegin', id: i + 1, type: 't', time: i * 10, goroutine: 1 } as TraceEvent);
        // Bytes sit inside a larger buffer, as in a string table.
        const bytes = Buffer.concat([Buffer.from('<<'), raw, Buffer.from('>>')]);
        const message = given === 'bytes' ? { message: '', messageBytes: { bytes, start: 2, end: 2 + raw.length } } : { message: texts[i] };
        store.add({ ...base, kind: 'Log', task: i + 1, category, ...message, time: i * 10 + 1, goroutine: 1 } as TraceEvent);
      });
      store.finish();
      for (const category of ['request', 'auth']) {
        const messages = [...new Set(texts.filter((_, i) => entries[i].category === category)), 'id=400', 'n=12345678901234', 'ca'];
        for (const message of messages) {
          const want = texts.flatMap((m, i) => (m === message && entries[i].category === category ? [i + 1] : []));
          assert.deepEqual(store.list({ filter: { log: { category, message } }, offset: 0, limit: 10 }).rows.map((r) => r.id), want, `${category}: ${message}`);
        }
        assert.equal(store.list({ filter: { log: { category } }, offset: 0, limit: 1 }).total, entries.filter((e) => e.category === category).length);
      }
    });
  }

  it('sorts by duration as a plain sort does, whichever way the keys sort (in order, radix, packed, ranked)', () => {
    const base = { thread: 0, proc: 0, stack: NO_STACK, parent: NO_TASK, type: 't', goroutine: 1 };
    let seed = 7;
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const spreads: Record<string, (i: number) => number> = {
      'in order': (i) => i * 3,
      'below 2^32, ties': (i) => (i % 3 === 0 ? 12_345_678 : Math.floor(random() * 2 ** 31)),
      'past 2^32': (i) => (i === 17 ? 2 ** 40 : Math.floor(random() * 1e6)),
      'not integers': (i) => Math.floor(random() * 1e6) + (i % 4 === 0 ? 0.5 : 0),
    };
    for (const [name, durationOf] of Object.entries(spreads)) {
      const store = new TaskStore();
      const want: { id: number; d: number }[] = [];
      for (let id = 1; id <= 3000; id++) {
        store.add({ ...base, kind: 'TaskBegin', id, time: id * 10 } as TraceEvent);
        if (id % 11 === 0) continue; // open: listed last
        const d = durationOf(id);
        store.add({ ...base, kind: 'TaskEnd', id, time: id * 10 + d } as TraceEvent);
        want.push({ id, d });
      }
      store.finish();
      want.sort((a, b) => a.d - b.d || a.id - b.id);
      const page = store.list({ filter: { state: 'ended' }, sort: { key: 'duration', descending: false }, offset: 0, limit: 3000 });
      assert.deepEqual(page.rows.map((r) => r.id), want.map((w) => w.id), name);
      const all = store.list({ filter: {}, sort: { key: 'duration', descending: true }, offset: 0, limit: 3000 });
      assert.deepEqual(all.rows.slice(0, want.length).map((r) => r.id), [...want].sort((a, b) => b.d - a.d || b.id - a.id).map((w) => w.id), `${name}, descending`);
    }
  });

  it('counts each duration in the bucket whose bounds hold it, past the first and last in those', () => {
    // From 8 ns on, where the bounds (ceil(2^(b/4))) are distinct.
    const durations = [8, 8.5, 11.25, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 0.5, 2 ** 40, 1e15];
    for (let b = 12; b < 200; b++) {
      const bound = Math.ceil(2 ** (b / 4));
      durations.push(bound - 1, bound - 0.5, bound, bound + 1);
    }
    for (const set of [durations, durations.filter((d) => d >= 1000 && d < 2 ** 32), durations.filter((d) => d > 2 ** 32)]) {
      const { boundsNs, counts } = logHistogram(set);
      const last = counts.length - 1;
      const plain = new Array<number>(counts.length).fill(0);
      for (const d of set) plain[Math.min(last, Math.max(0, boundsNs.filter((bound) => bound <= d).length - 1))]++;
      assert.deepEqual(counts, plain);
      assert.ok(Math.log2(boundsNs[0]) <= Math.log2(Math.min(...set.map((d) => Math.max(d, 1)))) && boundsNs[last] <= Math.max(...set));
    }
  });

  it('places durations on log-spaced bounds', () => {
    const h = logHistogram([1000, 1000, 1189, 2000, 1e6]);
    assert.equal(h.counts.reduce((a, b) => a + b, 0), 5);
    for (const d of [1000, 1189, 2000, 1e6]) {
      const i = h.boundsNs.findIndex((b, k) => d >= b && d < h.boundsNs[k + 1]);
      assert.ok(i >= 0 && h.counts[i] > 0, `${d} in ${JSON.stringify(h)}`);
    }
    assert.ok(h.boundsNs.every((b, i) => i === 0 || b / h.boundsNs[i - 1] < 1.2));
  });
});

describe('task explanation', () => {
  let answerer: QueryAnswerer;
  let store: TaskStore;
  before(async () => {
    const trace = await openTraceFile(whyslow);
    const analyzer = new TraceAnalyzer(trace.goVersion, 0);
    store = new TaskStore();
    await trace.forEach((ev) => { analyzer.add(ev); store.add(ev); });
    analyzer.finish();
    store.finish();
    answerer = new QueryAnswerer(analyzer, { store, open: (signal) => openTraceFile(whyslow, { signal }) });
  });

  it('gives every ended task and its regions the exact breakdowns of the breakdown pass, and a path tiling its window', async () => {
    const regionBreakdowns = new Map<string, number[]>();
    const { analyzer } = await analyzeRequests(await openTraceFile(whyslow), {
      onRegion: (c, v) => { if (c.how === 'end') regionBreakdowns.set(`${c.goroutine} ${c.region.startNs} ${c.region.type}`, [...v]); },
    });
    const reports = analyzer.tasks();
    assert.equal(reports.length, 15);
    for (const r of reports) {
      const e = (await answerer.answer({ kind: 'taskExplanation', id: r.id }))!;
      assert.deepEqual(e.breakdown, r.breakdown, `task ${r.id}`);
      const path = e.criticalPath!;
      assert.equal(path[0].endNs, r.endNs, 'latest segment first');
      assert.equal(path[path.length - 1].startNs, r.startNs);
      assert.ok(e.goroutines.includes(r.goroutine));
      assert.ok(e.regions.length > 0);
      for (const region of e.regions) {
        assert.deepEqual(Object.values(region.breakdown!), regionBreakdowns.get(`${region.goroutine} ${region.startNs} ${region.type}`), `region ${region.type}`);
      }
    }
  });

  it('lists a net.request\'s region with its source line, and its network wait on the path', async () => {
    const page = answerer.answer({ kind: 'taskList', query: { filter: { types: ['net.request'] }, offset: 0, limit: 1 } });
    const e = (await answerer.answer({ kind: 'taskExplanation', id: page.rows[0].id }))!;
    const query = e.regions.find((r) => r.type === 'db.query')!;
    assert.ok(query.durationNs! > 1e6, JSON.stringify(query));
    assert.match(query.site?.file ?? '', /whyslow\/main\.go$/);
    assert.equal(query.site?.line, 59);
    assert.equal(e.allListed, true);
    assert.ok(e.criticalPath!.some((s) => s.state === 'network' && s.region === 'db.query'));
    assert.match(e.criticalPathNote ?? '', /Network waits end in the netpoller/);
  });

  it('per call site: the sites of a type add up to it, each at its NewTask or WithRegion line, with its tail', async () => {
    const { analyzer } = await analyzeRequests(await openTraceFile(whyslow));
    const sites = analyzer.siteBreakdowns();
    for (const type of analyzer.typeBreakdowns()) {
      const mine = sites.filter((s) => s.kind === type.kind && s.type === type.type);
      assert.ok(mine.length >= 1, `${type.kind} ${type.type}`);
      assert.equal(mine.reduce((n, s) => n + s.count, 0), type.count);
      assert.equal(mine.reduce((n, s) => n + s.wallNs, 0), type.wallNs);
      for (const s of mine) assert.match(s.site.file, /whyslow\/main\.go$/);
    }
    const net = sites.find((s) => s.kind === 'task' && s.type === 'net.request')!;
    assert.equal(net.site.line, 57);
    assert.equal(net.tail?.component, 'network');
    assert.equal(sites.find((s) => s.kind === 'region' && s.type === 'db.query')?.site.line, 59);
  });

  it('carries its type\'s tail once the breakdown pass gave one', async () => {
    const { analyzer } = await analyzeRequests(await openTraceFile(whyslow));
    const tails = new Map(analyzer.typeBreakdowns().filter((t) => t.kind === 'task' && t.tail).map((t) => [t.type, t.tail!]));
    const withTails = new QueryAnswerer(new TraceAnalyzer('1.26', 0), { store, open: (signal) => openTraceFile(whyslow, { signal }), tails: () => tails });
    const id = store.list({ filter: { types: ['net.request'] }, offset: 0, limit: 1 }).rows[0].id;
    assert.match((await withTails.answer({ kind: 'taskExplanation', id }))!.tail?.sentence ?? '', /^p99 net\.request .* blocked on network in db\.query/);
  });

  it('answers null for an unknown id', async () => {
    assert.equal(await answerer.answer({ kind: 'taskExplanation', id: 987654321 }), null);
  });
});

describe('task explanation from the generation its task starts in', () => {
  /** Loads a trace as the worker does: the store and the generation index fed by the same read. */
  async function load(file: string): Promise<{ store: TaskStore; index: GenerationIndex }> {
    const store = new TaskStore();
    const index = new GenerationIndex(file);
    const trace = await openTraceFile(file, { onProgress: (p) => index.generationRead(p.bytesRead) });
    index.loaded = trace;
    await trace.forEach((ev) => { store.add(ev); index.event(ev.time); });
    store.finish();
    return { store, index };
  }

  for (const name of ['generations-go1.26.trace', 'annotations-go1.26-uptime200d.trace', 'whyslow-go1.26.trace', 'perrequest-go1.26.trace']) {
    it(`${name}: the same explanation as from the start, reading less`, async () => {
      const file = join(dir, name);
      const { store, index } = await load(file);
      const seeking = new QueryAnswerer(new TraceAnalyzer('1.26', 0), { store, open: (signal, from, messagesOfTask) => index.open(signal, from, { messagesOfTask }) });
      const fromStart = new QueryAnswerer(new TraceAnalyzer('1.26', 0), { store, open: (signal) => openTraceFile(file, { signal }) });
      const { analyzer } = await analyzeRequests(await openTraceFile(file));
      const ended = analyzer.tasks();
      assert.ok(ended.length > 0);
      const last = store.list({ filter: { state: 'ended' }, sort: { key: 'start', descending: true }, offset: 0, limit: 3 }).rows;
      for (const r of [...ended.slice(0, 5), ...last.map((t) => ended.find((e) => e.id === t.id)!)]) {
        const seek = (await seeking.answer({ kind: 'taskExplanation', id: r.id }))!;
        assert.deepEqual(seek.breakdown, r.breakdown, `${name} task ${r.id} breakdown`);
        assert.deepEqual(seek, await fromStart.answer({ kind: 'taskExplanation', id: r.id }), `${name} task ${r.id}`);
      }
    });
  }

  it('a background read (the breakdown pass) waits while an explanation reads', async () => {
    const { index } = await load(whyslow);
    let background = 0;
    let atForegroundEnd = -1;
    let foreground: Promise<void> | undefined;
    const all = (await index.open(new AbortController().signal, undefined, { background: true })).forEach(() => {
      if (background++ === 0) {
        foreground = index.open(new AbortController().signal).then((t) => t.forEach(() => undefined)).then(() => { atForegroundEnd = background; });
      }
    });
    await all;
    await foreground;
    let total = 0;
    await (await openTraceFile(whyslow)).forEach(() => { total++; });
    assert.equal(background, total);
    // Until its first pause (every 4,096 events) the background read runs on, then waits for the other; resumed, it
    // runs to its next pause before the other's end is noted here.
    assert.ok(atForegroundEnd >= 1 && atForegroundEnd <= 2 * 4096 + 64, `background read ${atForegroundEnd} of ${total} events meanwhile`);
    assert.ok(total > 3 * 4096, `${total} events`);
  });

  it('reads from a later generation: fewer events, the same region breakdowns and times', async () => {
    const file = join(dir, 'generations-go1.26.trace'); // ticks in regions across 3 generations
    const { index } = await load(file);
    assert.equal(index.generations, 3);
    const syncs: number[] = [];
    const full = new Map<string, number[]>();
    const collect = (into: Map<string, number[]>, from: number) => ({
      keep: { slowest: 0 },
      onRegion: (c: import('../../server/src/trace/requests/execClock').ClosedRegion, v: Float64Array) => {
        if (c.region.startNs >= from && c.how === 'end') into.set(`${c.goroutine} ${c.region.startNs} ${c.region.type} ${c.endNs}`, [...v]);
      },
    });
    let fullEvents = 0;
    await (await openTraceFile(file)).forEach((ev) => { fullEvents++; if (ev.kind === 'Sync') syncs.push(ev.time); });
    const from = syncs[2] + 1; // inside the third generation
    await analyzeRequests(await openTraceFile(file), collect(full, from));
    const seek = new Map<string, number[]>();
    let seekEvents = 0;
    await analyzeRequests(await index.open(new AbortController().signal, from), collect(seek, from), () => { seekEvents++; });
    assert.ok(full.size >= 2, `${full.size} regions in the third generation`);
    assert.deepEqual(seek, full);
    assert.ok(seekEvents < fullEvents / 2, `${seekEvents} events read from the third generation, ${fullEvents} in all`);
  });
});
