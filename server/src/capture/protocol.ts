// What the language server's "trace" CodeLens asks the client to run: one test, benchmark or fuzz
// target's seed corpus under go test -trace. Shared by server and client; no vscode import.
import type { TestKind } from './goTest';

export const TRACE_TEST_COMMAND = 'goTraceLens.traceTest';

export interface TraceTestTarget {
  /** The _test.go file (file: URI). */
  uri: string;
  name: string;
  kind: TestKind;
}
