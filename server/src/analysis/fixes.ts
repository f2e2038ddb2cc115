// Building blocks for quick fixes. Every fix must leave gofmt-clean code: new statements take the
// indentation of the statement they sit next to, and bodies are indented with one more tab.
import type { Node } from 'web-tree-sitter';
import { ancestors, enclosingFunction, indentOf, isInside, lineStartOf, namedChildren, nextLineStart, rangeOf } from './syntax';
import { RUNTIME_TRACE, type GoFile } from './goFile';
import type { Fix, TextEdit } from './types';

export function replaceNode(node: Node, newText: string): TextEdit {
  return { range: rangeOf(node), newText };
}

/** Inserts whole lines (given without indentation; '\t' prefixes nest deeper) after a statement. */
export function insertLinesAfter(text: string, statement: Node, lines: string[]): TextEdit {
  const indent = indentOf(text, statement);
  const at = nextLineStart(statement);
  return { range: { start: at, end: at }, newText: lines.map((l) => indentLine(indent, l)).join('') };
}

export function insertLinesBefore(text: string, statement: Node, lines: string[]): TextEdit {
  // A labelled statement keeps its label directly above it; gofmt indents the label one level less.
  const anchor = statement.parent?.type === 'labeled_statement' ? statement.parent : statement;
  const indent = indentOf(text, statement);
  const at = lineStartOf(anchor);
  return { range: { start: at, end: at }, newText: lines.map((l) => indentLine(indent, l)).join('') };
}

function indentLine(indent: string, line: string): string {
  return line === '' ? '\n' : `${indent}${line}\n`;
}

/** Deletes a statement that sits alone on its lines, including its line break. */
export function deleteStatementLines(statement: Node): TextEdit {
  return { range: { start: lineStartOf(statement), end: nextLineStart(statement) }, newText: '' };
}

/** Whether the statement is alone on its line(s), so line-based moves keep the code intact. */
export function isAloneOnLines(text: string, statement: Node): boolean {
  const before = text.slice(text.lastIndexOf('\n', statement.startIndex - 1) + 1, statement.startIndex);
  const lineEnd = text.indexOf('\n', statement.endIndex);
  const after = text.slice(statement.endIndex, lineEnd === -1 ? text.length : lineEnd);
  return /^[ \t]*$/.test(before) && /^[ \t]*(\/\/.*)?\r?$/.test(after);
}

/** The statement with the line comment that follows it, if any, separated by one space. */
export function statementWithTrailingComment(text: string, statement: Node): string {
  const lineEnd = text.indexOf('\n', statement.endIndex);
  const comment = /\/\/.*/.exec(text.slice(statement.endIndex, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, ''));
  return comment ? `${statement.text} ${comment[0]}` : statement.text;
}

/** A behaviour-preserving fix: preferred, and applied by `lint --fix` and Fix All. */
export function fix(title: string, edits: TextEdit[]): Fix {
  return { title, edits, preservesBehaviour: true, isPreferred: true };
}

/** A fix that changes what the program does: offered in the editor only, never preferred. The title says what changes. */
export function suggestion(title: string, edits: TextEdit[]): Fix {
  return { title, edits, preservesBehaviour: false, isPreferred: false };
}

/** The fix as a suggestion when `changesBehaviour` (a test's deliberate misuse, say), with why in its title. */
export function fixUnless(changesBehaviour: string | undefined, title: string, edits: TextEdit[]): Fix {
  return changesBehaviour === undefined ? fix(title, edits) : suggestion(`${title} — ${changesBehaviour}`, edits);
}

/**
 * A statement that handles a non-nil `err` where `node` sits: `return err` (or the zero values plus err)
 * when the function returns an error, t.Fatal/b.Fatal in tests, log.Fatal when log is imported, panic otherwise.
 */
export function errorHandlingStatement(file: GoFile, node: Node): string {
  const fn = enclosingFunction(node);
  const result = fn?.childForFieldName('result');
  if (result) {
    const types = result.type === 'parameter_list'
      ? namedChildren(result).flatMap((p) => Array(Math.max(1, p.childrenForFieldName('name').length)).fill(p.childForFieldName('type')?.text ?? ''))
      : [result.text];
    if (types[types.length - 1] === 'error') {
      const zeros = types.slice(0, -1).map(zeroValue);
      if (zeros.every((z) => z !== undefined)) return `return ${[...zeros, 'err'].join(', ')}`;
    }
  }
  const params = fn?.childForFieldName('parameters');
  const testingParam = params && namedChildren(params).find((p) => /^\*testing\.[TB]$/.test(p.childForFieldName('type')?.text ?? ''));
  const testingName = testingParam?.childForFieldName('name')?.text;
  if (testingName) return `${testingName}.Fatal(err)`;
  const log = file.localName('log');
  if (log) return `${log}.Fatal(err)`;
  return 'panic(err)';
}

/**
 * Why ending an annotation changes a test: tests of tracing code (the tracer's own among them) and
 * the programs they run to produce a trace (writing it to stdout) leave tasks and regions open on
 * purpose, to see how the trace shows them. Undefined outside tests.
 */
export function inTestReason(file: GoFile, node: Node): string | undefined {
  if (file.packageName.endsWith('_test')) return 'changes a test that may leave it open on purpose';
  // A program that writes its trace to stdout exists to produce a trace for a test to read. Only the
  // node's own top-level declaration is looked at, so declaration-local rules may call this.
  const declaration = [...ancestors(node)].find((n) => n.parent?.type === 'source_file');
  const tracesToStdout = file.callsNamed('Start').some((c) => c.pkg === RUNTIME_TRACE && isInside(c.node, declaration) && /^os\.Std(out|err)$/.test(c.args[0]?.text ?? ''));
  if (tracesToStdout) return 'changes the trace this test program produces, which may show it open on purpose';
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (/\*testing\.[TBFM]\b/.test(fn.childForFieldName('parameters')?.text ?? '')) return 'changes a test that may leave it open on purpose';
  }
  return undefined;
}

function zeroValue(type: string): string | undefined {
  if (/^(u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128)|byte|rune|time\.Duration)$/.test(type)) return '0';
  if (type === 'string') return '""';
  if (type === 'bool') return 'false';
  if (/^(\*|\[\]|map\[|chan\b|func\b|<-chan\b|error$|any$|interface\{)/.test(type)) return 'nil';
  return undefined;
}
