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
    exercise: 6,
    docs: `Every \`trace.Log\`/\`trace.Logf\` call writes an event with its string payload into the trace.
Inside a hot loop that balloons the trace and slows the workload; the tracer is not a structured-log
sink. Log identifying metadata once per task instead.

A server's accept/receive loop (one iteration per request: \`Accept\`, \`Recv\`, \`ReadMessage\`, a
channel receive…) and benchmark loops are not reported.

**Bad**

\`\`\`go
for _, row := range rows {
	trace.Log(ctx, "row", fmt.Sprint(row))
	process(row)
}
\`\`\`

**Good**

\`\`\`go
trace.Log(ctx, "rows", strconv.Itoa(len(rows)))
for _, row := range rows {
	process(row)
}
\`\`\`

When the call does not depend on anything that changes in the loop, the quick fix hoists it
above the loop.`,
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
