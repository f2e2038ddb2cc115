// Goroutine lanes of the timeline as goroutines change state: the state span in progress, the
// proc a goroutine runs on (a span on that proc's lane), and its group's activity. Per goroutine in
// flight, columns indexed by its GoroutineSlots slot: no object per goroutine.
import { NO_ID, type StateTransitionEvent } from '../event';
import { BLOCKED, RUNNABLE, RUNNING, type ActivityState } from './activity';
import { grownTo } from '../heap';
import type { TimelineWriter } from './timeline';

/** How a group's summary lane counts goroutine states (others, as NotExist, are not counted). */
function activityState(state: string): ActivityState | undefined {
  // A switch, not a keyed lookup: it runs on every transition.
  switch (state) {
    case 'Running': case 'Syscall': return RUNNING;
    case 'Runnable': return RUNNABLE;
    case 'Waiting': return BLOCKED;
    default: return undefined;
  }
}

/** Procs numbered below this have their lane in an array (GOMAXPROCS is at most a few hundred in practice). */
const MAX_INDEXED_PROC = 4096;

export class GoroutineLanes {
  // Per slot; 0 is "none" in each, so a reset slot is all zeros.
  /** Timeline lane + 1. */
  private lanePlus1 = new Int32Array(64);
  private named = new Uint8Array(64);
  /** Label id + 1 of the state span in progress. */
  private stateLabelPlus1 = new Int32Array(64);
  private stateStart = new Float64Array(64);
  /** The proc it runs on + 1, and since when. */
  private procPlus1 = new Float64Array(64);
  private runningSince = new Float64Array(64);
  /** Timeline lane + 1 of each proc below MAX_INDEXED_PROC (the runtime numbers them from 0); others (a hostile trace's) in the map. */
  private procLanePlus1 = new Int32Array(64);
  private readonly otherProcLanes = new Map<number, number>();
  /** Label ids of "Waiting (reason)", built once per reason. */
  private readonly waitingLabels = new Map<string, number>();
  private readonly runningLabel: number;
  private readonly runnableLabel: number;
  private readonly syscallLabel: number;

  constructor(private readonly timeline: TimelineWriter, private readonly nameOf: (goroutine: number) => string) {
    this.runningLabel = timeline.labelId('Running');
    this.runnableLabel = timeline.labelId('Runnable');
    this.syscallLabel = timeline.labelId('Syscall');
  }

  /** The timeline lane of goroutine `g` in `slot`, made on first use, named once its start function is known. */
  laneOf(slot: number, g: number): number {
    if (slot >= this.lanePlus1.length) this.grow(slot + 1);
    let lane = this.lanePlus1[slot] - 1;
    if (lane < 0) {
      lane = this.timeline.goroutineLane(g);
      this.lanePlus1[slot] = lane + 1;
    }
    if (this.named[slot] === 0) {
      const name = this.nameOf(g);
      if (name !== '') {
        this.named[slot] = 1;
        this.timeline.nameGoroutine(lane, name);
      }
    }
    return lane;
  }

  /** A goroutine transition between two different states. */
  transition(slot: number, ev: StateTransitionEvent): void {
    const lane = this.laneOf(slot, ev.resource.id);
    const time = ev.time;
    const next = this.stateLabel(ev.to, ev.reason); // labels and lanes are numbered in order of first use
    const proc = this.procPlus1[slot] - 1;
    this.timeline.goroutineTransition(lane, time, this.stateLabelPlus1[slot] - 1, this.stateStart[slot], activityState(ev.to),
      proc === NO_ID ? -1 : this.procLane(proc), this.runningSince[slot]);
    this.stateLabelPlus1[slot] = next + 1;
    this.stateStart[slot] = time;
    this.procPlus1[slot] = 0;
    if (ev.to === 'Running' && ev.proc !== NO_ID) {
      this.procPlus1[slot] = ev.proc + 1;
      this.runningSince[slot] = time;
    }
  }

  /** Whether a state span or a run on a proc is in progress (an exited goroutine has neither). */
  inProgress(slot: number): boolean {
    return slot < this.lanePlus1.length && (this.stateLabelPlus1[slot] !== 0 || this.procPlus1[slot] !== 0);
  }

  /** Forgets the slot's goroutine, for reuse: its lane is complete. */
  reset(slot: number): void {
    if (slot >= this.lanePlus1.length) return;
    if (this.lanePlus1[slot] !== 0) this.timeline.finishGoroutine(this.lanePlus1[slot] - 1);
    this.lanePlus1[slot] = this.named[slot] = this.stateLabelPlus1[slot] = 0;
    this.procPlus1[slot] = 0;
  }

  /** Ends the spans in progress of the slot's goroutine at `end` (the trace's end). */
  finish(slot: number, end: number): void {
    if (slot >= this.lanePlus1.length || this.lanePlus1[slot] === 0) return;
    const lane = this.lanePlus1[slot] - 1;
    const label = this.stateLabelPlus1[slot] - 1;
    if (label >= 0) this.timeline.addLabelled(lane, 0, 'state', this.stateStart[slot], end, label);
    const proc = this.procPlus1[slot] - 1;
    if (proc !== NO_ID) this.procSpan(proc, lane, this.runningSince[slot], end);
  }

  private procSpan(proc: number, goroutineLane: number, start: number, end: number): void {
    this.timeline.addRunning(this.procLane(proc), start, end, goroutineLane);
  }

  /** The timeline lane of a proc: indexed, not a map lookup, for every run of a goroutine. */
  private procLane(proc: number): number {
    if (!(Number.isInteger(proc) && proc >= 0 && proc < MAX_INDEXED_PROC)) {
      let lane = this.otherProcLanes.get(proc);
      if (lane === undefined) this.otherProcLanes.set(proc, (lane = this.timeline.lane('proc', proc, `P${proc}`)));
      return lane;
    }
    if (proc >= this.procLanePlus1.length) this.procLanePlus1 = grownTo(this.procLanePlus1, proc + 1, (n) => new Int32Array(n));
    let lane = this.procLanePlus1[proc] - 1;
    if (lane < 0) {
      lane = this.timeline.lane('proc', proc, `P${proc}`);
      this.procLanePlus1[proc] = lane + 1;
    }
    return lane;
  }

  /** The label id of a state's span; -1 for states without one (NotExist, Undetermined). */
  private stateLabel(state: string, reason: string): number {
    switch (state) {
      case 'Running': return this.runningLabel;
      case 'Runnable': return this.runnableLabel;
      case 'Syscall': return this.syscallLabel;
      case 'Waiting': break;
      default: return -1;
    }
    let label = this.waitingLabels.get(reason);
    if (label === undefined) this.waitingLabels.set(reason, (label = this.timeline.labelId(reason === '' ? 'Waiting' : `Waiting (${reason})`)));
    return label;
  }

  private grow(length: number): void {
    this.lanePlus1 = grownTo(this.lanePlus1, length, (n) => new Int32Array(n));
    this.named = grownTo(this.named, length, (n) => new Uint8Array(n));
    this.stateLabelPlus1 = grownTo(this.stateLabelPlus1, length, (n) => new Int32Array(n));
    this.stateStart = grownTo(this.stateStart, length, (n) => new Float64Array(n));
    this.procPlus1 = grownTo(this.procPlus1, length, (n) => new Float64Array(n));
    this.runningSince = grownTo(this.runningSince, length, (n) => new Float64Array(n));
  }
}
