// The timeline's writes as a stream of numbers, so that its index is built on another thread (the
// language server's main thread, traceService/replayedIndex.ts) while the analyzer goes on with the
// next events: the index costs about as much CPU as the statistics, and the trace worker is the
// viewer load's bottleneck.
// The recorder numbers lanes and labels exactly as TimelineIndex does (in order of first use), so
// the analyzer's lane numbers are the index's; replayTimeline() checks it.
import type { ActivityState } from '../summary/activity';
import type { SpanCategory, TimelineIndex, TimelineWriter } from '../summary/timeline';
import { OpRecorder, StringIds, type BatchChannel, type RecordedBatch } from './opStream';

type IndexedKind = Parameters<TimelineIndex['lane']>[0];

const KINDS: IndexedKind[] = ['gc', 'proc', 'goroutine'];
const CATEGORIES: SpanCategory[] = ['state', 'region', 'gc', 'stw'];

// Each op is its code followed by its operands, all as float64 (times are not always integers).
const OP_LABEL = 0; // (the next of the batch's new labels)
const OP_LANE = 1; // lane, kind, id, label
const OP_GOROUTINE_LANE = 2; // lane, goroutine id
const OP_TRANSITION = 3; // lane, time, label (-1: none), state start, state (-1: none), proc lane (-1: none), run start
const OP_NAME = 4; // lane, label
const OP_SPAN = 5; // lane, row, category, start, end, label
const OP_RUNNING = 6; // proc lane, start, end, goroutine lane
const OP_FINISH_GOROUTINE = 7; // lane
const OP_FINISH = 8;
/** The longest op (OP_TRANSITION). */
const MAX_OP = 8;

export class TimelineRecorder extends OpRecorder implements TimelineWriter {
  private readonly labelIds = new StringIds();
  private readonly byKind: Record<IndexedKind, Map<number, number>> = { goroutine: new Map(), proc: new Map(), gc: new Map() };
  private laneCount = 0;

  constructor(channel: BatchChannel) {
    super(channel, MAX_OP);
    this.lane('gc', 0, 'GC'); // as TimelineIndex's constructor
  }

  labelId(label: string): number {
    return this.stringId(this.labelIds, label, OP_LABEL);
  }

  lane(kind: IndexedKind, id: number, label: string): number {
    const byId = this.byKind[kind];
    let lane = byId.get(id);
    if (lane === undefined) {
      const labelId = this.labelId(label);
      lane = this.laneCount++;
      byId.set(id, lane);
      this.room();
      const v = this.values;
      let i = this.length;
      v[i++] = OP_LANE; v[i++] = lane; v[i++] = KINDS.indexOf(kind); v[i++] = id; v[i++] = labelId;
      this.length = i;
    }
    return lane;
  }

  goroutineLane(id: number): number {
    const lane = this.laneCount++;
    this.room();
    this.values[this.length++] = OP_GOROUTINE_LANE;
    this.values[this.length++] = lane;
    this.values[this.length++] = id;
    return lane;
  }

  goroutineTransition(lane: number, time: number, label: number, stateStart: number, state: ActivityState | undefined, procLane: number, runStart: number): void {
    this.room();
    const v = this.values;
    let i = this.length;
    v[i++] = OP_TRANSITION; v[i++] = lane; v[i++] = time; v[i++] = label; v[i++] = stateStart; v[i++] = state ?? -1; v[i++] = procLane; v[i++] = runStart;
    this.length = i;
  }

  nameGoroutine(lane: number, startFunction: string): void {
    const label = this.labelId(startFunction);
    this.room();
    const v = this.values;
    let i = this.length;
    v[i++] = OP_NAME; v[i++] = lane; v[i++] = label;
    this.length = i;
  }

  add(lane: number, row: number, category: SpanCategory, startNs: number, endNs: number, label: string): void {
    this.addLabelled(lane, row, category, startNs, endNs, this.labelId(label));
  }

  addLabelled(lane: number, row: number, category: SpanCategory, startNs: number, endNs: number, label: number): void {
    this.room();
    const v = this.values;
    let i = this.length;
    v[i++] = OP_SPAN; v[i++] = lane; v[i++] = row; v[i++] = CATEGORIES.indexOf(category); v[i++] = startNs; v[i++] = endNs; v[i++] = label;
    this.length = i;
  }

  addRunning(procLane: number, startNs: number, endNs: number, goroutineLane: number): void {
    this.room();
    const v = this.values;
    let i = this.length;
    v[i++] = OP_RUNNING; v[i++] = procLane; v[i++] = startNs; v[i++] = endNs; v[i++] = goroutineLane;
    this.length = i;
  }

  finishGoroutine(lane: number): void {
    this.op1(OP_FINISH_GOROUTINE, lane);
  }

  finish(): void {
    this.room();
    this.values[this.length++] = OP_FINISH;
    this.flush();
  }
}

/** Applies a recorded batch to the index, in order; throws if the index numbers a lane or label otherwise. */
export function replayTimeline(batch: RecordedBatch, index: TimelineIndex): void {
  const v = batch.values;
  let nextString = 0;
  let i = 0;
  while (i < batch.length) {
    switch (v[i]) {
      case OP_LABEL:
        expectSame('label', index.labelId(batch.strings[nextString++]), v[i + 1]);
        i += 2;
        break;
      case OP_LANE:
        expectSame('lane', index.lane(KINDS[v[i + 2]], v[i + 3], index.labelName(v[i + 4])), v[i + 1]);
        i += 5;
        break;
      case OP_GOROUTINE_LANE:
        expectSame('lane', index.goroutineLane(v[i + 2]), v[i + 1]);
        i += 3;
        break;
      case OP_NAME:
        index.nameGoroutine(v[i + 1], index.labelName(v[i + 2]));
        i += 3;
        break;
      case OP_SPAN:
        index.addLabelled(v[i + 1], v[i + 2], CATEGORIES[v[i + 3]], v[i + 4], v[i + 5], v[i + 6]);
        i += 7;
        break;
      case OP_RUNNING:
        index.addRunning(v[i + 1], v[i + 2], v[i + 3], v[i + 4]);
        i += 5;
        break;
      case OP_FINISH_GOROUTINE:
        index.finishGoroutine(v[i + 1]);
        i += 2;
        break;
      case OP_TRANSITION:
        index.goroutineTransition(v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5] < 0 ? undefined : v[i + 5] as ActivityState, v[i + 6], v[i + 7]);
        i += 8;
        break;
      case OP_FINISH:
        index.finish();
        i += 1;
        break;
      default:
        throw new Error(`timeline batch: unknown op ${v[i]} at ${i}`);
    }
  }
}

function expectSame(what: string, actual: number, recorded: number): void {
  if (actual !== recorded) throw new Error(`timeline replay: ${what} ${actual} where the recorder numbered ${recorded}`);
}
