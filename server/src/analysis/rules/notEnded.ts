// Shared check behind task-not-ended and region-not-ended.
import { fixUnless, inTestReason, insertLinesAfter, isAloneOnLines, replaceNode } from '../fixes';
import { boundAnnotations, usesAfter, type Annotation, type Use } from '../lifecycle';
import { OTEL_SPAN } from '../wrappers';
import type { Node } from 'web-tree-sitter';
import { enclosingLoops, isInsideFunctionLiteral, rangeOf } from '../syntax';
import type { Fix } from '../types';
import type { RuleContext } from './rule';

export function notEndedCheck(kind: 'task' | 'region') {
  return ({ file, text, report }: RuleContext): void => {
    for (const annotation of boundAnnotations(file)) {
      if (annotation.kind !== kind) continue;
      const { nameNode, statement, call } = annotation;
      // A user's wrapper may return an end function rather than something with End: no fix for those.
      const endsWithEnd = call.wrapper === undefined || call.wrapper === OTEL_SPAN;
      const canDefer = endsWithEnd && enclosingLoops(call.node).length === 0 && isAloneOnLines(text, statement) && statement.type !== 'var_spec';
      const from = call.wrapper === undefined ? '' : ` (from ${call.wrapper})`;
      if (nameNode.text === '_') {
        if (kind === 'region') continue; // region-result-discarded reports it
        const fixes: Fix[] = [];
        const body = annotation.fn.childForFieldName('body');
        if (canDefer && call.wrapper === undefined && body && file.identifiers(body, kind).length === 0 && statement.type === 'short_var_declaration') {
          fixes.push(fixUnless(inTestReason(file, call.node), `Keep the ${kind} and end it (defer ${kind}.End())`, [replaceNode(nameNode, kind), insertLinesAfter(text, statement, [`defer ${kind}.End()`])]));
        }
        report({ node: nameNode, message: `The ${kind} returned by ${call.wrapper ?? call.name} is discarded, so it is never ended`, fixes });
        continue;
      }
      if (nameNode.type !== 'identifier') continue;
      const allUses = usesAfter(file, annotation);
      const uses = allUses.filter((u) => !u.isDiscard);
      const Kind = kind === 'task' ? 'Task' : 'Region';
      // Ended, or used in another way (passed on, returned, stored): it may be ended elsewhere.
      if (uses.length > 0) {
        const skipped = returnsBeforeCallback(annotation, uses);
        if (skipped.length > 0) {
          report({
            node: nameNode,
            message: `${Kind} ${nameNode.text}${from} is not ended on the ${skipped.length === 1 ? 'return' : `${skipped.length} returns`} before its End is handed to a callback: end it on every path (defer it)`,
            related: skipped.map((r) => ({ range: rangeOf(r), message: `returns with ${nameNode.text} still open` })),
          });
        }
        continue;
      }
      const fixes = canDefer ? [fixUnless(inTestReason(file, call.node), `End the ${kind} when the function returns (defer ${nameNode.text}.End())`, [insertLinesAfter(text, statement, [`defer ${nameNode.text}.End()`])])] : [];
      const discarded = allUses.length > 0 ? ` (\`_ = ${nameNode.text}\` only silences the compiler)` : '';
      report({ node: nameNode, message: `${Kind} ${nameNode.text}${from} is never ended${discarded}: ${endsWithEnd ? `call ${nameNode.text}.End()` : 'end it'}`, fixes });
    }
  };
}

/**
 * The returns that leave the function with the annotation open, when its first use hands its End to a
 * callback (\`onDone(region.End)\`, \`cleanup = func() { region.End() }\`) and nothing defers it.
 */
function returnsBeforeCallback(annotation: Annotation, uses: Use[]): Node[] {
  if (!uses[0].isEndCallback || uses.some((u) => u.isDeferred && u.isEnd)) return [];
  const from = annotation.statement.endIndex;
  const to = uses[0].node.startIndex;
  return annotation.fn.descendantsOfType('return_statement')
    .filter((r): r is Node => !!r && r.startIndex > from && r.endIndex <= to && !isInsideFunctionLiteral(r, annotation.fn));
}
