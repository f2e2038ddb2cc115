import { errorHandlingStatement, isAloneOnLines, replaceNode, suggestion } from '../fixes';
import { indentOf } from '../syntax';
import { flightRecorderCalls, resultBinding } from '../goFile';
import type { Rule } from './rule';

export const flightRecorderWriteErrorIgnored: Rule = {
  meta: {
    id: 'flight-recorder-write-error-ignored',
    title: "Flight recorder WriteTo's error ignored",
    defaultSeverity: 'warning',
    fix: 'suggestion',
  },
  check({ file, text, report }) {
    for (const call of flightRecorderCalls(file, 'WriteTo')) {
      const binding = resultBinding(call);
      const statement = call.parent;
      const ignored = statement?.type === 'expression_statement' || statement?.type === 'defer_statement' || statement?.type === 'go_statement'
        || (binding !== undefined && binding.names[1]?.text === '_') || (binding !== undefined && binding.names.length === 1 && binding.names[0].text === '_');
      if (!ignored) continue;
      const fixes = [];
      if (statement?.type === 'expression_statement' && isAloneOnLines(text, statement)) {
        const indent = indentOf(text, statement);
        const handling = errorHandlingStatement(file, call);
        fixes.push(suggestion(`Check WriteTo's error: ${handling} when the snapshot fails`, [replaceNode(statement, `if _, err := ${call.text}; err != nil {\n${indent}\t${handling}\n${indent}}`)]));
      }
      report({ node: call, message: 'The error from the flight recorder snapshot (WriteTo) is ignored: a failed or concurrent snapshot goes unnoticed', fixes });
    }
  },
};
