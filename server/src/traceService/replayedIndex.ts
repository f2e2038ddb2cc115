// The viewer's indexes of a large trace — the timeline and the Tasks view's store — built on the
// language server's main thread from the trace worker's recorded writes (trace/recorded/). The
// worker's load is the viewer's bottleneck and the main thread idles through it: replaying there
// takes the indexes' cost (about a third of the load on goroutine-per-request traces) off the
// worker, without the memory of another isolate (~10 MB). A batch is a millisecond or two of work,
// so the server's other requests wait no longer than that.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { TaskListPage, TaskListQuery } from '../../../common/taskModel';
import type { TimelineQuery } from '../../../common/traceModel';
import type { ViewerQueryResult } from '../../../common/traceProtocol';
import { BatchConsumer, newBatchRing, type RingMessage } from '../trace/recorded/batchRing';
import { TIMELINE_CHANNEL } from '../trace/recorded/indexRecorders';
import type { RecordedBatch } from '../trace/recorded/opStream';
import { TaskReplay } from '../trace/recorded/taskRecorder';
import { replayTimeline } from '../trace/recorded/timelineRecorder';
import { taskToExplain, type TaskToExplain } from '../trace/requests/taskExplainer';
import { TaskStore } from '../trace/requests/taskStore';
import { TimelineIndex } from '../trace/summary/timeline';
import { LaneOrder } from './laneOrder';

/**
 * From this size on ('auto'), the indexes are built on the main thread: below it the whole load
 * takes about a second on one thread, and batches crossing threads are not worth it.
 */
export const REPLAY_MIN_BYTES = 16 * 2 ** 20;

/** Where a trace's indexes are built: 'auto' by its size and the machine's cores. */
export type IndexPlacement = 'auto' | 'main' | 'worker';

export function replayWanted(placement: IndexPlacement, path: string): boolean {
  if (placement !== 'auto') return placement === 'main';
  try {
    return availableParallelism() >= 2 && statSync(path).size >= REPLAY_MIN_BYTES;
  } catch {
    return false; // the worker says what is wrong with the file
  }
}

export class ReplayedIndex {
  /** The ring the worker records into (WorkerInput.indexRing). */
  readonly ring: SharedArrayBuffer;
  private readonly batches: BatchConsumer;
  private readonly timeline = new TimelineIndex();
  private readonly lanes = new LaneOrder();
  private readonly tasks = new TaskStore();
  private readonly taskReplay = new TaskReplay(this.tasks);
  private failure: string | undefined;
  private replayed = 0;

  /** slotValues: the ring's batch size (newBatchRing). */
  constructor(slotValues?: number) {
    this.ring = newBatchRing(slotValues);
    this.batches = new BatchConsumer(this.ring, (channel, batch) => this.replay(channel, batch));
  }

  /** A message of the worker's recorders: replays the batches published so far. */
  receive(message: RingMessage): void {
    this.batches.receive(message);
  }

  /** Batches replayed so far. */
  get batchesReplayed(): number {
    return this.replayed;
  }

  /** A failure stops the worker's load at its next batch. */
  private replay(channel: number, batch: RecordedBatch): void {
    if (this.failure !== undefined) return;
    const index = channel === TIMELINE_CHANNEL ? 'timeline' : 'tasks';
    try {
      this.replayed++;
      if (index === 'timeline') replayTimeline(batch, this.timeline);
      else this.taskReplay.replay(batch);
    } catch (error) {
      this.failure = `the ${index} index failed: ${error instanceof Error ? error.message : String(error)}`;
      this.batches.fail();
    }
  }

  timelineQuery(query: TimelineQuery): ViewerQueryResult['timeline'] {
    this.check();
    return this.lanes.refresh(this.timeline).query(this.timeline, query);
  }

  taskList(query: TaskListQuery): TaskListPage {
    this.check();
    return this.tasks.list(query);
  }

  /** A task and its first children (as many as an explanation lists), for the worker to explain. */
  taskToExplain(id: number): TaskToExplain | undefined {
    this.check();
    return taskToExplain(this.tasks, id);
  }

  /** Answers see every batch published so far. */
  private check(): void {
    this.batches.drain();
    if (this.failure !== undefined) throw new Error(this.failure);
  }
}
