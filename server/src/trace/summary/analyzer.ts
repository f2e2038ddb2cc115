// TraceAnalyzer: the streaming analysis behind `trace stats`, the viewer and the CodeLens.
// Feed it the reader's events in order (add), then call finish(); summary() may also be
// called while the trace loads, for a first view.
//
// Memory stays bounded by what the trace holds, not by its event count: durations are 2 to 8 bytes
// per task/region in typed arrays, kept region instances are capped per source site (instances.ts),
// an open task is a small record until it ends, the timeline has a span budget (timeline.ts), and
// blocking profiles are per distinct stack. Task instances are the TaskStore's (requests/taskStore.ts).
// Per-goroutine state is kept while a goroutine lives: an exited one is folded into its group (goroutines.ts).
import { NO_ID, TraceError, type LogEvent, type RangeEvent, type RegionEvent, type TaskEvent, type TraceEvent } from '../event';
import type { OpenedTrace, SkippedEvents } from '../reader';
import type {
  InstanceList, InstanceQuery, LogCategoryStats, RegionInstance, SourceLocation, TraceOverview, TraceSummary,
} from '../../../../common/traceModel';
import { AnnotationStats } from './annotationStats';
import { BlockingProfiles } from './blocking';
import { GoroutineTracker, type OpenRegion, type RegionClose } from './goroutines';
import type { RangeLog } from './rangeLog';
import { SiteResolver } from './sites';
import { GoroutineLanes } from './goroutineLanes';
import { GoroutineSlots } from './goroutineSlots';
import { grownTo } from '../heap';
import { TimelineIndex, type TimelineWriter } from './timeline';

/** Parts of the analysis a caller can skip (`trace stats` needs none of them). */
export interface AnalyzerOptions {
  /** Build the timeline index (default true); without it `timeline` stays empty. */
  timeline?: boolean;
  /** Build the blocking profiles (default true); without them `blocking` is empty. */
  blocking?: boolean;
  /** Keep region instances (default true); without them only the statistics are built, and `instances` finds nothing. */
  instances?: boolean;
  /**
   * Report time per goroutine (default true). Without, `goroutineGroups` is empty, and the events may come
   * without the scheduling of named goroutines or the runtime's detail (ReadOptions.scheduling and
   * runtimeDetail false; see `addSkipped`).
   */
  goroutineTimes?: boolean;
  /**
   * Where the timeline is written (default: `timeline`, the analyzer's own index, which then stays
   * empty): a TimelineRecorder, to build the index on another thread.
   */
  timelineWriter?: TimelineWriter;
}

/** The options of `trace stats`: statistics, nothing to browse. */
export const STATISTICS_ONLY: AnalyzerOptions = Object.freeze({ timeline: false, blocking: false, instances: false, goroutineTimes: false });

const GC_MARK_RANGE = 'GC concurrent mark phase';
const STW_PREFIX = 'stop-the-world';
const HEAP_METRIC = '/memory/classes/heap/objects:bytes';
/** Package init functions (main.init, pkg.init.0) and the runtime's init driver. */
const INIT_FUNCTION = /(^|[./])init(\.\d+)*$|^runtime\.doInit1?$/;

/** An open task: what its statistics need when it ends (and rangeMerge.ts, to hand it on). */
interface TaskRecord {
  parent: number;
  type: string;
  startNs: number | undefined;
  site: SourceLocation | undefined;
}

/**
 * The open tasks by ID, in columns by a slot reused once the task ends: a record per task (its start
 * time boxed in a heap number of its own) was promoted with each of the ~400,000 tasks of a 100 MB
 * goroutine-per-request trace. Iterates in the order tasks were opened, as a Map of records did.
 */
class OpenTasks {
  private readonly slots = new GoroutineSlots();
  private starts = new Float64Array(64);
  private parents = new Float64Array(64);
  private readonly types: string[] = [];
  private readonly sites: (SourceLocation | undefined)[] = [];

  open(id: number, parent: number, type: string, startNs: number | undefined, site: SourceLocation | undefined): void {
    const slot = this.slots.slotOf(id);
    this.starts = grownTo(this.starts, slot + 1, (n) => new Float64Array(n));
    this.parents = grownTo(this.parents, slot + 1, (n) => new Float64Array(n));
    this.starts[slot] = startNs ?? NaN;
    this.parents[slot] = parent;
    this.types[slot] = type;
    this.sites[slot] = site;
  }

  /** Ends an open task: its record, or undefined if it is not open. */
  take(id: number): TaskRecord | undefined {
    const slot = this.slots.release(id);
    if (slot === undefined) return undefined;
    const record = this.record(slot);
    this.sites[slot] = undefined;
    return record;
  }

  *[Symbol.iterator](): IterableIterator<[number, TaskRecord]> {
    for (const [id, slot] of this.slots.entries()) yield [id, this.record(slot)];
  }

  clear(): void {
    this.slots.clear();
    this.types.length = 0;
    this.sites.length = 0;
  }

  private record(slot: number): TaskRecord {
    const start = this.starts[slot];
    return { parent: this.parents[slot], type: this.types[slot], startNs: Number.isNaN(start) ? undefined : start, site: this.sites[slot] };
  }
}

interface OpenSpan { start: number; label: string }

/**
 * Another consumer of the events of tasks, regions and logs (the viewer's TaskStore), handed them by
 * the analyzer's own dispatch: no second switch over every event, and a task's call site resolved once.
 */
export interface AnnotationListener {
  taskBegin(ev: TaskEvent, site: SourceLocation | undefined): void;
  taskEnd(ev: TaskEvent): void;
  regionBegin(ev: RegionEvent): void;
  log(ev: LogEvent): void;
}

export class TraceAnalyzer {
  readonly timeline = new TimelineIndex();
  private readonly sites = new SiteResolver();
  private readonly goroutines: GoroutineTracker;
  private readonly blocking: BlockingProfiles;
  private readonly tasks = new AnnotationStats();
  private readonly regions = new AnnotationStats<RegionInstance>();
  /** Log counts by category, then by (interned) site. */
  private readonly logs = new Map<string, { count: number; sites: Map<SourceLocation, { site: SourceLocation; count: number }> }>();
  private readonly openTasks = new OpenTasks();
  /** seenProcs[p] is 1 once proc p appeared. */
  private seenProcs = new Uint8Array(64);
  private procCount = 0;
  /** Slots of the goroutines in flight, for the viewer's state per goroutine (timeline lanes, blocking). */
  private readonly slots = new GoroutineSlots();
  private readonly lanes: GoroutineLanes;
  private readonly openStw = new Map<string, OpenSpan>();
  private gcOpenSince: number | undefined;
  private generationStarting = false;
  /** A trace.Start seen in the first generation: a capture from the start, not a flight-recorder snapshot. */
  private sawStartTrace = false;
  private startedByFlightRecorder = false;
  private startupStw = false;
  private finished = false;
  private readonly overview: TraceOverview;
  /** Set when the analysis starts mid-trace (parallel/): what depends on the state before is logged there. */
  private rangeLog: RangeLog | undefined;
  private annotations: AnnotationListener | undefined;

  private readonly options: Required<Omit<AnalyzerOptions, 'timelineWriter'>>;
  /** Where timeline spans go: `timeline`, or the writer of the options. */
  private readonly timelineOut: TimelineWriter;

  constructor(goVersion: string, fileBytes = 0, options: AnalyzerOptions = {}) {
    this.options = { timeline: true, blocking: true, instances: true, goroutineTimes: true, ...options };
    this.overview = {
      goVersion, fileBytes, startNs: 0, endNs: 0, durationNs: 0, generations: 0, events: 0, goroutines: 0, procs: 0,
      gcCount: 0, gcPauseNs: 0, stwCount: 0, stwPauseNs: 0, peakHeapBytes: 0, flightRecorder: false, spansStartup: false,
    };
    this.goroutines = new GoroutineTracker({
      regionClosed: (r, g, end, how) => this.regionClosed(r, g, end, how),
      goroutineReleased: (g, firstRun) => this.goroutineReleased(g, firstRun),
    }, this.options.instances);
    this.blocking = new BlockingProfiles((g) => this.goroutines.firstRunOf(g));
    this.timelineOut = options.timelineWriter ?? this.timeline;
    this.lanes = new GoroutineLanes(this.timelineOut, (g) => this.goroutines.nameOf(g));
  }

  /**
   * Starts mid-trace, at a generation boundary, without the state before it (statistics only): what
   * would read that state is logged instead, for mergeRange (rangeMerge.ts) to apply once it is known.
   */
  continueMidTrace(log: RangeLog): void {
    this.rangeLog = log;
    this.goroutines.continueMidTrace(log);
  }

  /** Hands every task, region begin and log event to `listener` too, as add() sees it; call before the first add. */
  forwardAnnotations(listener: AnnotationListener): void {
    this.annotations = listener;
  }

  /**
   * Counts the events a reader read without handing them over (for statistics only):
   * they are events of the trace, and the last event read may be one of them. Called once per reader
   * whose events the analysis took (the parallel path: the main thread's and each merged range's), before `finish`.
   */
  addSkipped({ count, lastTime }: SkippedEvents): void {
    if (count === 0) return;
    const o = this.overview;
    o.events += count;
    if (lastTime > o.endNs) {
      o.endNs = lastTime;
      this.goroutines.observe(lastTime);
    }
  }

  /**
   * Closes everything still open at the last event (as Go's Summarizer.Finalize does). `error` is
   * the reader's failure after the complete generations (a truncated or corrupt file).
   */
  finish(error?: Error): void {
    if (this.finished) return;
    this.finished = true;
    if (error !== undefined) this.overview.truncatedError = error.message;
    const end = this.overview.endNs;
    this.goroutines.finish();
    this.blocking.finish();
    for (const [, t] of this.openTasks) this.countTask(t.type, t.site, t.startNs);
    this.openTasks.clear();
    for (const [, slot] of this.slots.entries()) this.lanes.finish(slot, end);
    if (this.options.timeline) {
      for (const open of this.openStw.values()) this.timelineOut.add(0, 1, 'stw', open.start, end, open.label);
      if (this.gcOpenSince !== undefined) this.timelineOut.add(0, 0, 'gc', this.gcOpenSince, end, 'GC');
    }
    this.timelineOut.finish();
  }

  get isFinished(): boolean { return this.finished; }
  get eventCount(): number { return this.overview.events; }
  /** Generations begun so far; once the reader has failed, the complete ones. */
  get generationCount(): number { return this.overview.generations; }

  /** The model as of the events fed so far. */
  summary(): TraceSummary {
    const o = this.overview;
    const logs: LogCategoryStats[] = [...this.logs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([category, l]) => ({
      category,
      count: l.count,
      sites: [...l.sites.values()].map((s) => ({ site: s.site, count: s.count })).sort((a, b) => b.count - a.count),
    }));
    return {
      overview: {
        ...o,
        goroutines: this.goroutines.count,
        durationNs: o.endNs - o.startNs,
        procs: this.procCount,
        // A file cut inside its first generation has only the opening Sync: that says nothing about how it was captured.
        flightRecorder: this.startedByFlightRecorder || (!this.sawStartTrace && o.generations > 0),
        spansStartup: this.startupStw,
      },
      tasks: this.tasks.stats(),
      regions: this.regions.stats(),
      logs,
      goroutineGroups: this.options.goroutineTimes ? this.goroutines.groupSummaries() : [],
      blocking: this.options.blocking ? this.blocking.profiles() : [],
    };
  }


  /** The durations behind the task or region statistics, by type and site. */
  durationSeries(kind: 'task' | 'region'): ReturnType<AnnotationStats['series']> {
    return (kind === 'task' ? this.tasks : this.regions).series();
  }

  /** Kept region instances of a type (and site), slowest first. */
  instances(q: InstanceQuery): InstanceList<RegionInstance> {
    return this.regions.instances(q.type, q.site, q.limit ?? 100);
  }

  /** Feeds the next event, in the reader's order. */
  add(ev: TraceEvent): void {
    // Fields common to all kinds are read once: events of different kinds have different shapes.
    const kind = ev.kind;
    const time = ev.time;
    const proc = ev.proc;
    const o = this.overview;
    if (o.events === 0) o.startNs = time;
    o.events++;
    o.endNs = time;
    if (proc !== NO_ID) this.sawProc(proc);
    // Go's reader puts a Sync before each generation and one more at the end of the trace.
    if (this.generationStarting && kind !== 'Sync') {
      this.generationStarting = false;
      o.generations++;
    }
    this.goroutines.observe(time);
    switch (kind) {
      case 'Sync':
        this.generationStarting = true;
        this.goroutines.sync(time);
        break;
      case 'StateTransition': {
        const resource = ev.resource;
        if (resource.kind === 'Goroutine') {
          this.goroutines.goroutineTransition(ev);
          if (this.options.blocking || this.options.timeline) {
            const slot = this.slotOf(resource.id);
            if (this.options.blocking) this.blocking.transition(ev, slot); // go tool trace's profiles see same-state transitions too
            if (ev.from !== ev.to && this.options.timeline) this.lanes.transition(slot, ev);
          }
        } else if (resource.kind === 'Proc') {
          this.goroutines.procTransition(ev);
          this.sawProc(resource.id);
        }
        break;
      }
      case 'RegionBegin':
        this.goroutines.regionBegin(ev, this.sites.siteOf(ev.stack));
        this.annotations?.regionBegin(ev);
        break;
      case 'RegionEnd': this.goroutines.regionEnd(ev); break;
      case 'TaskBegin': {
        const site = this.sites.siteOf(ev.stack);
        this.taskBegin(ev.id, ev.parent, ev.type, time, site);
        this.annotations?.taskBegin(ev, site);
        break;
      }
      case 'TaskEnd':
        this.taskEnd(ev.id, ev.parent, ev.type, time, ev.goroutine);
        this.annotations?.taskEnd(ev);
        break;
      case 'Log':
        this.log(ev.category, this.sites.siteOf(ev.stack));
        this.annotations?.log(ev);
        break;
      case 'RangeBegin': case 'RangeActive': case 'RangeEnd': this.range(ev); break;
      case 'Metric':
        if (ev.name === HEAP_METRIC && ev.value.kind === 'Uint64') o.peakHeapBytes = Math.max(o.peakHeapBytes, Number(ev.value.value));
        break;
    }
  }

  private sawProc(proc: number): void {
    if (proc < 0) return;
    if (proc >= this.seenProcs.length) {
      const grown = new Uint8Array(Math.max(proc + 1, this.seenProcs.length * 2));
      grown.set(this.seenProcs);
      this.seenProcs = grown;
    }
    if (this.seenProcs[proc] === 0) {
      this.seenProcs[proc] = 1;
      this.procCount++;
    }
  }

  private range(ev: RangeEvent): void {
    if (ev.name === GC_MARK_RANGE) {
      this.rangeLog?.gcMark(ev.kind);
      if (ev.kind === 'RangeEnd') {
        if (this.gcOpenSince !== undefined && this.options.timeline) this.timelineOut.add(0, 0, 'gc', this.gcOpenSince, ev.time, 'GC');
        this.gcOpenSince = undefined;
      } else if (this.gcOpenSince === undefined) {
        this.overview.gcCount++;
        this.gcOpenSince = ev.time;
      }
      return;
    }
    if (!ev.name.startsWith(STW_PREFIX)) return;
    const key = `${ev.scope.kind}:${ev.scope.id}:${ev.name}`;
    this.rangeLog?.stw(key, ev.kind, ev.time, ev.name);
    if (ev.kind === 'RangeBegin' || ev.kind === 'RangeActive') {
      if (!this.openStw.has(key)) this.openStw.set(key, { start: ev.time, label: ev.name });
      if (ev.name === 'stop-the-world (start trace)' && this.overview.generations <= 1) {
        // Started by a flight recorder (runtime/trace or x/exp/trace), or by trace.Start from an
        // init function: the capture then includes program start-up.
        if (ev.stack.some((f) => f.func.includes('FlightRecorder'))) this.startedByFlightRecorder = true;
        else this.sawStartTrace = true;
        if (ev.stack.some((f) => INIT_FUNCTION.test(f.func))) this.startupStw = true;
      }
      return;
    }
    const open = this.openStw.get(key);
    if (open === undefined) return;
    this.openStw.delete(key);
    const pause = ev.time - open.start;
    this.overview.stwCount++;
    this.overview.stwPauseNs += pause;
    if (ev.name.includes('GC')) this.overview.gcPauseNs += pause;
    if (this.options.timeline) this.timelineOut.add(0, 1, 'stw', open.start, ev.time, ev.name);
  }

  /** The goroutine's slot, given on first use; kept on its record too, where the tracker has just looked it up. */
  private slotOf(goroutine: number): number {
    let slot = this.goroutines.tagOf(goroutine);
    if (slot < 0) {
      slot = this.slots.slotOf(goroutine);
      this.goroutines.setTag(goroutine, slot);
    }
    return slot;
  }

  private goroutineReleased(goroutine: number, firstRunNs: number): void {
    const slot = this.slots.find(goroutine);
    if (this.options.blocking) this.blocking.released(goroutine, slot, firstRunNs);
    // An exited goroutine has no state span or proc in progress: its lane needs nothing more.
    // (One waiting forever has one, ended with the trace: it keeps its slot.)
    if (slot !== undefined && !this.lanes.inProgress(slot)) {
      this.lanes.reset(slot);
      this.slots.release(goroutine);
    }
  }

  private regionClosed(region: OpenRegion, goroutine: number, endNs: number | undefined, _how: RegionClose): void {
    if (region.synthetic) return; // Go's stand-in for a task inherited at goroutine creation, not a user region
    const durationNs = region.startNs !== undefined && endNs !== undefined ? endNs - region.startNs : undefined;
    if (this.options.instances) {
      const { type, task, startNs, depth, site } = region;
      this.regions.add(type, site, durationNs)?.keep({ type, goroutine, task, startNs, endNs, durationNs, depth, site });
    } else {
      this.regions.count(region.type, region.site, durationNs);
    }
    if (this.options.timeline) {
      this.timelineOut.add(this.lanes.laneOf(this.slotOf(goroutine), goroutine), 1 + region.depth, 'region',
        region.startNs ?? this.overview.startNs, endNs ?? this.overview.endNs, region.type);
    }
  }

  private taskBegin(id: number, parent: number, type: string, time: number, site: SourceLocation | undefined): void {
    this.rangeLog?.taskBegun(id);
    this.openTasks.open(id, parent, type, time, site);
  }

  private taskEnd(id: number, parent: number, type: string, time: number, g: number): void {
    const record = this.openTasks.take(id);
    if (record === undefined && this.rangeLog?.taskEndBelow(id, parent, type, time, g)) return;
    // Go names a task from its end event too; one begun before the capture has no start or site.
    this.countTask(type, record?.site, record?.startNs, time);
  }

  /** Counts a task whose end was seen at `endNs` (undefined: the trace ended first). */
  private countTask(type: string, site: SourceLocation | undefined, startNs: number | undefined, endNs?: number): void {
    if (type === '') return; // a task only referenced, never begun or ended in the trace
    this.tasks.count(type, site, startNs !== undefined && endNs !== undefined ? endNs - startNs : undefined);
  }

  private log(category: string, site: SourceLocation | undefined): void {
    let stats = this.logs.get(category);
    if (stats === undefined) this.logs.set(category, (stats = { count: 0, sites: new Map() }));
    stats.count++;
    if (site !== undefined) {
      const s = stats.sites.get(site);
      if (s === undefined) stats.sites.set(site, { site, count: 1 });
      else s.count++;
    }
  }
}

/** The reader's result, as openTraceFile / openTraceBytes return it. */
export type EventSource = Pick<OpenedTrace, 'goVersion' | 'forEach'> & Partial<Pick<OpenedTrace, 'skipped'>>;

/**
 * Runs a whole trace through a new analyzer. A TraceError after some complete generations (a
 * truncated or corrupt file) finishes the analysis with overview.truncatedError set, as Go keeps
 * the complete generations; any other error, or a TraceError before any event, is rethrown.
 * `onPause` runs whenever the reader pauses (for progress and first views).
 */
export async function analyzeEvents(source: EventSource, fileBytes = 0, onPause?: (analyzer: TraceAnalyzer) => void,
  options: AnalyzerOptions = {}): Promise<TraceAnalyzer> {
  const analyzer = new TraceAnalyzer(source.goVersion, fileBytes, options);
  try {
    await source.forEach((ev) => analyzer.add(ev), () => onPause?.(analyzer));
  } catch (error) {
    if (!(error instanceof TraceError)) throw error;
    if (analyzer.generationCount === 0) throw truncatedInFirstGeneration(error);
    if (source.skipped !== undefined) analyzer.addSkipped(source.skipped());
    analyzer.finish(error);
    return analyzer;
  }
  if (source.skipped !== undefined) analyzer.addSkipped(source.skipped());
  analyzer.finish();
  return analyzer;
}

/**
 * For an analysis that counts one reader's skipped events while it reads (at each pause, for the
 * progress and the summaries, and once more at the end): each call adds those skipped since the last.
 */
export function skippedCounter(analyzer: TraceAnalyzer, source: Pick<OpenedTrace, 'skipped'>): () => void {
  let counted = 0;
  return () => {
    const skipped = source.skipped();
    analyzer.addSkipped({ count: skipped.count - counted, lastTime: skipped.lastTime });
    counted = skipped.count;
  };
}

/** The error for a file cut short or damaged inside its first generation: there is nothing to show. */
export function truncatedInFirstGeneration(error: Error): TraceError {
  return new TraceError(`the first generation is incomplete or damaged, so there is nothing to show (${error.message}); `
    + 'a trace cut short (a killed writer, a partial copy) keeps only its complete generations');
}
