import type { Position, TextEdit } from './types';

/** Offsets of the first character of each line (LSP lines: split at \n; \r\n keeps its \r on the line). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** UTF-16 offset of an LSP position, clamped to the text. */
export function offsetAt(text: string, starts: readonly number[], position: Position): number {
  if (position.line >= starts.length) return text.length;
  const lineStart = starts[Math.max(0, position.line)];
  const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] - 1 : text.length;
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}

/** Applies non-overlapping edits given in any order. Throws on overlap: that is a bug in a fix. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const resolved = edits
    .map((edit, index) => ({ start: offsetAt(text, starts, edit.range.start), end: offsetAt(text, starts, edit.range.end), newText: edit.newText, index }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
  let result = '';
  let cursor = 0;
  for (const edit of resolved) {
    if (edit.start < cursor) throw new Error(`applyEdits: overlapping edits at offset ${edit.start}`);
    result += text.slice(cursor, edit.start) + edit.newText;
    cursor = Math.max(cursor, edit.end);
  }
  return result + text.slice(cursor);
}
