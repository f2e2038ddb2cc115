// The recorders of the viewer's two indexes, sharing one ring (batchRing.ts).
import { BatchProducer, type RingMessage } from './batchRing';
import { TaskRecorder } from './taskRecorder';
import { TimelineRecorder } from './timelineRecorder';

/** The ring's channels, one per index. */
export const TIMELINE_CHANNEL = 0;
export const TASKS_CHANNEL = 1;

export interface IndexRecorders {
  /** AnalyzerOptions.timelineWriter. */
  timeline: TimelineRecorder;
  /** TraceAnalyzer.forwardAnnotations. */
  tasks: TaskRecorder;
}

/** post: to the replaying side's ReplayedIndex.receive. */
export function indexRecorders(ring: SharedArrayBuffer, post: (message: RingMessage) => void): IndexRecorders {
  return {
    timeline: new TimelineRecorder(new BatchProducer(ring, TIMELINE_CHANNEL, post)),
    tasks: new TaskRecorder(new BatchProducer(ring, TASKS_CHANNEL, post)),
  };
}
