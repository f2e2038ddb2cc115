// The timeline's display order: the GC lane, procs by id, then goroutines — by id, or grouped by
// start function (TimelineQuery.groups): each group a summary lane followed, when expanded, by its
// goroutines by id. The index numbers lanes in creation order; the viewer scrolls by display
// position, so queries are translated here. Nothing here is per goroutine but typed arrays.
import { formatCount } from '../../../common/format';
import type { PackedLane, TimelineQuery } from '../../../common/traceModel';
import type { TimelineIndex } from '../trace/summary/timeline';
import type { ViewerQueryResult } from '../../../common/traceProtocol';

const KIND_ORDER = { gc: 0, proc: 1, goroutine: 2 } as const;
/** Display entries below this are group lanes: GROUP_ENTRY - (group + 1) (group NONE is -1). */
const GROUP_ENTRY = -2;

interface Group { id: number; name: string; members: Uint32Array }

export class LaneOrder {
  /** Lanes sorted by kind then id; goroutine lanes by group. */
  private sorted = new Uint32Array(0);
  private firstGoroutine = 0;
  private groups: Group[] = [];
  private indexed = 0;
  private order: number[] = [];
  private orderKey = '';

  /** Rebuilds the sorted lanes and groups when lanes were added since. */
  refresh(index: TimelineIndex): this {
    const count = index.lanesCount;
    if (count === this.indexed) return this;
    this.indexed = count;
    this.orderKey = '';
    const kinds = new Float64Array(count);
    const ids = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      kinds[i] = KIND_ORDER[index.laneKind(i)];
      ids[i] = index.laneId(i);
    }
    const sorted = new Uint32Array(count);
    for (let i = 0; i < count; i++) sorted[i] = i;
    sorted.sort((a, b) => kinds[a] - kinds[b] || ids[a] - ids[b]);
    this.sorted = sorted;
    let first = 0;
    while (first < count && kinds[sorted[first]] < KIND_ORDER.goroutine) first++;
    this.firstGoroutine = first;
    // Members of each group, by id: counted, then placed.
    const sizes = new Map<number, number>();
    for (let k = first; k < count; k++) {
      const group = index.laneGroup(sorted[k])!;
      sizes.set(group, (sizes.get(group) ?? 0) + 1);
    }
    const groups = new Map<number, Group & { filled: number }>();
    for (const [id, size] of sizes) groups.set(id, { id, name: index.groupName(id), members: new Uint32Array(size), filled: 0 });
    for (let k = first; k < count; k++) {
      const g = groups.get(index.laneGroup(sorted[k])!)!;
      g.members[g.filled++] = sorted[k];
    }
    this.groups = [...groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this;
  }

  query(index: TimelineIndex, query: TimelineQuery): ViewerQueryResult['timeline'] {
    const order = this.displayOrder(index, query);
    const pinned = this.displayOf(index, order, query.goroutines ?? []);
    const wanted = [...new Set([...(query.lanes ?? order.map((_, i) => i)), ...pinned])].filter((i) => i >= 0 && i < order.length);
    const stored = wanted.map((i) => order[i]).filter((entry) => entry >= 0);
    const slice = index.queryPacked({ ...query, lanes: stored });
    const byLane = new Map<number, PackedLane>();
    stored.forEach((entry, k) => byLane.set(entry, slice.lanes[k]));
    const expanded = new Set(query.groups?.expanded ?? []);
    const lanes = wanted.map((i): PackedLane => {
      const entry = order[i];
      if (entry >= 0) return byLane.get(entry)!;
      const group = this.groups.find((g) => g.id === GROUP_ENTRY - entry - 1)!;
      const activity = index.groupActivity(group.id, query.startNs, query.endNs, query.resolutionNs, index.lastTimeNs);
      const name = group.name || '(unknown start function)';
      return {
        lane: { kind: 'group', id: group.id, label: `${name} · ${formatCount(group.members.length)} goroutines` },
        rows: [], spans: [], group: { name: group.name, goroutines: group.members.length, expanded: expanded.has(group.name) }, activity,
      };
    });
    return { ...slice, lanes, query: { ...query, lanes: wanted }, totalLanes: order.length };
  }

  /** Display positions of these goroutines' lanes (a scan: no map entry per goroutine that ever lived). */
  private displayOf(index: TimelineIndex, order: number[], goroutines: number[]): number[] {
    if (goroutines.length === 0) return [];
    const ids = new Set(goroutines);
    const found: number[] = [];
    order.forEach((lane, display) => { if (lane >= 0 && index.laneKind(lane) === 'goroutine' && ids.has(index.laneId(lane))) found.push(display); });
    return found;
  }

  /** Index lane numbers (and group entries) in display order for this query's grouping. */
  private displayOrder(index: TimelineIndex, query: TimelineQuery): number[] {
    const grouping = query.groups;
    const pinned = new Set(query.goroutines ?? []);
    const key = grouping === undefined ? 'flat' : JSON.stringify([grouping.expanded, grouping.search ?? '', [...pinned]]);
    if (key === this.orderKey) return this.order;
    this.orderKey = key;
    if (grouping === undefined) {
      this.order = Array.from(this.sorted);
      return this.order;
    }
    const order = Array.from(this.sorted.subarray(0, this.firstGoroutine));
    const expanded = new Set(grouping.expanded);
    const search = (grouping.search ?? '').trim();
    const id = /^\d+$/.test(search) ? Number(search) : undefined;
    for (const group of this.groups) {
      if (id !== undefined) {
        // The goroutine with that id, under its group's summary lane.
        const lane = group.members.find((l) => index.laneId(l) === id);
        if (lane !== undefined) order.push(GROUP_ENTRY - (group.id + 1), lane);
        continue;
      }
      if (search !== '' && !group.name.toLowerCase().includes(search.toLowerCase())) continue;
      order.push(GROUP_ENTRY - (group.id + 1));
      if (expanded.has(group.name)) for (const lane of group.members) order.push(lane);
      // Goroutines the viewer pinned show under their group even when it is collapsed.
      else if (pinned.size > 0) for (const lane of group.members) if (pinned.has(index.laneId(lane))) order.push(lane);
    }
    this.order = order;
    return order;
  }
}
