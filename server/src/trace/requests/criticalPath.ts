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
 * the last chunk's unused part is at most 280 KB (an explanation records 50,000–250,000).
 */
const CHUNK_BITS = 14;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** In the narrow columns: the value is kept aside (a goroutine ID outside Int32, a reason or site index past Uint16, a time past its chunk's 4.3 s). */
const ASIDE_BY = -2147483648;
const ASIDE_REASON = 0xffff;
const ASIDE_SITE = 0xffff;
const ASIDE_TIME = 0xffffffff;

/**
 * Times recorded in order, in chunks of 4-byte offsets from the chunk's first time (8 bytes a time in
 * a Float64Array otherwise); a time its chunk's offset cannot hold exactly is kept aside.
 */
class TimeColumn {
  private readonly offsets: Uint32Array[] = [];
  private readonly bases: number[] = [];
  private readonly aside = new Map<number, number>();

  /** Sets the time of the next index, `i`. */
  push(i: number, time: number): void {
    const c = i >>> CHUNK_BITS;
    if (c === this.offsets.length) {
      this.offsets.push(new Uint32Array(1 << CHUNK_BITS));
      this.bases.push(time);
    }
    const offset = time - this.bases[c];
    if (Number.isInteger(offset) && offset >= 0 && offset < ASIDE_TIME && this.bases[c] + offset === time) this.offsets[c][i & CHUNK_MASK] = offset;
    else {
      this.offsets[c][i & CHUNK_MASK] = ASIDE_TIME;
      this.aside.set(i, time);
    }
  }

  get(i: number): number {
    const offset = this.offsets[i >>> CHUNK_BITS][i & CHUNK_MASK];
    return offset === ASIDE_TIME ? this.aside.get(i)! : this.bases[i >>> CHUNK_BITS] + offset;
  }
}

/**
 * The recorded transitions in columns, in event order: time (TimeColumn), unblocking goroutine
 * (Int32), from and to states (4 bits each), reason and site (Uint16 each, the site + 1 so that 0 is
 * none) and the same goroutine's previous transition (-1 none), 17 bytes a transition instead of 6
 * numbers in an array (48) and a list per goroutine. Values that do not fit the narrow columns are
 * kept aside in maps, so every value read back is exact.
 */
class Transitions {
  private readonly times = new TimeColumn();
  private readonly by: Int32Array[] = [];
  private readonly states: Uint8Array[] = [];
  private readonly reasons: Uint16Array[] = [];
  private readonly sites: Uint16Array[] = [];
  private readonly previous: Int32Array[] = [];
  private readonly asideBy = new Map<number, number>();
  private readonly asideReasons = new Map<number, number>();
  private readonly asideSites = new Map<number, number>();
  private count = 0;

  push(time: number, from: number, to: number, reason: number, by: number, site: number, previous: number): number {
    const i = this.count++;
    const c = i >>> CHUNK_BITS;
    if (c === this.by.length) {
      const n = 1 << CHUNK_BITS;
      this.by.push(new Int32Array(n));
      this.states.push(new Uint8Array(n));
      this.reasons.push(new Uint16Array(n));
      this.sites.push(new Uint16Array(n));
      this.previous.push(new Int32Array(n));
    }
    const k = i & CHUNK_MASK;
    this.times.push(i, time);
    this.previous[c][k] = previous;
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
    if (site + 1 < ASIDE_SITE) this.sites[c][k] = site + 1;
    else {
      this.sites[c][k] = ASIDE_SITE;
      this.asideSites.set(i, site);
    }
    return i;
  }

  time(i: number): number { return this.times.get(i); }
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
  site(i: number): number {
    const site = this.sites[i >>> CHUNK_BITS][i & CHUNK_MASK];
    return site === ASIDE_SITE ? this.asideSites.get(i)! : site - 1;
  }
  previousOf(i: number): number { return this.previous[i >>> CHUNK_BITS][i & CHUNK_MASK]; }
}

/** Region begins and ends in columns, in event order: time, region type index (-1 for an end), the same goroutine's previous one. */
class RegionEvents {
  private readonly times = new TimeColumn();
  private readonly types: Int32Array[] = [];
  private readonly previous: Int32Array[] = [];
  private count = 0;

  push(time: number, type: number, previous: number): number {
    const i = this.count++;
    const c = i >>> CHUNK_BITS;
    if (c === this.types.length) {
      const n = 1 << CHUNK_BITS;
      this.types.push(new Int32Array(n));
      this.previous.push(new Int32Array(n));
    }
    const k = i & CHUNK_MASK;
    this.times.push(i, time);
    this.types[c][k] = type;
    this.previous[c][k] = previous;
    return i;
  }

  time(i: number): number { return this.times.get(i); }
  type(i: number): number { return this.types[i >>> CHUNK_BITS][i & CHUNK_MASK]; }
  previousOf(i: number): number { return this.previous[i >>> CHUNK_BITS][i & CHUNK_MASK]; }
}

/** What the recorder keeps per goroutine: its last transition and region event (chains back through the columns), its name. */
interface RecordedGoroutine { lastTransition: number; lastRegionEvent: number; name: string | undefined }

/** A goroutine's region events as regionAt reads them: times, and the innermost region open after each (-1 none). */
interface RegionHistory { times: Float64Array; innermost: Int32Array }

/**
 * Where a walk stands on a goroutine's transitions: `at` the last before the time asked last (-1
 * none), `next` the one after it (-1 none). A path's walk goes back in time, so it moves back.
 */
interface Cursor { at: number; next: number }

/** Waits a goroutine in the trace ends: the walk follows the goroutine that ended them. */
const FOLLOWED = new Set<BreakdownComponent>(['sync', 'channel', 'otherBlocked']);

export class PathRecorder {
  private readonly windows: { start: number; end: number }[];
  private window = 0;
  private readonly recordedTransitions = new Transitions();
  private readonly regionEvents = new RegionEvents();
  private readonly goroutines = new Map<number, RecordedGoroutine>();
  /** Per goroutine on a path, its region events read back (made when a path first needs them). */
  private readonly regionHistories = new Map<number, RegionHistory>();
  private readonly reasons = new Interner();
  private readonly regionTypes = new Interner();
  private readonly sites: (SourceLocation | undefined)[] = [];
  private readonly siteOfStack = new Map<Stack, number>();
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
      const g = this.goroutine(ev.resource.id);
      // The entry function, from the root frame of its transition stacks (as Go names goroutines).
      if (g.name === undefined && ev.transitionStack.length > 0) g.name = ev.transitionStack[ev.transitionStack.length - 1].func;
      g.lastTransition = this.recordedTransitions.push(ev.time, STATES.indexOf(ev.from as GoState), STATES.indexOf(ev.to as GoState),
        this.reasons.index(ev.reason), ev.goroutine, this.site(ev.stack), g.lastTransition);
    } else if (ev.kind === 'RegionBegin' || ev.kind === 'RegionEnd') {
      const g = this.goroutine(ev.goroutine);
      g.lastRegionEvent = this.regionEvents.push(ev.time, ev.kind === 'RegionBegin' ? this.regionTypes.index(ev.type) : -1, g.lastRegionEvent);
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
    const cursors = new Map<number, Cursor>();
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
      const { at, next } = this.lastBefore(cursors, g, t);
      if (at < 0) {
        // No transition of g in the window before t: it stayed in the state its first one (next) leaves.
        this.push(walked, g, floor, t, next < 0 ? 'unknown' : stateComponent(recorded.from(next), ''), undefined, undefined);
        t = floor;
        continue;
      }
      const to = recorded.to(at);
      const reason = this.reasons.values[recorded.reason(at)];
      const start = Math.max(recorded.time(at), floor);
      const state = stateComponent(to, reason);
      const by = next < 0 ? NO_ID : recorded.byOf(next);
      if (to === WAITING && FOLLOWED.has(state) && by !== NO_ID && by !== g) {
        // Blocked until another goroutine let it go: what that goroutine did meanwhile explains the wait.
        resume.push({ g, floor });
        floor = start;
        g = by;
        continue;
      }
      // Where it ran or blocked: the stack of the transition into a wait, or of the one that ended a run.
      const siteIndex = to === RUNNING ? (next < 0 ? -1 : recorded.site(next)) : to === WAITING ? recorded.site(at) : -1;
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
    const name = this.goroutines.get(g)?.name;
    if (name !== undefined) segment.goroutineName = name;
    if (reason !== undefined && reason !== '') segment.reason = reason;
    if (region !== undefined) segment.region = region;
    if (site !== undefined) segment.site = site;
    walked.push(segment);
  }

  /** The innermost region open on g just before `time`, from the recorded begins and ends. */
  private regionAt(g: number, time: number): string | undefined {
    const history = this.regionHistory(g);
    if (history === undefined) return undefined;
    const { times, innermost } = history;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] < time) lo = mid + 1;
      else hi = mid;
    }
    const type = lo === 0 ? -1 : innermost[lo - 1];
    return type < 0 ? undefined : this.regionTypes.values[type];
  }

  /** g's region events in time order, and after each the innermost open region: read back once per goroutine on a path. */
  private regionHistory(g: number): RegionHistory | undefined {
    let history = this.regionHistories.get(g);
    if (history !== undefined) return history;
    const last = this.goroutines.get(g)?.lastRegionEvent ?? -1;
    if (last < 0) return undefined;
    const chain: number[] = [];
    for (let i = last; i >= 0; i = this.regionEvents.previousOf(i)) chain.push(i);
    chain.reverse();
    history = { times: new Float64Array(chain.length), innermost: new Int32Array(chain.length) };
    const stack: number[] = [];
    chain.forEach((i, k) => {
      const type = this.regionEvents.type(i);
      if (type >= 0) stack.push(type);
      else stack.pop();
      history!.times[k] = this.regionEvents.time(i);
      history!.innermost[k] = stack.length === 0 ? -1 : stack[stack.length - 1];
    });
    this.regionHistories.set(g, history);
    return history;
  }

  /** g's last recorded transition before `time` and the one after it (see Cursor); times are in event order. */
  private lastBefore(cursors: Map<number, Cursor>, g: number, time: number): Cursor {
    let cursor = cursors.get(g);
    // Asked for a later time than last (not on a walk back): from g's last transition again.
    if (cursor === undefined || (cursor.next >= 0 && this.recordedTransitions.time(cursor.next) < time)) {
      cursors.set(g, (cursor = { at: this.goroutines.get(g)?.lastTransition ?? -1, next: -1 }));
    }
    while (cursor.at >= 0 && this.recordedTransitions.time(cursor.at) >= time) {
      cursor.next = cursor.at;
      cursor.at = this.recordedTransitions.previousOf(cursor.at);
    }
    return cursor;
  }

  private goroutine(id: number): RecordedGoroutine {
    let g = this.goroutines.get(id);
    if (g === undefined) this.goroutines.set(id, (g = { lastTransition: -1, lastRegionEvent: -1, name: undefined }));
    return g;
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
