import type { Node } from 'web-tree-sitter';
import { fix, insertLinesAfter, isAloneOnLines } from '../fixes';
import { calleeParts, enclosingFunction, isInside } from '../syntax';
import { flightRecorderCalls, resultBinding, RUNTIME_TRACE, type GoFile } from '../goFile';
import type { Rule } from './rule';

/** os functions that open a file for writing. */
const CREATE = /^(Create|CreateTemp|OpenFile)$/;
/** Methods of *os.File that neither close it nor hand it over. */
const FILE_METHOD = /^(Name|Sync|Write|WriteString|WriteAt|Stat|Seek|Fd|Chmod|Truncate)$/;
/** Functions where the process ends right after: the operating system closes the file, nothing is lost. */
const PROCESS_LIFETIME_FUNCTION = /^(main|init|TestMain)$/;

export const traceFileNotClosed: Rule = {
  meta: {
    id: 'trace-file-not-closed',
    title: 'Trace or snapshot file created and never closed',
    defaultSeverity: 'warning',
    fix: 'safe',
  },
  // Not declaration-local: which names hold a flight recorder depends on type declarations elsewhere in the file.
  check({ file, text, report }) {
    const os = file.localName('os');
    if (!os) return;
    const stops = file.callsNamed('Stop').filter((c) => c.pkg === RUNTIME_TRACE);
    const outputs = [
      ...file.callsNamed('Start').filter((c) => c.pkg === RUNTIME_TRACE).map((c) => ({ call: c.node, writer: c.args[0], synchronous: false })),
      ...flightRecorderCalls(file, 'WriteTo').map((call) => ({ call, writer: callArgument(call), synchronous: true })),
    ];
    const seen = new Set<number>();
    for (const { call, writer, synchronous } of outputs) {
      const fn = enclosingFunction(call);
      if (writer?.type !== 'identifier' || !fn || PROCESS_LIFETIME_FUNCTION.test(fn.childForFieldName('name')?.text ?? '')) continue;
      const created = creation(file, fn, writer, os);
      if (!created || seen.has(created.name.id) || handedOverOrClosed(file, fn, created, call)) continue;
      seen.add(created.name.id);
      // A trace that goes on after the function (stopped at exit, say) needs its file open until then.
      const stopped = synchronous || stops.some((s) => isInside(s.node, fn) && s.node.startIndex > call.endIndex);
      if (!stopped) continue;
      const after = errorCheckAfter(created.statement, writer.text) ?? created.statement;
      const fixes = isAloneOnLines(text, after) && after.parent?.type === 'statement_list'
        ? [fix(`Close ${writer.text} when the function returns (defer ${writer.text}.Close())`, [insertLinesAfter(text, after, [`defer ${writer.text}.Close()`])])]
        : [];
      report({ node: created.name, message: `The trace file ${writer.text} is never closed: each call leaks a file descriptor and a failed write goes unnoticed`, fixes });
    }
  },
};

function callArgument(call: Node): Node | undefined {
  return call.childForFieldName('arguments')?.namedChildren.find((c) => c?.type !== 'comment') ?? undefined;
}

/** The `f, err := os.Create(…)` (or `=`) in the function that gives the writer its value, before the trace call. */
function creation(file: GoFile, fn: Node, writer: Node, os: string): { statement: Node; name: Node } | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  let found: { statement: Node; name: Node } | undefined;
  for (const id of file.identifiers(body, writer.text)) {
    if (id.startIndex >= writer.startIndex) break;
    const list = id.parent;
    const statement = list?.parent;
    if (list?.type !== 'expression_list' || !statement || (statement.type !== 'short_var_declaration' && statement.type !== 'assignment_statement')) continue;
    if (statement.childForFieldName('left')?.id !== list.id) continue;
    const value = statement.childForFieldName('right')?.namedChild(0);
    const callee = value?.type === 'call_expression' ? calleeParts(value) : undefined;
    found = callee && CREATE.test(callee.name) && callee.operand?.text === os && resultBinding(value!)?.names[0]?.id === id.id ? { statement, name: id } : undefined;
  }
  return found;
}

/** Whether the function closes the file, or gives it to something that may: a return, a store, another call. */
function handedOverOrClosed(file: GoFile, fn: Node, created: { statement: Node; name: Node }, traceCall: Node): boolean {
  const body = fn.childForFieldName('body')!;
  for (const id of file.identifiers(body, created.name.text)) {
    if (id.startIndex < created.statement.endIndex) continue;
    const parent = id.parent;
    if (parent?.type === 'selector_expression' && parent.childForFieldName('operand')?.id === id.id) {
      const method = parent.childForFieldName('field')?.text ?? '';
      if (method === 'Close') return true;
      if (FILE_METHOD.test(method)) continue;
      return true;
    }
    if (parent?.type === 'argument_list' && parent.parent?.id === traceCall.id) continue;
    // `f, err = …` again: a new file, looked at on its own.
    if (parent?.type === 'expression_list' && parent.parent?.childForFieldName('left')?.id === parent.id) return true;
    if (parent?.type === 'binary_expression') continue; // f == nil, f != nil
    return true;
  }
  return false;
}

/** The `if err != nil { … }` right after the creating statement, if any. */
function errorCheckAfter(statement: Node, writer: string): Node | undefined {
  const next = statement.nextNamedSibling;
  const condition = next?.type === 'if_statement' ? next.childForFieldName('condition')?.text ?? '' : '';
  return /^\w+\s*!=\s*nil$/.test(condition) && !condition.startsWith(`${writer} `) ? next! : undefined;
}
