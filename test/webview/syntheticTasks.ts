// A test-only answer to the Tasks view's queries over made-up task instances (200,000 by default),
// for what no fixture trace has: a list far longer than the screen, hostile type and log strings,
// a trace still loading. Deterministic, so a test can compute the answer it expects. Every other
// query goes to the real answerer of a fixture trace.
import { BREAKDOWN_COMPONENTS, type Breakdown, type PathSegment } from '../../common/requestModel';
import type { TaskExplanation, TaskFilter, TaskListPage, TaskListQuery, TaskRow } from '../../common/taskModel';
import type { TaskTypeStats } from '../../common/traceModel';
import type { ViewerQuery } from '../../common/traceProtocol';
import type { LoadedTrace } from './page';

export const HOSTILE_TYPE = '<img src=x onerror="window.__xss=1">';
export const HOSTILE_LOG = '<script>window.__xss=2</script>';
export const SYNTHETIC_TYPES = ['http.request', 'db.batch', 'cache.refill', HOSTILE_TYPE];
export const SITE_FILE = '/src/shop/orders.go';

interface SyntheticTask extends TaskRow { orderID: string }

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-spaced bucket bounds, 1 µs to about 17 s, doubling. */
export const BOUNDS_NS = Array.from({ length: 25 }, (_, i) => 1000 * 2 ** i);

export class SyntheticTasks {
  readonly tasks: SyntheticTask[] = [];
  /** False: every answer says the trace is still loading. */
  complete = true;
  /** Queries answered, by kind, for tests that check what was asked. */
  readonly asked: ViewerQuery[] = [];
  private cache?: { key: string; rows: SyntheticTask[]; histogram: TaskListPage['histogram'] };

  constructor(readonly count: number, readonly traceStartNs: number) {
    const next = random(16);
    for (let i = 0; i < count; i++) {
      const type = SYNTHETIC_TYPES[i % SYNTHETIC_TYPES.length];
      const unended = i % 97 === 0;
      const startNs = traceStartNs + i * 1000;
      // Log-normal-ish durations: most around 1 ms, a tail to about a second.
      const durationNs = Math.round(200_000 * Math.exp(next() * 3 + (next() < 0.02 ? 5 : 0)));
      this.tasks.push({
        id: i + 1, parent: 0, type, startNs, endNs: unended ? undefined : startNs + durationNs, durationNs: unended ? undefined : durationNs,
        goroutines: 1 + (i % 5), regions: 2 + (i % 3), logs: 1, site: { function: 'main.handle', file: SITE_FILE, line: 40 + (i % SYNTHETIC_TYPES.length) },
        orderID: i % 500 === 7 ? HOSTILE_LOG : String(i % 1000),
      });
    }
  }

  typeStats(): TaskTypeStats[] {
    return SYNTHETIC_TYPES.map((type) => {
      const durations = this.tasks.filter((t) => t.type === type && t.durationNs !== undefined).map((t) => t.durationNs!).sort((a, b) => a - b);
      const at = (p: number): number => durations[Math.min(durations.length - 1, Math.ceil((p / 100) * durations.length) - 1)];
      return {
        type, count: this.tasks.filter((t) => t.type === type).length, completeCount: durations.length, totalNs: durations.reduce((a, b) => a + b, 0),
        p50Ns: at(50), p90Ns: at(90), p99Ns: at(99), maxNs: durations[durations.length - 1], histogram: { boundsNs: [], counts: [] }, sites: [],
      };
    });
  }

  /** A loaded fixture trace whose task queries this answers instead (its summary lists the synthetic types). */
  over(trace: LoadedTrace): LoadedTrace {
    const summary = { ...trace.status.summary!, tasks: this.typeStats() };
    return {
      status: { ...trace.status, summary },
      answerer: {
        answer: (query: ViewerQuery) => {
          if (query.kind === 'taskList') { this.asked.push(query); return this.list(query.query); }
          if (query.kind === 'taskExplanation') { this.asked.push(query); return this.explain(query.id); }
          return trace.answerer.answer(query);
        },
      },
    };
  }

  /** The filter without its duration range, the histogram's population. */
  private matches(filter: TaskFilter, withRange: boolean): (t: SyntheticTask) => boolean {
    return (t) => {
      if (filter.types && filter.types.length > 0 && !filter.types.includes(t.type)) return false;
      if (filter.state === 'ended' && t.durationNs === undefined) return false;
      if (filter.state === 'unended' && t.durationNs !== undefined) return false;
      if (filter.log && (filter.log.category !== 'orderID' || (filter.log.message !== undefined && filter.log.message !== t.orderID))) return false;
      if (withRange && (filter.minDurationNs !== undefined || filter.maxDurationNs !== undefined)) {
        if (t.durationNs === undefined) return false;
        if (t.durationNs < (filter.minDurationNs ?? 0) || t.durationNs > (filter.maxDurationNs ?? Infinity)) return false;
      }
      return true;
    };
  }

  list(query: TaskListQuery): TaskListPage {
    const key = JSON.stringify([query.filter, query.sort, query.slowestPerType]);
    if (this.cache?.key !== key) {
      const sort = query.sort ?? { key: 'duration', descending: true };
      let population = this.tasks.filter(this.matches(query.filter, false));
      if (query.slowestPerType !== undefined) {
        const n = query.slowestPerType;
        population = SYNTHETIC_TYPES.flatMap((type) => population.filter((t) => t.type === type && t.durationNs !== undefined)
          .sort((a, b) => b.durationNs! - a.durationNs!).slice(0, n));
      }
      const counts = new Array<number>(BOUNDS_NS.length - 1).fill(0);
      for (const t of population) {
        if (t.durationNs === undefined) continue;
        const bucket = BOUNDS_NS.findIndex((b, i) => t.durationNs! >= b && t.durationNs! < (BOUNDS_NS[i + 1] ?? Infinity));
        if (bucket >= 0 && bucket < counts.length) counts[bucket]++;
      }
      const rows = population.filter(this.matches(query.filter, true));
      const value = (t: SyntheticTask): number | string => {
        switch (sort.key) {
          case 'duration': return t.durationNs ?? (sort.descending ? -1 : Infinity);
          case 'start': return t.startNs ?? -Infinity;
          case 'id': return t.id;
          case 'type': return t.type;
          case 'goroutines': case 'regions': case 'logs': return t[sort.key];
        }
      };
      rows.sort((a, b) => {
        const [x, y] = [value(a), value(b)];
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return (sort.descending ? -order : order) || a.id - b.id;
      });
      this.cache = { key, rows, histogram: { boundsNs: BOUNDS_NS, counts } };
    }
    const { rows, histogram } = this.cache;
    return {
      total: rows.length, offset: query.offset, complete: this.complete, histogram,
      rows: rows.slice(query.offset, query.offset + query.limit).map(({ orderID: _orderID, ...row }) => row),
    };
  }

  /** False until the worker's breakdown pass is done: explanations have no tail yet. */
  tailsReady = true;

  explain(id: number): TaskExplanation | null {
    const task = this.tasks[id - 1];
    if (!task) return null;
    const { orderID, ...row } = task;
    const start = row.startNs!;
    const end = row.endNs ?? start + 1_000_000;
    const wall = end - start;
    const g = 2000 + (id % 50);
    const site = (line: number, fn = 'main.handle') => ({ function: fn, file: SITE_FILE, line });
    const breakdown = Object.fromEntries(BREAKDOWN_COMPONENTS.map((c) => [c, 0])) as Breakdown;
    breakdown.network = Math.round(wall * 0.64);
    breakdown.running = Math.round(wall * 0.2);
    breakdown.runnable = Math.round(wall * 0.1);
    breakdown.outside = wall - breakdown.network - breakdown.running - breakdown.runnable;
    const cut = (f: number): number => start + Math.round(wall * f);
    const criticalPath: PathSegment[] = [
      { startNs: cut(0.9), endNs: end, goroutine: g, goroutineName: 'main.handle', state: 'running', region: 'encode', site: site(61) },
      { startNs: cut(0.26), endNs: cut(0.9), goroutine: g + 1, goroutineName: 'main.query', state: 'network', reason: 'network', region: 'db.query', site: site(57, 'main.query') },
      { startNs: cut(0.16), endNs: cut(0.26), goroutine: g, state: 'runnable' },
      { startNs: start, endNs: cut(0.16), goroutine: g, goroutineName: 'main.handle', state: 'running', region: 'decode', site: site(52) },
    ];
    return {
      task: row,
      breakdown: row.durationNs === undefined ? undefined : breakdown,
      criticalPath: row.durationNs === undefined ? undefined : criticalPath,
      goroutines: [g, g + 1],
      regions: [
        { type: 'decode', goroutine: g, task: id, startNs: start, endNs: cut(0.16), durationNs: cut(0.16) - start, depth: 0, site: site(52) },
        { type: 'db.query', goroutine: g + 1, task: id, startNs: cut(0.26), endNs: cut(0.9), durationNs: cut(0.9) - cut(0.26), depth: 0, site: site(57) },
      ],
      logs: [{ timeNs: start + 10, goroutine: g, task: id, category: 'orderID', message: orderID, site: site(50) }],
      // The next two instances stand in for a fan-out's children.
      children: this.tasks.slice(id, id + 2).map(({ orderID: _orderID, ...child }) => child),
      allListed: true,
      tail: this.tailsReady ? {
        component: 'network', region: 'db.query', p50Ns: 1_000_000, p99Ns: 12_000_000, tailCount: 20, typicalCount: 200, tailShare: 0.71, typicalShare: 0.09,
        sentence: `p99 ${row.type} spend 71% blocked on network in db.query; p50 spend 9%`,
      } : undefined,
    };
  }
}
