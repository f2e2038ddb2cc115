// Small helpers over tree-sitter-go syntax trees shared by the rules.
import type { Node, Tree } from 'web-tree-sitter';
import type { Position, Range } from './types';

export const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);
export const LOOP_TYPE = 'for_statement';

export function rangeOf(node: Node): Range {
  return { start: pointOf(node.startPosition), end: pointOf(node.endPosition) };
}

export function pointOf(point: { row: number; column: number }): Position {
  return { line: point.row, character: point.column };
}

/** One call into the wasm heap for all of them: `namedChild(i)` walks the siblings before i, so a loop over it is quadratic. */
export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => !!child);
}

/**
 * Ancestor walks stop this many levels up. tree-sitter's `parent` costs O(depth), so unbounded walks
 * are quadratic on pathological nesting; no real Go code nests this deep.
 */
export const MAX_ANCESTORS = 128;

/** The node's ancestors, innermost first, at most MAX_ANCESTORS of them. */
export function* ancestors(node: Node): Generator<Node> {
  let n = node.parent;
  for (let level = 0; n && level < MAX_ANCESTORS; level++, n = n.parent) yield n;
}

/**
 * Caches a function of a node per syntax tree. Rules ask the same questions of the same calls, and
 * ancestor walks are costly (each \`parent\` descends from the root). Safe because a tree is never
 * linted again once edited: every re-parse makes a new Tree object.
 */
export function perNode<T>(compute: (node: Node) => T): (node: Node) => T {
  const caches = new WeakMap<Tree, Map<number, T>>();
  return (node) => {
    let cache = caches.get(node.tree);
    if (!cache) caches.set(node.tree, (cache = new Map()));
    if (cache.has(node.id)) return cache.get(node.id) as T;
    const value = compute(node);
    cache.set(node.id, value);
    return value;
  };
}

/** The innermost function declaration, method or function literal containing the node. */
export const enclosingFunction = perNode((node: Node): Node | undefined => {
  for (const n of ancestors(node)) if (FUNCTION_TYPES.has(n.type)) return n;
  return undefined;
});

/** Whether a function literal lies between the node and its ancestor `root`. */
export function isInsideFunctionLiteral(node: Node, root: Node): boolean {
  for (const n of ancestors(node)) {
    if (n.id === root.id) return false;
    if (FUNCTION_TYPES.has(n.type)) return true;
  }
  return false;
}

/** Loops between the node and its enclosing function (innermost first); a function literal stops the search. */
export const enclosingLoops = perNode((node: Node): Node[] => {
  const loops: Node[] = [];
  for (const n of ancestors(node)) {
    if (FUNCTION_TYPES.has(n.type)) break;
    if (n.type === LOOP_TYPE && isInside(node, n.childForFieldName('body'))) loops.push(n);
  }
  return loops;
});

export function isInside(node: Node, container: Node | null | undefined): boolean {
  return !!container && node.startIndex >= container.startIndex && node.endIndex <= container.endIndex;
}

/** The statement that directly contains the node (its ancestor whose parent is a statement list). */
export function enclosingStatement(node: Node): Node | undefined {
  let child = node;
  for (const n of ancestors(node)) {
    if (n.type === 'statement_list' || n.type === 'block') return child;
    if (FUNCTION_TYPES.has(n.type) || n.type === 'source_file') return undefined;
    child = n;
  }
  return undefined;
}

/** The statements of a block (tree-sitter-go wraps them in a statement_list; empty blocks have none). */
export function blockStatements(block: Node | null | undefined): Node[] {
  if (!block) return [];
  const list = namedChildren(block).find((c) => c.type === 'statement_list');
  return list ? namedChildren(list).filter((c) => c.type !== 'comment') : [];
}

/** For a call `x.f(...)` or `f(...)`, the callee's name (`f`) and its operand node (`x`), if any. */
export function calleeParts(call: Node): { name: string; operand: Node | null } | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return { name: fn.text, operand: null };
  if (fn.type === 'selector_expression') {
    const field = fn.childForFieldName('field');
    if (field) return { name: field.text, operand: fn.childForFieldName('operand') };
  }
  return undefined;
}

export function callArguments(call: Node): Node[] {
  return namedChildren(call.childForFieldName('arguments') ?? call).filter((c) => c.type !== 'comment');
}

/** The whitespace that starts the node's line. */
export function indentOf(text: string, node: Node): string {
  const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, node.startIndex))![0];
}

/** Position of the start of the node's line. */
export function lineStartOf(node: Node): Position {
  return { line: node.startPosition.row, character: 0 };
}

/** Position just after the end of the node's last line (the start of the next line). */
export function nextLineStart(node: Node): Position {
  return { line: node.endPosition.row + 1, character: 0 };
}

/** A string literal's value when it is a constant literal (interpreted or raw). */
export function stringLiteralValue(node: Node): string | undefined {
  if (node.type === 'raw_string_literal') return node.text.slice(1, -1);
  if (node.type !== 'interpreted_string_literal') return undefined;
  try {
    return JSON.parse(node.text.replace(/\\([^"\\/bfnrtu])/g, '$1')) as string;
  } catch {
    return node.text.slice(1, -1);
  }
}

export function isStringLiteral(node: Node): boolean {
  return node.type === 'interpreted_string_literal' || node.type === 'raw_string_literal';
}

/** Identifiers a statement declares with :=, var, const or type (names in declaration order). */
export function declaredNames(statement: Node): Node[] {
  switch (statement.type) {
    case 'short_var_declaration':
    case 'range_clause':
    case 'receive_statement': {
      if (statement.type !== 'short_var_declaration' && !hasChildToken(statement, ':=')) return [];
      return namedChildren(statement.childForFieldName('left') ?? statement).filter((n) => n.type === 'identifier');
    }
    case 'var_declaration':
    case 'const_declaration':
    case 'type_declaration':
      return statement.descendantsOfType(['var_spec', 'const_spec', 'type_spec', 'type_alias']).flatMap((spec) =>
        spec ? spec.childrenForFieldName('name').filter((n): n is Node => !!n && (n.type === 'identifier' || n.type === 'type_identifier')) : []);
    default:
      return [];
  }
}

function hasChildToken(node: Node, token: string): boolean {
  for (let i = 0; i < node.childCount; i++) if (node.child(i)?.type === token) return true;
  return false;
}

/** Names bound by a function's receiver, type parameters, parameters and named results. */
export function functionBoundNames(fn: Node): Node[] {
  const lists = ['receiver', 'type_parameters', 'parameters', 'result'].map((f) => fn.childForFieldName(f)).filter((n): n is Node => !!n && n.type.endsWith('parameter_list'));
  return lists.flatMap((list) => list.descendantsOfType(['parameter_declaration', 'variadic_parameter_declaration', 'type_parameter_declaration'])
    .flatMap((decl) => decl ? decl.childrenForFieldName('name').filter((n): n is Node => !!n) : []));
}

/**
 * Whether `name` is declared in a scope enclosing `use` (inside the file's functions) before `use`.
 * Package-level declarations are not considered: they cannot share a name with an import.
 */
export function isLocallyDeclared(use: Node, name: string): boolean {
  let child = use;
  for (const scope of ancestors(use)) {
    let candidates: Node[] = [];
    switch (scope.type) {
      case 'statement_list':
        candidates = namedChildren(scope).filter((s) => s.endIndex <= use.startIndex).flatMap(declaredNames);
        break;
      case 'for_statement': {
        const clause = namedChildren(scope).find((c) => c.type === 'for_clause' || c.type === 'range_clause');
        if (clause && child.type === 'block') {
          candidates = clause.type === 'range_clause' ? declaredNames(clause) : declaredNames(clause.childForFieldName('initializer') ?? clause);
        }
        break;
      }
      case 'if_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement': {
        const init = scope.childForFieldName('initializer');
        if (init && init.endIndex <= use.startIndex) candidates = declaredNames(init);
        const alias = scope.type === 'type_switch_statement' ? scope.childForFieldName('alias') : null;
        if (alias && use.startIndex > alias.endIndex) candidates = candidates.concat(namedChildren(alias));
        break;
      }
      case 'communication_case': {
        const comm = scope.childForFieldName('communication');
        if (comm && comm.endIndex <= use.startIndex) candidates = declaredNames(comm);
        break;
      }
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal':
        candidates = functionBoundNames(scope);
        break;
    }
    if (candidates.some((n) => n.text === name)) return true;
    child = scope;
  }
  return false;
}
