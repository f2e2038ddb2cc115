// Goroutine lanes of the timeline as goroutines change state: the state span in progress, the
// proc a goroutine runs on (a span on that proc's lane), and its group's activity. Per goroutine in
// flight, columns indexed by its GoroutineSlots slot: no object per goroutine.
import { NO_ID, type StateTransitionEvent } from '../event';
import { BLOCKED, RUNNABLE, RUNNING, type ActivityState } from './activity';
import { grownTo } from './goroutineSlots';
import type { TimelineIndex } from './timeline';

/** How a group's summary lane counts goroutine states (others, as NotExist, are not counted). */
const ACTIVITY_STATES: Partial<Record<string, ActivityState>> = { Running: RUNNING, Syscall: RUNNING, Runnable: RUNNABLE, Waiting: BLOCKED };

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
  /** Timeline lane of each proc. */
  private readonly procLanes = new Map<number, number>();
  /** Label ids of "Waiting (reason)", built once per reason. */
  private readonly waitingLabels = new Map<string, number>();
  private readonly fixedLabels: Record<string, number>;

  constructor(private readonly timeline: TimelineIndex, private readonly nameOf: (goroutine: number) => string) {
    this.fixedLabels = { Running: timeline.labelId('Running'), Runnable: timeline.labelId('Runnable'), Syscall: timeline.labelId('Syscall') };
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
    const label = this.stateLabelPlus1[slot] - 1;
    if (label >= 0) this.timeline.addLabelled(lane, 0, 'state', this.stateStart[slot], time, label);
    this.stateLabelPlus1[slot] = this.stateLabel(ev.to, ev.reason) + 1;
    this.stateStart[slot] = time;
    this.timeline.goroutineState(lane, time, ACTIVITY_STATES[ev.to]);
    const proc = this.procPlus1[slot] - 1;
    if (proc !== NO_ID) {
      this.procSpan(proc, lane, this.runningSince[slot], time);
      this.procPlus1[slot] = 0;
    }
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
    let lane = this.procLanes.get(proc);
    if (lane === undefined) this.procLanes.set(proc, (lane = this.timeline.lane('proc', proc, `P${proc}`)));
    this.timeline.addRunning(lane, start, end, goroutineLane);
  }

  /** The label id of a state's span; -1 for states without one (NotExist, Undetermined). */
  private stateLabel(state: string, reason: string): number {
    if (state !== 'Waiting') return this.fixedLabels[state] ?? -1;
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
