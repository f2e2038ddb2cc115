// Per-goroutine time accounting and region stacks, a faithful port of Go's
// internal/trace Summarizer (src/internal/trace/summary.go) so our numbers equal
// `go tool trace`'s goroutine analysis and region lists, quirks included.
//
// Memory follows what is live, not the trace's history: a goroutine that exits is folded into its
// group's sums (by start function, as Go's goroutine analysis groups them) and its record released,
// keeping at most MAX_GROUP_MEMBERS summaries per group to list. A service that starts a goroutine
// per request thus costs one record per request in flight, not one per request ever served.
import type { GoState, RegionEvent, StackFrame, StateTransitionEvent } from '../event';
import { NO_ID } from '../event';
import type { BlockReason, GoroutineGroup, GoroutineSummary, SourceLocation } from '../../../../common/traceModel';
import { locationOf } from './sites';
import type { RangeLog } from './rangeLog';

/** Goroutine summaries kept per group for listing: those with the most running time. */
export const MAX_GROUP_MEMBERS = 100;

/** A region open on a goroutine's stack. `synthetic` marks Go's fake region for a task inherited at creation. */
export interface OpenRegion {
  type: string;
  task: number;
  /** undefined for an end without a begin (begun before the capture). */
  startNs?: number;
  site?: SourceLocation;
  depth: number;
  synthetic: boolean;
}

/** Ended regions kept for reuse. */
const MAX_SPARE_REGIONS = 1024;
/**
 * The open regions of a goroutine that has none yet, shared (never pushed to: see pushRegion). An array
 * per goroutine, and room for 17 regions at its first push, were promoted with each of the hundreds of
 * thousands of goroutines of a goroutine-per-request service.
 */
const NO_REGIONS: OpenRegion[] = [];

/** "No time": Go uses 0, but our rebased times start at 0. */
export const UNSET = -1;

/** Why a region left its goroutine's stack. */
export type RegionClose = 'end' | 'goroutine-exit' | 'trace-end';

export interface GoroutineListener {
  /**
   * A region joined its goroutine's region list, as in Go's Summary: closed by RegionEnd, by the
   * goroutine's exit (only for non-system goroutines), or still open when the trace ended (endNs undefined).
   * The region object is reused after the call: copy what is to be kept.
   */
  regionClosed(region: OpenRegion, goroutine: number, endNs: number | undefined, how: RegionClose): void;
  /**
   * A goroutine exited (or began waiting forever) and its record is released, at the next event
   * after its last, so that every analysis of that event still saw it. `firstRunNs` is UNSET if it never ran.
   */
  goroutineReleased?(goroutine: number, firstRunNs: number): void;
}

/** A goroutine's times, in its slot of GoroutineTimes. */
const enum T { Creation, Start, End, Exec, SchedWait, Syscall, SyscallBlock, Total, LastStart, LastRunnable, LastBlock, LastSyscall, LastSyscallBlock, FirstBlocked, Count }

/**
 * The times of the goroutines with a record, T.Count doubles per slot in one array, so that a record holds
 * no double of its own: V8 boxes each double field of an object in a heap number of its own, and a
 * goroutine-per-request trace promotes hundreds of thousands of records with 13 each.
 */
class GoroutineTimes {
  values = new Float64Array(64 * T.Count);
  private readonly free: number[] = [];
  private used = 0;

  /** A free slot's first index. */
  take(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const base = this.used++ * T.Count;
    if (base + T.Count > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    return base;
  }

  release(base: number): void {
    this.free.push(base);
  }
}

/** A goroutine's record: its times are in a GoroutineTimes slot, read and written through the accessors. */
class GoroutineState {
  name = '';
  createdAt: SourceLocation | undefined = undefined;
  /**
   * Blocked time by reason: the first reason's in the times (T.FirstBlocked; most goroutines wait for
   * one reason), the others in a map made for a second reason. A map per goroutine cost more (per
   * request, one made, promoted and collected), as did its two lookups per wait.
   */
  private firstBlockReason: string | undefined = undefined;
  private otherBlockByReason: Map<string, number> | undefined = undefined;
  regionCount = 0;
  lastBlockReason = '';
  /** Innermost last; NO_REGIONS until the first (pushRegion). */
  activeRegions: OpenRegion[] = NO_REGIONS;
  /** The caller's number for this goroutine (GoroutineTracker.tagOf), -1 until set. */
  tag = -1;

  constructor(readonly id: number, private readonly times: GoroutineTimes, readonly base: number, creationNs: number) {
    const v = times.values;
    v[base + T.Creation] = creationNs;
    v[base + T.Start] = v[base + T.End] = UNSET;
    v[base + T.Exec] = v[base + T.SchedWait] = v[base + T.Syscall] = v[base + T.SyscallBlock] = v[base + T.Total] = 0;
    // Pending state, as Go's goroutineSummary (where 0 means unset: Go's times are never 0, ours,
    // rebased on the trace's time base, can be).
    v[base + T.LastStart] = v[base + T.LastRunnable] = v[base + T.LastBlock] = v[base + T.LastSyscall] = v[base + T.LastSyscallBlock] = UNSET;
    v[base + T.FirstBlocked] = 0;
  }

  pushRegion(region: OpenRegion): void {
    if (this.activeRegions === NO_REGIONS) this.activeRegions = [region];
    else this.activeRegions.push(region);
  }

  /** Adds blocked time for a reason (Go's BlockTimeByReason[reason] += ns). */
  addBlocked(reason: string, ns: number): void {
    if (this.firstBlockReason === reason) {
      this.times.values[this.base + T.FirstBlocked] += ns;
    } else if (this.firstBlockReason === undefined) {
      this.firstBlockReason = reason;
      this.times.values[this.base + T.FirstBlocked] = ns;
    } else {
      addTo((this.otherBlockByReason ??= new Map()), reason, ns);
    }
  }

  /** Adds each reason's blocked time to `into`, reasons in the order they first came. */
  addBlockedTo(into: Map<string, number>): void {
    if (this.firstBlockReason === undefined) return;
    addTo(into, this.firstBlockReason, this.times.values[this.base + T.FirstBlocked]);
    if (this.otherBlockByReason !== undefined) for (const [reason, ns] of this.otherBlockByReason) addTo(into, reason, ns);
  }

  /** `sum` plus the blocked time of each reason, added in order. */
  plusBlocked(sum: number): number {
    if (this.firstBlockReason === undefined) return sum;
    sum += this.times.values[this.base + T.FirstBlocked];
    if (this.otherBlockByReason !== undefined) for (const ns of this.otherBlockByReason.values()) sum += ns;
    return sum;
  }

  get creationNs(): number { return this.times.values[this.base + T.Creation]; }
  get startNs(): number { return this.times.values[this.base + T.Start]; }
  set startNs(ns: number) { this.times.values[this.base + T.Start] = ns; }
  get endNs(): number { return this.times.values[this.base + T.End]; }
  set endNs(ns: number) { this.times.values[this.base + T.End] = ns; }
  get execNs(): number { return this.times.values[this.base + T.Exec]; }
  set execNs(ns: number) { this.times.values[this.base + T.Exec] = ns; }
  get schedWaitNs(): number { return this.times.values[this.base + T.SchedWait]; }
  set schedWaitNs(ns: number) { this.times.values[this.base + T.SchedWait] = ns; }
  get syscallNs(): number { return this.times.values[this.base + T.Syscall]; }
  set syscallNs(ns: number) { this.times.values[this.base + T.Syscall] = ns; }
  get syscallBlockNs(): number { return this.times.values[this.base + T.SyscallBlock]; }
  set syscallBlockNs(ns: number) { this.times.values[this.base + T.SyscallBlock] = ns; }
  get totalNs(): number { return this.times.values[this.base + T.Total]; }
  set totalNs(ns: number) { this.times.values[this.base + T.Total] = ns; }
  get lastStart(): number { return this.times.values[this.base + T.LastStart]; }
  set lastStart(ns: number) { this.times.values[this.base + T.LastStart] = ns; }
  get lastRunnable(): number { return this.times.values[this.base + T.LastRunnable]; }
  set lastRunnable(ns: number) { this.times.values[this.base + T.LastRunnable] = ns; }
  get lastBlock(): number { return this.times.values[this.base + T.LastBlock]; }
  set lastBlock(ns: number) { this.times.values[this.base + T.LastBlock] = ns; }
  get lastSyscall(): number { return this.times.values[this.base + T.LastSyscall]; }
  set lastSyscall(ns: number) { this.times.values[this.base + T.LastSyscall] = ns; }
  get lastSyscallBlock(): number { return this.times.values[this.base + T.LastSyscallBlock]; }
  set lastSyscallBlock(ns: number) { this.times.values[this.base + T.LastSyscallBlock] = ns; }
}

/** Go's snapshotStat of a goroutine's times, but blocked time by reason (see GoroutineTracker.snapshot). */
interface Snapshot {
  execNs: number;
  schedWaitNs: number;
  syscallNs: number;
  syscallBlockNs: number;
  totalNs: number;
  /** The pending blocked interval (of g.lastBlockReason), UNSET if none. */
  pendingBlockNs: number;
}

/** Go's IsSystemGoroutine: runtime goroutines other than runtime.main, and unnamed ones. */
export function isSystemGoroutine(entryFunction: string): boolean {
  return entryFunction === '' || (entryFunction !== 'runtime.main' && entryFunction.startsWith('runtime.'));
}

/** `go tool trace -pprof=sync` counts waits whose reason mentions chan, sync or select. */
export function classifyWaitReason(reason: string): BlockReason {
  if (reason === 'network') return 'net';
  if (reason.includes('chan') || reason.includes('sync') || reason.includes('select')) return 'sync';
  return 'other';
}

/** A group's sums over its exited goroutines, and the summaries kept to list. */
class GroupTotals {
  count = 0;
  totalNs = 0;
  runningNs = 0;
  runnableNs = 0;
  syscallNs = 0;
  syscallBlockNs = 0;
  unknownNs = 0;
  regionCount = 0;
  readonly blockByReason = new Map<string, number>();
  /** Min-heap on (running time, -id): the root is the first to give way. */
  readonly members: GoroutineSummary[] = [];

  constructor(readonly name: string) {}

  /** Adds a goroutine's statistics, `s` its snapshot (Go's snapshotStat). */
  add(g: GoroutineState, s: Readonly<Snapshot>): void {
    this.count++;
    this.totalNs += s.totalNs;
    this.runningNs += s.execNs;
    this.runnableNs += s.schedWaitNs;
    this.syscallNs += s.syscallNs;
    this.syscallBlockNs += s.syscallBlockNs;
    this.unknownNs += unknownNs(g, s);
    this.regionCount += g.regionCount;
    g.addBlockedTo(this.blockByReason);
    if (s.pendingBlockNs !== UNSET) addTo(this.blockByReason, g.lastBlockReason, s.pendingBlockNs);
  }

  /** Adds another group's sums (not its members). */
  addTotals(t: GroupTotals): void {
    this.count += t.count;
    this.totalNs += t.totalNs;
    this.runningNs += t.runningNs;
    this.runnableNs += t.runnableNs;
    this.syscallNs += t.syscallNs;
    this.syscallBlockNs += t.syscallBlockNs;
    this.unknownNs += t.unknownNs;
    this.regionCount += t.regionCount;
    for (const [reason, ns] of t.blockByReason) addTo(this.blockByReason, reason, ns);
  }

  /** Whether a goroutine with this running time and id would be kept among the members. */
  wouldKeep(runningNs: number, id: number): boolean {
    return this.members.length < MAX_GROUP_MEMBERS || outranks(runningNs, id, this.members[0]);
  }

  keep(s: GoroutineSummary): void {
    const heap = this.members;
    if (heap.length < MAX_GROUP_MEMBERS) {
      heap.push(s);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!outranks(heap[parent].runningNs, heap[parent].id, heap[i])) break;
        [heap[parent], heap[i]] = [heap[i], heap[parent]];
        i = parent;
      }
      return;
    }
    heap[0] = s;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      let least = i;
      if (left < heap.length && outranks(heap[least].runningNs, heap[least].id, heap[left])) least = left;
      if (left + 1 < heap.length && outranks(heap[least].runningNs, heap[least].id, heap[left + 1])) least = left + 1;
      if (least === i) return;
      [heap[least], heap[i]] = [heap[i], heap[least]];
      i = least;
    }
  }
}

/** Listing order: more running time first, then the lower id. */
function outranks(runningNs: number, id: number, other: GoroutineSummary): boolean {
  return runningNs > other.runningNs || (runningNs === other.runningNs && id < other.id);
}

export class GoroutineTracker {
  /** The goroutines not yet released: alive, or exited at the current event. */
  private readonly goroutines = new Map<number, GoroutineState>();
  private readonly times = new GoroutineTimes();
  private readonly groups = new Map<string, GroupTotals>();
  /** Exited at the current event: released at the next one. */
  private readonly exited: GoroutineState[] = [];
  private seen = 0;
  /** Ended regions' objects, reused for the next ones: a busy trace begins and ends millions. */
  private readonly spareRegions: OpenRegion[] = [];
  private readonly syscallingP = new Map<number, number>();
  private readonly syscallingG = new Map<number, number>();
  private lastTs = 0;
  private syncTs = UNSET;
  /** Set when the analysis starts mid-trace (parallel/): what depends on the state before is logged there. */
  private rangeLog: RangeLog | undefined;

  /** `keepMembers`: keep summaries of exited goroutines to list (MAX_GROUP_MEMBERS per group); statistics need none. */
  constructor(private readonly listener: GoroutineListener, private readonly keepMembers = true) {}

  /** Starts mid-trace, on a generation boundary: see RangeLog. */
  continueMidTrace(log: RangeLog): void {
    this.rangeLog = log;
  }

  /** Goroutines seen so far, exited ones included (Go's goroutine analysis lists them all). */
  get count(): number { return this.seen; }

  // The analyzer calls these by event kind: one dispatch per event, and each entry point sees one
  // shape of event object (reading fields of every shape in one place is much slower in V8).

  /** Every event, first: Go's Summarizer notes the first and the last event's time. */
  observe(time: number): void {
    if (this.syncTs === UNSET) this.syncTs = time;
    this.lastTs = time;
    if (this.exited.length > 0) this.releaseExited();
  }

  sync(time: number): void {
    this.syncTs = time;
  }

  /** A proc's state transition (the analyzer sorts transitions by resource: goroutineTransition takes the goroutines'). */
  procTransition(ev: StateTransitionEvent): void {
    if (ev.from !== ev.to && ev.to === 'Idle') this.procIdle(ev.resource.id, ev.time);
  }

  /** A region begins on its goroutine; `site` is its call site (the analyzer's, from the event's stack). */
  regionBegin(ev: RegionEvent, site: SourceLocation | undefined): void {
    const g = this.goroutineOf(ev.goroutine, ev.time);
    const depth = g.activeRegions.length - (g.activeRegions[0]?.synthetic ? 1 : 0);
    const region = this.spareRegions.pop();
    if (region === undefined) {
      g.pushRegion({ type: ev.type, task: ev.task, startNs: ev.time, site, depth, synthetic: false });
      return;
    }
    region.type = ev.type;
    region.task = ev.task;
    region.startNs = ev.time;
    region.site = site;
    region.depth = depth;
    region.synthetic = false;
    g.pushRegion(region);
  }

  regionEnd(ev: RegionEvent): void {
    const g = this.goroutineOf(ev.goroutine, ev.time);
    // Go pops whatever is on top: that is what must have ended.
    let region = g.activeRegions.pop();
    if (region === undefined) {
      if (this.rangeLog?.popBelow(g.id, ev.task, ev.type, ev.time)) return;
      region = { type: ev.type, task: ev.task, startNs: undefined, site: undefined, depth: 0, synthetic: false };
    }
    g.regionCount++;
    this.listener.regionClosed(region, g.id, ev.time, 'end');
    if (this.spareRegions.length < MAX_SPARE_REGIONS) this.spareRegions.push(region);
  }

  nameOf(goroutine: number): string { return this.get(goroutine)?.name ?? ''; }

  /**
   * A number the caller keeps on a goroutine's record while it has one (the analyzer's GoroutineSlots
   * slot), -1 when not set or without a record: the record was just looked up for the same event, so
   * this saves the caller a map lookup of its own.
   */
  tagOf(goroutine: number): number { return this.get(goroutine)?.tag ?? -1; }

  /** Sets tagOf's number, if the goroutine has a record. */
  setTag(goroutine: number, tag: number): void {
    const g = this.get(goroutine);
    if (g !== undefined) g.tag = tag;
  }

  /** When the goroutine first ran, UNSET if it has not (Go's StartTime). */
  firstRunOf(goroutine: number): number { return this.get(goroutine)?.startNs ?? UNSET; }

  /** Go's Finalize: close every goroutine at the last event's time. */
  finish(): void {
    this.releaseExited();
    for (const g of this.goroutines.values()) this.finalize(g, this.lastTs, undefined);
  }

  /**
   * Every goroutine by start function as of now, the largest running time first: the exited
   * goroutines' sums plus the live ones with their pending intervals counted up to the last event
   * (Go's snapshotStat).
   */
  groupSummaries(): GoroutineGroup[] {
    const result = new Map<string, { totals: GroupTotals; live: number; members: GoroutineSummary[] }>();
    const entry = (name: string) => {
      let e = result.get(name);
      if (e === undefined) {
        const folded = this.groups.get(name);
        const totals = new GroupTotals(name);
        if (folded !== undefined) totals.addTotals(folded);
        result.set(name, (e = { totals, live: 0, members: [...folded?.members ?? []] }));
      }
      return e;
    };
    for (const name of this.groups.keys()) entry(name);
    for (const g of this.goroutines.values()) {
      const e = entry(g.name);
      e.totals.add(g, this.snapshot(g, this.lastTs));
      if (g.endNs === UNSET) e.live++;
      e.members.push(this.summaryOf(g));
    }
    return [...result.values()].map(({ totals: t, live, members }): GoroutineGroup => {
      const { blockedNs, blockedByReasonNs } = classified(t.blockByReason, t.syscallBlockNs);
      return {
        name: t.name, count: t.count, live, totalNs: t.totalNs, runningNs: t.runningNs, runnableNs: t.runnableNs,
        syscallNs: t.syscallNs, blockedNs, blockedByReasonNs, unknownNs: t.unknownNs, regionCount: t.regionCount,
        members: members.sort((a, b) => (outranks(a.runningNs, a.id, b) ? -1 : 1)).slice(0, MAX_GROUP_MEMBERS),
      };
    }).sort((a, b) => b.runningNs - a.runningNs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private summaryOf(g: GoroutineState): GoroutineSummary {
    const s = this.snapshot(g, this.lastTs);
    const blockByReason = new Map<string, number>();
    g.addBlockedTo(blockByReason);
    if (s.pendingBlockNs !== UNSET) addTo(blockByReason, g.lastBlockReason, s.pendingBlockNs);
    const { blockedNs, blockedByReasonNs } = classified(blockByReason, s.syscallBlockNs);
    return {
      id: g.id,
      name: g.name,
      createdAt: g.createdAt,
      startNs: g.startNs,
      endNs: g.endNs === UNSET ? undefined : g.endNs,
      totalNs: s.totalNs,
      runningNs: s.execNs,
      runnableNs: s.schedWaitNs,
      syscallNs: s.syscallNs,
      blockedNs,
      blockedByReasonNs,
      unknownNs: unknownNs(g, s),
      regionCount: g.regionCount,
    };
  }

  private newGoroutine(id: number, creationNs: number): GoroutineState {
    const g = new GoroutineState(id, this.times, this.times.take(), creationNs);
    // Go's Summarizer replaces the record of a goroutine it sees created again (an ID is never
    // reused by the runtime, only in a hostile trace): it counts once.
    if (!this.goroutines.has(id)) this.seen++;
    this.goroutines.set(id, g);
    this.lastLookedUp = g;
    return g;
  }

  /** Folds the goroutines that exited at the previous event into their groups and drops their records. */
  private releaseExited(): void {
    for (const g of this.exited) {
      if (this.goroutines.get(g.id) !== g) continue; // created again meanwhile
      this.goroutines.delete(g.id);
      if (this.lastLookedUp === g) this.lastLookedUp = undefined;
      let group = this.groups.get(g.name);
      if (group === undefined) this.groups.set(g.name, (group = new GroupTotals(g.name)));
      // Summed without a summary object (one goes by per goroutine): only a kept member needs one.
      const s = this.snapshot(g, this.lastTs);
      group.add(g, s);
      if (this.keepMembers && group.wouldKeep(s.execNs, g.id)) group.keep(this.summaryOf(g));
      this.listener.goroutineReleased?.(g.id, g.startNs);
      this.times.release(g.base);
    }
    this.exited.length = 0;
  }

  /**
   * The location of a creation frame, one object per frame (frames are shared across the trace): a
   * goroutine per request would otherwise cost one more object per goroutine, most of them promoted.
   */
  private locationOf(frame: StackFrame): SourceLocation {
    let location = this.locations.get(frame);
    if (location === undefined) this.locations.set(frame, (location = locationOf(frame)));
    return location;
  }

  private readonly locations = new Map<StackFrame, SourceLocation>();

  /**
   * A goroutine's record, through a one-entry cache: consecutive events are mostly about the same goroutine
   * (its transitions, then the regions, tasks and logs of its running stretch).
   */
  private get(id: number): GoroutineState | undefined {
    const last = this.lastLookedUp;
    if (last !== undefined && last.id === id) return last;
    const g = this.goroutines.get(id);
    if (g !== undefined) this.lastLookedUp = g;
    return g;
  }

  /** The record `get` returned last, or created last; undefined once released. */
  private lastLookedUp: GoroutineState | undefined;

  /** Go would crash on an event for a goroutine it never saw; we start tracking it instead. */
  private goroutineOf(id: number, time: number): GoroutineState {
    return this.get(id) ?? this.firstSeen(id, time);
  }

  private firstSeen(id: number, time: number): GoroutineState {
    this.rangeLog?.inherited(id);
    return this.newGoroutine(id, time);
  }

  /** A goroutine's state transition. */
  goroutineTransition(ev: StateTransitionEvent): void {
    const id = ev.resource.id;
    const from = ev.from as GoState;
    const to = ev.to as GoState;
    if (from === to) return;
    let g = this.get(id);
    switch (from) {
      case 'Undetermined': {
        g = this.newGoroutine(id, this.syncTs);
        const stateTime = ev.time - this.syncTs;
        if (to === 'Running') g.execNs += stateTime;
        else if (to === 'Waiting') g.addBlocked(ev.reason, stateTime);
        else if (to === 'Runnable') g.schedWaitNs += stateTime;
        else if (to === 'Syscall') {
          if (ev.proc === NO_ID) g.syscallBlockNs += stateTime;
          else g.syscallNs += stateTime;
        }
        break;
      }
      case 'NotExist': {
        g = this.newGoroutine(id, ev.time);
        if (ev.stack.length > 0) g.createdAt = this.locationOf(ev.stack[0]);
        // Go gives a new goroutine a synthetic region carrying the task of its creator's innermost region.
        const creator = this.get(ev.goroutine);
        const inherited = creator?.activeRegions[creator.activeRegions.length - 1];
        if (inherited !== undefined) g.activeRegions = [{ type: '', task: inherited.task, startNs: ev.time, site: undefined, depth: 0, synthetic: true }];
        else this.rangeLog?.created(id, ev.goroutine, creator !== undefined, ev.time);
        break;
      }
      case 'Running':
        g = this.goroutineOf(id, ev.time);
        g.execNs += ev.time - g.lastStart;
        g.lastStart = UNSET;
        break;
      case 'Waiting':
        g = this.goroutineOf(id, ev.time);
        if (g.lastBlock !== UNSET) {
          g.addBlocked(g.lastBlockReason, ev.time - g.lastBlock);
          g.lastBlock = UNSET;
        }
        break;
      case 'Runnable':
        g = this.goroutineOf(id, ev.time);
        if (g.lastRunnable !== UNSET) {
          g.schedWaitNs += ev.time - g.lastRunnable;
          g.lastRunnable = UNSET;
        }
        break;
      case 'Syscall':
        g = this.goroutineOf(id, ev.time);
        if (g.lastSyscall !== UNSET) {
          if (g.lastSyscallBlock !== UNSET) {
            g.syscallBlockNs += ev.time - g.lastSyscallBlock;
            g.syscallNs += g.lastSyscallBlock - g.lastSyscall;
          } else {
            g.syscallNs += ev.time - g.lastSyscall;
          }
          g.lastSyscall = UNSET;
          g.lastSyscallBlock = UNSET;
          const proc = this.syscallingG.get(id);
          if (proc !== undefined) this.syscallingP.delete(proc);
          this.syscallingG.delete(id);
        }
        break;
      default:
        g = this.goroutineOf(id, ev.time);
    }
    // The root frame of the first transition stack names the goroutine (its entry function).
    if (g.name === '' && ev.transitionStack.length > 0) g.name = ev.transitionStack[ev.transitionStack.length - 1].func;

    switch (to) {
      case 'Running':
        g.lastStart = ev.time;
        if (g.startNs === UNSET) g.startNs = ev.time;
        break;
      case 'Runnable':
        g.lastRunnable = ev.time;
        break;
      case 'Waiting':
        if (ev.reason !== 'forever') {
          g.lastBlock = ev.time;
          g.lastBlockReason = ev.reason;
        } else {
          this.finalize(g, ev.time, ev.time); // waiting forever is like goroutine death
          this.exited.push(g);
        }
        break;
      case 'NotExist':
        this.finalize(g, ev.time, ev.time);
        this.exited.push(g);
        break;
      case 'Syscall':
        this.syscallingP.set(ev.proc, id);
        this.syscallingG.set(id, ev.proc);
        g.lastSyscall = ev.time;
        break;
    }
  }

  private procIdle(proc: number, time: number): void {
    const goroutine = this.syscallingP.get(proc);
    if (goroutine === undefined) return;
    const g = this.get(goroutine);
    if (g !== undefined) g.lastSyscallBlock = time;
    this.syscallingP.delete(proc);
  }

  /**
   * Go's snapshotStat: stats with the pending intervals counted up to `at`, in an object reused by the
   * next call. Blocked time by reason is g's (addBlockedTo) plus pendingBlockNs for g.lastBlockReason.
   */
  private snapshot(g: GoroutineState, at: number): Readonly<Snapshot> {
    const s = this.snapshotScratch;
    s.totalNs = g.totalNs === 0 ? at - g.creationNs : g.totalNs;
    s.execNs = g.lastStart !== UNSET ? g.execNs + (at - g.lastStart) : g.execNs;
    s.schedWaitNs = g.lastRunnable !== UNSET ? g.schedWaitNs + (at - g.lastRunnable) : g.schedWaitNs;
    s.pendingBlockNs = g.lastBlock !== UNSET ? at - g.lastBlock : UNSET;
    s.syscallNs = g.lastSyscall !== UNSET ? g.syscallNs + (at - g.lastSyscall) : g.syscallNs;
    s.syscallBlockNs = g.syscallBlockNs;
    // Go adds the pending syscall-block interval to sched wait here (not to syscall block time).
    if (g.lastSyscallBlock !== UNSET) s.schedWaitNs += at - g.lastSyscallBlock;
    return s;
  }

  private readonly snapshotScratch: Snapshot = {
    execNs: 0, schedWaitNs: 0, syscallNs: 0, syscallBlockNs: 0, totalNs: 0, pendingBlockNs: UNSET,
  };

  /** Go's finalize; `trigger` is the exit time, undefined at the end of the trace. */
  private finalize(g: GoroutineState, at: number, trigger: number | undefined): void {
    if (trigger !== undefined) g.endNs = trigger;
    const s = this.snapshot(g, at);
    g.totalNs = s.totalNs;
    g.execNs = s.execNs;
    g.schedWaitNs = s.schedWaitNs;
    g.syscallNs = s.syscallNs;
    if (s.pendingBlockNs !== UNSET) g.addBlocked(g.lastBlockReason, s.pendingBlockNs);
    if (trigger !== undefined && this.rangeLog?.exited(g.id, trigger, g.name, g.activeRegions)) {
      // Its name and the regions begun before the range are known only when the ranges are merged.
    } else if (!isSystemGoroutine(g.name)) {
      for (const region of g.activeRegions) {
        g.regionCount++;
        this.listener.regionClosed(region, g.id, trigger, trigger === undefined ? 'trace-end' : 'goroutine-exit');
      }
    }
    g.activeRegions = NO_REGIONS;
    g.lastStart = g.lastRunnable = g.lastBlock = g.lastSyscall = g.lastSyscallBlock = UNSET;
    g.lastBlockReason = '';
  }
}

/** Go's UnknownTime: what a snapshot's times and blocked times leave of its total. */
function unknownNs(g: GoroutineState, s: Readonly<Snapshot>): number {
  let accounted = s.execNs + s.schedWaitNs + s.syscallNs + s.syscallBlockNs;
  accounted = g.plusBlocked(accounted);
  if (s.pendingBlockNs !== UNSET) accounted += s.pendingBlockNs;
  return accounted < s.totalNs ? s.totalNs - accounted : 0;
}

function addTo(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

/** Blocked time by raw reason and by class (BlockReason), with Go's SyscallBlockTime as 'syscall'. */
function classified(byReason: Map<string, number>, syscallBlockNs: number) {
  const blockedByReasonNs: Record<string, number> = {};
  const blockedNs: Partial<Record<BlockReason, number>> = {};
  for (const [reason, ns] of byReason) {
    blockedByReasonNs[reason] = ns;
    const cls = classifyWaitReason(reason);
    blockedNs[cls] = (blockedNs[cls] ?? 0) + ns;
  }
  if (syscallBlockNs > 0) blockedNs.syscall = syscallBlockNs;
  return { blockedNs, blockedByReasonNs };
}
