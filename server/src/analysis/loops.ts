// Which loops repeat an annotation too often. A server's accept/receive loop runs once per request,
// so one task or log per iteration there is the right granularity; benchmark loops measure the
// annotation's own cost. Every other loop is a hot loop.
import type { Node } from 'web-tree-sitter';
import { ancestors, blockStatements, calleeParts, enclosingLoops, FUNCTION_TYPES, isInsideFunctionLiteral, namedChildren } from './syntax';

/** Methods that block until the next request, connection or message arrives. */
const RECEIVE_METHOD = /^(Accept\w*|Recv\w*|Receive\w*|ReadMessage|ReadRequest|ReadFrom\w*|ReadMsg\w*|FetchMessage|NextMessage|NextRequest|WaitForRequest)$/;

export type LoopKind = 'receive' | 'benchmark' | 'hot';

/** The innermost loop around the node in its function, and what kind of loop it is. */
export function innermostLoop(node: Node, text: string): { loop: Node; kind: LoopKind } | undefined {
  const loop = enclosingLoops(node)[0];
  return loop ? { loop, kind: classifyLoop(loop, node, text) } : undefined;
}

export function classifyLoop(loop: Node, within: Node, text: string): LoopKind {
  if (isBenchmarkLoop(loop)) return 'benchmark';
  const header = namedChildren(loop).filter((c) => c.type !== 'block');
  if (header.some((h) => containsReceive(h, text))) return 'receive';
  // The item must be received before the annotation, in an earlier statement or the select case holding it.
  for (const statement of blockStatements(loop.childForFieldName('body'))) {
    if (statement.endIndex >= within.endIndex) {
      if (statement.type === 'select_statement' && statement.startIndex <= within.startIndex) return containsReceive(statement, text) ? 'receive' : 'hot';
      break;
    }
    if (statement.type !== 'for_statement' && containsReceive(statement, text)) return 'receive';
  }
  return 'hot';
}

function containsReceive(node: Node, text: string): boolean {
  if (node.type === 'range_clause') {
    const right = node.childForFieldName('right');
    return !!right && isChannelExpression(right, text);
  }
  for (const call of node.descendantsOfType('call_expression')) {
    const name = call && calleeParts(call)?.name;
    if (name && RECEIVE_METHOD.test(name) && !isInsideFunctionLiteral(call, node)) return true;
  }
  return node.descendantsOfType('unary_expression').some((u) => !!u && u.child(0)?.type === '<-')
    || node.type === 'select_statement' || node.descendantsOfType('select_statement').length > 0;
}

/** A range over something this file declares as a channel (variable, parameter, field or make(chan …)). */
function isChannelExpression(expr: Node, text: string): boolean {
  const name = expr.type === 'identifier' ? expr.text : expr.type === 'selector_expression' ? expr.childForFieldName('field')?.text : undefined;
  return !!name && channelNames(text).has(name);
}

const CHAN_KEYWORD = /\bchan\b/g;
/** What precedes \`chan\` in \`ch chan T\`, \`ch <-chan T\` and \`ch := make(chan T)\`, up to the name. */
const CHANNEL_DECLARED_BEFORE = /(?<!\w)(\w+)(?:\s+(?:<-\s*)?|\s*:?=\s*make\(\s*(?:<-\s*)?)$/;
/** How far before \`chan\` the name is looked for (a declaration is short). */
const LOOK_BACK = 256;
let lastChannelNames: { text: string; names: Set<string> } | undefined;

/**
 * Names the file declares with a channel type (\`ch chan T\`, \`ch := make(chan T)\`): a loop's kind
 * depends on them wherever they are declared, so the incremental lint counts them as file context.
 */
export function channelNames(text: string): Set<string> {
  if (lastChannelNames?.text !== text) {
    const names = new Set<string>();
    for (const match of text.matchAll(CHAN_KEYWORD)) {
      const declared = CHANNEL_DECLARED_BEFORE.exec(text.slice(Math.max(0, match.index - LOOK_BACK), match.index));
      if (declared) names.add(declared[1]);
    }
    lastChannelNames = { text, names };
  }
  return lastChannelNames.names;
}

function isBenchmarkLoop(loop: Node): boolean {
  const header = namedChildren(loop).filter((c) => c.type !== 'block').map((c) => c.text).join(' ');
  if (!/\b\w+\.(N\b|Loop\(\)|Next\(\))/.test(header)) return false;
  for (const n of ancestors(loop)) {
    if (FUNCTION_TYPES.has(n.type) && /\*testing\.(B|PB)\b/.test(n.childForFieldName('parameters')?.text ?? '')) return true;
  }
  return false;
}

/** Calls whose result depends only on their arguments, so they do not break loop invariance. */
const PURE_CALLS = /^(fmt\.Sprint[fln]?|strconv\.(Itoa|Quote|FormatInt|FormatUint|FormatBool)|len|string)$/;

/**
 * Whether expressions evaluate the same in every iteration: no identifier they use is declared or
 * assigned inside the loop (range variables included; `except`, the statement evaluating them, aside)
 * and they call nothing but pure formatting.
 */
export function isLoopInvariant(expressions: Node[], loop: Node, except?: Node): boolean {
  const assignedInLoop = namesAssignedInLoop(loop, except);
  for (const expr of expressions) {
    for (const call of [expr, ...expr.descendantsOfType('call_expression')]) {
      if (call?.type === 'call_expression' && !PURE_CALLS.test(call.childForFieldName('function')?.text ?? '')) return false;
    }
    if (expr.descendantsOfType('unary_expression').some((u) => u?.child(0)?.type === '<-')) return false;
    if (usesAny(expr, assignedInLoop)) return false;
  }
  return true;
}

/** Whether the expression reads a variable that the loop declares or assigns (a range variable, say). */
export function dependsOnLoopVariables(expr: Node, loop: Node): boolean {
  return usesAny(expr, namesAssignedInLoop(loop));
}

function usesAny(expr: Node, names: ReadonlySet<string>): boolean {
  const ids = expr.type === 'identifier' ? [expr] : expr.descendantsOfType('identifier');
  return ids.some((id) => !!id && names.has(id.text));
}

/** Names the loop's header declares and its body assigns (the statement `except` aside). */
function namesAssignedInLoop(loop: Node, except?: Node): Set<string> {
  const assignedInLoop = new Set<string>();
  for (const clause of namedChildren(loop).filter((c) => c.type !== 'block')) {
    for (const id of clause.descendantsOfType('identifier')) if (id) assignedInLoop.add(id.text);
  }
  for (const statement of loop.descendantsOfType(['short_var_declaration', 'assignment_statement', 'inc_statement', 'dec_statement', 'var_spec', 'range_clause', 'receive_statement'])) {
    if (!statement || (except && statement.startIndex >= except.startIndex && statement.endIndex <= except.endIndex)) continue;
    const targets = statement.type === 'var_spec' ? statement.childrenForFieldName('name')
      : [statement.childForFieldName('left') ?? statement.namedChild(0)];
    for (const target of targets) {
      if (!target) continue;
      for (const id of target.type === 'identifier' ? [target] : target.descendantsOfType('identifier')) if (id) assignedInLoop.add(id.text);
    }
  }
  return assignedInLoop;
}
