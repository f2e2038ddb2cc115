import { fix, replaceNode } from '../fixes';
import { enclosingFunction, isInside, rangeOf } from '../syntax';
import { resultBinding, RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

const ANNOTATIONS = ['NewTask', 'StartRegion', 'WithRegion', 'Log', 'Logf'];

export const taskContextDiscarded: Rule = {
  meta: {
    id: 'task-context-discarded',
    title: "NewTask's context discarded while later annotations use the parent",
    defaultSeverity: 'warning',
    fixable: true,
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
      const later = file.callsNamed(...ANNOTATIONS).filter((c) => c.node.startIndex > binding.statement.endIndex && isInside(c.node, fn) && c.args[0]?.text === parent.text);
      if (later.length === 0) continue;
      const fixes = parent.type === 'identifier' ? [fix(`Use the task's context: ${parent.text}, ${binding.names[1]?.text ?? 'task'} := …`, [replaceNode(discarded, parent.text)])] : [];
      report({
        node: discarded,
        message: `The task's context is discarded, so later annotations given ${parent.text} are not part of this task`,
        fixes,
        related: later.map((c) => ({ range: rangeOf(c.node), message: `${c.name} uses the parent context` })),
      });
    }
  },
};
