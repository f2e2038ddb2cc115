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
    fixable: false,
    docs: `Only one goroutine may run \`FlightRecorder.WriteTo\` at a time; a concurrent call fails ("already
in progress"). Snapshot code in an HTTP handler or in a goroutine per alert runs concurrently as soon
as two requests or alerts overlap, and the second snapshot is silently lost. Serialise snapshots
with a mutex, an atomic flag, or \`sync.Once\` when one snapshot is enough.

**Bad**

\`\`\`go
func (s *server) slow(w http.ResponseWriter, r *http.Request) {
	f, _ := os.Create("snapshot.trace")
	defer f.Close()
	s.fr.WriteTo(f)
}
\`\`\`

**Good**

\`\`\`go
func (s *server) slow(w http.ResponseWriter, r *http.Request) {
	if !s.snapshotting.CompareAndSwap(false, true) {
		return // a snapshot is already being taken
	}
	defer s.snapshotting.Store(false)
	f, err := os.Create("snapshot.trace")
	…
}
\`\`\`

Reported for \`WriteTo\` in an HTTP handler (a function taking an \`http.ResponseWriter\`) or in a
function literal started with \`go\`, when no guard (\`Lock\`, \`TryLock\`, \`CompareAndSwap\`, \`Swap\`,
\`Once.Do\`, a channel send) appears in that function before the call, and the function does not
expect the "already in progress" error.`,
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
  if (fn.text.includes('already in progress')) return true;
  const before = fn.text.slice(0, call.startIndex - fn.startIndex);
  return GUARD_CALL.test(before) || fn.descendantsOfType('send_statement').some((s) => !!s && s.startIndex < call.startIndex);
}
