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
  /**
   * Whether the program does what it did before, but for the misuse fixed (a region now ended, a
   * writer closed after the trace is flushed). Only such fixes are applied by `lint --fix` and Fix All;
   * the others are suggestions, offered in the editor with a title that says what changes.
   */
  preservesBehaviour: boolean;
  /** The one fix offered first (Ctrl+.) and applied by `lint --fix` and fix-all; never a suggestion. */
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

/**
 * What a rule's fixes do, as ESLint tells fixes from suggestions and Clippy marks machine-applicable ones:
 * 'safe' fixes preserve behaviour (applied by `lint --fix` and Fix All); 'suggestion's change what the
 * program does and are only offered in the editor; 'mixed' rules offer either, depending on the code.
 */
export type FixKind = 'none' | 'safe' | 'suggestion' | 'mixed';

/** The fix `lint --fix` and Fix All apply for a finding: its preferred one, if it preserves behaviour. */
export function automaticFix(finding: Finding): Fix | undefined {
  return finding.fixes.find((fix) => fix.isPreferred && fix.preservesBehaviour);
}

export interface RuleMeta {
  /** kebab-case, used as the diagnostic code and in suppression comments. */
  id: string;
  title: string;
  defaultSeverity: Severity;
  /** What its fixes are (see FixKind); the docs say when a 'mixed' rule's fix is only a suggestion. */
  fix: FixKind;
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

/**
 * A function that starts or ends a task or region on its caller's behalf (like spancheck's start-span
 * signatures): its call sites are checked as the runtime/trace calls they stand for.
 */
export interface Wrapper {
  /**
   * \`example.com/app/tracing.StartSpan\` (a package's function), \`startRegion\` (a function of the
   * file's own package) or \`(example.com/app/tracing.Tracer).Start\` (a method; its receiver's type is
   * not checked, only that the file imports the package).
   */
  function: string;
  /**
   * 'task': returns what \`trace.NewTask\` does (its last result ends with \`End()\`, or is the end
   * function itself); 'region': returns a region or its end function; 'end': ends its first argument.
   */
  kind: 'task' | 'region' | 'end';
}

export interface LintOptions {
  rules: Record<string, RuleSetting>;
  /** Capture windows longer than this are flagged (the practice: keep capture windows short). */
  captureWindowSeconds: number;
  /** The `go` directive of the enclosing go.mod, e.g. "1.23", when known. */
  goVersion?: string;
  /** Functions that start or end tasks and regions for their callers (setting goTraceLens.lint.wrappers). */
  wrappers?: Wrapper[];
}

export const DEFAULT_LINT_OPTIONS: LintOptions = { rules: {}, captureWindowSeconds: DEFAULT_CAPTURE_WINDOW_SECONDS };
