// The reader's state at a generation boundary, in a canonical form that two readers can compare: the
// one that read every generation before it, and one that started a generation earlier (rangeRead.ts).
// Reading on from equal states gives the same events, since the ordering decides each event from the
// generation's bytes and this state alone. Two parts a warm-up generation cannot rebuild are kept
// apart: regions and tasks begun before it and still open. There the worker's regions must be the top
// of the main reader's stack and its tasks a subset of the main reader's (joinBoundary), and what the
// range then did with the older ones is checked when the ranges are merged (rangeMerge.ts).
import type { I64 } from '../exact';
import type { ReaderBoundary } from '../reader';

/** NoGoroutine / NoProc: a thread holding neither is the same as one never seen. */
const NONE = -1;

function id(x: I64): string {
  return typeof x === 'bigint' ? `${x}n` : String(x);
}

function byId<T>(entries: Iterable<[I64, T]>): [I64, T][] {
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A region on a goroutine's stack as the ordering keeps it: its task and name. */
export type OrderedRegion = [task: I64, name: string];

export interface BoundaryState {
  /**
   * Everything but region stacks and tasks: equal for two boundaries exactly when those parts are
   * too; undefined when the state is too odd to compare (two threads holding one proc: Go then picks
   * by map order).
   */
  key: string | undefined;
  /** Each goroutine's open regions, bottom first (goroutines with none left out). */
  regions: [I64, OrderedRegion[]][];
  /** Active tasks: ID, name, parent. */
  tasks: [I64, string, I64][];
}

export function boundaryState(b: ReaderBoundary): BoundaryState {
  const o = b.ordering;
  const state: BoundaryState = { key: undefined, regions: [], tasks: [] };
  const parts: string[] = [`t ${b.lastTs} ${b.lastTsLo}`, `gc ${o.gcState} ${id(o.gcSeq)}`];
  const ranges = (inFlight: { typ: number; desc: I64 }[]) => inFlight.map((r) => `${r.typ}:${id(r.desc)}`).join(',');
  for (const [gid, s] of byId(o.gStates)) {
    parts.push(`g ${id(gid)} ${s.status} ${id(s.seqGen)} ${id(s.seq)} [${ranges(s.inFlight)}]`);
    if (s.regionTasks.length > 0) state.regions.push([gid, s.regionTasks.map((task, i): OrderedRegion => [task, s.regionNames[i]])]);
  }
  for (const [pid, s] of byId(o.pStates)) parts.push(`p ${id(pid)} ${s.status} ${id(s.seqGen)} ${id(s.seq)} [${ranges(s.inFlight)}]`);
  const procHolders = new Set<string>();
  for (const [mid, m] of byId(o.mStates)) {
    if (m.g === NONE && m.p === NONE) continue;
    if (m.p !== NONE) {
      if (procHolders.has(id(m.p))) return state;
      procHolders.add(id(m.p));
    }
    parts.push(`m ${id(mid)} ${id(m.g)} ${id(m.p)}`);
  }
  for (const [tid, t] of byId(o.activeTasks)) state.tasks.push([tid, t.name, t.parent]);
  state.key = parts.join('\n');
  return state;
}

/** What the range's reader did not know at its start: older regions per goroutine, and older tasks. */
export interface BoundaryJoin {
  /** Per goroutine: the regions below the worker's (bottom first), and how many the worker knew. */
  older: Map<number, { regions: [task: number, name: string][]; known: number }>;
  /** Tasks active at the boundary that the worker did not know: name and parent. */
  olderTasks: Map<number, { name: string; parent: number }>;
}

/**
 * The main reader's state against a worker's at the same boundary: a join when the worker's is the
 * main one's minus older regions and tasks, else why not.
 */
export function joinBoundary(main: BoundaryState, worker: BoundaryState): BoundaryJoin | string {
  if (main.key === undefined || main.key !== worker.key) return 'the reader\'s state differs';
  const join: BoundaryJoin = { older: new Map(), olderTasks: new Map() };
  const safe = (x: I64): x is number => typeof x === 'number';
  const workerRegions = new Map(worker.regions.map(([g, r]) => [id(g), r]));
  for (const [g, stack] of main.regions) {
    const known = workerRegions.get(id(g)) ?? [];
    workerRegions.delete(id(g));
    const older = stack.length - known.length;
    if (older < 0 || known.some(([task, name], i) => id(task) !== id(stack[older + i][0]) || name !== stack[older + i][1])) {
      return `goroutine ${id(g)}'s regions differ`;
    }
    if (older === 0) continue;
    if (!safe(g) || !stack.every(([task]) => safe(task))) return 'odd IDs';
    join.older.set(g, { regions: stack.slice(0, older).map(([task, name]) => [task as number, name]), known: known.length });
  }
  if (workerRegions.size > 0) return 'the range knows regions the reader before it does not';
  const mainTasks = new Map(main.tasks.map(([tid, name, parent]) => [id(tid), { tid, name, parent }]));
  for (const [tid, name, parent] of worker.tasks) {
    const t = mainTasks.get(id(tid));
    if (t === undefined || t.name !== name || id(t.parent) !== id(parent)) return `task ${id(tid)} differs`;
    mainTasks.delete(id(tid));
  }
  for (const { tid, name, parent } of mainTasks.values()) {
    if (!safe(tid) || !safe(parent)) return 'odd IDs';
    join.olderTasks.set(tid, { name, parent });
  }
  return join;
}
