import type { Node } from 'web-tree-sitter';
import { calleeParts, enclosingFunction, isInside } from '../syntax';
import { resultBinding, RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

/** Calls that are bookkeeping, not a step of the work. */
const NOT_A_STEP = /^(End|Close|Unlock|Lock|RUnlock|RLock|Done|Add|Wait|Error|Errorf|New|Fatal\w*|Print\w*|Debug\w*|Info\w*|Warn\w*|Log\w*|len|append|make|panic|Sprintf|Sprint|Is|As|Unwrap|WithCancel|WithTimeout|WithValue|Header|Set|Get|WriteHeader)$/;
const MIN_STEPS = 3;

export const taskWithoutRegions: Rule = {
  meta: {
    id: 'task-without-regions',
    title: 'Task with several steps and no regions',
    defaultSeverity: 'info',
    fix: 'none',
    practice: 'Instrument long-running operations with regions',
  },
  declarationLocal: true,
  check({ file, report }) {
    const regions = file.callsNamed('StartRegion', 'WithRegion');
    for (const call of file.callsNamed('NewTask')) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      const binding = resultBinding(call.node);
      const fn = enclosingFunction(call.node);
      const list = binding?.statement.parent;
      if (!binding || !fn || list?.type !== 'statement_list' || regions.some((r) => isInside(r.node, fn))) continue;
      const steps = new Set<string>();
      for (let s: Node | null = binding.statement.nextNamedSibling; s; s = s.nextNamedSibling) {
        const step = stepName(s, file.resolveCall.bind(file));
        if (step) steps.add(step);
      }
      if (steps.size >= MIN_STEPS) {
        report({ node: call.node, message: `This task runs ${steps.size} steps (${[...steps].slice(0, 4).join(', ')}) with no regions: wrap each step in trace.WithRegion to see which one is slow`, fixes: [] });
      }
    }
  },
};

/** The function a statement calls as its main action, if it is a step of the work. */
function stepName(statement: Node, resolve: (call: Node) => unknown): string | undefined {
  let expr: Node | null = null;
  if (statement.type === 'expression_statement') expr = statement.namedChild(0);
  else if (statement.type === 'short_var_declaration' || statement.type === 'assignment_statement') expr = statement.childForFieldName('right')?.namedChild(0) ?? null;
  else if (statement.type === 'if_statement') expr = statement.childForFieldName('initializer')?.childForFieldName('right')?.namedChild(0) ?? null;
  if (expr?.type !== 'call_expression' || resolve(expr)) return undefined;
  const name = calleeParts(expr)?.name;
  return name && !NOT_A_STEP.test(name) ? name : undefined;
}
