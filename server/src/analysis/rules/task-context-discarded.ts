import { fixUnless, replaceNode } from '../fixes';
import type { Node } from 'web-tree-sitter';
import { calleeParts, enclosingFunction, enclosingStatement, isInside, rangeOf } from '../syntax';
import { resultBinding, RUNTIME_TRACE, type GoFile } from '../goFile';
import type { Rule } from './rule';

const ANNOTATIONS = ['NewTask', 'StartRegion', 'WithRegion', 'Log', 'Logf'];

export const taskContextDiscarded: Rule = {
  meta: {
    id: 'task-context-discarded',
    title: "NewTask's context discarded while later annotations use the parent",
    defaultSeverity: 'warning',
    fix: 'mixed',
  },
  declarationLocal: true,
  check({ file, report }) {
    for (const call of file.callsNamed('NewTask')) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      const binding = resultBinding(call.node);
      const discarded = binding?.names[0];
      const parent = call.args[0];
      const fn = enclosingFunction(call.node);
      if (!binding || !discarded || discarded.text !== '_' || !parent || !fn) continue;
      // Sibling tasks: once this task is ended, the parent context is the right one again.
      const endedAt = explicitEnd(file, binding.names[1], binding.statement, fn);
      const later = file.callsNamed(...ANNOTATIONS).filter((c) => c.node.startIndex > binding.statement.endIndex && c.node.startIndex < endedAt
        && isInside(c.node, fn) && c.args[0]?.text === parent.text);
      if (later.length === 0) continue;
      // Once the task is ended explicitly, later uses of the variable would belong to an ended task.
      const movesLaterUses = endedAt < fn.endIndex ? `later uses of ${parent.text} also belong to this ended task` : undefined;
      const fixes = parent.type === 'identifier' ? [fixUnless(movesLaterUses, `Use the task's context: ${parent.text}, ${binding.names[1]?.text ?? 'task'} := …`, [replaceNode(discarded, parent.text)])] : [];
      report({
        node: discarded,
        message: `The task's context is discarded, so later annotations given ${parent.text} are not part of this task`,
        fixes,
        related: later.map((c) => ({ range: rangeOf(c.node), message: `${c.name} uses the parent context` })),
      });
    }
  },
};

/**
 * Where the task is ended by an explicit (not deferred) \`task.End()\` in the block that created it;
 * past the end of the function when it is not.
 */
function explicitEnd(file: GoFile, task: Node | undefined, statement: Node, fn: Node): number {
  const block = statement.parent;
  if (task?.type !== 'identifier' || task.text === '_' || !block) return fn.endIndex;
  for (const use of file.identifiers(block, task.text)) {
    if (use.startIndex <= statement.endIndex) continue;
    const call = use.parent?.parent;
    const ends = call?.type === 'call_expression' && calleeParts(call)?.name === 'End' && call.childForFieldName('function')?.childForFieldName('operand')?.id === use.id;
    if (ends && enclosingStatement(call)?.type === 'expression_statement' && enclosingStatement(call)?.parent?.id === block.id) return call.endIndex;
  }
  return fn.endIndex;
}
