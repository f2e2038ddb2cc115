import { deleteStatementLines, fix, insertLinesBefore, isAloneOnLines, statementWithTrailingComment } from '../fixes';
import { innermostLoop, isLoopInvariant } from '../loops';
import { blockStatements } from '../syntax';
import { isExpressionStatement, RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

export const logInLoop: Rule = {
  meta: {
    id: 'log-in-loop',
    title: 'trace.Log in a loop',
    defaultSeverity: 'warning',
    fixable: true,
    practice: 'Use trace.Log sparingly',
  },
  declarationLocal: true,
  check({ file, text, report }) {
    for (const call of file.callsNamed('Log', 'Logf')) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      const found = innermostLoop(call.node, text);
      if (!found || found.kind !== 'hot') continue;
      const { loop } = found;
      const fixes = [];
      const statement = call.node.parent!;
      const directInBody = isExpressionStatement(call.node) && blockStatements(loop.childForFieldName('body')).some((s) => s.id === statement.id);
      if (directInBody && isAloneOnLines(text, statement) && statement.startPosition.row === statement.endPosition.row && isLoopInvariant(call.args, loop)) {
        fixes.push(fix(`Hoist ${call.name} out of the loop`, [insertLinesBefore(text, loop, [statementWithTrailingComment(text, statement)]), deleteStatementLines(statement)]));
      }
      report({ node: call.node, message: `trace.${call.name} runs on every iteration of this loop: each call adds an event with its payload to the trace; log once per task instead`, fixes });
    }
  },
};
