// Code actions for published findings: the preferred quick fix first, the other fixes (suggestions,
// which change behaviour, are never preferred), a suppression comment for the line, the rule's
// documentation, and a source action applying every behaviour-preserving fix.
import { CodeActionKind, TextDocumentEdit, type CodeAction, type CodeActionParams, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { disableForLineFix } from '../analysis/suppress';
import { automaticFix, type Finding } from '../analysis/types';
import { describesFinding, toDiagnostic } from './diagnostics';
import { FIX_ALL_KIND, SHOW_RULE_DOCUMENTATION_COMMAND } from '../../../common/lintProtocol';
import { textChange } from './textChange';


export interface CodeActionInput {
  params: CodeActionParams;
  document: TextDocument;
  findings: Finding[];
  /** The document's text with every preferred fix applied (for the fix-all source action). */
  fixed: string;
  /** Whether the client applies versioned document changes (rejecting edits for a stale version). */
  documentChanges: boolean;
}

/** A kind is wanted if the request names it or one of its parents (`source.fixAll` wants ours). */
function wanted(only: string[] | undefined, kind: string): boolean {
  return only === undefined || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  const { params, document, findings } = input;
  const only = params.context.only;
  const actions: CodeAction[] = [];
  const workspaceEdit = (edits: TextEdit[]): WorkspaceEdit => input.documentChanges
    ? { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, edits)] }
    : { changes: { [document.uri]: edits } };

  if (wanted(only, CodeActionKind.QuickFix)) {
    for (const diagnostic of params.context.diagnostics) {
      const finding = findings.find((f) => describesFinding(diagnostic, f));
      if (!finding) continue;
      const published = toDiagnostic(document.uri, finding);
      const fixes = [...finding.fixes].sort((a, b) => Number(b.isPreferred) - Number(a.isPreferred));
      for (const fix of fixes) {
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [published], isPreferred: fix.isPreferred && fix.preservesBehaviour, edit: workspaceEdit(fix.edits) });
      }
      const disable = disableForLineFix(document.getText(), finding);
      actions.push({ title: disable.title, kind: CodeActionKind.QuickFix, diagnostics: [published], edit: workspaceEdit(disable.edits) });
      const title = `Show documentation for ${finding.ruleId}`;
      actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [published], command: { title, command: SHOW_RULE_DOCUMENTATION_COMMAND, arguments: [finding.ruleId] } });
    }
  }

  // Explicit requests only (fix-all on save, the source action menu, the fix-all command).
  if (only !== undefined && wanted(only, FIX_ALL_KIND) && findings.some((f) => automaticFix(f) !== undefined)) {
    const { fixed } = input;
    const change = textChange(document.getText(), fixed);
    if (change) {
      // One edit spanning the first to the last change: fixes of later passes may overlap earlier ones.
      const range = { start: document.positionAt(change.startIndex), end: document.positionAt(change.oldEndIndex) };
      const newText = fixed.slice(change.startIndex, change.newEndIndex);
      actions.push({ title: 'Fix all runtime/trace problems', kind: FIX_ALL_KIND, edit: workspaceEdit([{ range, newText }]) });
    }
  }
  return actions;
}
