// The timeline's display order: the GC lane, procs by id, then goroutines by
// id. The index numbers lanes in creation order; the viewer scrolls by
// display position, so queries are translated here.
import type { TimelineQuery } from '../../../common/traceModel';
import type { TimelineIndex } from '../trace/summary/timeline';
import type { ViewerQueryResult } from '../../../common/traceProtocol';

const KIND_ORDER = { gc: 0, proc: 1, goroutine: 2 } as const;

export class LaneOrder {
  private order: number[] = [];
  /** Display index of each goroutine's lane, by goroutine id. */
  private goroutineLanes = new Map<number, number>();

  /** Rebuilds the order when lanes were added since. */
  refresh(index: TimelineIndex): this {
    const all = index.lanes();
    if (all.length === this.order.length) return this;
    this.order = all.map((lane, i) => ({ lane, i }))
      .sort((a, b) => KIND_ORDER[a.lane.kind] - KIND_ORDER[b.lane.kind] || a.lane.id - b.lane.id)
      .map(({ i }) => i);
    this.goroutineLanes = new Map();
    this.order.forEach((laneIndex, display) => { if (all[laneIndex].kind === 'goroutine') this.goroutineLanes.set(all[laneIndex].id, display); });
    return this;
  }

  query(index: TimelineIndex, query: TimelineQuery): ViewerQueryResult['timeline'] {
    const pinned = (query.goroutines ?? []).map((g) => this.goroutineLanes.get(g)).filter((i): i is number => i !== undefined);
    const wanted = [...new Set([...(query.lanes ?? this.order.map((_, i) => i)), ...pinned])].filter((i) => i >= 0 && i < this.order.length);
    const slice = index.queryPacked({ ...query, lanes: wanted.map((i) => this.order[i]) });
    return { ...slice, query: { ...query, lanes: wanted }, totalLanes: this.order.length };
  }
}
