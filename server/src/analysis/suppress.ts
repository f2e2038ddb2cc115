// Suppression comments: `//gotracelens:ignore rule-a,rule-b optional reason` on the line above a finding
// or at the end of the finding's first line; `//gotracelens:file-ignore rule-a` anywhere in the file
// silences a rule for the whole file. `all` matches every rule.
import type { Node, Tree } from 'web-tree-sitter';
import type { Finding, Fix } from './types';

const DIRECTIVE = /^\/\/\s?gotracelens:(ignore|file-ignore)(?:\s+([\w-]+(?:\s*,\s*[\w-]+)*))?/;

export interface Suppressions {
  /** Rule ids (or 'all') silenced per 0-based line. */
  lines: Map<number, Set<string>>;
  file: Set<string>;
}

export function readSuppressions(tree: Tree): Suppressions {
  const result: Suppressions = { lines: new Map(), file: new Set() };
  for (const comment of tree.rootNode.descendantsOfType('comment')) {
    if (!comment) continue;
    const match = DIRECTIVE.exec(comment.text);
    if (!match) continue;
    const ids = (match[2] ?? 'all').split(',').map((s) => s.trim());
    if (match[1] === 'file-ignore') {
      ids.forEach((id) => result.file.add(id));
      continue;
    }
    // A comment alone on its line covers the next line; a trailing comment covers its own line.
    const line = isAloneOnLine(comment) ? comment.endPosition.row + 1 : comment.startPosition.row;
    const set = result.lines.get(line) ?? new Set<string>();
    ids.forEach((id) => set.add(id));
    result.lines.set(line, set);
  }
  return result;
}

function isAloneOnLine(comment: Node): boolean {
  const previous = comment.previousSibling;
  return !previous || previous.endPosition.row < comment.startPosition.row;
}

export function isSuppressed(suppressions: Suppressions, finding: Finding): boolean {
  const matches = (ids: Set<string> | undefined) => !!ids && (ids.has(finding.ruleId) || ids.has('all'));
  return matches(suppressions.file) || matches(suppressions.lines.get(finding.range.start.line));
}

/**
 * The "Disable <rule> for this line" edit: adds the rule to an ignore comment on the line above,
 * or inserts one with the line's indentation (a new comment line is always gofmt-clean, unlike a
 * trailing comment that gofmt may need to realign).
 */
export function disableForLineFix(text: string, finding: Finding): Fix {
  const lines = text.split('\n');
  const line = finding.range.start.line;
  const title = `Disable ${finding.ruleId} for this line`;
  const above = line > 0 ? lines[line - 1].replace(/\r$/, '') : '';
  const existing = /^([ \t]*)(\/\/\s?gotracelens:ignore\s+)([\w-]+(?:\s*,\s*[\w-]+)*)/.exec(above);
  if (existing) {
    const at = existing[1].length + existing[2].length + existing[3].length;
    return { title, preservesBehaviour: true, isPreferred: false, edits: [{ range: { start: { line: line - 1, character: at }, end: { line: line - 1, character: at } }, newText: `,${finding.ruleId}` }] };
  }
  const indent = /^[ \t]*/.exec(lines[line] ?? '')![0];
  const start = { line, character: 0 };
  return { title, preservesBehaviour: true, isPreferred: false, edits: [{ range: { start, end: start }, newText: `${indent}//gotracelens:ignore ${finding.ruleId}\n` }] };
}
