// Goroutine lanes grouped by start function on the per-request fixture (hundreds of short
// goroutines): the summary lane of each group, expanding a group, and search by id or function.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { openTraceFile } from '../../server/src/trace/reader';
import { analyzeEvents, type TraceAnalyzer } from '../../server/src/trace/summary/analyzer';
import { QueryAnswerer } from '../../server/src/traceService/queries';
import type { TimelineQuery } from '../../common/traceModel';

const trace = join(__dirname, '..', 'fixtures', 'traces', 'perrequest-go1.26.trace');

describe('timeline: goroutines grouped by start function', () => {
  let analyzer: TraceAnalyzer;
  let answerer: QueryAnswerer;
  let whole: TimelineQuery;
  before(async () => {
    analyzer = await analyzeEvents(await openTraceFile(trace));
    answerer = new QueryAnswerer(analyzer);
    const o = analyzer.summary().overview;
    whole = { startNs: o.startNs, endNs: o.endNs, resolutionNs: (o.endNs - o.startNs) / 1000 };
  });
  const timeline = (q: Partial<TimelineQuery>) => answerer.answer({ kind: 'timeline', query: { ...whole, ...q } });

  it('shows one summary lane per start function, with as many goroutines as the Goroutines view counts', () => {
    const flat = timeline({});
    const grouped = timeline({ groups: { expanded: [] } });
    const groups = grouped.lanes.filter((l) => l.lane.kind === 'group');
    const goroutineLanes = flat.lanes.filter((l) => l.lane.kind === 'goroutine').length;
    assert.ok(goroutineLanes > 300, `${goroutineLanes} goroutine lanes`);
    assert.equal(grouped.totalLanes, flat.totalLanes - goroutineLanes + groups.length, 'collapsed: only the summary lanes');
    assert.equal(groups.reduce((n, l) => n + l.group!.goroutines, 0), goroutineLanes);
    const serve = groups.find((l) => l.group!.name === 'main.serve');
    const counted = analyzer.summary().goroutineGroups.find((g) => g.name === 'main.serve');
    assert.equal(serve?.group?.goroutines, counted?.count);
    assert.equal(serve?.group?.goroutines, 300);
  });

  it('draws a summary lane whose average counts add up to the goroutines’ time in each state', () => {
    const serve = timeline({ groups: { expanded: [] } }).lanes.find((l) => l.group?.name === 'main.serve')!;
    const a = serve.activity!;
    const sum = (values: number[]) => values.reduce((n, v) => n + v, 0) * a.widthNs;
    const group = analyzer.summary().goroutineGroups.find((g) => g.name === 'main.serve')!;
    const blocked = Object.values(group.blockedNs).reduce((n, v) => n + (v ?? 0), 0) - (group.blockedNs.syscall ?? 0);
    // Float32 buckets: equal to within a thousandth.
    const close = (ours: number, go: number, what: string) => assert.ok(Math.abs(ours - go) <= 1e-3 * go + 1e3, `${what}: ${ours} against ${go}`);
    close(sum(a.running), group.runningNs + group.syscallNs + (group.blockedNs.syscall ?? 0), 'running');
    close(sum(a.runnable), group.runnableNs, 'runnable');
    close(sum(a.blocked), blocked, 'blocked');
  });

  it('lists a group’s goroutines by id under its summary lane when expanded', () => {
    const expanded = timeline({ groups: { expanded: ['main.serve'] } });
    const at = expanded.lanes.findIndex((l) => l.group?.name === 'main.serve');
    assert.equal(expanded.lanes[at].group?.expanded, true);
    const members = expanded.lanes.slice(at + 1, at + 301);
    assert.ok(members.every((l) => l.lane.kind === 'goroutine' && l.lane.label.endsWith(' main.serve')));
    const ids = members.map((l) => l.lane.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
  });

  it('finds a goroutine by id, and groups by start function', () => {
    const serve = timeline({ groups: { expanded: ['main.serve'] } }).lanes.find((l) => l.lane.kind === 'goroutine' && l.lane.label.endsWith('main.serve'))!;
    const byId = timeline({ groups: { expanded: [], search: String(serve.lane.id) } });
    assert.deepEqual(byId.lanes.filter((l) => l.lane.kind !== 'gc' && l.lane.kind !== 'proc').map((l) => [l.lane.kind, l.lane.id]).slice(1),
      [['goroutine', serve.lane.id]]);
    const byName = timeline({ groups: { expanded: [], search: 'fetchrelated' } });
    assert.deepEqual(byName.lanes.filter((l) => l.lane.kind === 'group').map((l) => l.group!.name), ['main.fetchRelated']);
  });
});
