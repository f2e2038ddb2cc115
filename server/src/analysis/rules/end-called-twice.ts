import type { Node } from 'web-tree-sitter';
import { deleteStatementLines, fix, isAloneOnLines } from '../fixes';
import { boundAnnotations, usesAfter } from '../lifecycle';
import { rangeOf } from '../syntax';
import type { Rule } from './rule';

export const endCalledTwice: Rule = {
  meta: {
    id: 'end-called-twice',
    title: 'Region or task ended twice',
    defaultSeverity: 'error',
    fix: 'safe',
  },
  declarationLocal: true,
  check({ file, text, report }) {
    for (const annotation of boundAnnotations(file)) {
      if (annotation.nameNode.type !== 'identifier' || annotation.nameNode.text === '_') continue;
      const uses = usesAfter(file, annotation);
      if (uses.some((u) => u.isAssignment)) continue;
      const ends = uses.filter((u) => u.isEnd && !u.isEndCallback);
      const deferred = ends.find((u) => u.isDeferred);
      const explicit = ends.filter((u) => !u.isDeferred);
      const name = annotation.nameNode.text;
      if (deferred && explicit.length > 0) {
        report({ node: explicit[0].node, message: `${name}.End() is already deferred: this call ends the ${annotation.kind} a second time`, related: [{ range: rangeOf(deferred.node), message: 'deferred End' }] });
        continue;
      }
      for (let i = 1; i < explicit.length; i++) {
        const [first, second] = [statementOf(explicit[i - 1].node), statementOf(explicit[i].node)];
        if (!first || !second || first.parent?.id !== second.parent?.id) continue;
        const fixes = isAloneOnLines(text, second) ? [fix(`Remove the second ${name}.End()`, [deleteStatementLines(second)])] : [];
        report({ node: explicit[i].node, message: `${name}.End() was already called in this block: the ${annotation.kind} is ended twice`, fixes });
      }
    }
  },
};

function statementOf(call: Node): Node | undefined {
  return call.parent?.type === 'expression_statement' && call.parent.parent?.type === 'statement_list' ? call.parent : undefined;
}

