import type { Node } from 'web-tree-sitter';
import { boundAnnotations, usesAfter } from '../lifecycle';
import { ancestors, rangeOf } from '../syntax';
import type { Rule } from './rule';

export const regionEndedOnOtherGoroutine: Rule = {
  meta: {
    id: 'region-ended-on-other-goroutine',
    title: 'Region ended on another goroutine',
    defaultSeverity: 'error',
    fix: 'none',
  },
  declarationLocal: true,
  check({ file, report }) {
    for (const annotation of boundAnnotations(file)) {
      if (annotation.kind !== 'region' || annotation.nameNode.type !== 'identifier') continue;
      for (const use of usesAfter(file, annotation)) {
        if (!use.isEnd) continue;
        const goStatement = goroutineBetween(use.node, annotation.fn);
        if (!goStatement) continue;
        report({
          node: use.node,
          message: `Region ${annotation.nameNode.text} is ended on another goroutine than the one that started it: start and end it in the same goroutine`,
          related: [{ range: rangeOf(annotation.call.node), message: 'started here' }, { range: rangeOf(goStatement), message: 'goroutine started here' }],
        });
      }
    }
  },
};

/** The \`go\` statement that starts the goroutine running \`node\`, when it lies inside \`fn\` (not around it). */
function goroutineBetween(node: Node, fn: Node): Node | undefined {
  for (const n of ancestors(node)) {
    if (n.id === fn.id) return undefined;
    if (n.type === 'go_statement') return n;
  }
  return undefined;
}
