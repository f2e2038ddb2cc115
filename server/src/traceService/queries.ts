// Answers the viewer's queries from an analyzer: shared by the trace worker
// and the browser tests' stand-in host.
import type { TraceAnalyzer } from '../trace/summary/analyzer';
import type { TaskRecord, TaskStore } from '../trace/requests/taskStore';
import { explainTask, taskToExplain, type TraceOpener } from '../trace/requests/taskExplainer';
import type { TailExplanation } from '../../../common/requestModel';
import type { TaskExplanation } from '../../../common/taskModel';
import type { ViewerQuery, ViewerQueryResult } from '../../../common/traceProtocol';
import { LaneOrder } from './laneOrder';

/** Explaining a task reads the trace again: that answer comes later; the others at once. */
export type Answer<K extends ViewerQuery['kind']> = K extends 'taskExplanation' ? Promise<ViewerQueryResult[K]> : ViewerQueryResult[K];

/**
 * The Tasks view's source: every task instance, a way to read the trace again to explain one, and
 * the tail explained per task type once the breakdown pass is done.
 */
export interface TaskSource { store: TaskStore; open: TraceOpener; tails?: () => ReadonlyMap<string, TailExplanation> | undefined }

export class QueryAnswerer {
  private readonly lanes = new LaneOrder();

  constructor(private readonly analyzer: TraceAnalyzer, private readonly tasks?: TaskSource) {}

  answer<Q extends ViewerQuery>(query: Q): Answer<Q['kind']>;
  answer(query: ViewerQuery): Answer<ViewerQuery['kind']> {
    switch (query.kind) {
      case 'instances': return this.analyzer.instances(query.query);
      case 'timeline': return this.lanes.refresh(this.analyzer.timeline).query(this.analyzer.timeline, query.query);
      case 'taskList': return this.taskSource().store.list(query.query);
      case 'taskExplanation': {
        const found = taskToExplain(this.taskSource().store, query.id);
        return found === undefined ? Promise.resolve(null) : this.explain(found.task, found.children);
      }
    }
  }

  /** Explains a task (of this store or another's: the main thread's, when it holds the tasks). */
  explain(task: TaskRecord, children: readonly TaskRecord[]): Promise<TaskExplanation> {
    return explainTask(this.taskSource().open, task, children, this.tasks?.tails?.()?.get(task.type));
  }

  private taskSource(): TaskSource {
    if (this.tasks === undefined) throw new Error('this trace has no task store');
    return this.tasks;
  }
}
