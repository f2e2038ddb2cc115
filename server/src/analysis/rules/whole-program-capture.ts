import type { Node } from 'web-tree-sitter';
import { blockStatements, calleeParts, enclosingFunction, enclosingStatement, isInsideFunctionLiteral, namedChildren, rangeOf } from '../syntax';
import { RUNTIME_TRACE, type GoFile } from '../goFile';
import type { Rule } from './rule';

/** Calls that look like program set-up rather than the workload. */
const SETUP_CALL = /^(setup|init|initiali[sz]e|load|configure|config|connect|migrate|warm|bootstrap|prepare)/i;
/** Set-up comes first: only the statements right after Start are looked at. */
const SETUP_WINDOW = 3;
/** What may precede a Start at the "top" of main: creating the trace file, flags, error checks. */
const TRACE_PREAMBLE_CALL = /^(Create|OpenFile|Open|Parse|Fatal\w*|Exit|Print\w*|Close)$/;
/** Calls after which the process does not go on (`panic`, `os.Exit`, `log.Fatal…`, `log.Panic…`). */
const PROCESS_END_CALL = /^(panic|Exit|Fatal\w*|Panic\w*)$/;

export const wholeProgramCapture: Rule = {
  meta: {
    id: 'whole-program-capture',
    title: 'Whole-program trace capture',
    defaultSeverity: 'warning',
    fix: 'none',
    practice: 'Exclude init/teardown via narrow windows',
  },
  check({ file, report }) {
    for (const call of file.callsNamed('Start')) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      const fn = enclosingFunction(call.node);
      if (fn?.type !== 'function_declaration') continue;
      const name = fn.childForFieldName('name')?.text;
      if (name === 'init') {
        if (blockEndsProcess(call.node)) continue;
        report({ node: call.node, message: 'trace.Start in init() captures program start-up and everything after it: start the trace around the workload instead', fixes: [] });
        continue;
      }
      if (name !== 'main' || file.packageName !== 'main') continue;
      const setup = setupAfterStartAtTop(file, fn, call.node);
      if (setup) {
        report({ node: call.node, message: `trace.Start at the top of main also captures set-up (${calleeParts(setup)?.name}): start it after set-up, around the workload`, fixes: [], related: [{ range: rangeOf(setup), message: 'set-up work captured by the trace' }] });
      }
    }
  },
};

function setupAfterStartAtTop(file: GoFile, main: Node, start: Node): Node | undefined {
  const statements = blockStatements(main.childForFieldName('body'));
  const startIndex = statements.findIndex((s) => s.startIndex <= start.startIndex && s.endIndex >= start.endIndex);
  if (startIndex === -1) return undefined;
  const isPreamble = (s: Node) => s.descendantsOfType('call_expression').every((c) => !c || TRACE_PREAMBLE_CALL.test(calleeParts(c)?.name ?? ''));
  if (!statements.slice(0, startIndex).every(isPreamble)) return undefined;
  const stopDeferred = statements.some((s) => s.type === 'defer_statement' && s.descendantsOfType('call_expression').some((c) => !!c && file.resolveCall(c)?.name === 'Stop'));
  if (!stopDeferred) return undefined;
  const following = statements.slice(startIndex + 1).filter((s) => s.type !== 'defer_statement' && s.type !== 'go_statement' && !isErrorCheck(s));
  for (const statement of following.slice(0, SETUP_WINDOW)) {
    const setup = statement.descendantsOfType('call_expression').find((c) => !!c && SETUP_CALL.test(calleeParts(c)?.name ?? '') && !isInsideFunctionLiteral(c, statement));
    if (setup) return setup;
  }
  return undefined;
}

/** Whether the block holding the Start ends with a call that ends the process: the trace never spans the program. */
function blockEndsProcess(start: Node): boolean {
  const list = enclosingStatement(start)?.parent;
  const last = list ? namedChildren(list).filter((c) => c.type !== 'comment').at(-1) : undefined;
  const call = last?.type === 'expression_statement' ? last.namedChild(0) : undefined;
  if (call?.type !== 'call_expression') return false;
  const callee = calleeParts(call);
  return !!callee && PROCESS_END_CALL.test(callee.name) && (callee.operand === null ? callee.name === 'panic' : callee.name !== 'panic');
}

function isErrorCheck(statement: Node): boolean {
  return statement.type === 'if_statement' && /^err\s*!=\s*nil$/.test(statement.childForFieldName('condition')?.text ?? '');
}
