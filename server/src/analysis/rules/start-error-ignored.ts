import { errorHandlingStatement, isAloneOnLines, replaceNode, suggestion } from '../fixes';
import { indentOf } from '../syntax';
import { flightRecorderCalls, isExpressionStatement, resultBinding, RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

export const startErrorIgnored: Rule = {
  meta: {
    id: 'start-error-ignored',
    title: "trace.Start's (or a flight recorder's Start) error is ignored",
    defaultSeverity: 'warning',
    fix: 'suggestion',
  },
  check({ file, text, report }) {
    const starts = [...file.callsNamed('Start').filter((c) => c.pkg === RUNTIME_TRACE).map((c) => c.node), ...flightRecorderCalls(file, 'Start')];
    for (const call of starts) {
      const binding = resultBinding(call);
      const discarded = isExpressionStatement(call) || (binding && !binding.define && binding.names.every((n) => n.text === '_'));
      if (!discarded) continue;
      const statement = isExpressionStatement(call) ? call.parent! : binding!.statement;
      const what = call.childForFieldName('function')?.text ?? 'Start';
      const fixes = [];
      if (isAloneOnLines(text, statement)) {
        const indent = indentOf(text, statement);
        const handling = errorHandlingStatement(file, call);
        fixes.push(suggestion(`Check ${what}'s error: ${handling} when tracing cannot start`, [replaceNode(statement,
          `if err := ${call.text}; err != nil {\n${indent}\t${handling}\n${indent}}`)]));
      }
      report({ node: call, message: `${what}'s error is ignored: it fails when tracing is already on, and then nothing is recorded`, fixes });
    }
  },
};
