// Applying every preferred fix at once (fix-all code action, `lint --fix`). Only behaviour-preserving
// fixes are applied: suggestions wait for someone to pick them in the editor. Fixes whose edits overlap
// an earlier fix wait for the next pass, which re-lints the result; passes stop when nothing changes.
import type { Parser } from 'web-tree-sitter';
import { applyEdits, lineStarts, offsetAt } from './edits';
import { lintText } from './runRules';
import { automaticFix, type Finding, type Fix, type LintOptions, type TextEdit } from './types';

const MAX_PASSES = 10;

/** The edits of every automatic fix that does not overlap a fix taken before it, and how many fixes they make. */
export function preferredEdits(text: string, findings: Finding[]): { edits: TextEdit[]; fixes: number } {
  const starts = lineStarts(text);
  const taken: { start: number; end: number }[] = [];
  const edits: TextEdit[] = [];
  let fixes = 0;
  const candidates = findings
    .map(automaticFix)
    .filter((fix): fix is Fix => fix !== undefined && fix.edits.length > 0)
    .map((fix) => ({ fix, spans: fix.edits.map((e) => ({ start: offsetAt(text, starts, e.range.start), end: offsetAt(text, starts, e.range.end) })) }))
    .sort((a, b) => Math.min(...a.spans.map((s) => s.start)) - Math.min(...b.spans.map((s) => s.start)));
  for (const { fix, spans } of candidates) {
    // Touching spans count as overlapping: two insertions at one point have no defined order.
    const clashes = spans.some((s) => taken.some((t) => s.start <= t.end && t.start <= s.end));
    if (clashes) continue;
    taken.push(...spans);
    edits.push(...fix.edits);
    fixes++;
  }
  return { edits, fixes };
}

export interface FixAllResult {
  text: string;
  /** How many fixes were applied over all passes. */
  applied: number;
}

export function fixAllText(parser: Parser, text: string, options: LintOptions, firstFindings?: Finding[]): FixAllResult {
  let applied = 0;
  let findings = firstFindings ?? lintText(parser, text, options);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const { edits, fixes } = preferredEdits(text, findings);
    if (fixes === 0) break;
    const next = applyEdits(text, edits);
    if (next === text) break;
    applied += fixes;
    text = next;
    findings = lintText(parser, text, options);
  }
  return { text, applied };
}
