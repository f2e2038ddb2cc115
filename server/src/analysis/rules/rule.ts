import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../goFile';
import type { Fix, LintOptions, Range, RuleMeta } from '../types';

export interface Report {
  node?: Node;
  range?: Range;
  message: string;
  fixes?: Fix[];
  related?: { range: Range; message: string }[];
}

export interface RuleContext {
  readonly file: GoFile;
  readonly text: string;
  readonly options: LintOptions;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  /** Rules that need no trace import (e.g. pprof URLs in strings) set this. */
  runsWithoutTraceImport?: boolean;
  /**
   * Its findings about a top-level declaration depend only on that declaration's text, the file's
   * package name, imports and channel declarations (see lintTree), and the options, and lie inside
   * that declaration; it asks the file for calls and names only (a focused GoFile answers for the
   * changed declarations). The editor's incremental lint re-runs it on changed declarations only.
   */
  declarationLocal?: boolean;
  check(context: RuleContext): void;
}
