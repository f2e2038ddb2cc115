// The ordering state machine: decides whether a thread's next event can happen
// yet, validates it against goroutine/proc/thread/GC state, fills in what the
// wire leaves out (execution context, previous states, task names, STW kinds)
// and turns it into public events. Port of src/internal/trace/order.go (Go 1.26);
// the same events pass, wait or fail as there.
import {
  NO_STACK, TraceError,
  type EventKind, type ExactFields, type GoState, type ProcState, type ResourceID, type ResourceKind, type Stack, type TraceEvent,
  type Value,
} from './event';
import { asUint64, big, exactTime, i64, inc, isSafe, low8, num, uint64Text, type I64 } from './exact';
import { NO_STACK_INDEX, type Generation } from './generation';
import {
  Ev, eventName, ExperimentNames, GoStatus, goStatusNames, isExperimentalEvent, ProcStatus, procStatusNames, specs,
} from './spec';

/** A decoded wire event: type, time in ns (time + timeLo, see exact.ts) and up to four arguments (Go's baseEvent). */
export interface RawEvent {
  typ: number;
  time: number;
  timeLo: number;
  a0: I64;
  a1: I64;
  a2: I64;
  a3: I64;
  /** The thread's state, cached by the ordering after the first lookup (threads are never forgotten). */
  ms: MState | undefined;
}

/** -1 is Go's NoGoroutine, NoProc, NoThread and NoTask alike. */
const enum No { ID = -1 }

// Go's GoState and ProcState enums (NotExist = 1 is only ever named).
const enum GoState_ { Undetermined = 0, NotExist = 1, Runnable = 2, Running = 3, Waiting = 4, Syscall = 5 }
const goStateNames: readonly GoState[] = ['Undetermined', 'NotExist', 'Runnable', 'Running', 'Waiting', 'Syscall'];
const enum ProcState_ { Undetermined = 0, NotExist = 1, Running = 2, Idle = 3 }
const procStateNames: readonly ProcState[] = ['Undetermined', 'NotExist', 'Running', 'Idle'];

/** tracev2GoStatus2GoState / tracev2ProcStatus2ProcState. */
const goStatusToState = [GoState_.Undetermined, GoState_.Runnable, GoState_.Running, GoState_.Syscall, GoState_.Waiting];
const procStatusToState = [ProcState_.Undetermined, ProcState_.Running, ProcState_.Idle, ProcState_.Running, ProcState_.Idle];

/** The ranges in flight of a resource that has had none, and the regions of a goroutine that has had none (shared: never pushed to). */
const NO_RANGES: I64[] = [];
const NO_REGIONS: (I64 | string)[] = [];

class RangeState {
  /**
   * The ranges in flight as pairs: the type of the event that began it, then its description (a string ID).
   * No object per range: a GC-heavy trace begins a sweep or a mark assist every 30 events. Made at the
   * first: most of a goroutine-per-request service's goroutines never have one.
   */
  inFlight: I64[] = NO_RANGES;

  pushRange(typ: number, desc: I64): void {
    if (this.inFlight === NO_RANGES) this.inFlight = [typ, desc];
    else this.inFlight.push(typ, desc);
  }

  hasRange(typ: number, desc: I64): boolean {
    const f = this.inFlight;
    for (let i = 0; i < f.length; i += 2) if (f[i] === typ && f[i + 1] === desc) return true;
    return false;
  }

  beginRange(typ: number, desc: I64): void {
    if (this.hasRange(typ, desc)) {
      throw new TraceError(`discovered event already in-flight for when starting event ${specs[typ].name}`);
    }
    this.pushRange(typ, desc);
  }

  activeRange(typ: number, isInitialGen: boolean): void {
    if (isInitialGen) {
      if (this.hasRange(typ, 0)) throw new TraceError(`found named active range already in first gen: {${typ} 0}`);
      this.pushRange(typ, 0);
    } else if (!this.hasRange(typ, 0)) {
      throw new TraceError(`resource is missing active range: ${specs[typ].name}`);
    }
  }

  /** Ends the range begun by the start event of `typ`; returns its description string ID. */
  endRange(typ: number): I64 {
    const st = specs[typ].startEv;
    const f = this.inFlight;
    let i = 0;
    while (i < f.length && f[i] !== st) i += 2;
    if (i >= f.length) throw new TraceError(`tried to end event ${specs[st].name}, but not in-flight`);
    const desc = f[i + 1];
    // The last pair takes its place, as Go's slice does.
    const lastDesc = f.pop()!;
    const lastTyp = f.pop()!;
    if (i < f.length) {
      f[i] = lastTyp;
      f[i + 1] = lastDesc;
    }
    return desc;
  }
}

/** makeRangeType: a range is identified by its begin event. */
function rangeTypeOf(typ: number): number {
  const st = specs[typ].startEv;
  return st !== 0 ? st : typ;
}

/** A resource of an event, with Go's exact ID when the number is rounded. */
function resourceOf(kind: ResourceKind, id: I64): ResourceID {
  return typeof id === 'number' ? { kind, id } : { kind, id: Number(id), exactId: id };
}

class GState extends RangeState {
  /**
   * The goroutine's active regions, innermost last: each its task, then its name (no object per region).
   * Made at its first region (NO_REGIONS until then): a goroutine-per-request service starts hundreds of
   * thousands of goroutines, and what each one's state holds past a scavenge is promoted (two arrays
   * made with every goroutine were ~180 bytes of it).
   */
  regions: (I64 | string)[] = NO_REGIONS;
  /** False once the goroutine is gone from gStates, so a cached reference cannot be mistaken for a live one. */
  alive = true;
  /**
   * A transition of this goroutine between two states was handed over with a transition stack whose root
   * frame names a function: its entry, which names it in Go's goroutine analysis. False again once it
   * waits 'forever' (which ends it there). Kept only without KindMask.Scheduling.
   */
  named = false;
  /** Shared by every event about this goroutine. */
  readonly resource: ResourceID;
  constructor(readonly id: I64, public status: number, public seqGen: I64, public seq: I64) {
    super();
    this.resource = resourceOf('Goroutine', id);
  }
}

class PState extends RangeState {
  readonly resource: ResourceID;
  constructor(readonly id: I64, public status: number, public seqGen: I64, public seq: I64) {
    super();
    this.resource = resourceOf('Proc', id);
  }
}

export interface MState {
  g: I64;
  p: I64;
  /**
   * The state of the goroutine this thread last ran, to spare a map lookup; check `alive` and `id`.
   * Present from the start (undefined), so that every thread's state has one shape.
   */
  gs: GState | undefined;
}

const enum Need { MustNotHave, MayHave, MustHave }

function validateCtx(m: I64, p: I64, g: I64, needM: Need, needP: Need, needG: Need): void {
  if (needM === Need.MustHave && m === No.ID) throw new TraceError('expected a thread but didn\'t have one');
  if (needM === Need.MustNotHave && m !== No.ID) throw new TraceError('expected no thread but had one');
  if (needP === Need.MustHave && p === No.ID) throw new TraceError('expected a proc but didn\'t have one');
  if (needP === Need.MustNotHave && p !== No.ID) throw new TraceError('expected no proc but had one');
  if (needG === Need.MustHave && g === No.ID) throw new TraceError('expected a goroutine but didn\'t have one');
  if (needG === Need.MustNotHave && g !== No.ID) throw new TraceError('expected no goroutine but had one');
}

/** userGoReqs: the event needs a thread, a proc and a goroutine. */
function validateUserGo(m: I64, p: I64, g: I64): void {
  if (m === No.ID || p === No.ID || g === No.ID) validateCtx(m, p, g, Need.MustHave, Need.MustHave, Need.MustHave);
}

const enum GC { Undetermined, NotRunning, Running }

interface TaskState { name: string; parent: I64 }

/** Exact values of a task's ID and parent when either is a bigint (rounded as a number), else undefined. */
function exactTaskIds(id: I64, parent: I64): ExactFields | undefined {
  if (typeof id === 'number' && typeof parent === 'number') return undefined;
  return { id: typeof id === 'bigint' ? id : undefined, parent: typeof parent === 'bigint' ? parent : undefined };
}

/** The exact task of a region or log when it is a bigint (rounded as a number), else undefined. */
function exactTask(task: I64): ExactFields | undefined {
  return typeof task === 'number' ? undefined : { task };
}

const EMPTY_ATTRIBUTES: readonly { name: string; value: Value }[] = Object.freeze([]);

function u64(x: I64): Value {
  return { kind: 'Uint64', value: BigInt.asUintN(64, BigInt(x)) };
}

export class Ordering {
  // Public for reading only: parallel/orderingState.ts compares two orderings' states.
  readonly gStates = new Map<I64, GState>();
  readonly pStates = new Map<I64, PState>();
  readonly mStates = new Map<I64, MState>();
  readonly activeTasks = new Map<I64, TaskState>();
  gcSeq: I64 = 0;
  gcState = GC.Undetermined;
  /** The first generation's number: its status events make the state (readable for parallel/). */
  initialGen: I64 = 0;
  /**
   * A seeded ordering (parallel/seed.ts) takes the GC state from its first GC event: the GC sequence
   * number before it and whether a cycle was running; `gcSeed` records what it took.
   */
  private gcSeedPending = false;
  gcSeed: { state: number; seq: I64 } | undefined;
  /** True once an event's context was picked by the order of mStates (parallel/: a seeded map's order differs). */
  choseByMapOrder = false;
  /** The largest HeapAlloc handed over (without KindMask.RuntimeDetail, only larger ones are). */
  private heapPeak = -1;

  /**
   * FIFO of events ready to be returned; Advance queues one to three at a time. An event of a kind the
   * reader was not asked for is queued as null: it still counts for ordering,
   * validation and timestamps, but no object is built for it.
   */
  private readonly queue: (TraceEvent | null | undefined)[] = [];
  private head = 0;
  private tail = 0;
  /**
   * The time (eventTime + eventTimeLo, see exact.ts) of the event next() (or the reader) last returned,
   * built or skipped: read from here, not from the event, since events of different kinds differ in shape.
   */
  eventTime = 0;
  eventTimeLo = 0;

  /** want: a KindMask of the events to build; messageTask: a task whose Log events carry their message all the same (ReadOptions). */
  constructor(private readonly want: number, private readonly messageTask?: number) {}

  /** The execution context of the event being advanced; advance handlers update it for the thread. */
  private curM: I64 = 0;
  private curP: I64 = 0;
  private curG: I64 = 0;
  /** The time of the event being advanced (curTime + curTimeLo, see exact.ts). */
  private curTime = 0;
  private curTimeLo = 0;

  /**
   * Starts from a guessed state instead of an empty one (parallel/seed.ts: a range of generations read
   * on its own). The guess is the caller's to verify against the real state at the boundary.
   */
  seed(initialGen: I64): void {
    this.initialGen = initialGen;
    this.gcSeedPending = true;
  }

  /** A goroutine or proc of a seeded state: its status, `seqGen` 0 (no generation: stale), its active ranges (Active event types). */
  seedGoroutine(id: I64, status: number, active: readonly number[]): void {
    const s = new GState(id, status, 0, 0);
    for (const typ of active) s.pushRange(rangeTypeOf(typ), 0);
    this.gStates.set(id, s);
  }

  seedProc(id: I64, status: number, active: readonly number[]): void {
    const s = new PState(id, status, 0, 0);
    for (const typ of active) s.pushRange(rangeTypeOf(typ), 0);
    this.pStates.set(id, s);
  }

  private seedGC(typ: number, seq: I64): void {
    this.gcSeedPending = false;
    // The sequence number just before this event's, so that inc(gcSeq) === seq.
    this.gcSeq = typeof seq === 'number' && seq > -Number.MAX_SAFE_INTEGER ? seq - 1 : i64(BigInt.asIntN(64, big(seq) - 1n));
    this.gcState = typ === Ev.GCBegin ? GC.NotRunning : GC.Running;
    this.gcSeed = { state: this.gcState, seq: this.gcSeq };
  }

  /**
   * The next queued event, null for a skipped one (its time in eventTime), undefined if none is queued.
   * The queue is emptied before the next advance, so every queued event has the time of the one advanced.
   */
  next(): TraceEvent | null | undefined {
    if (this.head === this.tail) return undefined;
    const ev = this.queue[this.head];
    this.eventTime = this.curTime;
    this.eventTimeLo = this.curTimeLo;
    this.queue[this.head++] = undefined;
    if (this.head === this.tail) { this.head = 0; this.tail = 0; }
    return ev;
  }

  /**
   * Go's ordering.Advance: true if ev (from thread m) happened and its events are queued, false if it must
   * wait for other threads; throws TraceError if the trace is broken.
   */
  advance(ev: RawEvent, evt: Generation, m: I64, gen: I64): boolean {
    if (this.initialGen === 0) this.initialGen = gen;
    this.curTime = ev.time;
    this.curTimeLo = ev.timeLo;
    let ms = ev.ms;
    if (ms === undefined && m !== No.ID) ms = this.threadState(ev, m);
    this.curM = m;
    this.curMs = ms;
    // The same stores with or without a thread: an event without one (rare) would otherwise first reach
    // stores of its own in optimized code, which V8 then throws away (with the reader's that inline it).
    this.curP = ms === undefined ? No.ID : ms.p;
    this.curG = ms === undefined ? No.ID : ms.g;
    // Handlers return the thread's new (P, G) through newP/newG.
    this.newP = this.curP;
    this.newG = this.curG;
    if (!this.dispatch(ev, evt, gen)) return false;
    if (ms !== undefined) {
      ms.p = this.newP;
      ms.g = this.newG;
    }
    return true;
  }

  /** Thread m's state, made on its first event, and cached in its cursor. */
  private threadState(ev: RawEvent, m: I64): MState {
    let ms = this.mStates.get(m);
    if (ms === undefined) {
      ms = { g: No.ID, p: No.ID, gs: undefined };
      this.mStates.set(m, ms);
    }
    ev.ms = ms;
    return ms;
  }

  private newP: I64 = 0;
  private newG: I64 = 0;
  private curMs: MState | undefined;

  /** gStates.get(curG), through the thread's cache. */
  private curGState(): GState | undefined {
    const ms = this.curMs;
    const g = this.curG;
    if (ms !== undefined) {
      const cached = ms.gs;
      if (cached !== undefined && cached.alive && cached.id === g) return cached;
    }
    const state = this.gStates.get(g);
    if (ms !== undefined && state !== undefined) ms.gs = state;
    return state;
  }

  private deleteG(state: GState): void {
    state.alive = false;
    this.gStates.delete(state.id);
  }

  private dispatch(ev: RawEvent, evt: Generation, gen: I64): boolean {
    switch (ev.typ) {
      case Ev.ProcsChange: case Ev.GoLabel: case Ev.UserLog: return this.advanceAnnotation(ev, evt);
      case Ev.ProcStart: return this.advanceProcStart(ev, evt, gen);
      case Ev.ProcStop: return this.advanceProcStop(ev, evt);
      case Ev.ProcSteal: return this.advanceProcSteal(ev, evt, gen);
      case Ev.ProcStatus: return this.advanceProcStatus(ev, evt, gen);
      case Ev.GoCreate: case Ev.GoCreateBlocked: return this.advanceGoCreate(ev, evt, gen);
      case Ev.GoCreateSyscall: return this.advanceGoCreateSyscall(ev, evt, gen);
      case Ev.GoStart: return this.advanceGoStart(ev, evt, gen);
      case Ev.GoDestroy: case Ev.GoStop: case Ev.GoBlock: return this.advanceGoStopExec(ev, evt);
      case Ev.GoDestroySyscall: return this.advanceGoDestroySyscall(ev, evt);
      case Ev.GoUnblock: return this.advanceGoUnblock(ev, evt, gen);
      case Ev.GoSyscallBegin: return this.advanceGoSyscallBegin(ev, evt, gen);
      case Ev.GoSyscallEnd: return this.advanceGoSyscallEnd(ev, evt);
      case Ev.GoSyscallEndBlocked: return this.advanceGoSyscallEndBlocked(ev, evt);
      case Ev.GoStatus: case Ev.GoStatusStack: return this.advanceGoStatus(ev, evt, gen);
      case Ev.STWBegin: case Ev.GCMarkAssistBegin: return this.advanceGoRangeBegin(ev, evt);
      case Ev.STWEnd: case Ev.GCMarkAssistEnd: return this.advanceGoRangeEnd(ev, evt);
      case Ev.GCActive: return this.advanceGCActive(ev, evt, gen);
      case Ev.GCBegin: return this.advanceGCBegin(ev, evt);
      case Ev.GCEnd: return this.advanceGCEnd(ev, evt);
      case Ev.GCSweepActive: return this.advanceGCSweepActive(ev, evt, gen);
      case Ev.GCSweepBegin: return this.advanceGCSweepBegin(ev, evt);
      case Ev.GCSweepEnd: return this.advanceGCSweepEnd(ev, evt);
      case Ev.GCMarkAssistActive: return this.advanceGoRangeActive(ev, evt, gen);
      case Ev.HeapAlloc: case Ev.HeapGoal: return this.advanceHeapMetric(ev, evt);
      case Ev.UserTaskBegin: return this.advanceUserTaskBegin(ev, evt);
      case Ev.UserTaskEnd: return this.advanceUserTaskEnd(ev, evt);
      case Ev.UserRegionBegin: return this.advanceUserRegion(ev, evt, true);
      case Ev.UserRegionEnd: return this.advanceUserRegion(ev, evt, false);
      case Ev.GoSwitch: case Ev.GoSwitchDestroy: return this.advanceGoSwitch(ev, evt, gen);
      default:
        if (isExperimentalEvent(ev.typ)) return this.advanceAllocFree(ev, evt);
        throw new TraceError(`bad event type found while ordering: ${ev.typ}`);
    }
  }

  private advanceProcStatus(ev: RawEvent, evt: Generation, gen: I64): boolean {
    const pid = ev.a0;
    // tracev2.ProcStatus is a uint8: Go keeps the low byte of the argument.
    const status = low8(ev.a1);
    if (status >= procStatusToState.length) {
      throw new TraceError(`invalid status for proc ${pid}: ${status}`);
    }
    let oldState = procStatusToState[status];
    // The status the event reports, which may differ from the one written.
    let reported = status;
    let s = this.pStates.get(pid);
    if (s !== undefined) {
      if (status === ProcStatus.SyscallAbandoned && s.status === ProcStatus.Syscall) {
        // Already in ProcStatus.Syscall, so nothing was lost: promote the status.
        oldState = ProcState_.Running;
        reported = ProcStatus.Syscall;
      } else if (status === ProcStatus.SyscallAbandoned && s.status === ProcStatus.SyscallAbandoned) {
        oldState = ProcState_.Idle;
      } else if (s.status !== status) {
        throw new TraceError(`inconsistent status for proc ${pid}: old ${procStatusNames[s.status]} vs. new ${procStatusNames[status]}`);
      }
      s.seqGen = gen;
      s.seq = 0;
    } else {
      s = new PState(pid, status, gen, 0);
      this.pStates.set(pid, s);
      oldState = gen === this.initialGen ? ProcState_.Undetermined : ProcState_.NotExist;
    }
    if (status === ProcStatus.Running || status === ProcStatus.Syscall) this.newP = pid;
    // A P about to be stolen out of a syscall may be reported by another thread: emit it in the
    // context it is bound to.
    if (status === ProcStatus.SyscallAbandoned && oldState === ProcState_.Running) {
      let found = false;
      for (const [mid, ms] of this.mStates) {
        if (ms.p === pid) {
          // Two threads holding the proc (a broken trace): which one is taken depends on the map's order.
          if (found) this.choseByMapOrder = true;
          this.curM = mid;
          this.curP = pid;
          this.curG = ms.g;
          found = true;
        }
      }
      if (!found) throw new TraceError(`failed to find sched context for proc ${pid} that's about to be stolen`);
    }
    this.procTransition(evt, NO_STACK, s, procStateNames[oldState], procStateNames[procStatusToState[reported]]);
    return true;
  }

  private advanceProcStart(ev: RawEvent, evt: Generation, gen: I64): boolean {
    const pid = ev.a0;
    const state = this.pStates.get(pid);
    if (state === undefined || state.status !== ProcStatus.Idle || !(state.seqGen === gen && ev.a1 === inc(state.seq)) || this.curP !== No.ID) {
      return false;
    }
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MustNotHave, Need.MayHave);
    state.status = ProcStatus.Running;
    state.seqGen = gen;
    state.seq = ev.a1;
    this.newP = pid;
    this.procTransition(evt, NO_STACK, state, 'Idle', 'Running');
    return true;
  }

  private advanceProcStop(ev: RawEvent, evt: Generation): boolean {
    const state = this.pStates.get(this.curP);
    if (state === undefined) throw new TraceError(`event ${eventName(ev.typ)} for proc (${this.curP}) that doesn't exist`);
    if (state.status !== ProcStatus.Running && state.status !== ProcStatus.Syscall) {
      throw new TraceError(`${eventName(ev.typ)} event for proc that's not Running or Syscall`);
    }
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MustHave, Need.MayHave);
    state.status = ProcStatus.Idle;
    this.newP = No.ID;
    this.procTransition(evt, NO_STACK, state, 'Running', 'Idle');
    return true;
  }

  private advanceProcSteal(ev: RawEvent, evt: Generation, gen: I64): boolean {
    const pid = ev.a0;
    const state = this.pStates.get(pid);
    if (state === undefined || (state.status !== ProcStatus.Syscall && state.status !== ProcStatus.SyscallAbandoned) ||
        !(state.seqGen === gen && ev.a1 === inc(state.seq))) {
      return false;
    }
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MayHave, Need.MayHave);
    const oldStatus = state.status;
    state.status = ProcStatus.Idle;
    state.seqGen = gen;
    state.seq = ev.a1;
    // A steal out of a lost syscall state reads as Idle->Idle.
    if (oldStatus === ProcStatus.SyscallAbandoned) {
      this.procTransition(evt, NO_STACK, state, 'Idle', 'Idle');
      return true;
    }
    const mid = ev.a2;
    if (mid === this.curM) {
      if (this.curP !== pid) {
        throw new TraceError(`tried to self-steal proc ${pid} (thread ${mid}), but got proc ${this.curP} instead`);
      }
      this.newP = No.ID;
      this.procTransition(evt, NO_STACK, state, 'Running', 'Idle');
      return true;
    }
    const mState = this.mStates.get(mid);
    if (mState === undefined) throw new TraceError(`stole proc from non-existent thread ${mid}`);
    if (mState.p !== pid) throw new TraceError(`tried to steal proc ${pid} from thread ${mid}, but got proc ${mState.p} instead`);
    mState.p = No.ID;
    this.procTransition(evt, NO_STACK, state, 'Running', 'Idle');
    return true;
  }

  private advanceGoStatus(ev: RawEvent, evt: Generation, gen: I64): boolean {
    const gid = ev.a0;
    const mid = ev.a1;
    // tracev2.GoStatus is a uint8: Go keeps the low byte of the argument.
    const status = low8(ev.a2);
    if (status >= goStatusToState.length) {
      throw new TraceError(`invalid status for goroutine ${gid}: ${status}`);
    }
    let oldState = goStatusToState[status];
    let s = this.gStates.get(gid);
    if (s !== undefined) {
      if (s.status !== status) {
        throw new TraceError(`inconsistent status for goroutine ${gid}: old ${goStatusNames[s.status]} vs. new ${goStatusNames[status]}`);
      }
      s.seqGen = gen;
      s.seq = 0;
    } else if (gen === this.initialGen) {
      s = new GState(gid, status, gen, 0);
      this.gStates.set(gid, s);
      oldState = GoState_.Undetermined;
    } else {
      throw new TraceError(`found goroutine status for new goroutine after the first generation: id=${gid} status=${goStatusNames[status]}`);
    }
    if (status === GoStatus.Running) {
      this.newG = gid;
    } else if (status === GoStatus.Syscall) {
      if (mid === No.ID) throw new TraceError(`found goroutine ${gid} in syscall without a thread`);
      if (mid === this.curM) {
        if (gen !== this.initialGen && this.curG !== gid) {
          throw new TraceError(`inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${this.curG}`);
        }
        this.newG = gid;
      } else {
        // A goroutine sitting in a syscall on another thread for the whole generation.
        const ms = this.mStates.get(mid);
        if (ms !== undefined) {
          if (ms.g !== gid) throw new TraceError(`inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${ms.g}`);
          this.curG = ms.g;
        } else {
          this.mStates.set(mid, { g: gid, p: No.ID, gs: undefined });
        }
        this.curM = mid;
      }
    }
    const stack = ev.typ === Ev.GoStatusStack ? this.stackArg(evt, ev.a3, ev.typ) : NO_STACK;
    this.goTransition(evt, stack, s, goStateNames[oldState], goStateNames[goStatusToState[status]], '', stack);
    return true;
  }

  private advanceGoCreate(ev: RawEvent, evt: Generation, gen: I64): boolean {
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MustHave, Need.MayHave);
    const cur = this.curGState();
    if (cur !== undefined && cur.status !== GoStatus.Running) {
      throw new TraceError(`${eventName(ev.typ)} event for goroutine that's not Running`);
    }
    const newgid = ev.a0;
    if (this.gStates.has(newgid)) throw new TraceError(`tried to create goroutine (${newgid}) that already exists`);
    const blocked = ev.typ === Ev.GoCreateBlocked;
    const created = new GState(newgid, blocked ? GoStatus.Waiting : GoStatus.Runnable, gen, 0);
    this.gStates.set(newgid, created);
    const stack = this.stackArg(evt, ev.a2, ev.typ);
    // The new goroutine's starting stack, present even when its ID is 0 (Go keeps the table handle).
    const startStack = ev.a1 === 0 ? PRESENT_EMPTY_STACK : this.stackArg(evt, ev.a1, ev.typ);
    this.goTransition(evt, stack, created, 'NotExist', blocked ? 'Waiting' : 'Runnable', '', startStack);
    return true;
  }

  private advanceGoStopExec(ev: RawEvent, evt: Generation): boolean {
    validateUserGo(this.curM, this.curP, this.curG);
    const state = this.curGState();
    if (state === undefined) throw new TraceError(`event ${eventName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (state.status !== GoStatus.Running) throw new TraceError(`${eventName(ev.typ)} event for goroutine that's not Running`);
    this.newG = No.ID;
    if (ev.typ === Ev.GoDestroy) {
      this.deleteG(state);
      this.goTransition(evt, NO_STACK, state, 'Running', 'NotExist', '', NO_STACK);
    } else {
      // GoStop and GoBlock: the reason and the stack of the goroutine itself.
      const stackIndex = this.stackIndexArg(evt, ev.a1, ev.typ);
      const reason = this.stringArg(evt, ev.a0, ev.typ);
      const to = ev.typ === Ev.GoStop ? 'Runnable' : 'Waiting';
      state.status = ev.typ === Ev.GoStop ? GoStatus.Runnable : GoStatus.Waiting;
      const forever = ev.typ === Ev.GoBlock && reason === 'forever';
      if (!forever && !this.scheduling(state)) { this.skip(); return true; }
      const stack = evt.stackAt(stackIndex);
      this.goTransition(evt, stack, state, 'Running', to, reason, stack);
      // Go's goroutine analysis ends a goroutine that waits forever: what follows is as if it were new.
      if (forever) state.named = false;
    }
    return true;
  }

  private advanceGoStart(ev: RawEvent, evt: Generation, gen: I64): boolean {
    const gid = ev.a0;
    const state = this.gStates.get(gid);
    if (state === undefined || state.status !== GoStatus.Runnable || !(state.seqGen === gen && ev.a1 === inc(state.seq))) return false;
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MustHave, Need.MustNotHave);
    state.status = GoStatus.Running;
    state.seqGen = gen;
    state.seq = ev.a1;
    this.newG = gid;
    if (this.curMs !== undefined) this.curMs.gs = state;
    if (!this.scheduling(state)) { this.skip(); return true; }
    this.goTransition(evt, NO_STACK, state, 'Runnable', 'Running', '', NO_STACK);
    return true;
  }

  private advanceGoUnblock(ev: RawEvent, evt: Generation, gen: I64): boolean {
    const gid = ev.a0;
    const state = this.gStates.get(gid);
    if (state === undefined || state.status !== GoStatus.Waiting || !(state.seqGen === gen && ev.a1 === inc(state.seq))) return false;
    state.status = GoStatus.Runnable;
    state.seqGen = gen;
    state.seq = ev.a1;
    const stackIndex = this.stackIndexArg(evt, ev.a2, ev.typ);
    if (!this.scheduling(state)) { this.skip(); return true; }
    this.goTransition(evt, evt.stackAt(stackIndex), state, 'Waiting', 'Runnable', '', NO_STACK);
    return true;
  }

  private advanceGoSwitch(ev: RawEvent, evt: Generation, gen: I64): boolean {
    validateUserGo(this.curM, this.curP, this.curG);
    const curGState = this.curGState();
    if (curGState === undefined) throw new TraceError(`event ${eventName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (curGState.status !== GoStatus.Running) throw new TraceError(`${eventName(ev.typ)} event for goroutine that's not Running`);
    const nextg = ev.a0;
    const nextGState = this.gStates.get(nextg);
    if (nextGState === undefined || nextGState.status !== GoStatus.Waiting || !(nextGState.seqGen === gen && ev.a1 === inc(nextGState.seq))) {
      return false;
    }
    // Unblock the next goroutine, block or destroy this one, start the next.
    this.goTransition(evt, NO_STACK, nextGState, 'Waiting', 'Runnable', '', NO_STACK);
    if (ev.typ === Ev.GoSwitch) {
      curGState.status = GoStatus.Waiting;
      this.goTransition(evt, NO_STACK, curGState, 'Running', 'Waiting', '', NO_STACK);
    } else {
      this.deleteG(curGState);
      this.goTransition(evt, NO_STACK, curGState, 'Running', 'NotExist', '', NO_STACK);
    }
    nextGState.status = GoStatus.Running;
    nextGState.seqGen = gen;
    nextGState.seq = ev.a1;
    this.newG = nextg;
    if (this.curMs !== undefined) this.curMs.gs = nextGState;
    this.curG = No.ID;
    this.goTransition(evt, NO_STACK, nextGState, 'Runnable', 'Running', '', NO_STACK);
    return true;
  }

  private advanceGoSyscallBegin(ev: RawEvent, evt: Generation, gen: I64): boolean {
    validateUserGo(this.curM, this.curP, this.curG);
    const state = this.curGState();
    if (state === undefined) throw new TraceError(`event ${eventName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (state.status !== GoStatus.Running) throw new TraceError(`${eventName(ev.typ)} event for goroutine that's not Running`);
    state.status = GoStatus.Syscall;
    const pState = this.pStates.get(this.curP);
    if (pState === undefined) throw new TraceError(`uninitialized proc ${this.curP} found during ${eventName(ev.typ)}`);
    pState.status = ProcStatus.Syscall;
    // The P sequence number disambiguates which syscall a ProcSteal steals from; it must match here.
    if (!(pState.seqGen === gen && ev.a0 === inc(pState.seq))) {
      throw new TraceError(`failed to advance ${eventName(ev.typ)}: can't make sequence: ${pState.seq} (gen=${pState.seqGen}) -> ${uint64Text(ev.a0)} (gen=${gen})`);
    }
    pState.seqGen = gen;
    pState.seq = ev.a0;
    const stackIndex = this.stackIndexArg(evt, ev.a1, ev.typ);
    if (!this.scheduling(state)) { this.skip(); return true; }
    const stack = evt.stackAt(stackIndex);
    this.goTransition(evt, stack, state, 'Running', 'Syscall', '', stack);
    return true;
  }

  private advanceGoSyscallEnd(ev: RawEvent, evt: Generation): boolean {
    validateUserGo(this.curM, this.curP, this.curG);
    const state = this.curGState();
    if (state === undefined) throw new TraceError(`event ${eventName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (state.status !== GoStatus.Syscall) throw new TraceError(`${eventName(ev.typ)} event for goroutine that's not Running`);
    state.status = GoStatus.Running;
    const pState = this.pStates.get(this.curP);
    if (pState === undefined) throw new TraceError(`uninitialized proc ${this.curP} found during ${eventName(ev.typ)}`);
    if (pState.status !== ProcStatus.Syscall) {
      throw new TraceError(`expected proc ${this.curP} in state Syscall, but got ${procStatusNames[pState.status]} instead`);
    }
    pState.status = ProcStatus.Running;
    if (!this.scheduling(state)) { this.skip(); return true; }
    this.goTransition(evt, NO_STACK, state, 'Syscall', 'Running', '', NO_STACK);
    return true;
  }

  private advanceGoSyscallEndBlocked(ev: RawEvent, evt: Generation): boolean {
    // Wait while this thread still holds its P in a syscall: it will lose it (ProcStop or ProcSteal) first.
    if (this.curP !== No.ID) {
      const pState = this.pStates.get(this.curP);
      if (pState === undefined) throw new TraceError(`uninitialized proc ${this.curP} found during ${eventName(ev.typ)}`);
      if (pState.status === ProcStatus.Syscall) return false;
    }
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MayHave, Need.MustHave);
    const state = this.curGState();
    if (state === undefined) throw new TraceError(`event ${eventName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (state.status !== GoStatus.Syscall) throw new TraceError(`${eventName(ev.typ)} event for goroutine that's not Running`);
    this.newG = No.ID;
    state.status = GoStatus.Runnable;
    if (!this.scheduling(state)) { this.skip(); return true; }
    this.goTransition(evt, NO_STACK, state, 'Syscall', 'Runnable', '', NO_STACK);
    return true;
  }

  private advanceGoCreateSyscall(ev: RawEvent, evt: Generation, gen: I64): boolean {
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MayHave, Need.MustNotHave);
    const newgid = ev.a0;
    if (this.gStates.has(newgid)) throw new TraceError(`tried to create goroutine (${newgid}) in syscall that already exists`);
    const created = new GState(newgid, GoStatus.Syscall, gen, 0);
    this.gStates.set(newgid, created);
    this.newG = newgid;
    this.goTransition(evt, NO_STACK, created, 'NotExist', 'Syscall', '', NO_STACK);
    return true;
  }

  private advanceGoDestroySyscall(ev: RawEvent, evt: Generation): boolean {
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MayHave, Need.MustHave);
    const state = this.curGState();
    if (state === undefined) throw new TraceError(`event ${eventName(ev.typ)} for goroutine (${this.curG}) that doesn't exist`);
    if (state.status !== GoStatus.Syscall) throw new TraceError(`${eventName(ev.typ)} event for goroutine that's not Syscall`);
    this.deleteG(state);
    this.newG = No.ID;
    // The thread ID may be reused, so it also lets go of its P: report that as a self-steal.
    if (this.curP !== No.ID) {
      const pState = this.pStates.get(this.curP);
      if (pState === undefined) throw new TraceError(`found invalid proc ${this.curP} during ${eventName(ev.typ)}`);
      if (pState.status !== ProcStatus.Syscall) {
        throw new TraceError(`proc ${this.curP} in unexpected state ${procStatusNames[pState.status]} during ${eventName(ev.typ)}`);
      }
      pState.status = ProcStatus.SyscallAbandoned;
      this.newP = No.ID;
      this.procTransition(evt, NO_STACK, pState, 'Running', 'Idle');
    }
    this.goTransition(evt, NO_STACK, state, 'Syscall', 'NotExist', '', NO_STACK);
    return true;
  }

  private advanceUserTaskBegin(ev: RawEvent, evt: Generation): boolean {
    const id = ev.a0;
    if (this.activeTasks.has(id)) throw new TraceError(`task ID conflict: ${uint64Text(id)}`);
    // Parent 0 means no parent here (the background task applies to regions only).
    const parent = ev.a1 === 0 ? No.ID : ev.a1;
    const name = evt.string(ev.a2);
    if (name === undefined) throw new TraceError(`invalid string ID ${uint64Text(ev.a2)} for ${ev.typ} event`);
    this.activeTasks.set(id, { name, parent });
    validateUserGo(this.curM, this.curP, this.curG);
    const stackIndex = this.stackIndexArg(evt, ev.a3, ev.typ);
    if (!(this.want & KindMask.Task)) { this.skip(); return true; }
    this.push({
      kind: 'TaskBegin', time: ev.time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: evt.stackAt(stackIndex),
      id: num(id), parent: num(parent), type: name,
    }, exactTaskIds(id, parent));
    return true;
  }

  private advanceUserTaskEnd(ev: RawEvent, evt: Generation): boolean {
    const id = ev.a0;
    const task = this.activeTasks.get(id);
    // The TaskBegin may be in an earlier generation, so carry the name itself, not its string ID.
    if (task !== undefined) this.activeTasks.delete(id);
    validateUserGo(this.curM, this.curP, this.curG);
    const stackIndex = this.stackIndexArg(evt, ev.a1, ev.typ);
    if (!(this.want & KindMask.Task)) { this.skip(); return true; }
    const parent = task?.parent ?? No.ID;
    this.push({
      kind: 'TaskEnd', time: ev.time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: evt.stackAt(stackIndex),
      id: num(id), parent: num(parent), type: task?.name ?? '',
    }, exactTaskIds(id, parent));
    return true;
  }

  private advanceUserRegion(ev: RawEvent, evt: Generation, begin: boolean): boolean {
    validateUserGo(this.curM, this.curP, this.curG);
    const task = ev.a0;
    const name = evt.string(ev.a1);
    if (name === undefined) throw new TraceError(`invalid string ID ${uint64Text(ev.a1)} for ${ev.typ} event`);
    const gState = this.curGState();
    const what = begin ? 'Ev.UserRegionBegin' : 'Ev.UserRegionEnd';
    if (gState === undefined) throw new TraceError(`encountered ${what} without known state for current goroutine ${this.curG}`);
    const regions = gState.regions;
    if (begin) {
      if (regions === NO_REGIONS) gState.regions = [task, name];
      else regions.push(task, name);
    } else if (regions.length !== 0) {
      // Regions that began before tracing started are unknown, so an unmatched end is fine.
      const topTask = regions[regions.length - 2] as I64;
      const topName = regions[regions.length - 1] as string;
      if (topTask !== task || topName !== name) {
        throw new TraceError(`misuse of region in goroutine ${gState.id}: region end {${uint64Text(task)} ${name}} when the inner-most active region start event is {${uint64Text(topTask)} ${topName}}`);
      }
      regions.pop();
      regions.pop();
    }
    const stackIndex = this.stackIndexArg(evt, ev.a2, ev.typ);
    if (!(this.want & KindMask.Region)) { this.skip(); return true; }
    this.push({
      kind: begin ? 'RegionBegin' : 'RegionEnd', time: ev.time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG),
      stack: evt.stackAt(stackIndex), task: num(task), type: name,
    }, exactTask(task));
    return true;
  }

  private advanceGCActive(ev: RawEvent, evt: Generation, gen: I64): boolean {
    const seq = ev.a0;
    if (this.gcSeedPending) this.seedGC(ev.typ, seq);
    if (gen === this.initialGen) {
      if (this.gcState !== GC.Undetermined) throw new TraceError('GCActive in the first generation isn\'t first GC event');
      this.gcSeq = seq;
      this.gcState = GC.Running;
      this.gcRange(evt, ev, 'RangeActive', NO_STACK_INDEX);
      return true;
    }
    if (seq !== inc(this.gcSeq)) return false;
    if (this.gcState !== GC.Running) throw new TraceError('encountered GCActive while GC was not in progress');
    this.gcSeq = seq;
    validateUserGo(this.curM, this.curP, this.curG);
    this.gcRange(evt, ev, 'RangeActive', NO_STACK_INDEX);
    return true;
  }

  private advanceGCBegin(ev: RawEvent, evt: Generation): boolean {
    const seq = ev.a0;
    if (this.gcSeedPending) this.seedGC(ev.typ, seq);
    if (this.gcState === GC.Undetermined) {
      this.gcSeq = seq;
      this.gcState = GC.Running;
      this.gcRange(evt, ev, 'RangeBegin', this.stackIndexArg(evt, ev.a1, ev.typ));
      return true;
    }
    if (seq !== inc(this.gcSeq)) return false;
    if (this.gcState === GC.Running) throw new TraceError('encountered GCBegin while GC was already in progress');
    this.gcSeq = seq;
    this.gcState = GC.Running;
    validateUserGo(this.curM, this.curP, this.curG);
    this.gcRange(evt, ev, 'RangeBegin', this.stackIndexArg(evt, ev.a1, ev.typ));
    return true;
  }

  private advanceGCEnd(ev: RawEvent, evt: Generation): boolean {
    const seq = ev.a0;
    if (this.gcSeedPending) this.seedGC(ev.typ, seq);
    if (seq !== inc(this.gcSeq)) return false;
    if (this.gcState === GC.NotRunning) throw new TraceError('encountered GCEnd when GC was not in progress');
    if (this.gcState === GC.Undetermined) throw new TraceError('encountered GCEnd when GC was in an undetermined state');
    this.gcSeq = seq;
    this.gcState = GC.NotRunning;
    validateUserGo(this.curM, this.curP, this.curG);
    this.gcRange(evt, ev, 'RangeEnd', NO_STACK_INDEX);
    return true;
  }

  private advanceAnnotation(ev: RawEvent, evt: Generation): boolean {
    validateUserGo(this.curM, this.curP, this.curG);
    const { time } = ev;
    if (ev.typ === Ev.ProcsChange) {
      const stackIndex = this.stackIndexArg(evt, ev.a1, ev.typ);
      if (!(this.want & KindMask.Metric) || !(this.want & KindMask.RuntimeDetail)) { this.skip(); return true; }
      this.push({
        kind: 'Metric', time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: evt.stackAt(stackIndex),
        name: '/sched/gomaxprocs:threads', value: u64(ev.a0),
      });
    } else if (ev.typ === Ev.GoLabel) {
      const label = this.stringArg(evt, ev.a0, ev.typ);
      if (!(this.want & KindMask.Label)) { this.skip(); return true; }
      this.push({
        kind: 'Label', time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: NO_STACK,
        label, resource: resourceOf('Goroutine', this.curG),
      });
    } else {
      const stackIndex = this.stackIndexArg(evt, ev.a3, ev.typ);
      const category = this.stringArg(evt, ev.a1, ev.typ);
      if (this.want & KindMask.LogMessageBytes) {
        const messageBytes = evt.rawString(ev.a2);
        if (messageBytes === undefined) this.checkString(evt, ev.a2, ev.typ);
        if (!(this.want & KindMask.Log)) { this.skip(); return true; }
        this.push({
          kind: 'Log', time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: evt.stackAt(stackIndex), task: num(ev.a0), category, message: '',
          messageBytes,
        }, exactTask(ev.a0));
        return true;
      }
      const message = this.want & KindMask.LogMessage || ev.a0 === this.messageTask
        ? this.stringArg(evt, ev.a2, ev.typ, false) : this.checkString(evt, ev.a2, ev.typ);
      if (!(this.want & KindMask.Log)) { this.skip(); return true; }
      this.push({
        kind: 'Log', time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: evt.stackAt(stackIndex), task: num(ev.a0), category, message,
      }, exactTask(ev.a0));
    }
    return true;
  }

  private advanceHeapMetric(ev: RawEvent, _evt: Generation): boolean {
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MustHave, Need.MayHave);
    if (!(this.want & KindMask.Metric) || (ev.typ === Ev.HeapGoal && !(this.want & KindMask.RuntimeDetail))) { this.skip(); return true; }
    if (!(this.want & KindMask.RuntimeDetail)) {
      // Only the heap's peak: a size no larger than every one before it is skipped (9% of a GC-heavy trace's events).
      const bytes = asUint64(ev.a0);
      if (bytes <= this.heapPeak) { this.skip(); return true; }
      this.heapPeak = bytes;
    }
    this.push({
      kind: 'Metric', time: ev.time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: NO_STACK,
      name: ev.typ === Ev.HeapAlloc ? '/memory/classes/heap/objects:bytes' : '/gc/heap/goal:bytes', value: u64(ev.a0),
    });
    return true;
  }

  private advanceGCSweepBegin(ev: RawEvent, evt: Generation): boolean {
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MustHave, Need.MayHave);
    this.pStates.get(this.curP)!.beginRange(rangeTypeOf(ev.typ), 0);
    this.sweepRange(evt, ev, 'RangeBegin', this.curP, this.stackIndexArg(evt, ev.a0, ev.typ), false);
    return true;
  }

  private advanceGCSweepActive(ev: RawEvent, evt: Generation, gen: I64): boolean {
    const pid = ev.a0;
    const pState = this.pStates.get(pid);
    if (pState === undefined) throw new TraceError(`encountered GCSweepActive for unknown proc ${pid}`);
    pState.activeRange(rangeTypeOf(ev.typ), gen === this.initialGen);
    this.sweepRange(evt, ev, 'RangeActive', pid, NO_STACK_INDEX, false);
    return true;
  }

  private advanceGCSweepEnd(ev: RawEvent, evt: Generation): boolean {
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MustHave, Need.MayHave);
    this.pStates.get(this.curP)!.endRange(ev.typ);
    this.sweepRange(evt, ev, 'RangeEnd', this.curP, NO_STACK_INDEX, true);
    return true;
  }

  private advanceGoRangeBegin(ev: RawEvent, evt: Generation): boolean {
    validateUserGo(this.curM, this.curP, this.curG);
    const desc = ev.typ === Ev.STWBegin ? ev.a0 : 0;
    const gState = this.curGState();
    if (gState === undefined) {
      throw new TraceError(`encountered event of type ${ev.typ} without known state for current goroutine ${this.curG}`);
    }
    gState.beginRange(rangeTypeOf(ev.typ), desc);
    if (ev.typ === Ev.STWBegin) {
      const stackIndex = this.stackIndexArg(evt, ev.a1, ev.typ);
      this.goRange(evt, ev, 'RangeBegin', this.stwName(evt, desc), this.curG, stackIndex);
    } else {
      this.goRange(evt, ev, 'RangeBegin', MARK_ASSIST, this.curG, this.stackIndexArg(evt, ev.a0, ev.typ));
    }
    return true;
  }

  private advanceGoRangeActive(ev: RawEvent, evt: Generation, gen: I64): boolean {
    const gid = ev.a0;
    const gState = this.gStates.get(gid);
    if (gState === undefined) throw new TraceError(`uninitialized goroutine ${gid} found during ${eventName(ev.typ)}`);
    gState.activeRange(rangeTypeOf(ev.typ), gen === this.initialGen);
    this.goRange(evt, ev, 'RangeActive', MARK_ASSIST, gid, NO_STACK_INDEX);
    return true;
  }

  private advanceGoRangeEnd(ev: RawEvent, evt: Generation): boolean {
    validateUserGo(this.curM, this.curP, this.curG);
    const gState = this.curGState();
    if (gState === undefined) {
      throw new TraceError(`encountered event of type ${ev.typ} without known state for current goroutine ${this.curG}`);
    }
    const desc = gState.endRange(ev.typ);
    // The STW kind is the string ID from the begin event, looked up in this event's generation, as Go does.
    const name = ev.typ === Ev.STWEnd ? this.stwName(evt, desc) : MARK_ASSIST;
    this.goRange(evt, ev, 'RangeEnd', name, this.curG, NO_STACK_INDEX);
    return true;
  }

  private advanceAllocFree(ev: RawEvent, _evt: Generation): boolean {
    validateCtx(this.curM, this.curP, this.curG, Need.MustHave, Need.MayHave, Need.MayHave);
    if (!(this.want & KindMask.Experimental)) { this.skip(); return true; }
    const spec = specs[ev.typ];
    const argNames = spec.args.slice(1);
    const raw = [ev.a0, ev.a1, ev.a2, ev.a3];
    this.push({
      kind: 'Experimental', time: ev.time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: NO_STACK,
      name: spec.name, experiment: ExperimentNames[spec.experiment], argNames, args: argNames.map((_, i) => u64(raw[i])),
    });
    return true;
  }

  /** Queues an event; `exact` holds Go's exact values of its kind's own fields when they are rounded. */
  private push(ev: TraceEvent, exact?: ExactFields): void {
    if (exact !== undefined || !isSafe(this.curTime) ||
        typeof this.curM !== 'number' || typeof this.curP !== 'number' || typeof this.curG !== 'number') {
      this.addExact(ev, exact);
    }
    this.queue[this.tail++] = ev;
  }

  /** Records Go's exact values of the fields whose numbers are rounded (hostile traces only). */
  private addExact(ev: TraceEvent, fields: ExactFields | undefined): void {
    const exact: ExactFields = { ...fields };
    if (!isSafe(this.curTime)) exact.time = exactTime(this.curTime, this.curTimeLo);
    if (typeof this.curM === 'bigint') exact.thread = this.curM;
    if (typeof this.curP === 'bigint') exact.proc = this.curP;
    if (typeof this.curG === 'bigint') exact.goroutine = this.curG;
    if (Object.keys(exact).length > 0) ev.exact = exact;
  }

  /** Queues a skipped event of the event being advanced. */
  private skip(): void {
    this.queue[this.tail++] = null;
  }

  // Event construction. Every stack and string ID an event's spec names is checked here, as Go's Reader does
  // before it returns the event.

  private stackArg(evt: Generation, id: I64, typ: number): Stack {
    return evt.stackAt(this.stackIndexArg(evt, id, typ));
  }

  /** Checks a stack ID without resolving the stack (Generation.stackAt does at its first use); returns its index. */
  private stackIndexArg(evt: Generation, id: I64, typ: number): number {
    const index = evt.stackIndex(id);
    if (index === undefined) throw new TraceError(`found invalid stack ID ${uint64Text(id)} for event ${specs[typ].name}`);
    return index;
  }

  /** `keep` false for a string read once (a log message), which is then not kept decoded. */
  private stringArg(evt: Generation, id: I64, typ: number, keep = true): string {
    const s = keep ? evt.string(id) : evt.stringOnce(id);
    if (s === undefined) throw new TraceError(`found invalid string ID ${uint64Text(id)} for event ${specs[typ].name}`);
    return s;
  }

  /** Checks a string ID without decoding the string; returns ''. */
  private checkString(evt: Generation, id: I64, typ: number): string {
    if (!evt.hasString(id)) throw new TraceError(`found invalid string ID ${uint64Text(id)} for event ${specs[typ].name}`);
    return '';
  }

  private stwName(evt: Generation, desc: I64): string {
    const kind = evt.string(desc);
    if (kind === undefined) throw new TraceError(`stop-the-world event refers to string ${uint64Text(desc)}, which its generation lacks`);
    return 'stop-the-world (' + kind + ')';
  }

  /** Whether a scheduling transition of this goroutine is built (see KindMask.Scheduling). */
  private scheduling(who: GState): boolean {
    return (this.want & KindMask.Scheduling) !== 0 || !who.named;
  }

  private goTransition(
    _evt: Generation, stack: Stack, who: GState, from: GoState, to: GoState, reason: string, transitionStack: Stack,
  ): void {
    if (!(this.want & KindMask.StateTransition)) { this.skip(); return; }
    if (!(this.want & KindMask.Scheduling) && from !== to && transitionStack.length > 0 && transitionStack[transitionStack.length - 1].func !== '') {
      who.named = true;
    }
    this.push({
      kind: 'StateTransition', time: this.curTime, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack,
      resource: who.resource, from, to, reason, transitionStack,
    });
  }

  private procTransition(_evt: Generation, stack: Stack, who: PState, from: ProcState, to: ProcState): void {
    if (!(this.want & KindMask.StateTransition)) { this.skip(); return; }
    this.push({
      kind: 'StateTransition', time: this.curTime, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack,
      resource: who.resource, from, to, reason: '', transitionStack: NO_STACK,
    });
  }

  // The ranges take the index of their stack (stackIndexArg), resolved only if they are handed over.

  private gcRange(evt: Generation, ev: RawEvent, kind: 'RangeBegin' | 'RangeActive' | 'RangeEnd', stackIndex: number): void {
    if (!(this.want & KindMask.Range)) { this.skip(); return; }
    this.push({
      kind, time: ev.time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: evt.stackAt(stackIndex),
      name: 'GC concurrent mark phase', scope: NONE_SCOPE, attributes: EMPTY_ATTRIBUTES,
    });
  }

  private sweepRange(evt: Generation, ev: RawEvent, kind: 'RangeBegin' | 'RangeActive' | 'RangeEnd', pid: I64, stackIndex: number, swept: boolean): void {
    if (!(this.want & KindMask.Range) || !(this.want & KindMask.RuntimeDetail)) { this.skip(); return; }
    const attributes = swept
      ? [{ name: 'bytes swept', value: u64(ev.a0) }, { name: 'bytes reclaimed', value: u64(ev.a1) }]
      : EMPTY_ATTRIBUTES;
    this.push({
      kind, time: ev.time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: evt.stackAt(stackIndex),
      name: 'GC incremental sweep', scope: resourceOf('Proc', pid), attributes,
    });
  }

  private goRange(
    evt: Generation, ev: RawEvent, kind: 'RangeBegin' | 'RangeActive' | 'RangeEnd', name: string, gid: I64, stackIndex: number,
  ): void {
    if (!(this.want & KindMask.Range) || (name === MARK_ASSIST && !(this.want & KindMask.RuntimeDetail))) { this.skip(); return; }
    this.push({
      kind, time: ev.time, thread: num(this.curM), proc: num(this.curP), goroutine: num(this.curG), stack: evt.stackAt(stackIndex),
      name, scope: resourceOf('Goroutine', gid), attributes: EMPTY_ATTRIBUTES,
    });
  }

  /** A short description of the scheduler state for "failed to advance" errors. */
  describe(): string {
    const parts: string[] = [];
    let n = 0;
    for (const [id, s] of this.gStates) { if (n++ < 20) parts.push(`G ${id} [status=${goStatusNames[s.status]} seq=${s.seq} (gen=${s.seqGen})]`); }
    for (const [id, s] of this.pStates) parts.push(`P ${id} [status=${procStatusNames[s.status]} seq=${s.seq} (gen=${s.seqGen})]`);
    for (const [id, s] of this.mStates) parts.push(`M ${id} [g=${s.g} p=${s.p}]`);
    parts.push(`GC ${this.gcSeq} ${['Undetermined', 'NotRunning', 'Running'][this.gcState]}`);
    return parts.join('\n');
  }
}

/** Bits selecting which kinds of events the ordering builds objects for. */
export const enum KindMask {
  Sync = 1, Metric = 2, Label = 4, StackSample = 8, Range = 16, Task = 32, Region = 64, Log = 128,
  StateTransition = 256, Experimental = 512,
  /** Not a kind: Log events carry their message (else ''; its string ID is still checked). */
  LogMessage = 1024,
  /**
   * Not a kind: a named goroutine's scheduling transitions (GoStart, GoStop, GoBlock, GoUnblock and system
   * calls; see GState.named and ReadOptions.scheduling) are StateTransition events (else skipped).
   */
  Scheduling = 2048,
  /**
   * Not a kind: the runtime's detail (GC sweeps and mark assists as ranges, the heap goal and GOMAXPROCS as
   * metrics, every heap size; see ReadOptions.runtimeDetail) are events of their kinds (else skipped, and a
   * heap size only handed over when it is above every one before it).
   */
  RuntimeDetail = 4096,
  All = 8191,
  /** Not a kind, nor in All: Log events carry their message undecoded, as `messageBytes` (ReadOptions.logMessages 'bytes'). */
  LogMessageBytes = 8192,
}

const kindMaskOf: Record<EventKind, number> = {
  Bad: 0, Sync: KindMask.Sync, Metric: KindMask.Metric | KindMask.RuntimeDetail, Label: KindMask.Label, StackSample: KindMask.StackSample,
  RangeBegin: KindMask.Range | KindMask.RuntimeDetail, RangeActive: KindMask.Range | KindMask.RuntimeDetail,
  RangeEnd: KindMask.Range | KindMask.RuntimeDetail, TaskBegin: KindMask.Task,
  TaskEnd: KindMask.Task, RegionBegin: KindMask.Region, RegionEnd: KindMask.Region, Log: KindMask.Log,
  StateTransition: KindMask.StateTransition | KindMask.Scheduling, Experimental: KindMask.Experimental,
};

/** The mask for a list of kinds (every kind when undefined). Range kinds and Begin/End pairs go together. */
export function kindMask(kinds: readonly EventKind[] | undefined): number {
  if (kinds === undefined) return KindMask.All;
  let mask = KindMask.LogMessage;
  for (const k of kinds) mask |= kindMaskOf[k];
  return mask;
}

const MARK_ASSIST = 'GC mark assist';

const NONE_SCOPE: { kind: ResourceKind; id: number } = Object.freeze({ kind: 'None', id: 0 });

/** A stack that is present but has no frames (Go prints "Stack=" with nothing under it). */
export const PRESENT_EMPTY_STACK: Stack = Object.freeze([]);
