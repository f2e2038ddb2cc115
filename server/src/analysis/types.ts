// Types shared by the Go analysis core, the language server and the CLI.
// Nothing here imports vscode or the LSP libraries: positions follow LSP's
// convention (0-based lines, UTF-16 code units) so the server can pass them through.

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
  /** Markdown: why it matters, a bad and a good example. */
  docs: string;
  /** The seed exercise the rule comes from, if any (1–7). */
  exercise?: number;
}

export interface RuleSetting { enabled?: boolean; severity?: Severity }

export interface LintOptions {
  rules: Record<string, RuleSetting>;
  /** Capture windows longer than this are flagged (seed exercise 1). */
  captureWindowSeconds: number;
  /** The `go` directive of the enclosing go.mod, e.g. "1.23", when known. */
  goVersion?: string;
}

export const DEFAULT_LINT_OPTIONS: LintOptions = { rules: {}, captureWindowSeconds: 5 };
