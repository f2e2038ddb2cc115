// Incremental linting for an edited document: the findings of declaration-local rules (see Rule) are
// kept per top-level declaration and reused while the declaration's text, the file's package name and
// imports, and the options are unchanged. An edit inside one function re-checks that function only.
import type { Node } from 'web-tree-sitter';
import type { Finding, Position, Range } from './types';

interface Declaration {
  node: Node;
  text: string;
  firstRow: number;
  lastRow: number;
  /** Starts a line and nothing but blanks follows it on its last line, so its findings depend on its text alone. */
  cacheable: boolean;
}

export class DeclarationCache {
  private context = '';
  /** Declaration text → its findings, with lines counted from the declaration's first line. */
  private findings = new Map<string, Finding[]>();

  /**
   * Splits the file into its top-level declarations and returns those that must be checked again,
   * with the reused findings of the others (already moved to where the declarations now are).
   */
  reuse(root: Node, text: string, context: string): { dirty: Declaration[]; reused: Finding[] } {
    if (context !== this.context) {
      this.context = context;
      this.findings.clear();
    }
    const dirty: Declaration[] = [];
    const reused: Finding[] = [];
    const kept = new Map<string, Finding[]>();
    for (const declaration of topLevelDeclarations(root, text)) {
      const cached = declaration.cacheable ? this.findings.get(declaration.text) : undefined;
      if (!cached) {
        dirty.push(declaration);
        continue;
      }
      kept.set(declaration.text, cached);
      reused.push(...cached.map((f) => moveFinding(f, declaration.firstRow)));
    }
    this.findings = kept;
    return { dirty, reused };
  }

  /** Records the findings of the dirty declarations (each finding lies inside the one it is about). */
  store(dirty: Declaration[], findings: Finding[]): void {
    const byDeclaration = new Map<Declaration, Finding[]>(dirty.filter((d) => d.cacheable).map((d) => [d, []]));
    const unstorable = new Set<Declaration>();
    for (const finding of findings) {
      const owner = dirty.find((d) => d.firstRow <= finding.range.start.line && finding.range.start.line <= d.lastRow);
      if (!owner) continue;
      if (!positionsOf(finding).every((p) => owner.firstRow <= p.line && p.line <= owner.lastRow)) unstorable.add(owner);
      else byDeclaration.get(owner)?.push(moveFinding(finding, -owner.firstRow));
    }
    for (const [declaration, relative] of byDeclaration) {
      if (!unstorable.has(declaration)) this.findings.set(declaration.text, relative);
    }
  }
}

function topLevelDeclarations(root: Node, text: string): Declaration[] {
  return root.namedChildren.filter((n): n is Node => !!n).map((node) => {
    const start = node.startIndex;
    const end = node.endIndex;
    const lineEnd = text.indexOf('\n', end);
    const cacheable = (start === 0 || text[start - 1] === '\n') && /^[ \t\r]*$/.test(text.slice(end, lineEnd < 0 ? text.length : lineEnd));
    return { node, text: text.slice(start, end), firstRow: node.startPosition.row, lastRow: node.endPosition.row, cacheable };
  });
}

function positionsOf(finding: Finding): Position[] {
  const ranges: Range[] = [finding.range, ...(finding.related ?? []).map((r) => r.range), ...finding.fixes.flatMap((f) => f.edits.map((e) => e.range))];
  return ranges.flatMap((r) => [r.start, r.end]);
}

/** A copy of the finding with every line moved by `rows`. */
function moveFinding(finding: Finding, rows: number): Finding {
  const position = (p: Position): Position => ({ line: p.line + rows, character: p.character });
  const range = (r: Range): Range => ({ start: position(r.start), end: position(r.end) });
  return {
    ...finding,
    range: range(finding.range),
    fixes: finding.fixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, range: range(e.range) })) })),
    ...(finding.related ? { related: finding.related.map((r) => ({ ...r, range: range(r.range) })) } : {}),
  };
}
