// Our statistics against Go's own, for every fixture trace: goldens/NAME.stats.json.gz holds what
// Go 1.26's internal/trace Summarizer and `go tool trace -pprof=…` compute for
// test/fixtures/traces/NAME.trace (regenerate with scripts/gen-stats-goldens.sh).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { openTraceFile } from '../../server/src/trace/reader';
import { analyzeEvents, STATISTICS_ONLY } from '../../server/src/trace/summary/analyzer';
import { statsJson } from '../../server/src/trace/summary/report';
import { MAX_GROUP_MEMBERS } from '../../server/src/trace/summary/goroutines';
import type { GoroutineGroup } from '../../common/traceModel';

const root = join(__dirname, '..', '..');
const goldenDir = join(__dirname, 'goldens');
const goldens = readdirSync(goldenDir).filter((f) => f.endsWith('.stats.json.gz')).sort();

type Latency = { count: number; completeCount: number; totalNs: number; p50Ns: number; p90Ns: number; p99Ns: number; maxNs: number };
interface Golden {
  error?: string;
  events: number;
  durationNs: number;
  tasks: Record<string, Latency>;
  regions: Record<string, Latency & { sites: { file: string; line: number; function: string; count: number }[] }>;
  logs: Record<string, number>;
  gc: { count: number; pauseNs: number };
  stw: { count: number; pauseNs: number };
  peakHeapBytes: number;
  goroutines: Record<string, { name: string; totalNs: number; execNs: number; schedWaitNs: number; syscallNs: number; syscallBlockNs: number; blockByReasonNs: Record<string, number>; unknownNs: number }>;
  blocking: Record<string, { count: number; totalNs: number; frames: string[] }[]>;
}

type GoGoroutine = Golden['goroutines'][string];
interface GroupSums { count: number; totalNs: number; execNs: number; schedWaitNs: number; syscallNs: number; syscallBlockNs: number; blockByReasonNs: Record<string, number>; unknownNs: number }

/** Go's goroutines summed by start function, as go tool trace's Goroutines page groups them. */
function goGroups(goroutines: Record<string, GoGoroutine>): Record<string, GroupSums> {
  const groups: Record<string, GroupSums> = {};
  for (const g of Object.values(goroutines)) {
    const s = (groups[g.name] ??= { count: 0, totalNs: 0, execNs: 0, schedWaitNs: 0, syscallNs: 0, syscallBlockNs: 0, blockByReasonNs: {}, unknownNs: 0 });
    s.count++;
    s.totalNs += g.totalNs;
    s.execNs += g.execNs;
    s.schedWaitNs += g.schedWaitNs;
    s.syscallNs += g.syscallNs;
    s.syscallBlockNs += g.syscallBlockNs;
    s.unknownNs += g.unknownNs;
    for (const [reason, ns] of Object.entries(g.blockByReasonNs)) s.blockByReasonNs[reason] = (s.blockByReasonNs[reason] ?? 0) + ns;
  }
  return groups;
}

function groupOf(g: GoroutineGroup): GroupSums {
  return {
    count: g.count, totalNs: g.totalNs, execNs: g.runningNs, schedWaitNs: g.runnableNs, syscallNs: g.syscallNs,
    syscallBlockNs: g.blockedNs.syscall ?? 0, blockByReasonNs: g.blockedByReasonNs, unknownNs: g.unknownNs,
  };
}

const latencyOf = (s: Latency): Latency => ({ count: s.count, completeCount: s.completeCount, totalNs: s.totalNs, p50Ns: s.p50Ns, p90Ns: s.p90Ns, p99Ns: s.p99Ns, maxNs: s.maxNs });

describe('statistics equal Go 1.26 internal/trace and go tool trace -pprof', () => {
  it('has goldens for the fixture traces', () => assert.ok(goldens.length >= 40, `${goldens.length} goldens`));

  for (const name of goldens) {
    const traceName = name.replace('.stats.json.gz', '');
    it(traceName, async () => {
      const golden = JSON.parse(gunzipSync(readFileSync(join(goldenDir, name))).toString('utf8')) as Golden;
      const trace = join(root, 'test', 'fixtures', 'traces', `${traceName}.trace`);
      const analyzer = await analyzeEvents(await openTraceFile(trace));
      const summary = analyzer.summary();
      const ours = statsJson(summary);
      assert.equal(ours.truncatedError !== undefined, golden.error !== undefined, `truncation: ours ${ours.truncatedError}, Go ${golden.error}`);
      assert.equal(ours.events, golden.events, 'events');
      assert.equal(ours.durationNs, golden.durationNs, 'duration');
      assert.deepEqual(Object.fromEntries(Object.entries(ours.tasks).map(([t, s]) => [t, latencyOf(s)])), golden.tasks, 'tasks');
      assert.deepEqual(Object.fromEntries(Object.entries(ours.regions).map(([t, s]) => [t, { ...latencyOf(s), sites: s.sites }])), golden.regions, 'regions');
      assert.deepEqual(Object.fromEntries(Object.entries(ours.logs).map(([c, l]) => [c, l.count])), golden.logs, 'logs');
      assert.deepEqual(ours.gc, golden.gc, 'gc');
      assert.deepEqual(ours.stw, golden.stw, 'stw');
      assert.equal(ours.peakHeapBytes, golden.peakHeapBytes, 'peak heap');

      // Every goroutine listed in its group (no fixture has a group beyond MAX_GROUP_MEMBERS) with Go's time split,
      // and each group's count and sums equal to Go's goroutine analysis, which groups by start function.
      const groups = summary.goroutineGroups;
      assert.ok(groups.every((g) => g.members.length === Math.min(g.count, MAX_GROUP_MEMBERS)), 'members listed');
      const goroutines = Object.fromEntries(groups.flatMap((group) => group.members).map((g) => [String(g.id), {
        name: g.name, totalNs: g.totalNs, execNs: g.runningNs, schedWaitNs: g.runnableNs, syscallNs: g.syscallNs,
        syscallBlockNs: g.blockedNs.syscall ?? 0, blockByReasonNs: g.blockedByReasonNs, unknownNs: g.unknownNs,
      }]));
      if (groups.every((g) => g.count <= MAX_GROUP_MEMBERS)) assert.deepEqual(goroutines, golden.goroutines, 'goroutine time split');
      else for (const [id, g] of Object.entries(goroutines)) assert.deepEqual(g, golden.goroutines[id], `goroutine ${id}`);
      assert.deepEqual(Object.fromEntries(groups.map((g) => [g.name, groupOf(g)])), goGroups(golden.goroutines), 'goroutine groups');
      assert.equal(summary.overview.goroutines, Object.keys(golden.goroutines).length, 'goroutines in the overview');

      for (const profile of summary.blocking) {
        const entries = profile.entries
          .map((e) => ({ count: e.count, totalNs: e.totalNs, frames: e.frames.map((f) => `${f.function} ${f.file}:${f.line}`) }))
          .sort((a, b) => b.totalNs - a.totalNs || a.frames.join('|').localeCompare(b.frames.join('|')));
        assert.deepEqual(entries, golden.blocking[profile.reason], `${profile.reason} profile`);
      }

      // `trace stats` analyses with less (no timeline, profiles or instances), reads neither log messages, nor
      // the scheduling of named goroutines, nor the runtime's detail, and must say the same.
      const statsOnly = await analyzeEvents(await openTraceFile(trace, { logMessages: false, scheduling: false, runtimeDetail: false }),
        0, undefined, STATISTICS_ONLY);
      assert.deepEqual(statsJson(statsOnly.summary()), ours, 'trace stats analysis');
    });
  }
});
