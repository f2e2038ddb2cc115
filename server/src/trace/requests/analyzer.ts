// RequestAnalyzer: the latency breakdown of every task and region instance, in its own pass over
// the reader's events (add, then finish). A region's breakdown is Go's UserRegionSummary
// GoroutineExecStats (execClock.ts). A task's is the sum over its outermost regions on each
// goroutine (those ended before the task), plus the time of the task covered by none of them
// ("outside"). Instances are rows of typed-array columns: ~150 bytes per task, ~70 per region.
import { NO_TASK, TraceError, type TraceEvent } from '../event';
import type { EventSource } from '../summary/analyzer';
import {
  BREAKDOWN_COMPONENTS, COMPONENT_LABELS, type Breakdown, type BreakdownComponent, type TailExplanation, type TaskInstanceReport,
  type TypeBreakdown,
} from '../../../../common/requestModel';
import { formatDuration } from '../../../../common/format';
import { float32, float64, Interner, uint32 } from './columns';
import { ExecClock, TOTAL, type ClosedRegion } from './execClock';

/** Breakdown vector indexes: the clock's stats (minus TOTAL) in BREAKDOWN_COMPONENTS order, then unknown and outside. */
const COMPONENTS = BREAKDOWN_COMPONENTS.length;
const UNKNOWN = BREAKDOWN_COMPONENTS.indexOf('unknown');
const OUTSIDE = BREAKDOWN_COMPONENTS.indexOf('outside');

/** A log that marks a task as matching `trace tasks --filter KEY=VALUE`. */
export interface LogFilter { category: string; message: string }

export interface RequestAnalyzerOptions {
  filter?: LogFilter;
  /** Called with each region's exact stats as it closes (tests compare them with Go's). */
  onRegion?: (closed: ClosedRegion, breakdown: Float64Array) => void;
  /** False: keep no task or region rows (tasks(), tails and per-type sums stay empty), only call the hooks. */
  keepInstances?: boolean;
  /** Called with each ended task's exact breakdown (BREAKDOWN_COMPONENTS order) as it ends. */
  onTask?: (id: number, breakdown: Float64Array) => void;
}

interface OpenTask {
  type: string;
  startNs: number;
  /** Start and end of each outermost region of the task, flattened. */
  covered: number[];
  breakdown: Float64Array;
  regions: number;
  matched: boolean;
}

interface TypeTotals { count: number; wallNs: number; breakdown: Float64Array; rows: number[] }

/** The share of instances around the median that count as typical: ranks within ±5% of it. */
const TYPICAL_BAND = 0.05;

export class RequestAnalyzer {
  private readonly clock: ExecClock;
  private readonly openTasks = new Map<number, OpenTask>();
  private readonly types = new Interner();
  private readonly taskTotals = new Map<string, TypeTotals>();
  private readonly regionTotals = new Map<string, TypeTotals>();
  // Ended tasks with a begin: one row each.
  private taskRows = 0;
  private readonly taskId = float64();
  private readonly taskType = uint32();
  /** start, end, ending goroutine, outermost regions summed, 1 if it matched the log filter. */
  private readonly taskMeta = float64(5);
  private readonly taskBreakdown = float64(COMPONENTS);
  // Regions with a begin: one row each (breakdowns as float32: for shares, not exact sums).
  private regionRows = 0;
  private readonly regionType = uint32();
  /** task, depth, wall. */
  private readonly regionMeta = float64(3);
  private readonly regionBreakdown = float32(COMPONENTS);
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
        this.openTasks.set(ev.id, { type: ev.type, startNs: ev.time, covered: [], breakdown: new Float64Array(COMPONENTS), regions: 0, matched: false });
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

  /** Ended task instances, slowest first. */
  tasks(query: { type?: string; slowest?: number; filtered?: boolean } = {}): TaskInstanceReport[] {
    const typeRow = query.type === undefined ? undefined : this.types.find(query.type);
    if (query.type !== undefined && typeRow === undefined) return [];
    const rows: number[] = [];
    for (let row = 0; row < this.taskRows; row++) {
      if (typeRow !== undefined && this.taskType.get(row) !== typeRow) continue;
      if (query.filtered === true && this.taskMeta.get(row, 4) === 0) continue;
      rows.push(row);
    }
    rows.sort((a, b) => this.taskWall(b) - this.taskWall(a) || this.taskMeta.get(a, 0) - this.taskMeta.get(b, 0));
    return rows.slice(0, query.slowest ?? rows.length).map((row) => this.taskReport(row));
  }

  /** Per task type and per region type: summed breakdowns and the tail explained. */
  typeBreakdowns(): TypeBreakdown[] {
    const out: TypeBreakdown[] = [];
    for (const [kind, totals] of [['task', this.taskTotals], ['region', this.regionTotals]] as const) {
      for (const [type, t] of [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        out.push({ kind, type, count: t.count, wallNs: t.wallNs, breakdown: toBreakdown(t.breakdown), tail: this.tail(kind, type, t.rows) });
      }
    }
    return out;
  }

  /** Bytes held by instance columns (for the memory budget). */
  get instanceBytes(): number {
    return this.taskId.bytes + this.taskType.bytes + this.taskMeta.bytes + this.taskBreakdown.bytes +
      this.regionType.bytes + this.regionMeta.bytes + this.regionBreakdown.bytes;
  }

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
    if (this.options.keepInstances === false) {
      this.addToTask(closed, v);
      return;
    }
    const region = closed.region;
    const wall = stats[TOTAL];
    const row = this.regionRows++;
    this.regionType.ensure(row + 1);
    this.regionMeta.ensure(row + 1);
    this.regionBreakdown.ensure(row + 1);
    this.regionType.set(row, 0, this.types.index(region.type));
    this.regionMeta.set(row, 0, region.task);
    this.regionMeta.set(row, 1, region.depth);
    this.regionMeta.set(row, 2, wall);
    for (let i = 0; i < COMPONENTS; i++) this.regionBreakdown.set(row, i, v[i]);
    addTotals(this.regionTotals, region.type, wall, v, row);
    this.addToTask(closed, v);
  }

  /** An outermost region of a task ended before it: its breakdown adds to the task's. */
  private addToTask(closed: ClosedRegion, v: Float64Array): void {
    const region = closed.region;
    if (closed.how !== 'end' || !region.outermostInTask || region.task === NO_TASK) return;
    const task = this.openTasks.get(region.task);
    if (task === undefined) return;
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
    if (this.options.keepInstances === false) return;
    const row = this.taskRows++;
    this.taskId.ensure(row + 1);
    this.taskType.ensure(row + 1);
    this.taskMeta.ensure(row + 1);
    this.taskBreakdown.ensure(row + 1);
    this.taskId.set(row, 0, id);
    this.taskType.set(row, 0, this.types.index(type)); // Go names a task from its end event too
    this.taskMeta.set(row, 0, task.startNs);
    this.taskMeta.set(row, 1, time);
    this.taskMeta.set(row, 2, goroutine);
    this.taskMeta.set(row, 3, task.regions);
    this.taskMeta.set(row, 4, task.matched ? 1 : 0);
    for (let i = 0; i < COMPONENTS; i++) this.taskBreakdown.set(row, i, task.breakdown[i]);
    addTotals(this.taskTotals, type, wall, task.breakdown, row);
  }

  private taskWall(row: number): number { return this.taskMeta.get(row, 1) - this.taskMeta.get(row, 0); }

  private taskReport(row: number): TaskInstanceReport {
    const v = new Float64Array(COMPONENTS);
    for (let i = 0; i < COMPONENTS; i++) v[i] = this.taskBreakdown.get(row, i);
    return {
      id: this.taskId.get(row), type: this.types.values[this.taskType.get(row)], startNs: this.taskMeta.get(row, 0), endNs: this.taskMeta.get(row, 1),
      durationNs: this.taskWall(row), goroutine: this.taskMeta.get(row, 2), regions: this.taskMeta.get(row, 3), breakdown: toBreakdown(v),
    };
  }

  private rowWall(kind: 'task' | 'region', row: number): number { return kind === 'task' ? this.taskWall(row) : this.regionMeta.get(row, 2); }
  private rowComponent(kind: 'task' | 'region', row: number, i: number): number {
    return kind === 'task' ? this.taskBreakdown.get(row, i) : this.regionBreakdown.get(row, i);
  }

  /** The slowest 1% (at least one) against those within ±5% of the median rank. */
  private tail(kind: 'task' | 'region', type: string, rows: number[]): TailExplanation | undefined {
    if (rows.length < 2) return undefined;
    const sorted = [...rows].sort((a, b) => this.rowWall(kind, a) - this.rowWall(kind, b));
    const rank = (p: number) => Math.max(1, Math.min(sorted.length, Math.ceil((p / 100) * sorted.length))) - 1;
    const p50 = rank(50);
    const p99 = rank(99);
    const band = Math.floor(sorted.length * TYPICAL_BAND);
    const tail = sorted.slice(p99);
    const typical = sorted.slice(Math.max(0, p50 - band), Math.min(p99, p50 + band + 1));
    if (typical.length === 0) return undefined;
    const sums = (group: number[]) => {
      const s = new Float64Array(COMPONENTS + 1);
      for (const row of group) {
        for (let i = 0; i < COMPONENTS; i++) s[i] += this.rowComponent(kind, row, i);
        s[COMPONENTS] += this.rowWall(kind, row);
      }
      return s;
    };
    const t = sums(tail);
    const m = sums(typical);
    if (t[COMPONENTS] / tail.length <= m[COMPONENTS] / typical.length) return undefined;
    // The component that adds the most time per instance in the tail.
    let best = 0;
    for (let i = 1; i < COMPONENTS; i++) {
      if (t[i] / tail.length - m[i] / typical.length > t[best] / tail.length - m[best] / typical.length) best = i;
    }
    const component: BreakdownComponent = BREAKDOWN_COMPONENTS[best];
    const region = kind === 'task' && component !== 'outside' ? this.regionHolding(new Set(tail.map((r) => this.taskId.get(r))), best, t[best]) : undefined;
    const tailShare = t[COMPONENTS] > 0 ? t[best] / t[COMPONENTS] : 0;
    const typicalShare = m[COMPONENTS] > 0 ? m[best] / m[COMPONENTS] : 0;
    const p50Ns = this.rowWall(kind, sorted[p50]);
    const p99Ns = this.rowWall(kind, sorted[p99]);
    const pct = (x: number) => `${Math.round(100 * x)}%`;
    const sentence = `p99 ${type} (${tail.length} ≥ ${formatDuration(p99Ns)}) spend ${pct(tailShare)} ${COMPONENT_LABELS[component]}` +
      `${region === undefined ? '' : ` in ${region}`}; p50 (${formatDuration(p50Ns)}) spend ${pct(typicalShare)}` +
      ` (+${formatDuration(t[best] / tail.length - m[best] / typical.length)} per instance)`;
    return { component, region, p50Ns, p99Ns, tailCount: tail.length, typicalCount: typical.length, tailShare, typicalShare, sentence };
  }

  /**
   * The region type of the given tasks that holds a component: the deepest one holding at least
   * half of the tasks' total of it (an inner "db.query" rather than the whole "handle").
   */
  private regionHolding(tasks: Set<number>, component: number, total: number): string | undefined {
    const byType = new Map<number, { ns: number; depth: number }>();
    for (let row = 0; row < this.regionRows; row++) {
      if (!tasks.has(this.regionMeta.get(row, 0))) continue;
      const type = this.regionType.get(row);
      const e = byType.get(type) ?? { ns: 0, depth: Infinity };
      e.ns += this.regionBreakdown.get(row, component);
      e.depth = Math.min(e.depth, this.regionMeta.get(row, 1));
      byType.set(type, e);
    }
    let best: { type: number; ns: number; depth: number } | undefined;
    for (const [type, e] of byType) {
      if (e.ns < total / 2 || e.ns === 0) continue;
      if (best === undefined || e.depth > best.depth || (e.depth === best.depth && e.ns > best.ns)) best = { type, ...e };
    }
    return best === undefined ? undefined : this.types.values[best.type];
  }
}

function addTotals(totals: Map<string, TypeTotals>, type: string, wall: number, v: Float64Array, row: number): void {
  let t = totals.get(type);
  if (t === undefined) totals.set(type, (t = { count: 0, wallNs: 0, breakdown: new Float64Array(COMPONENTS), rows: [] }));
  t.count++;
  t.wallNs += wall;
  t.rows.push(row);
  for (let i = 0; i < COMPONENTS; i++) t.breakdown[i] += v[i];
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
