import type { Node } from 'web-tree-sitter';
import { fixUnless, isAloneOnLines, replaceNode } from '../fixes';
import { dependsOnLoopVariables, innermostLoop } from '../loops';
import { ancestors, calleeParts, callArguments, enclosingFunction, enclosingStatement, FUNCTION_TYPES, indentOf, isInside, namedChildren, rangeOf } from '../syntax';
import { RUNTIME_TRACE, type GoFile, type TraceCall } from '../goFile';
import type { Fix } from '../types';
import type { Rule } from './rule';

/**
 * Calls that format a whole message or encode a value: the cost worth a guard. Converting a number
 * (\`strconv.Itoa\`), an enum's \`String()\` or joining two strings is about as cheap as the call
 * itself, and is the recommended way to log an ID once per task.
 */
const COSTLY_CALL = /^(fmt\.Sprint[fln]?|fmt\.Errorf|json\.Marshal\w*|strings\.(Join|Repeat)|hex\.EncodeToString|base64\.\w+\.EncodeToString)$/;
/** Calls that only format, and return the same for the same arguments (safe to skip while tracing is off). */
const FORMATTING_CALL = /^(fmt\.Sprint[fln]?|fmt\.Errorf|strconv\.\w+|strings\.\w+|json\.Marshal\w*|hex\.EncodeToString|base64\.\w+\.EncodeToString|filepath\.\w+|path\.\w+)$/;
/** Functions that run once per process or test: a log there costs nothing worth guarding. */
const RUNS_ONCE = /^(main|init|Test\w*|Example\w*)$/;
/** Names of functions that build a message: \`formatEvent\`, \`renderRow\`, \`describe\`, \`dumpState\`. */
const BUILDER_NAME = /^(format|render|describe|dump|print|encode|marshal|stringify|Format|Render|Describe|Dump|Print|Encode|Marshal|Stringify)/;
/** Methods that build a string: \`String()\`, \`Error()\`, \`Format(…)\`. */
const FORMATTING_METHOD = /^(String|Error|Format|GoString|MarshalText|MarshalJSON)$/;

export const logCostlyArgument: Rule = {
  meta: {
    id: 'log-costly-argument',
    title: 'trace.Log with costly arguments and no IsEnabled guard',
    defaultSeverity: 'info',
    fix: 'mixed',
  },
  declarationLocal: true,
  check({ file, text, report }) {
    for (const call of file.callsNamed('Log', 'Logf')) {
      if (call.pkg !== RUNTIME_TRACE || !onHotPath(call, text) || isGuarded(file, call.node)) continue;
      const costly = call.args.slice(1).filter(isCostly);
      if (costly.length === 0) {
        const prepared = call.args.slice(1).map((arg) => preparedOnlyForLog(file, arg)).find((p) => p !== undefined);
        if (prepared) {
          report({ node: prepared.use, message: `${prepared.use.text} is built (${prepared.builder}) only for this log, on every call, even while tracing is off: guard both with trace.IsEnabled()`, related: [{ range: rangeOf(prepared.statement), message: 'built here' }] });
        }
        continue;
      }
      report({
        node: costly[0],
        message: `${costly[0].text.length > 40 ? 'This argument' : costly[0].text} is built on every call, even while tracing is off: ${call.name === 'Log' ? 'use trace.Logf or ' : ''}guard the log with trace.IsEnabled()`,
        fixes: fixesFor(file, text, call),
      });
    }
  },
};

/**
 * Code that may run often: not a function that runs once (\`main\`, \`init\`, a test or an example),
 * not a benchmark loop, and not a loop that log-in-loop already reports the log in.
 */
function onHotPath(call: TraceCall, text: string): boolean {
  const found = innermostLoop(call.node, text);
  if (found) {
    const reportedAsLogInLoop = found.kind === 'hot' && !(call.args[0] && dependsOnLoopVariables(call.args[0], found.loop));
    if (found.kind === 'benchmark' || reportedAsLogInLoop) return false;
  }
  let fn = enclosingFunction(call.node);
  for (let outer = fn && enclosingFunction(fn); outer; outer = enclosingFunction(outer)) fn = outer;
  return !(fn?.type === 'function_declaration' && RUNS_ONCE.test(fn.childForFieldName('name')?.text ?? ''));
}

/**
 * \`msg := formatEvent(ev)\` right before the log, \`msg\` used nowhere else: the work is done only for
 * the log (a formatting call, or a function named for formatting).
 */
function preparedOnlyForLog(file: GoFile, arg: Node): { use: Node; statement: Node; builder: string } | undefined {
  if (arg.type !== 'identifier') return undefined;
  const body = enclosingFunction(arg)?.childForFieldName('body');
  const statement = enclosingStatement(arg)?.previousNamedSibling;
  if (!body || statement?.type !== 'short_var_declaration') return undefined;
  const names = namedChildren(statement.childForFieldName('left') ?? statement);
  const value = statement.childForFieldName('right')?.namedChild(0);
  if (names.length !== 1 || names[0].text !== arg.text || value?.type !== 'call_expression') return undefined;
  const builder = value.childForFieldName('function')?.text ?? '';
  if (!isCostlyCall(value)) return undefined;
  const uses = file.identifiers(statement.parent ?? body, arg.text).filter((id) => id.startIndex >= statement.startIndex);
  return uses.length === 2 ? { use: arg, statement, builder } : undefined;
}

/** Inside \`if trace.IsEnabled() { … }\`, or after \`if !trace.IsEnabled() { return }\` in the same function. */
function isGuarded(file: GoFile, log: Node): boolean {
  const fn = enclosingFunction(log);
  return file.callsNamed('IsEnabled').some((check) => {
    if (check.pkg !== RUNTIME_TRACE || !fn || !isInside(check.node, fn) || check.node.startIndex > log.startIndex) return false;
    const ifStatement = [...ancestors(check.node)].find((n) => n.type === 'if_statement' || FUNCTION_TYPES.has(n.type));
    const condition = ifStatement?.type === 'if_statement' ? ifStatement.childForFieldName('condition') : null;
    if (!ifStatement || !condition || !isInside(check.node, condition)) return false;
    if (isInside(log, ifStatement.childForFieldName('consequence'))) return !condition.text.trimStart().startsWith('!');
    const last = namedChildren(ifStatement.childForFieldName('consequence')?.namedChild(0) ?? ifStatement).filter((c) => c.type !== 'comment').at(-1);
    return condition.text.trimStart().startsWith('!') && /^(return_statement|continue_statement|break_statement)$/.test(last?.type ?? '');
  });
}

function isCostly(expr: Node): boolean {
  return expr.type === 'composite_literal' || [expr, ...expr.descendantsOfType('call_expression')].some((c) => !!c && c.type === 'call_expression' && isCostlyCall(c));
}

function isCostlyCall(call: Node): boolean {
  return COSTLY_CALL.test(call.childForFieldName('function')?.text ?? '') || BUILDER_NAME.test(calleeParts(call)?.name ?? '');
}

function isFormattingCall(call: Node): boolean {
  const name = calleeParts(call)?.name ?? '';
  return FORMATTING_CALL.test(call.childForFieldName('function')?.text ?? '') || (FORMATTING_METHOD.test(name) && calleeParts(call)?.operand !== null);
}

/** Whether evaluating the expressions does nothing but format: literals, names, formatting calls. */
function onlyFormats(expressions: Node[]): boolean {
  return expressions.every((e) => [e, ...e.descendantsOfType('call_expression')].every((c) => !c || c.type !== 'call_expression' || isFormattingCall(c))
    && e.descendantsOfType('unary_expression').every((u) => u?.child(0)?.type !== '<-'));
}

function fixesFor(file: GoFile, text: string, call: TraceCall): Fix[] {
  const message = call.args[2];
  const sprintf = call.name === 'Log' && message?.type === 'call_expression' && message.childForFieldName('function')?.text === 'fmt.Sprintf' ? message : undefined;
  const isEnabled = file.qualified(RUNTIME_TRACE, 'IsEnabled');
  const logf = file.qualified(RUNTIME_TRACE, 'Logf');
  if (sprintf && logf && !isCostly(call.args[1]) && call.args.length === 3) {
    const formatArgs = callArguments(sprintf).map((a) => a.text).join(', ');
    return [fixUnless(undefined, `Use ${logf}, which formats only while tracing is on`, [
      replaceNode(call.node, `${logf}(${call.args[0].text}, ${call.args[1].text}, ${formatArgs})`),
    ])];
  }
  const statement = call.node.parent;
  if (!isEnabled || statement?.type !== 'expression_statement' || statement.parent?.type !== 'statement_list' || !isAloneOnLines(text, statement)) return [];
  const indent = indentOf(text, statement);
  const body = statement.text.split('\n').join(`\n\t`);
  // The context is read either way: a variable, a field or a request's Context().
  const context = call.args[0];
  const plainContext = !!context && (/^(identifier|selector_expression)$/.test(context.type) || /^[\w.]+\.Context\(\)$/.test(context.text));
  return [fixUnless(plainContext && onlyFormats(call.args.slice(1)) ? undefined : 'its arguments are then only evaluated while tracing is on', `Log only while tracing is on (if ${isEnabled}())`, [
    replaceNode(statement, `if ${isEnabled}() {\n${indent}\t${body}\n${indent}}`),
  ])];
}
