// What an analysis that starts mid-trace cannot know yet. A range of generations read on its own
// (parallel/) is analysed without the state before it; wherever the analysis would read that state
// (a goroutine's regions begun earlier, its name, a task or stop-the-world pause begun earlier, a GC
// cycle in progress) it logs the question here instead, in event order, and rangeMerge.ts answers it
// once the state before is known. Only the statistics (`trace stats`) are exact this way.
import type { SourceLocation } from '../../../../common/traceModel';
import type { OpenRegion } from './goroutines';

export interface LoggedRegion { type: string; task: number; startNs?: number; site?: SourceLocation; synthetic: boolean }

export type RangeOp =
  /** First seen without being created: the state before may hold its record (counted once, not twice). */
  | { op: 'inherit'; g: number }
  /** A region end with no region of the range's own open: it ends one begun before, if any. */
  | { op: 'pop'; g: number; task: number; type: string; time: number }
  /** Created by a goroutine with no region of the range's own open: it inherits the task of one begun before, if any. */
  | { op: 'create'; g: number; creator: number; time: number }
  /** An inherited goroutine exited: its name and the regions begun before decide what closes. */
  | { op: 'exit'; g: number; time: number; name: string; regions: LoggedRegion[] }
  /** A task end whose begin is not in the range. */
  | { op: 'taskEnd'; id: number; parent: number; type: string; time: number; g: number };

type RangeKind = 'RangeBegin' | 'RangeActive' | 'RangeEnd';

/** The first event of a stop-the-world kind in the range, and when the range it opened (if it did) closed. */
export interface FirstStw { kind: RangeKind; time: number; name: string; closedAt: number | undefined }

interface PendingCreate { creator: number; time: number; at: number; seq: number }

export class RangeLog {
  private readonly ops: RangeOp[] = [];
  /** Creations logged only when needed, each with its place among `ops`. */
  private readonly creates: (PendingCreate & { g: number })[] = [];
  private readonly pending = new Map<number, PendingCreate>();
  private seq = 0;
  private readonly inheritedIds = new Set<number>();
  /** Goroutines whose region stack may begin with regions from before the range. */
  private readonly uncertain = new Set<number>();
  /** The first GC mark phase event, if any. */
  gcFirst: RangeKind | undefined;
  readonly stwFirst = new Map<string, FirstStw>();
  /** The lowest task ID begun in the range (a task begun before with the same ID would be a conflict). */
  minTaskBegun = Infinity;

  inherited(g: number): void {
    this.inheritedIds.add(g);
    this.uncertain.add(g);
    this.ops.push({ op: 'inherit', g });
  }

  /** True if the end is logged (the goroutine may hold regions from before), false to close it as unmatched. */
  popBelow(g: number, task: number, type: string, time: number): boolean {
    if (!this.uncertain.has(g)) return false;
    this.materialize(g);
    this.ops.push({ op: 'pop', g, task, type, time });
    return true;
  }

  /** A goroutine created by one with no open region of its own (`creatorSeen`: the creator has a record here). */
  created(g: number, creator: number, creatorSeen: boolean, time: number): void {
    this.forget(g);
    if (creatorSeen && !this.uncertain.has(creator)) return;
    // The creator's own creation decides this one's: log it now, before the creator may exit.
    this.materialize(creator);
    this.uncertain.add(g);
    this.pending.set(g, { creator, time, at: this.ops.length, seq: this.seq++ });
  }

  /** True if the exit is logged (an inherited goroutine), false to close its regions now. */
  exited(g: number, time: number, name: string, regions: readonly OpenRegion[]): boolean {
    const inherited = this.inheritedIds.has(g);
    this.forget(g);
    if (!inherited) return false;
    this.ops.push({
      op: 'exit', g, time, name,
      regions: regions.map((r) => ({ type: r.type, task: r.task, startNs: r.startNs, site: r.site, synthetic: r.synthetic })),
    });
    return true;
  }

  taskEndBelow(id: number, parent: number, type: string, time: number, g: number): boolean {
    this.ops.push({ op: 'taskEnd', id, parent, type, time, g });
    return true;
  }

  taskBegun(id: number): void {
    if (id < this.minTaskBegun) this.minTaskBegun = id;
  }

  gcMark(kind: RangeKind): void {
    this.gcFirst ??= kind;
  }

  stw(key: string, kind: RangeKind, time: number, name: string): void {
    const first = this.stwFirst.get(key);
    if (first === undefined) this.stwFirst.set(key, { kind, time, name, closedAt: undefined });
    else if (kind === 'RangeEnd' && first.kind !== 'RangeEnd' && first.closedAt === undefined) first.closedAt = time;
  }

  /** Whether the goroutine is one the range saw without its creation (its record may be from before). */
  isInherited(g: number): boolean { return this.inheritedIds.has(g); }
  isUncertain(g: number): boolean { return this.uncertain.has(g); }

  /** Every logged question in event order; live goroutines' creations are logged first (they may be needed later). */
  finish(live: Iterable<number>): RangeOp[] {
    for (const g of live) if (this.uncertain.has(g)) this.materialize(g);
    const creates = this.creates.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const all: RangeOp[] = [];
    let c = 0;
    for (let i = 0; i <= this.ops.length; i++) {
      for (; c < creates.length && creates[c].at === i; c++) {
        const { g, creator, time } = creates[c];
        all.push({ op: 'create', g, creator, time });
      }
      if (i < this.ops.length) all.push(this.ops[i]);
    }
    return all;
  }

  private forget(g: number): void {
    this.inheritedIds.delete(g);
    this.uncertain.delete(g);
    this.pending.delete(g);
  }

  /** Logs a goroutine's creation (and its creator's, if that is pending too), at its place among the ops. */
  private materialize(g: number): void {
    const p = this.pending.get(g);
    if (p === undefined) return;
    this.pending.delete(g);
    this.materialize(p.creator);
    this.creates.push({ g, ...p });
  }
}
