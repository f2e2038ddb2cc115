// The reader's state at a generation boundary, in a canonical form that two readers can compare: the
// one that read every generation before it, and a range's reader that started there from a guess
// (seed.ts). Reading on from equal states gives the same events, since the ordering decides each event
// from the generation's bytes and this state alone. What the guess cannot know is left out and checked
// apart: sequence numbers (a generation's status events reset each one before it is compared, so those
// of earlier generations never match: joinBoundary checks that they are all earlier), the last time
// (the range's first event must come after it, so that no time is moved), the GC state when the range
// met no GC event (it then never read it), and regions and tasks begun before the boundary and still
// open: there the range's regions must be the top of the main reader's stack and its tasks a subset of
// the main reader's, and what the range then did with the older ones is checked when the ranges are
// merged (rangeMerge.ts).
import { timeBefore, type I64 } from '../exact';
import type { ReaderBoundary } from '../reader';
import type { OlderLeft } from '../summary/rangeMerge';

/** NoGoroutine / NoProc: a thread holding neither is the same as one never seen. */
const NONE = -1;

/** An ID as a key: a bigint (exact beyond 2^53) marked apart from a number. */
export function id(x: I64): string {
  return typeof x === 'bigint' ? `${x}n` : String(x);
}

function byId<T>(entries: Iterable<[I64, T]>): [I64, T][] {
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A region on a goroutine's stack as the ordering keeps it: its task and name. */
export type OrderedRegion = [task: I64, name: string];

export interface BoundaryState {
  /**
   * Goroutines' and procs' statuses and active ranges, each thread's P and G, the first generation's
   * number: equal for two boundaries exactly when those parts are too; undefined when the state is too
   * odd to compare (two threads holding one proc: Go then picks by map order).
   */
  key: string | undefined;
  /** The GC state and sequence number; undefined if not known (a range that met no GC event). */
  gc: string | undefined;
  /** At the end of a range, the last event's time; at the start of a seeded range, its first event's. */
  time: number;
  timeLo: number;
  /** The generations of the goroutines' and procs' sequence numbers. */
  seqGens: string[];
  /** Each goroutine's open regions, bottom first (goroutines with none left out). */
  regions: [I64, OrderedRegion[]][];
  /** Active tasks: ID, name, parent. */
  tasks: [I64, string, I64][];
}

/** The state of a reader in a pause at a generation's end, or just seeded (then `time` is the first event's). */
export function boundaryState(b: ReaderBoundary, time = b.lastTs, timeLo = b.lastTsLo): BoundaryState {
  const o = b.ordering;
  const state: BoundaryState = { key: undefined, gc: `${o.gcState} ${id(o.gcSeq)}`, time, timeLo, seqGens: [], regions: [], tasks: [] };
  const parts: string[] = [`init ${id(o.initialGen)}`];
  const seqGens = new Set<string>();
  // In-flight ranges are (type, description) pairs.
  const ranges = (inFlight: readonly I64[]) => {
    const pairs: string[] = [];
    for (let i = 0; i < inFlight.length; i += 2) pairs.push(`${inFlight[i]}:${id(inFlight[i + 1])}`);
    return pairs.join(',');
  };
  for (const [gid, s] of byId(o.gStates)) {
    parts.push(`g ${id(gid)} ${s.status} [${ranges(s.inFlight)}]`);
    seqGens.add(id(s.seqGen));
    const regions = s.regions;
    if (regions.length > 0) {
      const ordered: OrderedRegion[] = [];
      for (let i = 0; i < regions.length; i += 2) ordered.push([regions[i] as I64, regions[i + 1] as string]);
      state.regions.push([gid, ordered]);
    }
  }
  for (const [pid, s] of byId(o.pStates)) {
    parts.push(`p ${id(pid)} ${s.status} [${ranges(s.inFlight)}]`);
    seqGens.add(id(s.seqGen));
  }
  state.seqGens = [...seqGens];
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
export function joinBoundary(
  main: BoundaryState, worker: BoundaryState, range: { generations: readonly string[]; firstTime: readonly [number, number] },
): BoundaryJoin | string {
  if (main.key === undefined || main.key !== worker.key) return 'the reader\'s state differs';
  if (worker.gc !== undefined && worker.gc !== main.gc) return 'the GC state differs';
  // Times are made increasing from the last one: the same one, or both before the range's first event.
  const [hi, lo] = range.firstTime;
  if ((main.time !== worker.time || main.timeLo !== worker.timeLo)
    && !(timeBefore(main.time, main.timeLo, hi, lo) && timeBefore(worker.time, worker.timeLo, hi, lo))) return 'the last time differs';
  if (main.seqGens.some((g) => range.generations.includes(g))) return 'a sequence number of the range\'s generations';
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

/**
 * A range's end state with the regions and tasks begun before the range and still open (which its
 * reader never knew) put back, as the reader before it would have them: under each goroutine's own
 * regions, and among the active tasks.
 */
export function withOlder(state: BoundaryState, older: OlderLeft): BoundaryState {
  if (older.regions.size === 0 && older.tasks.size === 0) return state;
  const regions = new Map(state.regions.map(([g, stack]) => [id(g), { g, stack }]));
  for (const [g, stack] of older.regions) {
    const own = regions.get(id(g));
    regions.set(id(g), { g: own?.g ?? g, stack: [...stack, ...own?.stack ?? []] });
  }
  const tasks: [I64, string, I64][] = [...state.tasks, ...[...older.tasks].map(([tid, t]): [I64, string, I64] => [tid, t.name, t.parent])];
  return { ...state, regions: [...regions.values()].map(({ g, stack }): [I64, OrderedRegion[]] => [g, stack]), tasks };
}
