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
    const count = index.lanesCount;
    if (count === this.order.length) return this;
    // Typed arrays, no object per lane: a per-request service has hundreds of thousands of lanes.
    const keys = new Float64Array(count);
    for (let i = 0; i < count; i++) keys[i] = KIND_ORDER[index.laneKind(i)];
    const ids = new Float64Array(count);
    for (let i = 0; i < count; i++) ids[i] = index.laneId(i);
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    order.sort((a, b) => keys[a] - keys[b] || ids[a] - ids[b]);
    this.order = Array.from(order);
    return this;
  }

  query(index: TimelineIndex, query: TimelineQuery): ViewerQueryResult['timeline'] {
    const pinned = this.displayOf(index, query.goroutines ?? []);
    const wanted = [...new Set([...(query.lanes ?? this.order.map((_, i) => i)), ...pinned])].filter((i) => i >= 0 && i < this.order.length);
    const slice = index.queryPacked({ ...query, lanes: wanted.map((i) => this.order[i]) });
    return { ...slice, query: { ...query, lanes: wanted }, totalLanes: this.order.length };
  }

  /** Display positions of these goroutines' lanes (a scan: no map entry per goroutine that ever lived). */
  private displayOf(index: TimelineIndex, goroutines: number[]): number[] {
    if (goroutines.length === 0) return [];
    const ids = new Set(goroutines);
    const found: number[] = [];
    this.order.forEach((lane, display) => { if (index.laneKind(lane) === 'goroutine' && ids.has(index.laneId(lane))) found.push(display); });
    return found;
  }
}
