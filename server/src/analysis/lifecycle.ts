// Where tasks and regions are bound and ended, shared by the rules about ending them.
import type { Node } from 'web-tree-sitter';
import { calleeParts, enclosingFunction } from './syntax';
import { resultBinding, RUNTIME_TRACE, type GoFile, type TraceCall } from './goFile';

export interface Annotation {
  call: TraceCall;
  kind: 'task' | 'region';
  /** The statement binding the result, and the name of the *Task / *Region variable in it. */
  statement: Node;
  nameNode: Node;
  fn: Node;
}

/** NewTask and StartRegion calls whose *Task / *Region result is assigned to a plain variable (computed once per file). */
export function boundAnnotations(file: GoFile): Annotation[] {
  return file.memo('boundAnnotations', () => findBoundAnnotations(file));
}

function findBoundAnnotations(file: GoFile): Annotation[] {
  const result: Annotation[] = [];
  for (const call of file.callsNamed('NewTask', 'StartRegion')) {
    if (call.pkg !== RUNTIME_TRACE) continue;
    const binding = resultBinding(call.node);
    const kind = call.name === 'NewTask' ? 'task' : 'region';
    const nameNode = binding?.names[kind === 'task' ? 1 : 0];
    const fn = enclosingFunction(call.node);
    if (binding && nameNode && fn) result.push({ call, kind, statement: binding.statement, nameNode, fn });
  }
  return result;
}

export interface Use { node: Node; isEnd: boolean; isDeferred: boolean; isAssignment: boolean }

/** Every use of the annotation's variable after its binding statement, in the enclosing function (computed once per file). */
export function usesAfter(file: GoFile, annotation: Annotation): Use[] {
  return file.memo(`usesAfter.${annotation.call.node.id}`, () => findUsesAfter(file, annotation));
}

function findUsesAfter(file: GoFile, annotation: Annotation): Use[] {
  const name = annotation.nameNode.text;
  const body = annotation.fn.childForFieldName('body');
  if (!body) return [];
  const after = annotation.statement.endIndex;
  return file.identifiers(body, name).filter((id) => id.startIndex >= after).map((id) => {
    const parent = id.parent; // each `parent` descends from the root: read it once
    const selector = parent?.type === 'selector_expression' && parent.childForFieldName('operand')?.id === id.id ? parent : undefined;
    const call = selector?.parent?.type === 'call_expression' ? selector.parent : undefined;
    const isEnd = !!call && calleeParts(call)?.name === 'End';
    const left = parent?.type === 'expression_list' ? parent.parent : undefined;
    const isAssignment = !!left && (left.type === 'assignment_statement' || left.type === 'short_var_declaration') && left.childForFieldName('left')?.id === parent!.id;
    return { node: call ?? id, isEnd, isDeferred: !!call && call.parent?.type === 'defer_statement', isAssignment };
  });
}
