// Per-goroutine time accounting and region stacks, a faithful port of Go's
// internal/trace Summarizer (src/internal/trace/summary.go) so our numbers equal
// `go tool trace`'s goroutine analysis and region lists, quirks included.
import type { GoState, RegionEvent, StateTransitionEvent } from '../event';
import { NO_ID } from '../event';
import type { BlockReason, GoroutineSummary, SourceLocation } from '../../../../common/traceModel';
import { locationOf } from './sites';

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
}

interface GoroutineState {
  id: number;
  name: string;
  createdAt?: SourceLocation;
  creationNs: number;
  startNs: number;
  endNs: number;
  execNs: number;
  schedWaitNs: number;
  syscallNs: number;
  syscallBlockNs: number;
  totalNs: number;
  blockByReason: Map<string, number>;
  regionCount: number;
  // Pending state, as Go's goroutineSummary (where 0 means unset: Go's times are never 0, ours,
  // rebased on the trace's time base, can be).
  lastStart: number;
  lastRunnable: number;
  lastBlock: number;
  lastBlockReason: string;
  lastSyscall: number;
  lastSyscallBlock: number;
  activeRegions: OpenRegion[];
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

export class GoroutineTracker {
  private readonly goroutines = new Map<number, GoroutineState>();
  /** Ended regions' objects, reused for the next ones: a busy trace begins and ends millions. */
  private readonly spareRegions: OpenRegion[] = [];
  private readonly syscallingP = new Map<number, number>();
  private readonly syscallingG = new Map<number, number>();
  private lastTs = 0;
  private syncTs = UNSET;

  constructor(private readonly listener: GoroutineListener) {}

  get count(): number { return this.goroutines.size; }

  // The analyzer calls these by event kind: one dispatch per event, and each entry point sees one
  // shape of event object (reading fields of every shape in one place is much slower in V8).

  /** Every event, first: Go's Summarizer notes the first and the last event's time. */
  observe(time: number): void {
    if (this.syncTs === UNSET) this.syncTs = time;
    this.lastTs = time;
  }

  sync(time: number): void {
    this.syncTs = time;
  }

  transition(ev: StateTransitionEvent): void {
    if (ev.resource.kind === 'Goroutine') this.goroutineTransition(ev);
    else if (ev.resource.kind === 'Proc' && ev.from !== ev.to && ev.to === 'Idle') this.procIdle(ev.resource.id, ev.time);
  }

  regionBegin(ev: RegionEvent): void {
    const g = this.goroutineOf(ev.goroutine, ev.time);
    const depth = g.activeRegions.length - (g.activeRegions[0]?.synthetic ? 1 : 0);
    const region = this.spareRegions.pop();
    if (region === undefined) {
      g.activeRegions.push({ type: ev.type, task: ev.task, startNs: ev.time, site: undefined, depth, synthetic: false });
      return;
    }
    region.type = ev.type;
    region.task = ev.task;
    region.startNs = ev.time;
    region.site = undefined;
    region.depth = depth;
    region.synthetic = false;
    g.activeRegions.push(region);
  }

  regionEnd(ev: RegionEvent): void {
    const g = this.goroutineOf(ev.goroutine, ev.time);
    // Go pops whatever is on top: that is what must have ended.
    const region = g.activeRegions.pop() ?? { type: ev.type, task: ev.task, startNs: undefined, site: undefined, depth: 0, synthetic: false };
    g.regionCount++;
    this.listener.regionClosed(region, g.id, ev.time, 'end');
    if (this.spareRegions.length < MAX_SPARE_REGIONS) this.spareRegions.push(region);
  }

  /** The innermost open region of a goroutine (its site is filled in by the analyzer). */
  topRegion(goroutine: number): OpenRegion | undefined {
    const regions = this.goroutines.get(goroutine)?.activeRegions;
    return regions === undefined ? undefined : regions[regions.length - 1];
  }

  nameOf(goroutine: number): string { return this.goroutines.get(goroutine)?.name ?? ''; }

  /** When the goroutine first ran, UNSET if it has not (Go's StartTime). */
  firstRunOf(goroutine: number): number { return this.goroutines.get(goroutine)?.startNs ?? UNSET; }

  /** Go's Finalize: close every goroutine at the last event's time. */
  finish(): void {
    for (const g of this.goroutines.values()) this.finalize(g, this.lastTs, undefined);
  }

  /** Summaries as of now; pending intervals are counted up to the last event (Go's snapshotStat). */
  summaries(): GoroutineSummary[] {
    return [...this.goroutines.values()].map((g) => this.summaryOf(g));
  }

  private summaryOf(g: GoroutineState): GoroutineSummary {
    const s = this.snapshot(g, this.lastTs);
    const blockedByReasonNs: Record<string, number> = {};
    const blockedNs: Partial<Record<BlockReason, number>> = {};
    let accounted = s.execNs + s.schedWaitNs + s.syscallNs + s.syscallBlockNs;
    for (const [reason, ns] of s.blockByReason) {
      blockedByReasonNs[reason] = ns;
      const cls = classifyWaitReason(reason);
      blockedNs[cls] = (blockedNs[cls] ?? 0) + ns;
      accounted += ns;
    }
    if (s.syscallBlockNs > 0) blockedNs.syscall = s.syscallBlockNs;
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
      unknownNs: accounted < s.totalNs ? s.totalNs - accounted : 0,
      regionCount: g.regionCount,
    };
  }

  private newGoroutine(id: number, creationNs: number): GoroutineState {
    const g: GoroutineState = {
      id, name: '', creationNs, startNs: UNSET, endNs: UNSET, execNs: 0, schedWaitNs: 0, syscallNs: 0, syscallBlockNs: 0,
      totalNs: 0, blockByReason: new Map(), regionCount: 0, lastStart: UNSET, lastRunnable: UNSET, lastBlock: UNSET,
      lastBlockReason: '', lastSyscall: UNSET, lastSyscallBlock: UNSET, activeRegions: [],
    };
    this.goroutines.set(id, g);
    return g;
  }

  /** Go would crash on an event for a goroutine it never saw; we start tracking it instead. */
  private goroutineOf(id: number, time: number): GoroutineState {
    return this.goroutines.get(id) ?? this.newGoroutine(id, time);
  }

  private goroutineTransition(ev: StateTransitionEvent): void {
    const id = ev.resource.id;
    const from = ev.from as GoState;
    const to = ev.to as GoState;
    if (from === to) return;
    let g = this.goroutines.get(id);
    switch (from) {
      case 'Undetermined': {
        g = this.newGoroutine(id, this.syncTs);
        const stateTime = ev.time - this.syncTs;
        if (to === 'Running') g.execNs += stateTime;
        else if (to === 'Waiting') addTo(g.blockByReason, ev.reason, stateTime);
        else if (to === 'Runnable') g.schedWaitNs += stateTime;
        else if (to === 'Syscall') {
          if (ev.proc === NO_ID) g.syscallBlockNs += stateTime;
          else g.syscallNs += stateTime;
        }
        break;
      }
      case 'NotExist': {
        g = this.newGoroutine(id, ev.time);
        if (ev.stack.length > 0) g.createdAt = locationOf(ev.stack[0]);
        // Go gives a new goroutine a synthetic region carrying the task of its creator's innermost region.
        const creator = this.goroutines.get(ev.goroutine);
        const inherited = creator?.activeRegions[creator.activeRegions.length - 1];
        if (inherited !== undefined) g.activeRegions = [{ type: '', task: inherited.task, startNs: ev.time, site: undefined, depth: 0, synthetic: true }];
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
          addTo(g.blockByReason, g.lastBlockReason, ev.time - g.lastBlock);
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
        }
        break;
      case 'NotExist':
        this.finalize(g, ev.time, ev.time);
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
    const g = this.goroutines.get(goroutine);
    if (g !== undefined) g.lastSyscallBlock = time;
    this.syscallingP.delete(proc);
  }

  /** Go's snapshotStat: stats with the pending intervals counted up to `at`. */
  private snapshot(g: GoroutineState, at: number) {
    const s = {
      execNs: g.execNs, schedWaitNs: g.schedWaitNs, syscallNs: g.syscallNs, syscallBlockNs: g.syscallBlockNs,
      totalNs: g.totalNs, blockByReason: new Map(g.blockByReason),
    };
    if (g.totalNs === 0) s.totalNs = at - g.creationNs;
    if (g.lastStart !== UNSET) s.execNs += at - g.lastStart;
    if (g.lastRunnable !== UNSET) s.schedWaitNs += at - g.lastRunnable;
    if (g.lastBlock !== UNSET) addTo(s.blockByReason, g.lastBlockReason, at - g.lastBlock);
    if (g.lastSyscall !== UNSET) s.syscallNs += at - g.lastSyscall;
    // Go adds the pending syscall-block interval to sched wait here (not to syscall block time).
    if (g.lastSyscallBlock !== UNSET) s.schedWaitNs += at - g.lastSyscallBlock;
    return s;
  }

  /** Go's finalize; `trigger` is the exit time, undefined at the end of the trace. */
  private finalize(g: GoroutineState, at: number, trigger: number | undefined): void {
    if (trigger !== undefined) g.endNs = trigger;
    const s = this.snapshot(g, at);
    Object.assign(g, s);
    if (!isSystemGoroutine(g.name)) {
      for (const region of g.activeRegions) {
        g.regionCount++;
        this.listener.regionClosed(region, g.id, trigger, trigger === undefined ? 'trace-end' : 'goroutine-exit');
      }
    }
    g.activeRegions = [];
    g.lastStart = g.lastRunnable = g.lastBlock = g.lastSyscall = g.lastSyscallBlock = UNSET;
    g.lastBlockReason = '';
  }
}

function addTo(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}
