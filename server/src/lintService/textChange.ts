// The smallest single edit that turns one text into another, in the units web-tree-sitter uses:
// indexes are UTF-16 code units and a point's row advances on "\n" only (as tree-sitter counts rows).
import type { Edit, Point } from 'web-tree-sitter';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The point `to` is at, counting from `start` at offset `from` (newlines found natively: large files, every keystroke). */
function pointAfter(text: string, from: number, to: number, start: Point): Point {
  let row = start.row;
  let lineStart = -1;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return lineStart === -1 ? { row, column: start.column + (to - from) } : { row, column: to - lineStart };
}

/** Chunks compared natively before the character-wise scan finds the first difference. */
const CHUNK = 4096;

function commonPrefix(a: string, b: string, limit: number): number {
  let n = 0;
  while (n + CHUNK <= limit && a.substring(n, n + CHUNK) === b.substring(n, n + CHUNK)) n += CHUNK;
  while (n < limit && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

function commonSuffix(a: string, b: string, limit: number): number {
  let n = 0;
  while (n + CHUNK <= limit && a.substring(a.length - n - CHUNK, a.length - n) === b.substring(b.length - n - CHUNK, b.length - n)) n += CHUNK;
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/** Undefined when the texts are equal. O(length), which stays far below a re-parse. */
export function textChange(oldText: string, newText: string): Edit | undefined {
  if (oldText === newText) return undefined;
  const shorter = Math.min(oldText.length, newText.length);
  let prefix = commonPrefix(oldText, newText, shorter);
  // Never split a surrogate pair: the edit starts before it.
  if (prefix > 0 && isHighSurrogate(oldText.charCodeAt(prefix - 1))) prefix--;
  let suffix = commonSuffix(oldText, newText, shorter - prefix);
  if (suffix > 0 && isHighSurrogate(oldText.charCodeAt(oldText.length - suffix - 1))) suffix--;

  const oldEndIndex = oldText.length - suffix;
  const newEndIndex = newText.length - suffix;
  const startPosition = pointAfter(oldText, 0, prefix, { row: 0, column: 0 });
  return {
    startIndex: prefix,
    oldEndIndex,
    newEndIndex,
    startPosition,
    oldEndPosition: pointAfter(oldText, prefix, oldEndIndex, startPosition),
    newEndPosition: pointAfter(newText, prefix, newEndIndex, startPosition),
  };
}
