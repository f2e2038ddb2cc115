// The reader's state at a generation boundary, in a canonical form that two readers can compare: the
// one that read every generation before it, and one that started a generation earlier (rangeRead.ts).
// When they are equal, the second reads everything after the boundary exactly as the first would,
// since the ordering decides each event from the generation's bytes and this state alone.
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

/**
 * A string equal for two boundaries exactly when reading on from them gives the same events; undefined
 * when the state is too odd to compare (two threads holding one proc: Go then picks by map order).
 */
export function boundaryKey(b: ReaderBoundary): string | undefined {
  const o = b.ordering;
  const parts: string[] = [`t ${b.lastTs} ${b.lastTsLo}`, `gc ${o.gcState} ${id(o.gcSeq)}`];
  const ranges = (inFlight: { typ: number; desc: I64 }[]) => inFlight.map((r) => `${r.typ}:${id(r.desc)}`).join(',');
  for (const [gid, s] of byId(o.gStates)) {
    parts.push(`g ${id(gid)} ${s.status} ${id(s.seqGen)} ${id(s.seq)} [${ranges(s.inFlight)}] [${s.regionTasks.map(id).join(',')}] ${JSON.stringify(s.regionNames)}`);
  }
  for (const [pid, s] of byId(o.pStates)) parts.push(`p ${id(pid)} ${s.status} ${id(s.seqGen)} ${id(s.seq)} [${ranges(s.inFlight)}]`);
  const procHolders = new Set<string>();
  for (const [mid, m] of byId(o.mStates)) {
    if (m.g === NONE && m.p === NONE) continue;
    // Go searches the threads for a proc's holder in map order: two holders would make that order matter.
    if (m.p !== NONE) {
      if (procHolders.has(id(m.p))) return undefined;
      procHolders.add(id(m.p));
    }
    parts.push(`m ${id(mid)} ${id(m.g)} ${id(m.p)}`);
  }
  for (const [tid, t] of byId(o.activeTasks)) parts.push(`task ${id(tid)} ${id(t.parent)} ${JSON.stringify(t.name)}`);
  return parts.join('\n');
}
