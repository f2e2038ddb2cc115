import type { Node } from 'web-tree-sitter';
import { fix, replaceNode } from '../fixes';
import { enclosingFunction, isInside } from '../syntax';
import { resultBinding, RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

export const backgroundContextInTask: Rule = {
  meta: {
    id: 'background-context-in-task',
    title: 'Annotation given context.Background() inside a task',
    defaultSeverity: 'warning',
    fix: 'safe',
  },
  declarationLocal: true,
  check({ file, report }) {
    const context = file.localName('context');
    if (!context) return;
    const tasks = file.callsNamed('NewTask').flatMap((c) => {
      const binding = c.pkg === RUNTIME_TRACE ? resultBinding(c.node) : undefined;
      const ctx = binding?.names[0];
      return binding && ctx?.type === 'identifier' && ctx.text !== '_' ? [{ statement: binding.statement, ctx: ctx.text }] : [];
    });
    if (tasks.length === 0) return;
    for (const call of file.callsNamed('StartRegion', 'WithRegion', 'Log', 'Logf')) {
      const arg = call.args[0];
      if (call.pkg !== RUNTIME_TRACE || !arg || !isRootContext(arg, context)) continue;
      const task = tasks.find((t) => t.statement.parent && isInside(call.node, t.statement.parent) && t.statement.endIndex <= call.node.startIndex && sameFunctionOrNested(t.statement, call.node));
      if (!task) continue;
      report({ node: arg, message: `${arg.text} detaches this ${call.name} from the task whose context ${task.ctx} is in scope`, fixes: [fix(`Use the task's context ${task.ctx}`, [replaceNode(arg, task.ctx)])] });
    }
  },
};

function isRootContext(arg: Node, context: string): boolean {
  return arg.type === 'call_expression' && (arg.childForFieldName('function')?.text === `${context}.Background` || arg.childForFieldName('function')?.text === `${context}.TODO`);
}

function sameFunctionOrNested(statement: Node, use: Node): boolean {
  const fn = enclosingFunction(statement);
  return !!fn && isInside(use, fn);
}

