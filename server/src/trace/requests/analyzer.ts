// RequestAnalyzer: the latency breakdown of every task and region instance, in its own pass over
// the reader's events (add, then finish). A region's breakdown is Go's UserRegionSummary
// GoroutineExecStats (execClock.ts). A task's is the sum over its outermost regions on each
// goroutine (those ended before the task), plus the time of the task covered by none of them
// ("outside"). Per type, instances are summed into log-spaced duration buckets (the tail explained
// from them); only the task reports options.keep asks for are kept.
import { NO_TASK, TraceError, type TraceEvent } from '../event';
import type { EventSource } from '../summary/analyzer';
import {
  BREAKDOWN_COMPONENTS, COMPONENT_LABELS, type Breakdown, type BreakdownComponent, type TailExplanation, type TaskInstanceReport,
  type SiteBreakdown, type TypeBreakdown,
} from '../../../../common/requestModel';
import type { SourceLocation } from '../../../../common/traceModel';
import { SiteResolver } from '../summary/sites';
import { formatDuration } from '../../../../common/format';
import { Interner } from './columns';
import { ExecClock, TOTAL, type ClosedRegion } from './execClock';

/** Breakdown vector indexes: the clock's stats (minus TOTAL) in BREAKDOWN_COMPONENTS order, then unknown and outside. */
const COMPONENTS = BREAKDOWN_COMPONENTS.length;
const UNKNOWN = BREAKDOWN_COMPONENTS.indexOf('unknown');
const OUTSIDE = BREAKDOWN_COMPONENTS.indexOf('outside');

/** A log that marks a task as matching `trace tasks --filter KEY=VALUE`. */
export interface LogFilter { category: string; message: string }

export interface RequestAnalyzerOptions {
  filter?: LogFilter;
  /**
   * Which ended tasks to keep as reports for tasks(): the `slowest` of `type` (all types when
   * absent) that match the log filter when `filtered` (none for 0). Without it every ended task is kept (small
   * traces, tests); with it memory does not grow with the trace.
   */
  keep?: { type?: string; slowest: number; filtered?: boolean };
  /** Called with each region's exact stats as it closes (tests compare them with Go's). */
  onRegion?: (closed: ClosedRegion, breakdown: Float64Array) => void;
  /** Called with each ended task's exact breakdown (BREAKDOWN_COMPONENTS order) as it ends. */
  onTask?: (id: number, breakdown: Float64Array) => void;
  /**
   * Only this task instance (an explanation): no other task is followed and nothing is summed per type
   * or call site, so its read holds the clock alone (onRegion still sees every region).
   */
  only?: number;
}

interface OpenTask {
  type: string;
  startNs: number;
  /** Start and end of each outermost region of the task, flattened. */
  covered: number[];
  breakdown: Float64Array;
  regions: number;
  matched: boolean;
  /** Per region type of the task (every region, nested too): the least depth, then the summed breakdown. */
  regionSums: Map<number, Float64Array>;
  site: SourceLocation | undefined;
}

/** The share of instances around the median that count as typical: ranks within ±5% of it. */
const TYPICAL_BAND = 0.05;
/** Duration buckets per doubling for the tail: instances within ~3% of each other share a bucket. */
const BUCKETS_PER_OCTAVE = 24;
/** Fields of a bucket: count, summed wall, least and greatest wall, then the summed breakdown. */
const B_COUNT = 0, B_WALL = 1, B_MIN = 2, B_MAX = 3, B_SUMS = 4;
/** Reports kept past `keep.slowest` before the slower half is cut again. */
const KEEP_SLACK = 256;

/**
 * The instances of one task or region type, as log-spaced duration buckets with summed breakdowns
 * (and, for a task type, the breakdown of each region type inside the bucket's tasks): enough for
 * percentiles within a bucket's width and for the tail explained, in memory that does not grow
 * with the number of instances.
 */
class TypeAggregate {
  count = 0;
  wallNs = 0;
  readonly breakdown = new Float64Array(COMPONENTS);
  readonly buckets = new Map<number, Float64Array>();
  /** bucket → region type → [least depth, ...summed breakdown]. */
  readonly regions = new Map<number, Map<number, Float64Array>>();

  add(wall: number, v: Float64Array, regionSums?: Map<number, Float64Array>): void {
    this.count++;
    this.wallNs += wall;
    for (let i = 0; i < COMPONENTS; i++) this.breakdown[i] += v[i];
    const key = Math.floor(Math.log2(Math.max(wall, 1)) * BUCKETS_PER_OCTAVE);
    let b = this.buckets.get(key);
    if (b === undefined) {
      this.buckets.set(key, (b = new Float64Array(B_SUMS + COMPONENTS)));
      b[B_MIN] = Infinity;
    }
    b[B_COUNT]++;
    b[B_WALL] += wall;
    b[B_MIN] = Math.min(b[B_MIN], wall);
    b[B_MAX] = Math.max(b[B_MAX], wall);
    for (let i = 0; i < COMPONENTS; i++) b[B_SUMS + i] += v[i];
    if (regionSums === undefined || regionSums.size === 0) return;
    let byType = this.regions.get(key);
    if (byType === undefined) this.regions.set(key, (byType = new Map()));
    for (const [type, sums] of regionSums) {
      const into = byType.get(type);
      if (into === undefined) byType.set(type, Float64Array.from(sums));
      else addRegionSums(into, sums);
    }
  }
}

/** Adds a region's [depth, ...breakdown] into summed ones, keeping the least depth. */
function addRegionSums(into: Float64Array, from: Float64Array): void {
  into[0] = Math.min(into[0], from[0]);
  for (let i = 1; i < into.length; i++) into[i] += from[i];
}

export class RequestAnalyzer {
  private readonly clock: ExecClock;
  private readonly openTasks = new Map<number, OpenTask>();
  private readonly types = new Interner();
  private readonly taskTypes = new Map<string, TypeAggregate>();
  private readonly regionTypes = new Map<string, TypeAggregate>();
  /** The same per call site (NewTask, StartRegion/WithRegion): type → site → aggregate. */
  private readonly taskSites = new Map<string, Map<SourceLocation, TypeAggregate>>();
  private readonly regionSites = new Map<string, Map<SourceLocation, TypeAggregate>>();
  private readonly sites = new SiteResolver();
  /** Ended tasks with a begin, as reports (only those options.keep asks for). */
  private kept: TaskInstanceReport[] = [];
  private readonly vector = new Float64Array(COMPONENTS);
  private finished = false;

  constructor(private readonly options: RequestAnalyzerOptions = {}) {
    this.clock = new ExecClock((closed) => this.regionClosed(closed));
  }

  add(ev: TraceEvent): void {
    this.clock.observe(ev.time);
    switch (ev.kind) {
      case 'Sync': this.clock.sync(ev.time); break;
      case 'StateTransition': this.clock.transition(ev); break;
      case 'RegionBegin': this.clock.regionBegin(ev); break;
      case 'RegionEnd': this.clock.regionEnd(ev); break;
      case 'TaskBegin':
        if (this.options.only !== undefined && ev.id !== this.options.only) break;
        this.openTasks.set(ev.id, {
          type: ev.type, startNs: ev.time, covered: [], breakdown: new Float64Array(COMPONENTS), regions: 0, matched: false, regionSums: new Map(),
          site: this.sites.siteOf(ev.stack),
        });
        break;
      case 'TaskEnd': this.taskEnd(ev.id, ev.type, ev.time, ev.goroutine); break;
      case 'Log': {
        const f = this.options.filter;
        const task = this.openTasks.get(ev.task);
        if (f !== undefined && task !== undefined && ev.category === f.category && ev.message === f.message) task.matched = true;
        break;
      }
      default:
    }
  }

  /** Closes what is still open at the last event, as Go's Summarizer.Finalize does; open tasks get no breakdown. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.clock.finish();
    this.openTasks.clear();
  }

  /** Ended task instances kept (see options.keep), slowest first. */
  tasks(query: { type?: string; slowest?: number; filtered?: boolean } = {}): TaskInstanceReport[] {
    this.prune();
    return this.kept
      .filter((t) => (query.type === undefined || t.type === query.type) && (query.filtered !== true || this.matched.has(t)))
      .slice(0, query.slowest ?? this.kept.length);
  }

  /** Per task type and per region type: summed breakdowns and the tail explained. */
  typeBreakdowns(): TypeBreakdown[] {
    const out: TypeBreakdown[] = [];
    for (const [kind, totals] of [['task', this.taskTypes], ['region', this.regionTypes]] as const) {
      for (const [type, t] of [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        out.push({ kind, type, count: t.count, wallNs: t.wallNs, breakdown: toBreakdown(t.breakdown), tail: this.tail(kind, type, t) });
      }
    }
    return out;
  }

  /** Per task and region call site (those with a stack in the trace): summed breakdowns and the tail explained. */
  siteBreakdowns(): SiteBreakdown[] {
    const out: SiteBreakdown[] = [];
    for (const [kind, byType] of [['task', this.taskSites], ['region', this.regionSites]] as const) {
      for (const [type, bySite] of byType) {
        for (const [site, t] of bySite) {
          out.push({ kind, type, site, count: t.count, wallNs: t.wallNs, breakdown: toBreakdown(t.breakdown), tail: this.tail(kind, type, t) });
        }
      }
    }
    return out;
  }

  /** Tasks kept that matched the log filter. */
  private readonly matched = new WeakSet<TaskInstanceReport>();

  private regionClosed(closed: ClosedRegion): void {
    const v = this.vector;
    const stats = closed.stats;
    let accounted = 0;
    for (let i = 0; i < TOTAL; i++) {
      v[i] = stats[i];
      accounted += stats[i];
    }
    v[UNKNOWN] = accounted < stats[TOTAL] ? stats[TOTAL] - accounted : 0; // Go's UnknownTime
    v[OUTSIDE] = 0;
    this.options.onRegion?.(closed, v);
    const region = closed.region;
    if (this.options.only === undefined) {
      aggregate(this.regionTypes, region.type).add(stats[TOTAL], v);
      const site = this.sites.siteOf(region.stack);
      if (site !== undefined) siteAggregate(this.regionSites, region.type, site).add(stats[TOTAL], v);
    }
    const task = region.task === NO_TASK ? undefined : this.openTasks.get(region.task);
    if (task === undefined) return;
    // Every region of the task, for the region holding its tail's time.
    const type = this.types.index(region.type);
    let sums = task.regionSums.get(type);
    if (sums === undefined) {
      // One array per region type of the task, not per region (millions in a pass).
      task.regionSums.set(type, (sums = new Float64Array(COMPONENTS + 1)));
      sums[0] = region.depth;
    } else sums[0] = Math.min(sums[0], region.depth);
    for (let i = 0; i < COMPONENTS; i++) sums[i + 1] += v[i];
    // An outermost region of the task ended before it: its breakdown adds to the task's.
    if (closed.how !== 'end' || !region.outermostInTask) return;
    task.regions++;
    task.covered.push(region.startNs, closed.endNs ?? region.startNs);
    for (let i = 0; i < COMPONENTS; i++) task.breakdown[i] += v[i];
  }

  private taskEnd(id: number, type: string, time: number, goroutine: number): void {
    const task = this.openTasks.get(id);
    if (task === undefined) return; // begun before the capture: no breakdown
    this.openTasks.delete(id);
    const wall = time - task.startNs;
    task.breakdown[OUTSIDE] = wall - coveredNs(task.covered, task.startNs, time);
    this.options.onTask?.(id, task.breakdown);
    if (this.options.only !== undefined) return;
    aggregate(this.taskTypes, type).add(wall, task.breakdown, task.regionSums); // Go names a task from its end event too
    if (task.site !== undefined) siteAggregate(this.taskSites, type, task.site).add(wall, task.breakdown, task.regionSums);
    const keep = this.options.keep;
    if (keep !== undefined && (keep.slowest <= 0 || (keep.type !== undefined && keep.type !== type) || (keep.filtered === true && !task.matched))) return;
    const report: TaskInstanceReport = {
      id, type, startNs: task.startNs, endNs: time, durationNs: wall, goroutine, regions: task.regions, breakdown: toBreakdown(task.breakdown),
    };
    if (task.matched) this.matched.add(report);
    this.kept.push(report);
    if (keep !== undefined && this.kept.length > keep.slowest + KEEP_SLACK) this.prune(keep.slowest);
  }

  /** Sorts the kept reports slowest first (ties by start), keeping the `slowest` first when given. */
  private prune(slowest?: number): void {
    this.kept.sort((a, b) => b.durationNs - a.durationNs || a.startNs - b.startNs);
    if (slowest !== undefined) this.kept.length = Math.min(this.kept.length, slowest);
  }

  /**
   * The slowest 1% (at least one) against those within ±5% of the median rank, both taken as the
   * whole duration buckets those ranks fall in (instances within ~3% of each other).
   */
  private tail(kind: 'task' | 'region', type: string, agg: TypeAggregate): TailExplanation | undefined {
    if (agg.count < 2) return undefined;
    const keys = [...agg.buckets.keys()].sort((a, b) => a - b);
    const n = agg.count;
    const rank = (p: number) => Math.max(1, Math.min(n, Math.ceil((p / 100) * n))) - 1;
    const band = Math.floor(n * TYPICAL_BAND);
    const [p50, p99] = [rank(50), rank(99)];
    // The bucket holding each rank, and the ranks each bucket starts at.
    const first: number[] = [];
    let seen = 0;
    for (const k of keys) {
      first.push(seen);
      seen += agg.buckets.get(k)![B_COUNT];
    }
    const bucketOf = (r: number) => { let i = 0; while (i + 1 < keys.length && first[i + 1] <= r) i++; return i; };
    const tailFrom = bucketOf(p99);
    const typicalFrom = bucketOf(Math.max(0, p50 - band));
    const typicalTo = Math.min(bucketOf(Math.min(n - 1, p50 + band)), tailFrom - 1);
    if (typicalTo < typicalFrom) return undefined; // the median is in the tail's bucket: nothing sets the tail apart
    const sums = (from: number, to: number) => {
      const s = new Float64Array(B_SUMS + COMPONENTS);
      s[B_MIN] = Infinity;
      for (let i = from; i <= to; i++) {
        const b = agg.buckets.get(keys[i])!;
        for (let f = 0; f < s.length; f++) if (f !== B_MIN && f !== B_MAX) s[f] += b[f];
        s[B_MIN] = Math.min(s[B_MIN], b[B_MIN]);
        s[B_MAX] = Math.max(s[B_MAX], b[B_MAX]);
      }
      return s;
    };
    const t = sums(tailFrom, keys.length - 1);
    const m = sums(typicalFrom, typicalTo);
    const tailCount = t[B_COUNT];
    const typicalCount = m[B_COUNT];
    // The component that adds the most time per instance in the tail.
    const extra = (i: number) => t[B_SUMS + i] / tailCount - m[B_SUMS + i] / typicalCount;
    let best = 0;
    for (let i = 1; i < COMPONENTS; i++) if (extra(i) > extra(best)) best = i;
    const component: BreakdownComponent = BREAKDOWN_COMPONENTS[best];
    const region = kind === 'task' && component !== 'outside' ? this.regionHolding(agg, keys.slice(tailFrom), best, t[B_SUMS + best]) : undefined;
    const tailShare = t[B_WALL] > 0 ? t[B_SUMS + best] / t[B_WALL] : 0;
    const typicalShare = m[B_WALL] > 0 ? m[B_SUMS + best] / m[B_WALL] : 0;
    // p99: the least duration in the tail; p50: the typical instances' mean (within a bucket's width of the median).
    const p99Ns = t[B_MIN];
    const p50Ns = m[B_WALL] / typicalCount;
    const pct = (x: number) => `${Math.round(100 * x)}%`;
    const sentence = `p99 ${type} (${tailCount} ≥ ${formatDuration(p99Ns)}) spend ${pct(tailShare)} ${COMPONENT_LABELS[component]}` +
      `${region === undefined ? '' : ` in ${region}`}; p50 (${formatDuration(p50Ns)}) spend ${pct(typicalShare)}` +
      ` (+${formatDuration(extra(best))} per instance)`;
    return { component, region, p50Ns, p99Ns, tailCount, typicalCount, tailShare, typicalShare, sentence };
  }

  /**
   * The region type of the tail's tasks that holds a component: the deepest one holding at least
   * half of the tasks' total of it (an inner "db.query" rather than the whole "handle").
   */
  private regionHolding(agg: TypeAggregate, tailBuckets: number[], component: number, total: number): string | undefined {
    const byType = new Map<number, Float64Array>();
    for (const key of tailBuckets) {
      for (const [type, sums] of agg.regions.get(key) ?? []) {
        const into = byType.get(type);
        if (into === undefined) byType.set(type, Float64Array.from(sums));
        else addRegionSums(into, sums);
      }
    }
    let best: { type: number; ns: number; depth: number } | undefined;
    for (const [type, sums] of byType) {
      const ns = sums[1 + component];
      const depth = sums[0];
      if (ns < total / 2 || ns === 0) continue;
      if (best === undefined || depth > best.depth || (depth === best.depth && ns > best.ns)) best = { type, ns, depth };
    }
    return best === undefined ? undefined : this.types.values[best.type];
  }
}

function siteAggregate(totals: Map<string, Map<SourceLocation, TypeAggregate>>, type: string, site: SourceLocation): TypeAggregate {
  let bySite = totals.get(type);
  if (bySite === undefined) totals.set(type, (bySite = new Map()));
  let t = bySite.get(site);
  if (t === undefined) bySite.set(site, (t = new TypeAggregate()));
  return t;
}

function aggregate(totals: Map<string, TypeAggregate>, type: string): TypeAggregate {
  let t = totals.get(type);
  if (t === undefined) totals.set(type, (t = new TypeAggregate()));
  return t;
}

/** The length of the union of [start, end) intervals (flattened pairs), clipped to [from, to]. */
export function coveredNs(pairs: readonly number[], from: number, to: number): number {
  const spans: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const s = Math.max(pairs[i], from);
    const e = Math.min(pairs[i + 1], to);
    if (e > s) spans.push([s, e]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = -Infinity;
  for (const [s, e] of spans) {
    if (e <= reach) continue;
    covered += e - Math.max(s, reach);
    reach = e;
  }
  return covered;
}

export function toBreakdown(v: Float64Array): Breakdown {
  const b = {} as Breakdown;
  BREAKDOWN_COMPONENTS.forEach((c, i) => { b[c] = v[i]; });
  return b;
}


/**
 * Runs a whole trace through a new RequestAnalyzer. A TraceError after some events (a truncated or
 * corrupt file) finishes with what the complete generations hold, as Go keeps them; it is returned.
 */
export async function analyzeRequests(source: EventSource, options: RequestAnalyzerOptions = {},
  onEvent?: (ev: TraceEvent) => void): Promise<{ analyzer: RequestAnalyzer; error?: TraceError }> {
  const analyzer = new RequestAnalyzer(options);
  let events = 0;
  try {
    await source.forEach((ev) => {
      events++;
      onEvent?.(ev);
      analyzer.add(ev);
    });
  } catch (error) {
    if (!(error instanceof TraceError) || events === 0) throw error;
    analyzer.finish();
    return { analyzer, error };
  }
  analyzer.finish();
  return { analyzer };
}
