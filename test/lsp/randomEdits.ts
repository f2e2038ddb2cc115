// Deterministic pseudo-random edits of Go source, shared by the incremental-parsing tests and the benchmark.

/** Mulberry32: small, seedable, good enough to vary edits reproducibly. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTIONS = ['x', ' ', '\n', '\r\n', '{', '}', '(', ')', '"', 'é', '😀', '\t', '// c\n', 'trace.Log(ctx, "k", v)\n', 'for {\n', 'defer ', '.End()', 'trace.'];

export interface RandomEdit {
  start: number;
  end: number;
  text: string;
}

/** Insertions that mostly keep code meaning what it meant (comments, blanks, identifier characters). */
export const GENTLE_INSERTIONS = ['x', ' ', '\t', '\n', '// note é😀\n'];

export interface EditShape {
  /** Edits start at or after this offset. */
  from?: number;
  insertions?: readonly string[];
  /** Most characters one edit removes. */
  maxDelete?: number;
}

/** An edit replacing a few characters at a random place with a random snippet (or nothing). */
export function randomEdit(text: string, random: () => number, { from = 0, insertions = INSERTIONS, maxDelete = 4 }: EditShape = {}): RandomEdit {
  const start = from + Math.floor(random() * (text.length - from + 1));
  const end = Math.min(text.length, start + (random() < 0.5 ? 0 : Math.floor(random() * (maxDelete + 1))));
  const insert = random() < 0.2 ? '' : insertions[Math.floor(random() * insertions.length)];
  return { start, end, text: start === end && insert === '' ? 'y' : insert };
}

export function applyRandomEdit(text: string, edit: RandomEdit): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}
