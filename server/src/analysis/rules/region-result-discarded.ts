import { fixUnless, inTestReason, replaceNode } from '../fixes';
import { enclosingLoops } from '../syntax';
import { annotationStarts } from '../lifecycle';
import { isExpressionStatement, resultBinding } from '../goFile';
import type { Rule } from './rule';

export const regionResultDiscarded: Rule = {
  meta: {
    id: 'region-result-discarded',
    title: 'StartRegion result discarded',
    defaultSeverity: 'error',
    fix: 'mixed',
  },
  declarationLocal: true,
  check({ file, report }) {
    for (const call of annotationStarts(file)) {
      if (call.name !== 'StartRegion') continue;
      const binding = resultBinding(call.node);
      const discarded = isExpressionStatement(call.node) || (binding && binding.names.every((n) => n.text === '_'));
      if (!discarded) continue;
      const statement = isExpressionStatement(call.node) ? call.node.parent! : binding!.statement;
      const fixes = enclosingLoops(call.node).length === 0 && call.wrapper === undefined
        ? [fixUnless(inTestReason(file, call.node), 'End the region when the function returns (defer …End())', [replaceNode(statement, `defer ${call.node.text}.End()`)])]
        : [];
      report({ node: call.node, message: `The region returned by ${call.wrapper ?? 'StartRegion'} is discarded, so it is never ended`, fixes });
    }
  },
};
