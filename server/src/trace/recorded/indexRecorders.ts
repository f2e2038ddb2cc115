// The recorders of the viewer's two indexes, sharing one ring (batchRing.ts).
import { BatchProducer, type PostedBatch } from './batchRing';
import { TaskRecorder } from './taskRecorder';
import { TimelineRecorder } from './timelineRecorder';

/** A batch, and which index it writes to. */
export type IndexBatch = { index: 'timeline' | 'tasks' } & PostedBatch;

export interface IndexRecorders {
  /** AnalyzerOptions.timelineWriter. */
  timeline: TimelineRecorder;
  /** TraceAnalyzer.forwardAnnotations. */
  tasks: TaskRecorder;
}

export function indexRecorders(ring: SharedArrayBuffer, post: (batch: IndexBatch) => void): IndexRecorders {
  const channel = (index: IndexBatch['index']) => new BatchProducer(ring, (batch) => post({ index, ...batch }));
  return { timeline: new TimelineRecorder(channel('timeline')), tasks: new TaskRecorder(channel('tasks')) };
}
