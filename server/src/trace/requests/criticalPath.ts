// The critical path of a task instance: from its end, walk back through what the ending goroutine
// was doing; when it waited on a channel, a mutex or another goroutine (a wait ended by a goroutine
// named in the unblocking event), continue on that goroutine from the moment it unblocked this one;
// waits nobody in the trace ended (network poller, timers, GC, syscalls) are where the walk stays.
// Runs as a second pass that records goroutine transitions and regions only inside the chosen
// tasks' time windows, so memory follows what is asked for, not the trace.
import { NO_ID, type GoState, type Stack, type StackFrame, type TraceEvent } from '../event';
import { BREAKDOWN_COMPONENTS, type BreakdownComponent, type PathSegment } from '../../../../common/requestModel';
import type { SourceLocation } from '../../../../common/traceModel';
import { Interner } from './columns';
import { blockComponent } from './execClock';

export interface PathWindow { goroutine: number; startNs: number; endNs: number }

/** Transitions recorded before the recorder stops (then paths are cut where history is missing). */
export const MAX_RECORDED_TRANSITIONS = 4_000_000;
/** Segments walked per path before giving up (a path through millions of hand-offs). */
const MAX_STEPS = 100_000;

const STATES: readonly GoState[] = ['Undetermined', 'NotExist', 'Runnable', 'Running', 'Waiting', 'Syscall'];
const NOT_EXIST = 1;
const RUNNABLE = 2;
const RUNNING = 3;
const WAITING = 4;
const SYSCALL = 5;
/**
 * Transitions per chunk of the recorded columns (grown a chunk at a time, never copied): 16,384, so
 * the last chunk's unused part is at most 300 KB (an explanation records 50,000–250,000).
 */
const CHUNK_BITS = 14;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** In the narrow columns: the value is kept aside (a goroutine ID outside Int32, a reason index past Uint16). */
const ASIDE_BY = -2147483648;
const ASIDE_REASON = 0xffff;

/**
 * The recorded transitions in columns, in event order: time, unblocking goroutine (Int32), from and
 * to states (4 bits each), reason (Uint16) and site (-1 none), 19 bytes a transition instead of 6
 * numbers in an array (48); each goroutine lists its own by index (4 bytes more). Values that do not
 * fit the narrow columns are kept aside in maps, so every value read back is exact.
 */
class Transitions {
  private readonly times: Float64Array[] = [];
  private readonly by: Int32Array[] = [];
  private readonly states: Uint8Array[] = [];
  private readonly reasons: Uint16Array[] = [];
  private readonly sites: Int32Array[] = [];
  private readonly asideBy = new Map<number, number>();
  private readonly asideReasons = new Map<number, number>();
  private count = 0;

  push(time: number, from: number, to: number, reason: number, by: number, site: number): number {
    const i = this.count++;
    const c = i >>> CHUNK_BITS;
    if (c === this.times.length) {
      const n = 1 << CHUNK_BITS;
      this.times.push(new Float64Array(n));
      this.by.push(new Int32Array(n));
      this.states.push(new Uint8Array(n));
      this.reasons.push(new Uint16Array(n));
      this.sites.push(new Int32Array(n));
    }
    const k = i & CHUNK_MASK;
    this.times[c][k] = time;
    if ((by | 0) === by && by !== ASIDE_BY) this.by[c][k] = by;
    else {
      this.by[c][k] = ASIDE_BY;
      this.asideBy.set(i, by);
    }
    this.states[c][k] = (from << 4) | to;
    if (reason < ASIDE_REASON) this.reasons[c][k] = reason;
    else {
      this.reasons[c][k] = ASIDE_REASON;
      this.asideReasons.set(i, reason);
    }
    this.sites[c][k] = site;
    return i;
  }

  time(i: number): number { return this.times[i >>> CHUNK_BITS][i & CHUNK_MASK]; }
  byOf(i: number): number {
    const by = this.by[i >>> CHUNK_BITS][i & CHUNK_MASK];
    return by === ASIDE_BY ? this.asideBy.get(i)! : by;
  }
  from(i: number): number { return this.states[i >>> CHUNK_BITS][i & CHUNK_MASK] >>> 4; }
  to(i: number): number { return this.states[i >>> CHUNK_BITS][i & CHUNK_MASK] & 0xf; }
  reason(i: number): number {
    const reason = this.reasons[i >>> CHUNK_BITS][i & CHUNK_MASK];
    return reason === ASIDE_REASON ? this.asideReasons.get(i)! : reason;
  }
  site(i: number): number { return this.sites[i >>> CHUNK_BITS][i & CHUNK_MASK]; }
}

/** A goroutine's recorded transitions: indexes into Transitions, in time order. */
interface GoroutineTransitions { indexes: Int32Array; length: number }

/** Waits a goroutine in the trace ends: the walk follows the goroutine that ended them. */
const FOLLOWED = new Set<BreakdownComponent>(['sync', 'channel', 'otherBlocked']);

export class PathRecorder {
  private readonly windows: { start: number; end: number }[];
  private window = 0;
  private readonly recordedTransitions = new Transitions();
  private readonly transitions = new Map<number, GoroutineTransitions>();
  /** Per goroutine: time, region type index (-1 for an end), flattened. */
  private readonly regionEvents = new Map<number, number[]>();
  private readonly innermost = new Map<number, Int32Array>();
  private readonly reasons = new Interner();
  private readonly regionTypes = new Interner();
  private readonly sites: (SourceLocation | undefined)[] = [];
  private readonly siteOfStack = new Map<Stack, number>();
  /** Entry function of each goroutine, from the root frame of its transition stacks (as Go names goroutines). */
  private readonly names = new Map<number, string>();
  private recorded = 0;
  /** Set when MAX_RECORDED_TRANSITIONS was reached. */
  truncated = false;

  constructor(windows: readonly PathWindow[]) {
    const sorted = windows.map((w) => ({ start: w.startNs, end: w.endNs })).sort((a, b) => a.start - b.start);
    this.windows = [];
    for (const w of sorted) {
      const last = this.windows[this.windows.length - 1];
      if (last !== undefined && w.start <= last.end) last.end = Math.max(last.end, w.end);
      else this.windows.push({ ...w });
    }
  }

  add(ev: TraceEvent): void {
    if (!this.inWindow(ev.time)) return;
    if (ev.kind === 'StateTransition' && ev.resource.kind === 'Goroutine' && ev.from !== ev.to) {
      if (this.recorded >= MAX_RECORDED_TRANSITIONS) {
        this.truncated = true;
        return;
      }
      this.recorded++;
      const g = ev.resource.id;
      if (!this.names.has(g) && ev.transitionStack.length > 0) this.names.set(g, ev.transitionStack[ev.transitionStack.length - 1].func);
      let list = this.transitions.get(g);
      if (list === undefined) this.transitions.set(g, (list = { indexes: new Int32Array(4), length: 0 }));
      if (list.length === list.indexes.length) {
        const grown = new Int32Array(list.length * 2);
        grown.set(list.indexes);
        list.indexes = grown;
      }
      list.indexes[list.length++] = this.recordedTransitions.push(ev.time, STATES.indexOf(ev.from as GoState), STATES.indexOf(ev.to as GoState),
        this.reasons.index(ev.reason), ev.goroutine, this.site(ev.stack));
    } else if (ev.kind === 'RegionBegin' || ev.kind === 'RegionEnd') {
      let list = this.regionEvents.get(ev.goroutine);
      if (list === undefined) this.regionEvents.set(ev.goroutine, (list = []));
      list.push(ev.time, ev.kind === 'RegionBegin' ? this.regionTypes.index(ev.type) : -1);
    }
  }

  /**
   * The task's critical path (after the pass), oldest segment first; the segments tile [startNs, endNs]. A wait
   * followed to the goroutine that ended it is explained by that goroutine only back to when the
   * wait began; before that, the walk returns to the waiting goroutine.
   */
  path(task: PathWindow): PathSegment[] {
    const walked: PathSegment[] = [];
    /** Where to resume when the walk reaches the floor: the waiting goroutine and its floor. */
    const resume: { g: number; floor: number }[] = [];
    let g = task.goroutine;
    let t = task.endNs;
    let floor = task.startNs;
    for (let steps = 0; t > task.startNs && steps < MAX_STEPS; steps++) {
      if (t <= floor) {
        const back = resume.pop();
        if (back === undefined) break;
        g = back.g;
        floor = back.floor;
        continue;
      }
      const recorded = this.recordedTransitions;
      const list = this.transitions.get(g);
      const i = list === undefined ? -1 : lastBefore(recorded, list, t);
      if (list === undefined || i < 0) {
        // No transition of g in the window before t: it stayed in the state its first one leaves.
        this.push(walked, g, floor, t, list === undefined ? 'unknown' : stateComponent(recorded.from(list.indexes[0]), ''), undefined, undefined);
        t = floor;
        continue;
      }
      const at = list.indexes[i];
      const to = recorded.to(at);
      const reason = this.reasons.values[recorded.reason(at)];
      const start = Math.max(recorded.time(at), floor);
      const state = stateComponent(to, reason);
      const next = i + 1 < list.length ? list.indexes[i + 1] : undefined;
      const by = next === undefined ? NO_ID : recorded.byOf(next);
      if (to === WAITING && FOLLOWED.has(state) && by !== NO_ID && by !== g) {
        // Blocked until another goroutine let it go: what that goroutine did meanwhile explains the wait.
        resume.push({ g, floor });
        floor = start;
        g = by;
        continue;
      }
      // Where it ran or blocked: the stack of the transition into a wait, or of the one that ended a run.
      const siteIndex = to === RUNNING ? (next === undefined ? -1 : recorded.site(next)) : to === WAITING ? recorded.site(at) : -1;
      this.push(walked, g, start, t, state, to === WAITING ? reason : undefined, this.sites[siteIndex]);
      t = start;
      // Before a goroutine existed, the path runs through the goroutine that created it.
      if (t > floor && recorded.from(at) === NOT_EXIST && recorded.byOf(at) !== NO_ID) g = recorded.byOf(at);
    }
    if (t > task.startNs) this.push(walked, g, task.startNs, t, 'unknown', undefined, undefined);
    return walked.reverse();
  }

  private push(walked: PathSegment[], g: number, startNs: number, endNs: number, state: BreakdownComponent,
    reason: string | undefined, site: SourceLocation | undefined): void {
    if (endNs <= startNs) return;
    const region = this.regionAt(g, endNs);
    const last = walked[walked.length - 1];
    if (last !== undefined && last.goroutine === g && last.state === state && last.reason === reason && last.region === region &&
      last.site === site && last.startNs === endNs) {
      last.startNs = startNs;
      return;
    }
    const segment: PathSegment = { startNs, endNs, goroutine: g, state };
    const name = this.names.get(g);
    if (name !== undefined) segment.goroutineName = name;
    if (reason !== undefined && reason !== '') segment.reason = reason;
    if (region !== undefined) segment.region = region;
    if (site !== undefined) segment.site = site;
    walked.push(segment);
  }

  /** The innermost region open on g just before `time`, from the recorded begins and ends. */
  private regionAt(g: number, time: number): string | undefined {
    const list = this.regionEvents.get(g);
    if (list === undefined) return undefined;
    let innermost = this.innermost.get(g);
    if (innermost === undefined) {
      // After each recorded begin or end, the innermost open region (-1 for none): computed once per goroutine.
      innermost = new Int32Array(list.length / 2);
      const stack: number[] = [];
      for (let i = 0; i < list.length; i += 2) {
        if (list[i + 1] >= 0) stack.push(list[i + 1]);
        else stack.pop();
        innermost[i / 2] = stack.length === 0 ? -1 : stack[stack.length - 1];
      }
      this.innermost.set(g, innermost);
    }
    let lo = 0;
    let hi = innermost.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid * 2] < time) lo = mid + 1;
      else hi = mid;
    }
    const type = lo === 0 ? -1 : innermost[lo - 1];
    return type < 0 ? undefined : this.regionTypes.values[type];
  }

  private inWindow(time: number): boolean {
    while (this.window < this.windows.length && this.windows[this.window].end < time) this.window++;
    return this.window < this.windows.length && this.windows[this.window].start <= time;
  }

  private site(stack: Stack): number {
    let i = this.siteOfStack.get(stack);
    if (i === undefined) {
      const frame = userFrame(stack);
      this.siteOfStack.set(stack, (i = this.sites.length));
      this.sites.push(frame === undefined ? undefined : { function: frame.func, file: frame.file, line: frame.line });
    }
    return i;
  }
}

/** The index in a goroutine's list of its last transition before `time` (-1 if none): times are in event order. */
function lastBefore(recorded: Transitions, list: GoroutineTransitions, time: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (recorded.time(list.indexes[mid]) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function stateComponent(state: number, reason: string): BreakdownComponent {
  switch (state) {
    case RUNNING: return 'running';
    case RUNNABLE: return 'runnable';
    case SYSCALL: return 'syscall';
    case WAITING: return BREAKDOWN_COMPONENTS[blockComponent(reason)];
    default: return 'unknown';
  }
}

/**
 * The frame that names user code: the first in package main or in a module path ("example.com/x"),
 * whose first element has a dot as no standard library package does; else the first outside the runtime.
 */
export function userFrame(stack: Stack): StackFrame | undefined {
  const user = stack.find((f) => f.func.startsWith('main.') || /^[^/]+\.[^/]+\//.test(f.func));
  return user ?? stack.find((f) => !f.func.startsWith('runtime.') && !f.func.startsWith('runtime/trace.'));
}
