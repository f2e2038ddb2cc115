// Go's internal/trace Summarizer time accounting (summary.go: transitions, snapshotStat, finalize)
// for region and task breakdowns, kept compact: one slot of typed-array columns per live goroutine
// (freed when it exits), and a region stack only on goroutines that have regions. Regions get
// exactly Go's UserRegionSummary.GoroutineExecStats, blocked time grouped by reason (blockComponent).
import { NO_ID, NO_STACK, type GoState, type RegionEvent, type Stack, type StateTransitionEvent } from '../event';
import { isSystemGoroutine } from '../summary/goroutines';

/** Indexes of a stats vector: Go's GoroutineExecStats with BlockTimeByReason grouped, then TotalTime. */
export const EXEC = 0;
export const SCHED_WAIT = 1;
export const SYSCALL = 2;
export const SYSCALL_BLOCK = 3;
export const BLOCK_SYNC = 4;
export const BLOCK_CHANNEL = 5;
export const BLOCK_NETWORK = 6;
export const BLOCK_SLEEP = 7;
export const BLOCK_GC = 8;
export const BLOCK_OTHER = 9;
export const TOTAL = 10; // the entries before it are in BREAKDOWN_COMPONENTS order (common/requestModel.ts)
export const STATS = 11;

/** Which group a Go wait reason (runtime traceBlockReasonStrings) belongs to. */
export function blockComponent(reason: string): number {
  switch (reason) {
    case 'sync': case 'sync.(*Cond).Wait': return BLOCK_SYNC;
    case 'chan send': case 'chan receive': case 'select': return BLOCK_CHANNEL;
    case 'network': return BLOCK_NETWORK;
    case 'sleep': return BLOCK_SLEEP;
    case 'GC mark assist wait for work': case 'wait until GC ends': case 'GC weak to strong wait': return BLOCK_GC;
    default: return BLOCK_OTHER;
  }
}

/** A region on a goroutine's stack; `begin` is Go's snapshot at its start (all zero for a synthetic one). */
export interface ClockRegion {
  type: string;
  task: number;
  startNs: number;
  /** Go's stand-in for a task inherited at goroutine creation: on the stack, never reported, never reused. */
  synthetic: boolean;
  /** User regions below it on the stack. */
  depth: number;
  /** No region of the same task below it on the stack. */
  outermostInTask: boolean;
  begin: Float64Array;
  /** The RegionBegin's stack (its call site), NO_STACK for a synthetic region. */
  stack: Stack;
}

export type RegionEndKind = 'end' | 'goroutine-exit' | 'trace-end';

export interface ClosedRegion {
  region: ClockRegion;
  goroutine: number;
  /** undefined when the trace ended with the region open (Go's End == nil). */
  endNs: number | undefined;
  how: RegionEndKind;
  /** Go's GoroutineExecStats of the region (STATS entries); reused after the callback. */
  stats: Float64Array;
}

const UNSET = -1;
/** Ended regions kept for reuse (with their snapshot arrays): a busy trace begins and ends millions. */
const MAX_SPARE_REGIONS = 1024;
/** Pending-state columns of a slot, as Go's goroutineSummary (UNSET where Go has 0). */
const LAST_START = 0;
const LAST_RUNNABLE = 1;
const LAST_BLOCK = 2;
const LAST_SYSCALL = 3;
const LAST_SYSCALL_BLOCK = 4;
const CREATION = 5;
const PENDING = 6;

const NAME_UNKNOWN = 0;
const NAME_USER = 1;
const NAME_SYSTEM = 2;

export class ExecClock {
  private readonly slotOf = new Map<number, number>();
  private readonly freeSlots: number[] = [];
  private capacity = 0;
  private stats = new Float64Array(0);
  private pending = new Float64Array(0);
  private blockReason = new Uint8Array(0);
  private nameKind = new Uint8Array(0);
  private readonly regionStacks = new Map<number, ClockRegion[]>();
  private readonly spareRegions: ClockRegion[] = [];
  private readonly syscallingP = new Map<number, number>();
  private readonly syscallingG = new Map<number, number>();
  private readonly scratch = new Float64Array(STATS);
  private readonly closed: ClosedRegion = { region: undefined as unknown as ClockRegion, goroutine: 0, endNs: undefined, how: 'end', stats: new Float64Array(STATS) };
  private lastTs = 0;
  private syncTs = UNSET;

  constructor(private readonly onRegionClosed: (closed: ClosedRegion) => void) {}

  get lastTime(): number { return this.lastTs; }

  /** Every event, first. */
  observe(time: number): void {
    if (this.syncTs === UNSET) this.syncTs = time;
    this.lastTs = time;
  }

  sync(time: number): void { this.syncTs = time; }

  /** The open regions of a goroutine, innermost last (empty if none). */
  regionsOf(goroutine: number): readonly ClockRegion[] { return this.regionStacks.get(goroutine) ?? NO_REGIONS; }

  transition(ev: StateTransitionEvent): void {
    if (ev.resource.kind === 'Goroutine') this.goroutineTransition(ev);
    else if (ev.resource.kind === 'Proc' && ev.from !== ev.to && ev.to === 'Idle') {
      const g = this.syscallingP.get(ev.resource.id);
      if (g === undefined) return;
      const slot = this.slotOf.get(g);
      if (slot !== undefined) this.pending[slot * PENDING + LAST_SYSCALL_BLOCK] = ev.time;
      this.syscallingP.delete(ev.resource.id);
    }
  }

  regionBegin(ev: RegionEvent): void {
    const slot = this.slotFor(ev.goroutine, ev.time);
    let stack = this.regionStacks.get(ev.goroutine);
    if (stack === undefined) this.regionStacks.set(ev.goroutine, (stack = []));
    let depth = 0;
    let outermostInTask = true;
    for (const r of stack) {
      if (!r.synthetic) depth++;
      if (!r.synthetic && r.task === ev.task) outermostInTask = false;
    }
    const region = this.spareRegions.pop() ?? { type: '', task: 0, startNs: 0, synthetic: false, depth: 0, outermostInTask: true, begin: new Float64Array(STATS), stack: NO_STACK };
    region.type = ev.type;
    region.task = ev.task;
    region.startNs = ev.time;
    region.stack = ev.stack;
    region.depth = depth;
    region.outermostInTask = outermostInTask;
    this.snapshot(slot, ev.time, region.begin);
    stack.push(region);
  }

  regionEnd(ev: RegionEvent): void {
    const slot = this.slotFor(ev.goroutine, ev.time);
    const stack = this.regionStacks.get(ev.goroutine);
    // Go pops whatever is on top; an end without a begin gets stats from the goroutine's start: not reported.
    const region = stack?.pop();
    if (stack !== undefined && stack.length === 0) this.regionStacks.delete(ev.goroutine);
    if (region === undefined || region.synthetic) return;
    this.snapshot(slot, ev.time, this.scratch);
    this.report(region, ev.goroutine, ev.time, 'end', this.scratch);
    if (this.spareRegions.length < MAX_SPARE_REGIONS) this.spareRegions.push(region);
  }

  /** Go's Finalize: every goroutine closed at the last event. */
  finish(): void {
    for (const [g, slot] of this.slotOf) this.finalize(g, slot, this.lastTs, undefined);
  }

  private report(region: ClockRegion, goroutine: number, endNs: number | undefined, how: RegionEndKind, now: Float64Array): void {
    const c = this.closed;
    for (let i = 0; i < STATS; i++) c.stats[i] = now[i] - region.begin[i];
    c.region = region;
    c.goroutine = goroutine;
    c.endNs = endNs;
    c.how = how;
    this.onRegionClosed(c); // the listener copies what it keeps: the region object is reused
  }

  private slotFor(g: number, creation: number): number {
    return this.slotOf.get(g) ?? this.newSlot(g, creation);
  }

  private newSlot(g: number, creation: number): number {
    const old = this.slotOf.get(g);
    if (old !== undefined) this.release(g, old);
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotOf.size;
      if (slot >= this.capacity) this.grow();
    }
    this.slotOf.set(g, slot);
    this.stats.fill(0, slot * STATS, (slot + 1) * STATS);
    this.pending.fill(UNSET, slot * PENDING, (slot + 1) * PENDING);
    this.pending[slot * PENDING + CREATION] = creation;
    this.nameKind[slot] = NAME_UNKNOWN;
    return slot;
  }

  private release(g: number, slot: number): void {
    this.slotOf.delete(g);
    this.regionStacks.delete(g);
    this.freeSlots.push(slot);
  }

  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2);
    const grown = <T extends Float64Array | Uint8Array>(old: T, width: number, make: (n: number) => T): T => {
      const next = make(capacity * width);
      next.set(old);
      return next;
    };
    this.stats = grown(this.stats, STATS, (n) => new Float64Array(n));
    this.pending = grown(this.pending, PENDING, (n) => new Float64Array(n));
    this.blockReason = grown(this.blockReason, 1, (n) => new Uint8Array(n));
    this.nameKind = grown(this.nameKind, 1, (n) => new Uint8Array(n));
    this.capacity = capacity;
  }

  private goroutineTransition(ev: StateTransitionEvent): void {
    const id = ev.resource.id;
    const from = ev.from as GoState;
    const to = ev.to as GoState;
    if (from === to) return;
    const time = ev.time;
    let slot: number;
    switch (from) {
      case 'Undetermined': {
        slot = this.newSlot(id, this.syncTs);
        const stateTime = time - this.syncTs;
        const s = slot * STATS;
        if (to === 'Running') this.stats[s + EXEC] += stateTime;
        else if (to === 'Waiting') this.stats[s + blockComponent(ev.reason)] += stateTime;
        else if (to === 'Runnable') this.stats[s + SCHED_WAIT] += stateTime;
        else if (to === 'Syscall') this.stats[s + (ev.proc === NO_ID ? SYSCALL_BLOCK : SYSCALL)] += stateTime;
        break;
      }
      case 'NotExist': {
        const creator = this.regionStacks.get(ev.goroutine);
        const inherited = creator?.[creator.length - 1];
        slot = this.newSlot(id, time);
        // Go gives a new goroutine a synthetic region carrying the task of its creator's innermost region.
        if (inherited !== undefined) {
          this.regionStacks.set(id, [{ type: '', task: inherited.task, startNs: time, synthetic: true, depth: 0, outermostInTask: false, begin: ZERO_STATS, stack: NO_STACK }]);
        }
        break;
      }
      default:
        slot = this.slotFor(id, time);
        this.leave(slot, from, id, time);
    }
    if (this.nameKind[slot] === NAME_UNKNOWN && ev.transitionStack.length > 0) {
      this.nameKind[slot] = isSystemGoroutine(ev.transitionStack[ev.transitionStack.length - 1].func) ? NAME_SYSTEM : NAME_USER;
    }
    const p = slot * PENDING;
    switch (to) {
      case 'Running': this.pending[p + LAST_START] = time; break;
      case 'Runnable': this.pending[p + LAST_RUNNABLE] = time; break;
      case 'Waiting':
        if (ev.reason !== 'forever') {
          this.pending[p + LAST_BLOCK] = time;
          this.blockReason[slot] = blockComponent(ev.reason);
        } else {
          this.finalize(id, slot, time, time); // waiting forever is like goroutine death
        }
        break;
      case 'NotExist':
        this.finalize(id, slot, time, time);
        this.release(id, slot);
        break;
      case 'Syscall':
        this.syscallingP.set(ev.proc, id);
        this.syscallingG.set(id, ev.proc);
        this.pending[p + LAST_SYSCALL] = time;
        break;
    }
  }

  /** Go's "transition out" accounting. */
  private leave(slot: number, from: GoState, id: number, time: number): void {
    const p = slot * PENDING;
    const s = slot * STATS;
    const pending = this.pending;
    switch (from) {
      case 'Running':
        // Go subtracts its zero "unset" time here too; a goroutine can only leave Running after entering it.
        if (pending[p + LAST_START] !== UNSET) this.stats[s + EXEC] += time - pending[p + LAST_START];
        pending[p + LAST_START] = UNSET;
        break;
      case 'Waiting':
        if (pending[p + LAST_BLOCK] !== UNSET) {
          this.stats[s + this.blockReason[slot]] += time - pending[p + LAST_BLOCK];
          pending[p + LAST_BLOCK] = UNSET;
        }
        break;
      case 'Runnable':
        if (pending[p + LAST_RUNNABLE] !== UNSET) {
          this.stats[s + SCHED_WAIT] += time - pending[p + LAST_RUNNABLE];
          pending[p + LAST_RUNNABLE] = UNSET;
        }
        break;
      case 'Syscall':
        if (pending[p + LAST_SYSCALL] !== UNSET) {
          const blockedSince = pending[p + LAST_SYSCALL_BLOCK];
          if (blockedSince !== UNSET) {
            this.stats[s + SYSCALL_BLOCK] += time - blockedSince;
            this.stats[s + SYSCALL] += blockedSince - pending[p + LAST_SYSCALL];
          } else {
            this.stats[s + SYSCALL] += time - pending[p + LAST_SYSCALL];
          }
          pending[p + LAST_SYSCALL] = UNSET;
          pending[p + LAST_SYSCALL_BLOCK] = UNSET;
          const proc = this.syscallingG.get(id);
          if (proc !== undefined) this.syscallingP.delete(proc);
          this.syscallingG.delete(id);
        }
        break;
      default:
    }
  }

  /** Go's snapshotStat at `at`, into `out`. */
  private snapshot(slot: number, at: number, out: Float64Array): void {
    const s = slot * STATS;
    for (let i = 0; i < STATS; i++) out[i] = this.stats[s + i];
    const p = slot * PENDING;
    const pending = this.pending;
    if (out[TOTAL] === 0) out[TOTAL] = at - pending[p + CREATION];
    if (pending[p + LAST_START] !== UNSET) out[EXEC] += at - pending[p + LAST_START];
    if (pending[p + LAST_RUNNABLE] !== UNSET) out[SCHED_WAIT] += at - pending[p + LAST_RUNNABLE];
    if (pending[p + LAST_BLOCK] !== UNSET) out[this.blockReason[slot]] += at - pending[p + LAST_BLOCK];
    if (pending[p + LAST_SYSCALL] !== UNSET) out[SYSCALL] += at - pending[p + LAST_SYSCALL];
    // Go adds a pending syscall-block interval to sched wait here (not to syscall block time).
    if (pending[p + LAST_SYSCALL_BLOCK] !== UNSET) out[SCHED_WAIT] += at - pending[p + LAST_SYSCALL_BLOCK];
  }

  /** Go's finalize; `trigger` is the exit time, undefined at the end of the trace. */
  private finalize(g: number, slot: number, at: number, trigger: number | undefined): void {
    const final = this.scratch;
    this.snapshot(slot, at, final);
    this.stats.set(final, slot * STATS);
    const stack = this.regionStacks.get(g);
    if (stack !== undefined && this.nameKind[slot] !== NAME_SYSTEM && this.nameKind[slot] !== NAME_UNKNOWN) {
      for (const region of stack) {
        if (!region.synthetic) this.report(region, g, trigger, trigger === undefined ? 'trace-end' : 'goroutine-exit', final);
      }
    }
    this.regionStacks.delete(g);
    this.pending.fill(UNSET, slot * PENDING, slot * PENDING + CREATION);
  }
}

const NO_REGIONS: readonly ClockRegion[] = Object.freeze([]);
const ZERO_STATS = new Float64Array(STATS);
