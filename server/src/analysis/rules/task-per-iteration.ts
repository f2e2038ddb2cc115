import type { Node } from 'web-tree-sitter';
import { insertLinesAfter, insertLinesBefore, isAloneOnLines, replaceNode, suggestion } from '../fixes';
import { innermostLoop, isLoopInvariant } from '../loops';
import { blockStatements, calleeParts } from '../syntax';
import { annotationStarts } from '../lifecycle';
import { resultBinding, RUNTIME_TRACE, type GoFile, type TraceCall } from '../goFile';
import type { Fix } from '../types';
import type { Rule } from './rule';

export const taskPerIteration: Rule = {
  meta: {
    id: 'task-per-iteration',
    title: 'NewTask on every loop iteration',
    defaultSeverity: 'warning',
    fix: 'suggestion',
    practice: 'Batch task captures (avoid per-request tasks for tiny ops)',
  },
  declarationLocal: true,
  check({ file, text, report }) {
    for (const call of annotationStarts(file)) {
      if (call.name !== 'NewTask') continue;
      const found = innermostLoop(call.node, text);
      if (!found || found.kind !== 'hot') continue;
      const regionFix = call.wrapper === undefined ? taskToRegionFix(file, text, call, found.loop) : undefined;
      const what = call.wrapper === undefined ? 'trace.NewTask runs' : `${call.wrapper} starts a runtime/trace task`;
      report({ node: call.node, message: `${what} on every iteration of this loop: create one task around the loop and a region per iteration`, fixes: regionFix ? [regionFix] : [] });
    }
  },
};

function taskToRegionFix(file: GoFile, text: string, call: TraceCall, loop: Node): Fix | undefined {
  const statements = blockStatements(loop.childForFieldName('body'));
  const binding = resultBinding(call.node);
  const first = statements[0];
  const last = statements[statements.length - 1];
  if (!binding || !binding.define || binding.statement.id !== first?.id || statements.length < 2 || binding.names.length !== 2) return undefined;
  const [ctxName, taskName] = binding.names.map((n) => n.text);
  if (ctxName === '_' || taskName === '_') return undefined;
  // The task must be ended exactly once, by the body's last statement, and used nowhere else.
  const endCall = last.type === 'expression_statement' ? last.namedChild(0) : null;
  const end = endCall?.type === 'call_expression' ? calleeParts(endCall) : undefined;
  if (!end || end.name !== 'End' || end.operand?.text !== taskName) return undefined;
  const body = loop.childForFieldName('body')!;
  if (file.identifiers(body, taskName).length !== 2) return undefined;
  if (!isLoopInvariant(call.args.slice(0, 1), loop, first) || ![first, last].every((s) => isAloneOnLines(text, s))) return undefined;
  const startRegion = file.qualified(RUNTIME_TRACE, 'StartRegion');
  const region = file.identifiers(body, 'region').length === 0 ? 'region' : `${taskName}Region`;
  return suggestion('Create one task around the loop and a region per iteration: the trace then has one task instead of one per item', [
    insertLinesBefore(text, loop, [first.text]),
    replaceNode(first, `${region} := ${startRegion}(${ctxName}, ${call.args[1]?.text ?? '""'})`),
    replaceNode(last, `${region}.End()`),
    insertLinesAfter(text, loop, [`${taskName}.End()`]),
  ]);
}
