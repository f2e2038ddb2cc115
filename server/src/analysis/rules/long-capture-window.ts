import type { Node } from 'web-tree-sitter';
import { replaceNode, suggestion } from '../fixes';
import { calleeParts, callArguments, enclosingFunction, isInside, isStringLiteral, stringLiteralValue } from '../syntax';
import { RUNTIME_TRACE, type GoFile } from '../goFile';
import type { TextEdit } from '../types';
import type { Rule, RuleContext } from './rule';

const PPROF_TRACE = '/debug/pprof/trace';
const SECONDS_IN_LITERAL = /([?&]seconds=)(\d+(?:\.\d+)?)/;
const MAX_EXPRESSION_DEPTH = 16;
const UNIT_SECONDS: Record<string, number> = { Nanosecond: 1e-9, Microsecond: 1e-6, Millisecond: 1e-3, Second: 1, Minute: 60, Hour: 3600 };

export const longCaptureWindow: Rule = {
  meta: {
    id: 'long-capture-window',
    title: 'Capture window longer than the threshold',
    defaultSeverity: 'warning',
    fix: 'suggestion',
    practice: 'Keep capture windows short',
  },
  runsWithoutTraceImport: true,
  check(context) {
    if (context.text.includes('pprof/trace')) checkPprofUrls(context);
    checkSleeps(context);
  },
};

function formatSeconds(seconds: number): string {
  return String(Number(seconds.toFixed(3)));
}

function report(context: RuleContext, node: Node, seconds: number, edits: TextEdit[]): void {
  const limit = context.options.captureWindowSeconds;
  context.report({
    node,
    message: `Capture window of ${formatSeconds(seconds)}s exceeds ${formatSeconds(limit)}s: long traces are huge, slow to write and hard to open; capture a few seconds and repeat`,
    fixes: edits.length > 0 ? [suggestion(`Lower the capture window to ${formatSeconds(limit)}s (captures less than before)`, edits)] : [],
  });
}

function checkPprofUrls(context: RuleContext): void {
  const { file, options } = context;
  const limit = options.captureWindowSeconds;
  const literals = file.tree.rootNode.descendantsOfType(['interpreted_string_literal', 'raw_string_literal']).filter((n): n is Node => !!n);
  for (const literal of literals) {
    const value = stringLiteralValue(literal) ?? '';
    const urlContext = value.includes(PPROF_TRACE) || (/^[?&]?seconds=/.test(value) && enclosingText(literal).includes(PPROF_TRACE));
    if (!urlContext) continue;
    const match = SECONDS_IN_LITERAL.exec(literal.text);
    if (match) {
      const seconds = Number(match[2]);
      if (seconds > limit) {
        const at = literal.startPosition.column + match.index + match[1].length;
        const line = literal.startPosition.row;
        if (literal.startPosition.row === literal.endPosition.row) {
          report(context, literal, seconds, [{ range: { start: { line, character: at }, end: { line, character: at + match[2].length } }, newText: formatSeconds(limit) }]);
        } else report(context, literal, seconds, []);
      }
      continue;
    }
    // `…?seconds=%d` in a format string, or `…?seconds=" + N`: the number is the next operand.
    const operand = /seconds=%[dvsg]/.test(value) ? formatArgumentFor(literal, value) : /seconds=$/.test(value) ? concatenatedOperand(literal) : undefined;
    const number = operand && numericConstant(operand);
    if (operand && number !== undefined && number.value > limit) report(context, operand, number.value, [replaceNode(number.node, number.node.type.endsWith('string_literal') ? `"${formatSeconds(limit)}"` : formatSeconds(limit))]);
  }
  // url.Values{"seconds": {"60"}} and q.Set("seconds", "60") next to a pprof trace URL.
  for (const call of file.tree.rootNode.descendantsOfType('call_expression')) {
    const parts = call && calleeParts(call);
    if (!call || !parts || (parts.name !== 'Set' && parts.name !== 'Add')) continue;
    const [key, value] = callArguments(call);
    if (!key || !value || stringLiteralValue(key) !== 'seconds' || !enclosingText(call).includes(PPROF_TRACE)) continue;
    const number = numericConstant(value);
    if (number && number.value > limit) report(context, value, number.value, [replaceNode(number.node, `"${formatSeconds(limit)}"`)]);
  }
  for (const element of file.tree.rootNode.descendantsOfType('keyed_element')) {
    const key = element?.namedChild(0);
    const value = element?.namedChild(1);
    if (!element || !key || !value || key.text !== '"seconds"' || !enclosingText(element).includes(PPROF_TRACE)) continue;
    const literal = value.descendantsOfType('interpreted_string_literal')[0];
    const number = literal ? numericConstant(literal) : undefined;
    if (number && number.value > limit) report(context, literal!, number.value, [replaceNode(number.node, `"${formatSeconds(limit)}"`)]);
  }
}

/** The text of the enclosing function (or the whole file at top level). */
function enclosingText(node: Node): string {
  return (enclosingFunction(node) ?? node.tree.rootNode).text;
}

/** The argument a `%d` after `seconds=` consumes in fmt.Sprintf/Printf-style calls. */
function formatArgumentFor(literal: Node, value: string): Node | undefined {
  const call = literal.parent?.parent;
  if (call?.type !== 'call_expression' || literal.parent?.type !== 'argument_list') return undefined;
  const args = callArguments(call);
  const formatIndex = args.findIndex((a) => a.id === literal.id);
  const verbsBefore = (value.slice(0, value.search(/seconds=%/)).match(/%[^%]/g) ?? []).length;
  return args[formatIndex + 1 + verbsBefore];
}

function concatenatedOperand(literal: Node): Node | undefined {
  const parent = literal.parent;
  if (parent?.type !== 'binary_expression' || parent.childForFieldName('left')?.id !== literal.id) {
    // "a" + "…seconds=" + n parses as ((a + lit) + n): the literal is the right side of the inner sum.
    const outer = parent?.parent;
    if (parent?.type === 'binary_expression' && parent.childForFieldName('right')?.id === literal.id && outer?.type === 'binary_expression' && outer.childForFieldName('left')?.id === parent.id) {
      return outer.childForFieldName('right') ?? undefined;
    }
    return undefined;
  }
  return parent.childForFieldName('right') ?? undefined;
}

/** A number spelled as a literal, a numeric string, strconv.Itoa(N) or fmt.Sprint(N). */
function numericConstant(node: Node): { value: number; node: Node } | undefined {
  if (node.type === 'int_literal' || node.type === 'float_literal') return finite(Number(node.text.replace(/_/g, '')), node);
  if (isStringLiteral(node)) return /^\d+(\.\d+)?$/.test(stringLiteralValue(node) ?? '') ? finite(Number(stringLiteralValue(node)), node) : undefined;
  if (node.type === 'call_expression' && /^(strconv\.Itoa|fmt\.Sprint)$/.test(node.childForFieldName('function')?.text ?? '')) {
    const args = callArguments(node);
    return args.length === 1 ? numericConstant(args[0]) : undefined;
  }
  return undefined;
}

function finite(value: number, node: Node) {
  return Number.isFinite(value) ? { value, node } : undefined;
}

function checkSleeps(context: RuleContext): void {
  const { file, options } = context;
  const time = file.localName('time');
  if (!time) return;
  const starts = file.callsNamed('Start').filter((c) => c.pkg === RUNTIME_TRACE);
  if (starts.length === 0) return;
  const stops = file.callsNamed('Stop').filter((c) => c.pkg === RUNTIME_TRACE && c.node.parent?.type !== 'defer_statement');
  for (const call of sleepCalls(file, time)) {
    const fn = enclosingFunction(call);
    const tracing = starts.some((s) => enclosingFunction(s.node)?.id === fn?.id && s.node.endIndex <= call.startIndex
      && !stops.some((stop) => isInside(stop.node, fn) && stop.node.startIndex > s.node.endIndex && stop.node.endIndex <= call.startIndex));
    const arg = callArguments(call)[0];
    const seconds = arg && tracing ? durationSeconds(arg, time) : undefined;
    if (seconds === undefined || seconds <= options.captureWindowSeconds) continue;
    const limit = options.captureWindowSeconds;
    const replacement = Number.isInteger(limit) ? `${limit} * ${time}.Second` : `${Math.round(limit * 1000)} * ${time}.Millisecond`;
    report(context, arg, seconds, [replaceNode(arg, replacement)]);
  }
}

/** \`time.Sleep(…)\` calls, found from the word Sleep in the text rather than by visiting every call. */
function sleepCalls(file: GoFile, time: string): Node[] {
  return file.nodesNamed('Sleep').flatMap((name) => {
    const selector = name.type === 'field_identifier' ? name.parent : null;
    const call = selector?.type === 'selector_expression' && selector.childForFieldName('operand')?.text === time ? selector.parent : null;
    return call?.type === 'call_expression' && call.childForFieldName('function')?.id === selector!.id ? [call] : [];
  });
}

/** Seconds of a constant duration expression such as `60 * time.Second`, `time.Minute` or `time.Duration(2) * time.Minute`. */
function durationSeconds(expr: Node, time: string, depth = 0): number | undefined {
  // Constant durations are short expressions; give up on anything deeper.
  if (depth > MAX_EXPRESSION_DEPTH) return undefined;
  switch (expr.type) {
    case 'int_literal':
    case 'float_literal':
      return Number(expr.text.replace(/_/g, '')) * 1e-9;
    case 'selector_expression': {
      const unit = expr.text.startsWith(`${time}.`) ? UNIT_SECONDS[expr.childForFieldName('field')?.text ?? ''] : undefined;
      return unit;
    }
    case 'parenthesized_expression':
      return expr.namedChild(0) ? durationSeconds(expr.namedChild(0)!, time, depth + 1) : undefined;
    case 'call_expression': {
      const args = callArguments(expr);
      return expr.childForFieldName('function')?.text === `${time}.Duration` && args.length === 1 ? durationSeconds(args[0], time, depth + 1) : undefined;
    }
    case 'binary_expression': {
      const left = expr.childForFieldName('left');
      const right = expr.childForFieldName('right');
      if (!left || !right || expr.childForFieldName('operator')?.text !== '*') return undefined;
      const [l, r] = [scalarOrDuration(left, time, depth + 1), scalarOrDuration(right, time, depth + 1)];
      if (!l || !r || (l.isDuration && r.isDuration)) return undefined;
      return l.isDuration ? l.value * r.value : r.isDuration ? r.value * l.value : undefined;
    }
    default:
      return undefined;
  }
}

function scalarOrDuration(expr: Node, time: string, depth: number): { value: number; isDuration: boolean } | undefined {
  if (expr.type === 'int_literal' || expr.type === 'float_literal') return { value: Number(expr.text.replace(/_/g, '')), isDuration: false };
  if (expr.type === 'call_expression' && expr.childForFieldName('function')?.text === `${time}.Duration`) {
    const arg = callArguments(expr)[0];
    if (arg && (arg.type === 'int_literal' || arg.type === 'float_literal')) return { value: Number(arg.text.replace(/_/g, '')), isDuration: false };
  }
  const seconds = durationSeconds(expr, time, depth);
  return seconds === undefined ? undefined : { value: seconds, isDuration: true };
}

