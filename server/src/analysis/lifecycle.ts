// Where tasks and regions are bound and ended, shared by the rules about ending them.
import type { Node } from 'web-tree-sitter';
import { calleeParts, enclosingFunction, isInsideFunctionLiteral, namedChildren } from './syntax';
import { resultBinding, RUNTIME_TRACE, type GoFile, type TraceCall } from './goFile';
import { wrapperCalls } from './wrappers';

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
  for (const call of annotationStarts(file)) {
    const binding = resultBinding(call.node);
    const kind = call.name === 'NewTask' ? 'task' : 'region';
    // A wrapper's last result is what ends it (a *Task, a span, an end function).
    const nameNode = call.wrapper !== undefined ? binding?.names.at(-1) : binding?.names[kind === 'task' ? 1 : 0];
    const fn = enclosingFunction(call.node);
    if (binding && nameNode && fn) result.push({ call, kind, statement: binding.statement, nameNode, fn });
  }
  return result;
}

/** NewTask and StartRegion calls, and the wrapper calls standing for them, in source order. */
export function annotationStarts(file: GoFile): TraceCall[] {
  return file.memo('annotationStarts', () => [
    ...file.callsNamed('NewTask', 'StartRegion').filter((c) => c.pkg === RUNTIME_TRACE),
    ...wrapperCalls(file, file.wrappers, 'task'),
    ...wrapperCalls(file, file.wrappers, 'region'),
  ].sort((a, b) => a.node.startIndex - b.node.startIndex));
}

export interface Use {
  node: Node;
  isEnd: boolean;
  isDeferred: boolean;
  isAssignment: boolean;
  /** \`_ = x\`: silences the compiler, ends nothing. */
  isDiscard: boolean;
  /** \`x.End\` handed over uncalled, or \`x.End()\` inside a function literal: ended whenever that callback runs. */
  isEndCallback: boolean;
}

/** Every use of the annotation's variable after its binding statement, in the enclosing function (computed once per file). */
export function usesAfter(file: GoFile, annotation: Annotation): Use[] {
  return file.memo(`usesAfter.${annotation.call.node.id}`, () => findUsesAfter(file, annotation));
}

function findUsesAfter(file: GoFile, annotation: Annotation): Use[] {
  const name = annotation.nameNode.text;
  const endWrappers = new Set(wrapperCalls(file, file.wrappers, 'end').map((c) => c.node.id));
  const body = annotation.fn.childForFieldName('body');
  if (!body) return [];
  const after = annotation.statement.endIndex;
  return file.identifiers(body, name).filter((id) => id.startIndex >= after).map((id) => {
    const parent = id.parent; // each `parent` descends from the root: read it once
    const selector = parent?.type === 'selector_expression' && parent.childForFieldName('operand')?.id === id.id ? parent : undefined;
    const call = selector?.parent?.type === 'call_expression' ? selector.parent : undefined;
    // \`x.End()\`, \`x()\` (an end function) or an end wrapper given x.
    const calledItself = parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === id.id ? parent : undefined;
    const endWrapper = parent?.type === 'argument_list' && parent.parent && endWrappers.has(parent.parent.id) ? parent.parent : undefined;
    const isEnd = (!!call && calleeParts(call)?.name === 'End') || !!calledItself || !!endWrapper;
    const left = parent?.type === 'expression_list' ? parent.parent : undefined;
    const isAssignment = !!left && (left.type === 'assignment_statement' || left.type === 'short_var_declaration') && left.childForFieldName('left')?.id === parent!.id;
    const isDiscard = !!left && left.type === 'assignment_statement' && left.childForFieldName('right')?.id === parent!.id
      && namedChildren(left.childForFieldName('left')!).every((n) => n.text === '_');
    const endValue = !call && selector?.childForFieldName('field')?.text === 'End';
    const endCall = call ?? calledItself ?? endWrapper;
    const isEndCallback = endValue || (isEnd && isInsideFunctionLiteral(endCall!, annotation.fn));
    return { node: endCall ?? selector ?? id, isEnd: isEnd || endValue, isDeferred: !!endCall && endCall.parent?.type === 'defer_statement', isAssignment, isDiscard, isEndCallback };
  });
}
