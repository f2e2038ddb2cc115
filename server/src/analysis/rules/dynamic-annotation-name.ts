import type { Node } from 'web-tree-sitter';
import { calleeParts, namedChildren } from '../syntax';
import { RUNTIME_TRACE, trailingName } from '../goFile';
import type { Rule } from './rule';

/** Which argument names the task, region or log category. */
const NAME_ARGUMENT: Record<string, { index: number; what: string }> = {
  NewTask: { index: 1, what: 'task type' },
  StartRegion: { index: 1, what: 'region type' },
  WithRegion: { index: 1, what: 'region type' },
  Log: { index: 1, what: 'log category' },
  Logf: { index: 1, what: 'log category' },
};

const FORMATTING_CALL = /^(fmt\.Sprint[fln]?|strconv\.\w+|strings\.(Join|Repeat|Replace\w*|ToLower|ToUpper|Trim\w*)|path\.Join|filepath\.Join|url\.\w+)$/;
const HIGH_CARDINALITY_FIELD = /^(Path|RawPath|RawQuery|RequestURI|URL|Host|RemoteAddr|ID|Id|UUID|UserID|Key)$/;
/** The last word of a name (split at camelCase and underscores) that says the value is one of many. */
const HIGH_CARDINALITY_WORD = new Set(['id', 'ids', 'uuid', 'guid', 'url', 'uri', 'key', 'addr', 'address', 'ip', 'path', 'host', 'query', 'time', 'timestamp', 'hash', 'err', 'error']);

export const dynamicAnnotationName: Rule = {
  meta: {
    id: 'dynamic-annotation-name',
    title: 'Non-constant task, region or log-category name',
    defaultSeverity: 'warning',
    fix: 'none',
  },
  declarationLocal: true,
  check({ file, report }) {
    for (const call of file.callsNamed(...Object.keys(NAME_ARGUMENT))) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      const { index, what } = NAME_ARGUMENT[call.name];
      const arg = call.args[index];
      if (!arg || !isDynamic(arg)) continue;
      report({ node: arg, message: `The ${what} passed to trace.${call.name} is built at run time (${arg.text}): use a constant name and log the variable part`, fixes: [] });
    }
  },
};

/**
 * \`req.Type.String()\`, \`op.String()\`: an enum's name, one of a small fixed set. Not \`id.String()\`,
 * \`r.URL.String()\` or \`time.Now().String()\`: a value per request.
 */
function isBoundedStringer(operand: Node | null): boolean {
  if (operand?.type !== 'identifier' && operand?.type !== 'selector_expression') return false;
  const name = trailingName(operand);
  const lastWord = name?.split(/_|(?<=[a-z0-9])(?=[A-Z])/).pop()?.toLowerCase();
  return !!lastWord && !HIGH_CARDINALITY_WORD.has(lastWord);
}

/** Iterative: concatenation chains can be thousands of operands long. */
function isDynamic(expr: Node): boolean {
  const pending = [expr];
  for (let node = pending.pop(); node; node = pending.pop()) {
    switch (node.type) {
      case 'parenthesized_expression':
      case 'binary_expression':
        for (const child of namedChildren(node)) pending.push(child);
        break;
      case 'call_expression': {
        const method = calleeParts(node)?.name;
        if (FORMATTING_CALL.test(node.childForFieldName('function')?.text ?? '') || method === 'Error') return true;
        if (method === 'String' && !isBoundedStringer(calleeParts(node)?.operand ?? null)) return true;
        break;
      }
      case 'selector_expression':
        if (HIGH_CARDINALITY_FIELD.test(node.childForFieldName('field')?.text ?? '')) return true;
        break;
    }
  }
  return false;
}
