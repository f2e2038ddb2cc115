// Findings as LSP diagnostics: source "go-trace-lens", the rule id as code, linked to its documentation.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../analysis/types';
import { ruleDocumentationUrl } from '../../../common/ruleDocs';

export const DIAGNOSTIC_SOURCE = 'go-trace-lens';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(uri: string, finding: Finding): Diagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    codeDescription: { href: ruleDocumentationUrl(finding.ruleId) },
    message: finding.message,
    relatedInformation: finding.related?.map((related) => ({ location: { uri, range: related.range }, message: related.message })),
  };
}

/** Whether a diagnostic the client sends back (code action context) is the one published for `finding`. */
export function describesFinding(diagnostic: Diagnostic, finding: Finding): boolean {
  const a = diagnostic.range, b = finding.range;
  return diagnostic.source === DIAGNOSTIC_SOURCE && diagnostic.code === finding.ruleId
    && a.start.line === b.start.line && a.start.character === b.start.character
    && a.end.line === b.end.line && a.end.character === b.end.character;
}
