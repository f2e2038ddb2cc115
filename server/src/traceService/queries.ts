// Answers the viewer's queries from an analyzer: shared by the trace worker
// and the browser tests' stand-in host.
import type { TraceAnalyzer } from '../trace/summary/analyzer';
import type { ViewerQuery, ViewerQueryResult } from '../../../common/traceProtocol';
import { LaneOrder } from './laneOrder';

export class QueryAnswerer {
  private readonly lanes = new LaneOrder();

  constructor(private readonly analyzer: TraceAnalyzer) {}

  answer<Q extends ViewerQuery>(query: Q): ViewerQueryResult[Q['kind']];
  answer(query: ViewerQuery): ViewerQueryResult[ViewerQuery['kind']] {
    switch (query.kind) {
      case 'instances': return this.analyzer.instances(query.query);
      case 'task': return this.analyzer.task(query.id, query.parent) ?? null;
      case 'timeline': return this.lanes.refresh(this.analyzer.timeline).query(this.analyzer.timeline, query.query);
      case 'taskList': case 'taskExplanation': throw new Error(`the trace worker does not answer ${query.kind} yet`);
    }
  }
}
