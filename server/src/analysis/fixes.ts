// Building blocks for quick fixes. Every fix must leave gofmt-clean code: new statements take the
// indentation of the statement they sit next to, and bodies are indented with one more tab.
import type { Node } from 'web-tree-sitter';
import { enclosingFunction, indentOf, lineStartOf, namedChildren, nextLineStart, rangeOf } from './syntax';
import type { GoFile } from './goFile';
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

export function fix(title: string, edits: TextEdit[], isPreferred = true): Fix {
  return { title, edits, isPreferred };
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

function zeroValue(type: string): string | undefined {
  if (/^(u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128)|byte|rune|time\.Duration)$/.test(type)) return '0';
  if (type === 'string') return '""';
  if (type === 'bool') return 'false';
  if (/^(\*|\[\]|map\[|chan\b|func\b|<-chan\b|error$|any$|interface\{)/.test(type)) return 'nil';
  return undefined;
}
