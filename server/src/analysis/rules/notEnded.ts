// Shared check behind task-not-ended and region-not-ended.
import { fix, insertLinesAfter, isAloneOnLines, replaceNode } from '../fixes';
import { boundAnnotations, usesAfter } from '../lifecycle';
import { enclosingLoops } from '../syntax';
import type { Fix } from '../types';
import type { RuleContext } from './rule';

export function notEndedCheck(kind: 'task' | 'region') {
  return ({ file, text, report }: RuleContext): void => {
    for (const annotation of boundAnnotations(file)) {
      if (annotation.kind !== kind) continue;
      const { nameNode, statement, call } = annotation;
      const canDefer = enclosingLoops(call.node).length === 0 && isAloneOnLines(text, statement) && statement.type !== 'var_spec';
      if (nameNode.text === '_') {
        if (kind === 'region') continue; // region-result-discarded reports it
        const fixes: Fix[] = [];
        const body = annotation.fn.childForFieldName('body');
        if (canDefer && body && file.identifiers(body, kind).length === 0 && statement.type === 'short_var_declaration') {
          fixes.push(fix(`Keep the ${kind} and end it (defer ${kind}.End())`, [replaceNode(nameNode, kind), insertLinesAfter(text, statement, [`defer ${kind}.End()`])]));
        }
        report({ node: nameNode, message: `The ${kind} returned by ${call.name} is discarded, so it is never ended`, fixes });
        continue;
      }
      if (nameNode.type !== 'identifier') continue;
      // Ended, or used in another way (passed on, returned, stored): it may be ended elsewhere.
      if (usesAfter(file, annotation).length > 0) continue;
      const fixes = canDefer ? [fix(`End the ${kind} when the function returns (defer ${nameNode.text}.End())`, [insertLinesAfter(text, statement, [`defer ${nameNode.text}.End()`])])] : [];
      report({ node: nameNode, message: `${kind === 'task' ? 'Task' : 'Region'} ${nameNode.text} is never ended: call ${nameNode.text}.End()`, fixes });
    }
  };
}
