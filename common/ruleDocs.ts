// Where each rule's documentation lives: one place for the server, the CLI (SARIF helpUri) and the client.
import { repository } from '../package.json';

/** Rule ids are kebab-case; anything else never reaches a path or URL. */
export const RULE_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The rule's page relative to the repository (and the extension) root. */
export function ruleDocumentationPath(ruleId: string): string {
  if (!RULE_ID_PATTERN.test(ruleId)) throw new Error(`invalid rule id "${ruleId}"`);
  return `docs/rules/${ruleId}.md`;
}

/** The rule's page on the repository's default branch, linked from diagnostics and SARIF. */
export function ruleDocumentationUrl(ruleId: string): string {
  return `${repository.url.replace(/\.git$/, '')}/blob/main/${ruleDocumentationPath(ruleId)}`;
}
