import type { Node } from 'web-tree-sitter';
import { enclosingFunction } from '../syntax';
import { RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

export const stopWithoutStart: Rule = {
  meta: {
    id: 'stop-without-start',
    title: 'trace.Stop without a matching trace.Start',
    defaultSeverity: 'warning',
    fix: 'none',
  },
  check({ file, report }) {
    const starts = file.callsNamed('Start').filter((c) => c.pkg === RUNTIME_TRACE).map((c) => owner(c.node));
    for (const stop of file.callsNamed('Stop')) {
      if (stop.pkg !== RUNTIME_TRACE) continue;
      const { fn, receiverType } = owner(stop.node);
      // A method's trace may be started by its type's methods or by a function (its constructor, say).
      const owned = starts.some((start) => start.fn?.id === fn?.id || receiverType === undefined
        || start.receiverType === undefined || start.receiverType === receiverType);
      if (owned) continue;
      report({ node: stop.node, message: 'trace.Stop without a trace.Start in this function or type: it stops whatever trace is running (go test -trace, a /debug/pprof/trace capture), cutting it short' });
    }
  },
};

/** The outermost function around the node (through function literals) and its receiver's type name, if a method. */
function owner(node: Node): { fn: Node | undefined; receiverType: string | undefined } {
  let fn = enclosingFunction(node);
  for (let outer = fn && enclosingFunction(fn); outer; outer = enclosingFunction(outer)) fn = outer;
  const receiver = fn?.type === 'method_declaration' ? fn.childForFieldName('receiver') : null;
  const type = receiver?.descendantsOfType('type_identifier')[0]?.text;
  return { fn, receiverType: type };
}
