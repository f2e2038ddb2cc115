// Each rule's documentation prose (why it matters, a bad and a good example) is the Markdown file
// beside the rule, <id>.md. The bundles carry them inline (scripts/build.mjs defines RULE_PROSE);
// run from source, they are read from this folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_ID_PATTERN } from '../../../../common/ruleDocs';

declare const RULE_PROSE: Record<string, string> | undefined;

export function ruleProse(ruleId: string): string {
  if (!RULE_ID_PATTERN.test(ruleId)) throw new Error(`invalid rule id "${ruleId}"`);
  const text = typeof RULE_PROSE === 'undefined' ? readFileSync(join(__dirname, `${ruleId}.md`), 'utf8') : RULE_PROSE[ruleId];
  if (text === undefined) throw new Error(`no documentation for rule "${ruleId}"`);
  return text.trim();
}
