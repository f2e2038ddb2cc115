import type { Node } from 'web-tree-sitter';
import { errorHandlingStatement, insertLinesBefore, isAloneOnLines, replaceNode, suggestion } from '../fixes';
import { compareGoMinor } from '../gomod';
import { blockStatements, calleeParts, enclosingFunction, enclosingStatement, indentOf, isInside, namedChildren } from '../syntax';
import { EXP_TRACE, RUNTIME_TRACE, type GoFile, type TraceCall } from '../goFile';
import type { Fix, TextEdit } from '../types';
import type { Rule, RuleContext } from './rule';

/** Calls that serve until the process is shut down. */
const SERVE_CALL = /^(ListenAndServe|ListenAndServeTLS|Serve|ServeTLS|RunServer)$/;

export const continuousTracing: Rule = {
  meta: {
    id: 'continuous-tracing',
    title: 'Continuous tracing instead of a flight recorder',
    defaultSeverity: 'warning',
    fix: 'suggestion',
    practice: 'Snapshot only on SLO miss (flight recorder)',
  },
  check(context) {
    const { file } = context;
    const stops = file.callsNamed('Stop').filter((c) => c.pkg === RUNTIME_TRACE);
    for (const call of file.callsNamed('Start')) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      const fn = enclosingFunction(call.node);
      // A trace thrown away as it is written (a regression test exercising the tracer) grows nothing.
      if (!fn || /^(io|ioutil)\.Discard$/.test(call.args[0]?.text ?? '')) continue;
      const explicitStopAfter = stops.some((s) => s.node.parent?.type !== 'defer_statement' && isInside(s.node, fn) && s.node.startIndex > call.node.endIndex);
      const serve = explicitStopAfter ? undefined : servesForever(fn, call.node);
      const neverStopped = stops.length === 0 && file.packageName === 'main';
      if (!serve && !neverStopped) continue;
      const fixes = flightRecorderFix(context, call, stops);
      report(context, call, serve ? 'serves until shutdown while tracing to disk' : 'never stops the trace', fixes);
    }
  },
};

function report(context: RuleContext, call: TraceCall, why: string, fixes: Fix[]): void {
  context.report({ node: call.node, message: `Continuous tracing: this program ${why}, so the trace grows for its whole life. Use a flight recorder and snapshot on demand`, fixes });
}

function servesForever(fn: Node, start: Node): Node | undefined {
  for (const statement of blockStatements(fn.childForFieldName('body'))) {
    if (statement.endIndex <= start.startIndex) continue;
    if (statement.type === 'select_statement' && namedChildren(statement).length === 0) return statement;
    if (statement.type === 'for_statement' && namedChildren(statement).length === 1 && statement.descendantsOfType(['break_statement', 'return_statement']).length === 0) return statement;
    const serve = statement.descendantsOfType('call_expression').find((c) => !!c && SERVE_CALL.test(calleeParts(c)?.name ?? ''));
    if (serve) return serve;
  }
  return undefined;
}

function flightRecorderFix(context: RuleContext, call: TraceCall, stops: TraceCall[]): Fix[] {
  const { file, text, options } = context;
  const version = options.goVersion;
  if (version !== undefined && compareGoMinor(version, 1, 23) < 0) return [];
  const useStd = version === undefined || compareGoMinor(version, 1, 25) >= 0;
  const statement = enclosingStatement(call.node);
  if (!statement || !isAloneOnLines(text, statement) || identifierUsed(statement, 'fr')) return [];
  const edits: TextEdit[] = [];
  let recorder: string;
  if (useStd) {
    const q = file.qualified(RUNTIME_TRACE, 'NewFlightRecorder')!;
    recorder = `fr := ${q}(${q.replace(/NewFlightRecorder$/, 'FlightRecorderConfig')}{})`;
  } else {
    const existing = file.qualified(EXP_TRACE, 'NewFlightRecorder');
    if (!existing) {
      const importEdit = addImport(file, text, 'xtrace', EXP_TRACE);
      if (!importEdit) return [];
      edits.push(importEdit);
    }
    recorder = `fr := ${existing ?? 'xtrace.NewFlightRecorder'}()`;
  }
  const writer = call.args[0]?.text ?? 'w';
  // A file the trace was the only use of would be left unused, which Go does not compile: keep it used.
  const keepWriter = call.args[0]?.type === 'identifier' && onlyUse(file, call.args[0]) ? [`_ = ${writer}`] : [];
  const snapshotHint = [`// Snapshot the last seconds when something goes wrong: fr.WriteTo(${writer})`, ...keepWriter];
  if (statement.type === 'expression_statement') {
    const indent = indentOf(text, statement);
    edits.push(replaceNode(statement, `${recorder}\n${indent}if err := fr.Start(); err != nil {\n${indent}\t${errorHandlingStatement(file, call.node)}\n${indent}}${snapshotHint.map((line) => `\n${indent}${line}`).join('')}`));
  } else {
    edits.push(insertLinesBefore(text, statement, [recorder, ...snapshotHint]), replaceNode(call.node, 'fr.Start()'));
  }
  for (const stop of stops) {
    if (enclosingFunction(stop.node)?.id === enclosingFunction(call.node)?.id) edits.push(replaceNode(stop.node, 'fr.Stop()'));
  }
  return [suggestion(`Replace continuous tracing with a flight recorder (${useStd ? 'runtime/trace, Go 1.25+' : 'golang.org/x/exp/trace'}): the trace file is no longer written`, edits)];
}

/** Whether \`id\` is the only read of a variable declared in the function (a parameter may go unused). */
function onlyUse(file: GoFile, id: Node): boolean {
  const body = enclosingFunction(id)?.childForFieldName('body');
  const others = body ? file.identifiers(body, id.text).filter((other) => other.id !== id.id) : [];
  return others.length > 0 && others.every((other) => {
    const list = other.parent;
    const statement = list?.parent;
    return list?.type === 'expression_list' && !!statement && /^(short_var_declaration|assignment_statement)$/.test(statement.type) && statement.childForFieldName('left')?.id === list.id;
  });
}

function identifierUsed(statement: Node, name: string): boolean {
  const fn = enclosingFunction(statement);
  return !!fn && fn.descendantsOfType('identifier').some((n) => n?.text === name);
}

/** Adds an import as its own group at the end of the import block (always gofmt-clean). */
function addImport(file: GoFile, text: string, name: string, path: string): TextEdit | undefined {
  const last = file.imports[file.imports.length - 1];
  if (!last) return undefined;
  const list = last.node.parent;
  if (list?.type === 'import_spec_list') {
    const at = { line: last.node.endPosition.row + 1, character: 0 };
    return { range: { start: at, end: at }, newText: `\n${indentOf(text, last.node)}${name} "${path}"\n` };
  }
  const declaration = list?.type === 'import_declaration' ? list : undefined;
  if (!declaration) return undefined;
  const at = { line: declaration.endPosition.row + 1, character: 0 };
  return { range: { start: at, end: at }, newText: `import ${name} "${path}"\n` };
}
