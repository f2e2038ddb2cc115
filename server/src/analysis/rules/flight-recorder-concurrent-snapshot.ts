import type { Node } from 'web-tree-sitter';
import { ancestors, FUNCTION_TYPES } from '../syntax';
import { flightRecorderCalls } from '../goFile';
import type { Rule } from './rule';

/** Evidence that snapshots are serialised: a mutex, an atomic flag, sync.Once or a semaphore channel. */
const GUARD_CALL = /\.(Lock|TryLock|CompareAndSwap\w*|Swap\w*|Do)\(/;

export const flightRecorderConcurrentSnapshot: Rule = {
  meta: {
    id: 'flight-recorder-concurrent-snapshot',
    title: 'Flight recorder snapshots taken concurrently without a guard',
    defaultSeverity: 'warning',
    fix: 'none',
  },
  check({ file, report }) {
    for (const call of flightRecorderCalls(file, 'WriteTo')) {
      const concurrentFn = concurrentContext(call);
      if (!concurrentFn || isGuarded(concurrentFn, call)) continue;
      report({ node: call, message: `Flight recorder snapshot in ${concurrentFn.type === 'func_literal' ? 'a goroutine' : 'an HTTP handler'} with no guard: overlapping snapshots fail; serialise them with a mutex, an atomic flag or sync.Once`, fixes: [] });
    }
  },
};

/** The innermost HTTP handler or `go func(){…}` around the call, stopping at the first other function. */
function concurrentContext(call: Node): Node | undefined {
  for (const n of ancestors(call)) {
    if (!FUNCTION_TYPES.has(n.type)) continue;
    if (/\bhttp\.ResponseWriter\b/.test(n.childForFieldName('parameters')?.text ?? '')) return n;
    if (n.type === 'func_literal' && n.parent?.type === 'call_expression' && n.parent.parent?.type === 'go_statement') return n;
    return undefined;
  }
  return undefined;
}

/** Serialised, or written to expect the "already in progress" error of an overlapping snapshot. */
function isGuarded(fn: Node, call: Node): boolean {
  // runtime/trace's error says "already in progress"; golang.org/x/exp/trace's is ErrSnapshotActive.
  if (fn.text.includes('already in progress') || fn.text.includes('ErrSnapshotActive')) return true;
  const before = fn.text.slice(0, call.startIndex - fn.startIndex);
  return GUARD_CALL.test(before) || fn.descendantsOfType('send_statement').some((s) => !!s && s.startIndex < call.startIndex);
}
