import { fix, replaceNode } from '../fixes';
import { enclosingLoops } from '../syntax';
import { isExpressionStatement, resultBinding, RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

export const regionResultDiscarded: Rule = {
  meta: {
    id: 'region-result-discarded',
    title: 'StartRegion result discarded',
    defaultSeverity: 'error',
    fixable: true,
  },
  declarationLocal: true,
  check({ file, report }) {
    for (const call of file.callsNamed('StartRegion')) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      const binding = resultBinding(call.node);
      const discarded = isExpressionStatement(call.node) || (binding && binding.names.every((n) => n.text === '_'));
      if (!discarded) continue;
      const statement = isExpressionStatement(call.node) ? call.node.parent! : binding!.statement;
      const fixes = enclosingLoops(call.node).length === 0
        ? [fix('End the region when the function returns (defer …End())', [replaceNode(statement, `defer ${call.node.text}.End()`)])]
        : [];
      report({ node: call.node, message: 'The region returned by StartRegion is discarded, so it is never ended', fixes });
    }
  },
};
