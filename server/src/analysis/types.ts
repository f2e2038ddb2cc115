// Types shared by the Go analysis core, the language server and the CLI.
// Nothing here imports vscode or the LSP libraries: positions follow LSP's
// convention (0-based lines, UTF-16 code units) so the server can pass them through.
import { DEFAULT_CAPTURE_WINDOW_SECONDS } from '../../../common/settings';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface TextEdit { range: Range; newText: string }

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The one fix offered first (Ctrl+.) and applied by `lint --fix` and fix-all. */
  isPreferred: boolean;
}

export interface Finding {
  ruleId: string;
  message: string;
  severity: Severity;
  range: Range;
  fixes: Fix[];
  related?: { range: Range; message: string }[];
}

export interface RuleMeta {
  /** kebab-case, used as the diagnostic code and in suppression comments. */
  id: string;
  title: string;
  defaultSeverity: Severity;
  fixable: boolean;
  /** The tracing practice the rule enforces, if it comes from one. Its documentation is the sibling `<id>.md`. */
  practice?: TracingPractice;
}

/** The tracing practices the first rules enforce, in catalogue order. */
export const TRACING_PRACTICES = [
  'Keep capture windows short',
  'Snapshot only on SLO miss (flight recorder)',
  'Instrument long-running operations with regions',
  'Batch task captures (avoid per-request tasks for tiny ops)',
  'Exclude init/teardown via narrow windows',
  'Use trace.Log sparingly',
  'Right tool for the question (trace vs pprof)',
] as const;
export type TracingPractice = (typeof TRACING_PRACTICES)[number];

export interface RuleSetting { enabled?: boolean; severity?: Severity }

export interface LintOptions {
  rules: Record<string, RuleSetting>;
  /** Capture windows longer than this are flagged (the practice: keep capture windows short). */
  captureWindowSeconds: number;
  /** The `go` directive of the enclosing go.mod, e.g. "1.23", when known. */
  goVersion?: string;
}

export const DEFAULT_LINT_OPTIONS: LintOptions = { rules: {}, captureWindowSeconds: DEFAULT_CAPTURE_WINDOW_SECONDS };
