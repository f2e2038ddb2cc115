import { notEndedCheck } from './notEnded';
import type { Rule } from './rule';

export const taskNotEnded: Rule = {
  meta: {
    id: 'task-not-ended',
    title: 'Task never ended',
    defaultSeverity: 'warning',
    fixable: true,
    docs: `A task created with \`trace.NewTask\` must be ended with \`task.End()\`. A task that is never ended
has no end time: the tracer shows it as running until the end of the trace and its latency is lost.
Discarding the task (\`ctx, _ := trace.NewTask(…)\`) makes ending it impossible.

**Bad**

\`\`\`go
ctx, task := trace.NewTask(ctx, "handle")
process(ctx)
\`\`\`

**Good**

\`\`\`go
ctx, task := trace.NewTask(ctx, "handle")
defer task.End()
process(ctx)
\`\`\`

The quick fix adds \`defer task.End()\` after the call (not inside loops). A task that is returned,
passed to another function or stored is assumed to be ended elsewhere.`,
  },
  declarationLocal: true,
  check: notEndedCheck('task'),
};
