// Import-aware resolution of runtime/trace and golang.org/x/exp/trace calls.
// A call counts only when its qualifier is the import's local name (any alias, or a dot-import)
// and no local variable, parameter or type of that name shadows it. Other packages named
// `trace` (golang.org/x/net/trace, go.opentelemetry.io/otel/trace) are never matched.
import type { Node, Tree } from 'web-tree-sitter';
import { isLocallyDeclared, namedChildren, perNode, stringLiteralValue } from './syntax';
import type { Wrapper } from './types';

export const RUNTIME_TRACE = 'runtime/trace';
export const EXP_TRACE = 'golang.org/x/exp/trace';

const API: Record<string, ReadonlySet<string>> = {
  [RUNTIME_TRACE]: new Set(['Start', 'Stop', 'IsEnabled', 'NewTask', 'StartRegion', 'WithRegion', 'Log', 'Logf', 'NewFlightRecorder', 'FlightRecorder', 'FlightRecorderConfig', 'Task', 'Region']),
  [EXP_TRACE]: new Set(['NewFlightRecorder', 'FlightRecorder', 'FlightRecorderConfig']),
};

/** The node types `nodesNamed` returns. */
const NAME_NODE_TYPES: ReadonlySet<string> = new Set(['identifier', 'type_identifier', 'package_identifier', 'field_identifier']);

export interface ImportSpec { path: string; name: string | undefined; node: Node }

export interface TraceCall {
  readonly node: Node;
  readonly pkg: string;
  readonly name: string;
  /** The call's arguments, comments left out (read on first use: most calls never need them). */
  readonly args: Node[];
  /** For a wrapper's call standing for this runtime/trace call: how findings name the wrapper. */
  readonly wrapper?: string;
}

class ResolvedCall implements TraceCall {
  private argumentNodes: Node[] | undefined;

  constructor(readonly node: Node, readonly pkg: string, readonly name: string) {}

  get args(): Node[] {
    this.argumentNodes ??= namedChildren(this.node.childForFieldName('arguments') ?? this.node).filter((c) => c.type !== 'comment');
    return this.argumentNodes;
  }
}

interface QualifiedCandidate {
  index: number;
  qualifierLength: number;
  name: string;
  /** The call it starts, once looked up (null: none). */
  call: TraceCall | null | undefined;
}

/** Blanks and comments that may separate a qualifier, the dot and the name in `q.Name`. */
const GAP = String.raw`(?:\s|//[^\n]*|/\*[\s\S]*?\*/)*`;
/** A character of a Go identifier; any non-ASCII character counts (regexps without the slower u flag). */
const IDENTIFIER_CHAR = String.raw`[A-Za-z0-9_\u0080-\uffff]`;
const isIdentifierCode = (code: number) => (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code >= 0x80;

/**
 * What the rules need to know about one file: its trace imports and every resolved trace call.
 * A file focused on some top-level declarations answers every question about calls and names with
 * those declarations only (the incremental lint re-checks just the declarations that changed).
 */
export class GoFile {
  readonly imports: ImportSpec[];
  readonly packageName: string;
  /** Local name → import path, for the trace packages imported under a name. */
  private readonly qualifiers = new Map<string, string>();
  private readonly dotImports: string[] = [];
  private callsCache: TraceCall[] | undefined;
  private readonly resolved = new Map<number, TraceCall | null>();
  private candidates: QualifiedCandidate[] | undefined;
  private readonly nameIndex = new Map<string, Node[]>();
  private readonly identifierIndex = new Map<string, { nodes: Node[]; starts: number[] }>();
  private readonly shadowable = new Map<string, boolean>();
  private readonly memos = new Map<string, unknown>();

  /** Start and end offsets of the focus declarations, in source order. */
  private readonly focusStarts: number[] | undefined;
  private readonly focusEnds: number[] = [];

  constructor(readonly tree: Tree, readonly text: string, private readonly focus?: readonly Node[], readonly wrappers: readonly Wrapper[] = []) {
    if (focus) {
      this.focusStarts = focus.map((n) => n.startIndex);
      this.focusEnds = focus.map((n) => n.endIndex);
    }
    ({ packageName: this.packageName, imports: this.imports } = readHeader(tree.rootNode));
    for (const spec of this.imports) {
      if (!(spec.path in API) || spec.name === '_') continue;
      if (spec.name === '.') this.dotImports.push(spec.path);
      else this.qualifiers.set(spec.name ?? 'trace', spec.path);
    }
  }

  get usesTrace(): boolean {
    return this.qualifiers.size > 0 || this.dotImports.length > 0;
  }

  importsPath(path: string): boolean {
    return this.imports.some((s) => s.path === path);
  }

  /** The local name a package is imported under (undefined if not imported or dot/blank-imported). */
  localName(path: string): string | undefined {
    const spec = this.imports.find((s) => s.path === path && s.name !== '.' && s.name !== '_');
    return spec ? spec.name ?? path.split('/').pop() : undefined;
  }

  /** How code in this file spells a trace API name, e.g. `trace.Start`, `rt.Start` or `Start`. */
  qualified(pkg: string, name: string): string | undefined {
    for (const [local, path] of this.qualifiers) if (path === pkg) return `${local}.${name}`;
    return this.dotImports.includes(pkg) ? name : undefined;
  }

  /**
   * Identifier, type, package and field name nodes spelled `name`, found from the text: a scan of the
   * string and one tree descent per occurrence, instead of walking every node of the tree.
   * Occurrences in comments and string literals resolve to those nodes and are left out.
   */
  nodesNamed(name: string): Node[] {
    let nodes = this.nameIndex.get(name);
    if (!nodes) {
      nodes = [];
      for (const match of this.wordMatches(name)) {
        const end = match.index + name.length;
        const node = this.containerOf(match.index)?.descendantForIndex(match.index, end);
        if (node && NAME_NODE_TYPES.has(node.type) && node.startIndex === match.index && node.endIndex === end) nodes.push(node);
      }
      this.nameIndex.set(name, nodes);
    }
    return nodes;
  }

  /** Identifier nodes named `name` inside `scope`, in source order. */
  identifiers(scope: Node, name: string): Node[] {
    let found = this.identifierIndex.get(name);
    if (!found) {
      const nodes = this.nodesNamed(name).filter((n) => n.type === 'identifier');
      found = { nodes, starts: nodes.map((n) => n.startIndex) };
      this.identifierIndex.set(name, found);
    }
    // Rules ask once per annotation in a function: a binary search keeps a large file linear.
    const { nodes, starts } = found;
    return nodes.slice(lowerBound(starts, scope.startIndex), lowerBound(starts, scope.endIndex));
  }

  /**
   * Whether the name appears anywhere other than as a package qualifier (\`name.X\`, an import's name):
   * a package name can appear nowhere else, so any such use means a local declaration may shadow it.
   * A cheap test that spares the scope walk for the common file where nothing shadows the import:
   * only occurrences not followed by a dot are looked up in the tree.
   */
  private mayBeShadowed(name: string): boolean {
    let shadowed = this.shadowable.get(name);
    if (shadowed === undefined) {
      shadowed = false;
      for (const match of this.wordMatches(name, `(?!${GAP}\\.(?!\\.))`)) {
        const node = this.containerOf(match.index)?.descendantForIndex(match.index, match.index + name.length);
        if (node && node.startIndex === match.index && (node.type === 'identifier' || node.type === 'type_identifier')) {
          shadowed = true;
          break;
        }
      }
      this.shadowable.set(name, shadowed);
    }
    return shadowed;
  }

  /**
   * Matches of \`name\` as a whole word followed by \`suffix\`, in the text or in the focus declarations
   * only. The pattern starts with the literal name (fast to scan for); the character before is checked here.
   */
  private *wordMatches(name: string, suffix = ''): Generator<RegExpExecArray> {
    const pattern = new RegExp(`${name.replace(/[^\p{L}\p{N}_]/gu, '\\$&')}(?!${IDENTIFIER_CHAR})${suffix}`, 'g');
    const starts = this.focusStarts ?? [0];
    for (let i = 0; i < starts.length; i++) {
      const end = this.focusStarts ? this.focusEnds[i] : this.text.length;
      pattern.lastIndex = starts[i];
      for (let match = pattern.exec(this.text); match && match.index < end; match = pattern.exec(this.text)) {
        if (match.index === 0 || !isIdentifierCode(this.text.charCodeAt(match.index - 1))) yield match;
      }
    }
  }

  /**
   * The node to search for an offset from: the focus declaration holding it (a shorter descent than
   * from the root of a large file), the root when unfocused, undefined outside the focus.
   */
  private containerOf(index: number): Node | undefined {
    if (!this.focus || !this.focusStarts) return this.tree.rootNode;
    const i = lowerBound(this.focusStarts, index + 1) - 1;
    return i >= 0 && index < this.focusEnds[i] ? this.focus[i] : undefined;
  }

  /** All resolved calls into the trace packages, in source order. */
  get calls(): TraceCall[] {
    this.callsCache ??= this.dotImports.length > 0
      ? (this.focus ?? [this.tree.rootNode]).flatMap((n) => n.descendantsOfType('call_expression')).map((c) => c && this.resolveCall(c)).filter((c): c is TraceCall => !!c)
      : this.qualifiedCalls();
    return this.callsCache;
  }

  /** The resolved calls to these API names, in source order. */
  callsNamed(...names: string[]): TraceCall[] {
    if (this.callsCache || this.dotImports.length > 0) return this.calls.filter((c) => names.includes(c.name));
    return this.memo(`callsNamed.${names.join(',')}`, () => this.qualifiedCalls(new Set(names)));
  }

  /**
   * Calls \`q.Name(…)\` with q a trace package's local name, found from the text: only those
   * occurrences are looked up in the tree (a large file has thousands of other calls).
   */
  private qualifiedCalls(names?: ReadonlySet<string>): TraceCall[] {
    const calls: TraceCall[] = [];
    for (const candidate of this.qualifiedCandidates()) {
      if (names && !names.has(candidate.name)) continue;
      if (candidate.call === undefined) {
        const qualifier = this.containerOf(candidate.index)?.descendantForIndex(candidate.index, candidate.index + candidate.qualifierLength);
        candidate.call = (qualifier && qualifier.startIndex === candidate.index && this.resolveQualifiedCall(qualifier)) || null;
      }
      if (candidate.call) calls.push(candidate.call);
    }
    return calls;
  }

  /** Every \`q.Name\` in the text (within the focus) naming a trace API, in source order; resolved on demand. */
  private qualifiedCandidates(): QualifiedCandidate[] {
    if (!this.candidates) {
      this.candidates = [];
      for (const [local, pkg] of this.qualifiers) {
        for (const match of this.wordMatches(local, `${GAP}\\.${GAP}(${IDENTIFIER_CHAR}+)`)) {
          if (API[pkg].has(match[1]) && this.containerOf(match.index)) this.candidates.push({ index: match.index, qualifierLength: local.length, name: match[1], call: undefined });
        }
      }
      this.candidates.sort((a, b) => a.index - b.index);
    }
    return this.candidates;
  }

  /** `q.Name(…)` from its qualifier `q` (the selector is the call's function): the walk down is known, skip it. */
  private resolveQualifiedCall(qualifier: Node): TraceCall | undefined {
    const selector = qualifier.type === 'identifier' ? qualifier.parent : null;
    const call = selector?.type === 'selector_expression' ? selector.parent : null;
    if (call?.type !== 'call_expression') return undefined;
    const cached = this.resolved.get(call.id);
    if (cached !== undefined) return cached ?? undefined;
    const name = selector!.childForFieldName('field')?.text;
    const pkg = name === undefined ? undefined : this.resolveQualified(qualifier, name);
    const result = pkg ? new ResolvedCall(call, pkg, name!) : undefined;
    this.resolved.set(call.id, result ?? null);
    return result;
  }

  /** A value computed once per file (for helpers that several rules call). */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  resolveCall(call: Node): TraceCall | undefined {
    const cached = this.resolved.get(call.id);
    if (cached !== undefined) return cached ?? undefined;
    const ref = this.resolveReference(call.childForFieldName('function'));
    const result = ref && call.type === 'call_expression'
      ? new ResolvedCall(call, ref.pkg, ref.name)
      : undefined;
    this.resolved.set(call.id, result ?? null);
    return result;
  }

  /** Resolves `q.Name` (an expression or a qualified type) or a dot-imported `Name` to a trace API name. */
  resolveReference(node: Node | null): { pkg: string; name: string } | undefined {
    if (!node) return undefined;
    let qualifier: Node | null = null;
    let nameNode: Node | null = null;
    if (node.type === 'selector_expression') {
      qualifier = node.childForFieldName('operand');
      nameNode = node.childForFieldName('field');
    } else if (node.type === 'qualified_type') {
      qualifier = node.childForFieldName('package');
      nameNode = node.childForFieldName('name');
    } else if (node.type === 'identifier' || node.type === 'type_identifier') {
      nameNode = node;
    }
    if (!nameNode) return undefined;
    const name = nameNode.text;
    if (qualifier) {
      if (qualifier.type !== 'identifier' && qualifier.type !== 'package_identifier') return undefined;
      const pkg = this.resolveQualified(qualifier, name);
      return pkg ? { pkg, name } : undefined;
    }
    const pkg = this.dotImports.find((p) => API[p].has(name));
    if (!pkg || (this.mayBeShadowed(name) && isLocallyDeclared(nameNode, name))) return undefined;
    return { pkg, name };
  }

  /** The trace package `qualifier.name` refers to, if the qualifier is its import and nothing local shadows it. */
  private resolveQualified(qualifier: Node, name: string): string | undefined {
    const local = qualifier.text;
    const pkg = this.qualifiers.get(local);
    if (!pkg || !API[pkg].has(name) || (this.mayBeShadowed(local) && isLocallyDeclared(qualifier, local))) return undefined;
    return pkg;
  }
}

/** The first index whose value is ≥ `value` in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The package name and import declarations: the top-level nodes before the first other declaration,
 * walked with a cursor (a file of thousands of top-level comments would make sibling lookups quadratic).
 */
function readHeader(root: Node): { packageName: string; imports: ImportSpec[] } {
  const header = { packageName: '', imports: [] as ImportSpec[] };
  const cursor = root.walk();
  try {
    if (!cursor.gotoFirstChild()) return header;
    do {
      const type = cursor.nodeType;
      if (!cursor.nodeIsNamed || type === 'comment') continue;
      if (type === 'package_clause') header.packageName = cursor.currentNode.namedChild(0)?.text ?? '';
      else if (type === 'import_declaration') header.imports.push(...importSpecs(cursor.currentNode));
      else break;
    } while (cursor.gotoNextSibling());
  } finally {
    cursor.delete();
  }
  return header;
}

function importSpecs(declaration: Node): ImportSpec[] {
  const specs: ImportSpec[] = [];
  for (const spec of declaration.descendantsOfType('import_spec')) {
    const pathNode = spec?.childForFieldName('path');
    const path = pathNode ? stringLiteralValue(pathNode) : undefined;
    if (!spec || path === undefined) continue;
    specs.push({ path, name: spec.childForFieldName('name')?.text, node: spec });
  }
  return specs;
}

/** For a call whose results are assigned, the statement and the assigned names ('_' included). */
export const resultBinding = perNode((call: Node): { statement: Node; names: Node[]; define: boolean } | undefined => {
  const list = call.parent;
  const statement = list?.parent;
  if (!list || !statement || list.type !== 'expression_list') return undefined;
  if (statement.type === 'short_var_declaration' || statement.type === 'assignment_statement') {
    if (statement.childForFieldName('right')?.id !== list.id) return undefined;
    return { statement, names: namedChildren(statement.childForFieldName('left') ?? statement), define: statement.type === 'short_var_declaration' };
  }
  if (statement.type === 'var_spec') {
    return { statement: statement.parent?.type === 'var_declaration' ? statement.parent : statement, names: statement.childrenForFieldName('name').filter((n): n is Node => !!n), define: true };
  }
  return undefined;
});

/** Whether the call is used as a statement on its own (its results discarded). */
export function isExpressionStatement(call: Node): boolean {
  return call.parent?.type === 'expression_statement';
}


/** The variable or field name an expression ends with: `fr` for `fr`, `s.fr` and `s.rec.fr`. */
export function trailingName(expr: Node | null | undefined, depth = 0): string | undefined {
  if (!expr || depth > 16) return undefined;
  if (expr.type === 'identifier') return expr.text;
  if (expr.type === 'selector_expression') return expr.childForFieldName('field')?.text;
  if (expr.type === 'parenthesized_expression' || expr.type === 'unary_expression') return trailingName(expr.namedChild(expr.namedChildCount - 1), depth + 1);
  return undefined;
}

/**
 * Names (variables, parameters, struct fields) that hold a flight recorder in this file: assigned from
 * NewFlightRecorder or declared with type *trace.FlightRecorder from either package.
 */
export function flightRecorderNames(file: GoFile): Set<string> {
  return file.memo('flightRecorderNames', () => {
    const names = new Set<string>();
    if (!file.text.includes('FlightRecorder')) return names;
    for (const call of file.callsNamed('NewFlightRecorder')) {
      const binding = resultBinding(call.node);
      const name = binding && trailingName(binding.names[0]);
      if (name && name !== '_') names.add(name);
      const pair = call.node.parent?.type === 'keyed_element' ? call.node.parent : call.node.parent?.parent;
      if (pair?.type === 'keyed_element') {
        const key = pair.namedChild(0)?.text;
        if (key && /^\w+$/.test(key)) names.add(key);
      }
    }
    for (const typeName of file.nodesNamed('FlightRecorder')) {
      const type = typeName.parent;
      if (type?.type !== 'qualified_type' || file.resolveReference(type)?.name !== 'FlightRecorder') continue;
      const declaration = type.parent?.type === 'pointer_type' ? type.parent.parent : type.parent;
      for (const name of declaration?.childrenForFieldName('name') ?? []) if (name) names.add(name.text);
    }
    return names;
  });
}

/** Calls `x.method(...)` in the file whose receiver is one of the flight recorders, in source order. */
export function flightRecorderCalls(file: GoFile, method: string): Node[] {
  return file.memo(`flightRecorderCalls.${method}`, () => {
    const names = flightRecorderNames(file);
    if (names.size === 0) return [];
    return file.nodesNamed(method).flatMap((field) => {
      const selector = field.parent;
      const call = selector?.type === 'selector_expression' && selector.childForFieldName('field')?.id === field.id ? selector.parent : null;
      return call?.type === 'call_expression' && names.has(trailingName(selector!.childForFieldName('operand')) ?? '') ? [call] : [];
    });
  });
}
