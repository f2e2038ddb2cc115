// The timeline's display order: the GC lane, procs by id, then goroutines by
// id. The index numbers lanes in creation order; the viewer scrolls by
// display position, so queries are translated here.
import type { TimelineQuery } from '../../../common/traceModel';
import type { TimelineIndex } from '../trace/summary/timeline';
import type { ViewerQueryResult } from '../../../common/traceProtocol';

const KIND_ORDER = { gc: 0, proc: 1, goroutine: 2 } as const;

export class LaneOrder {
  private order: number[] = [];

  /** Rebuilds the order when lanes were added since. */
  refresh(index: TimelineIndex): this {
    const all = index.lanes();
    if (all.length === this.order.length) return this;
    this.order = all.map((lane, i) => ({ lane, i }))
      .sort((a, b) => KIND_ORDER[a.lane.kind] - KIND_ORDER[b.lane.kind] || a.lane.id - b.lane.id)
      .map(({ i }) => i);
    return this;
  }

  query(index: TimelineIndex, query: TimelineQuery): ViewerQueryResult['timeline'] {
    const wanted = (query.lanes ?? this.order.map((_, i) => i)).filter((i) => i >= 0 && i < this.order.length);
    const slice = index.queryPacked({ ...query, lanes: wanted.map((i) => this.order[i]) });
    return { ...slice, query: { ...query, lanes: wanted }, totalLanes: this.order.length };
  }
}
