import { deleteStatementLines, insertLinesBefore, suggestion, isAloneOnLines, statementWithTrailingComment } from '../fixes';
import { dependsOnLoopVariables, innermostLoop, isLoopInvariant } from '../loops';
import { blockStatements } from '../syntax';
import { isExpressionStatement, RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

export const logInLoop: Rule = {
  meta: {
    id: 'log-in-loop',
    title: 'trace.Log in a loop',
    defaultSeverity: 'warning',
    fix: 'suggestion',
    practice: 'Use trace.Log sparingly',
  },
  declarationLocal: true,
  check({ file, text, report }) {
    for (const call of file.callsNamed('Log', 'Logf')) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      const found = innermostLoop(call.node, text);
      if (!found || found.kind !== 'hot') continue;
      const { loop } = found;
      // A context that changes per iteration (each batch entry's own task): one log per task, not per iteration of one.
      if (call.args[0] && dependsOnLoopVariables(call.args[0], loop)) continue;
      const fixes = [];
      const statement = call.node.parent!;
      const directInBody = isExpressionStatement(call.node) && blockStatements(loop.childForFieldName('body')).some((s) => s.id === statement.id);
      if (directInBody && isAloneOnLines(text, statement) && statement.startPosition.row === statement.endPosition.row && isLoopInvariant(call.args, loop)) {
        fixes.push(suggestion(`Hoist ${call.name} out of the loop: it logs once, even when the loop runs no iteration`, [insertLinesBefore(text, loop, [statementWithTrailingComment(text, statement)]), deleteStatementLines(statement)]));
      }
      report({ node: call.node, message: `trace.${call.name} runs on every iteration of this loop: each call adds an event with its payload to the trace; log once per task instead`, fixes });
    }
  },
};
