import type { Node } from 'web-tree-sitter';
import { fix, isAloneOnLines, replaceNode } from '../fixes';
import { calleeParts, enclosingFunction, enclosingStatement, isInside, rangeOf } from '../syntax';
import { RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

export const writerClosedBeforeStop: Rule = {
  meta: {
    id: 'writer-closed-before-stop',
    title: 'Trace writer closed before trace.Stop',
    defaultSeverity: 'error',
    fix: 'safe',
  },
  check({ file, text, report }) {
    const stops = file.callsNamed('Stop').filter((c) => c.pkg === RUNTIME_TRACE);
    for (const start of file.callsNamed('Start')) {
      const writer = start.args[0];
      const fn = enclosingFunction(start.node);
      if (start.pkg !== RUNTIME_TRACE || writer?.type !== 'identifier' || !fn) continue;
      for (const stop of stops) {
        if (!isInside(stop.node, fn) || stop.node.startIndex < start.node.endIndex) continue;
        const stopStatement = enclosingStatement(stop.node);
        if (!stopStatement) continue;
        const deferred = stopStatement.type === 'defer_statement';
        const close = closingStatement(stopStatement, writer.text, deferred);
        if (!close || close.startIndex < start.node.endIndex) continue;
        const fixes = [stopStatement, close].every((s) => isAloneOnLines(text, s) && s.startPosition.row === s.endPosition.row)
          ? [fix('Swap the two statements so trace.Stop runs before the writer is closed', [replaceNode(stopStatement, close.text), replaceNode(close, stopStatement.text)])]
          : [];
        report({ node: close, message: deferred
          ? `Deferred calls run in reverse: ${writer.text} is closed before the deferred trace.Stop flushes the end of the trace`
          : `${writer.text} is closed before trace.Stop flushes the end of the trace`, fixes, related: [{ range: rangeOf(stop.node), message: 'trace.Stop' }] });
      }
    }
  },
};

/**
 * Deferred Stop: a later `defer w.Close()` in the same block. Explicit Stop: an earlier `w.Close()` in
 * the same block.
 */
function closingStatement(stopStatement: Node, writer: string, deferred: boolean): Node | undefined {
  const isClose = (s: Node) => {
    const call = deferred ? (s.type === 'defer_statement' ? s.namedChild(0) : null) : (s.type === 'expression_statement' ? s.namedChild(0) : null);
    const parts = call?.type === 'call_expression' ? calleeParts(call) : undefined;
    return !!parts && (parts.name === 'Close' || parts.name === 'Flush') && parts.operand?.text === writer;
  };
  const step = (s: Node) => (deferred ? s.nextNamedSibling : s.previousNamedSibling);
  for (let s = step(stopStatement); s; s = step(s)) if (isClose(s)) return s;
  return undefined;
}
