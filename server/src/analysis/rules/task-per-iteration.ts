import type { Node } from 'web-tree-sitter';
import { fix, insertLinesAfter, insertLinesBefore, isAloneOnLines, replaceNode } from '../fixes';
import { innermostLoop, isLoopInvariant } from '../loops';
import { blockStatements, calleeParts } from '../syntax';
import { resultBinding, RUNTIME_TRACE, type GoFile, type TraceCall } from '../goFile';
import type { Fix } from '../types';
import type { Rule } from './rule';

export const taskPerIteration: Rule = {
  meta: {
    id: 'task-per-iteration',
    title: 'NewTask on every loop iteration',
    defaultSeverity: 'warning',
    fixable: true,
    exercise: 4,
    docs: `Tasks are the coarse unit of the tracer (a request, a job, a batch); regions are the fine one.
A \`trace.NewTask\` per iteration of a hot loop floods the trace with task events and makes the
"User-defined tasks" view unusable. Create one task around the loop and mark each iteration with a
region.

One task per request inside a server's accept/receive loop is the right granularity and is not
reported: a loop whose iterations start by accepting a connection or receiving a message
(\`Accept*\`, \`Recv*\`, \`Receive*\`, \`ReadMessage\`, \`ReadRequest\`, \`ReadFrom*\`, \`FetchMessage\`,
a channel receive or \`select\`, or \`range\` over a channel). Benchmark loops (\`b.N\`, \`b.Loop()\`,
\`pb.Next()\`) are not reported either, and neither are tasks created in a function literal (such as a
goroutine started per item).

**Bad**

\`\`\`go
for _, item := range items {
	ctx, task := trace.NewTask(ctx, "item")
	process(ctx, item)
	task.End()
}
\`\`\`

**Good**

\`\`\`go
ctx, task := trace.NewTask(ctx, "item")
for _, item := range items {
	region := trace.StartRegion(ctx, "item")
	process(ctx, item)
	region.End()
}
task.End()
\`\`\`

The quick fix performs exactly this rewrite when the task is created by the first statement of the
loop body from a loop-invariant parent context and ended by its last statement.`,
  },
  declarationLocal: true,
  check({ file, text, report }) {
    for (const call of file.callsNamed('NewTask')) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      const found = innermostLoop(call.node, text);
      if (!found || found.kind !== 'hot') continue;
      const regionFix = taskToRegionFix(file, text, call, found.loop);
      report({ node: call.node, message: 'trace.NewTask runs on every iteration of this loop: create one task around the loop and a region per iteration', fixes: regionFix ? [regionFix] : [] });
    }
  },
};

function taskToRegionFix(file: GoFile, text: string, call: TraceCall, loop: Node): Fix | undefined {
  const statements = blockStatements(loop.childForFieldName('body'));
  const binding = resultBinding(call.node);
  const first = statements[0];
  const last = statements[statements.length - 1];
  if (!binding || !binding.define || binding.statement.id !== first?.id || statements.length < 2 || binding.names.length !== 2) return undefined;
  const [ctxName, taskName] = binding.names.map((n) => n.text);
  if (ctxName === '_' || taskName === '_') return undefined;
  // The task must be ended exactly once, by the body's last statement, and used nowhere else.
  const endCall = last.type === 'expression_statement' ? last.namedChild(0) : null;
  const end = endCall?.type === 'call_expression' ? calleeParts(endCall) : undefined;
  if (!end || end.name !== 'End' || end.operand?.text !== taskName) return undefined;
  const body = loop.childForFieldName('body')!;
  if (file.identifiers(body, taskName).length !== 2) return undefined;
  if (!isLoopInvariant(call.args.slice(0, 1), loop, first) || ![first, last].every((s) => isAloneOnLines(text, s))) return undefined;
  const startRegion = file.qualified(RUNTIME_TRACE, 'StartRegion');
  const region = file.identifiers(body, 'region').length === 0 ? 'region' : `${taskName}Region`;
  return fix('Create one task around the loop and a region per iteration', [
    insertLinesBefore(text, loop, [first.text]),
    replaceNode(first, `${region} := ${startRegion}(${ctxName}, ${call.args[1]?.text ?? '""'})`),
    replaceNode(last, `${region}.End()`),
    insertLinesAfter(text, loop, [`${taskName}.End()`]),
  ]);
}
