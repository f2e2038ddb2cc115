import type { Parser, Tree } from 'web-tree-sitter';
import type { DeclarationCache } from './declarationCache';
import { channelNames } from './loops';
import { RULES, type Rule } from './rules/index';
import type { Report } from './rules/rule';
import { isSuppressed, readSuppressions } from './suppress';
import { rangeOf } from './syntax';
import { GoFile } from './goFile';
import { mayCallWrappers } from './wrappers';
import type { Finding, LintOptions } from './types';

/**
 * Runs the enabled rules over a parsed file, applying per-rule settings and suppression comments.
 * With a cache (one per edited document), declaration-local rules only re-check the top-level
 * declarations that changed since the last call; the findings are the same as without it.
 */
export function lintTree(tree: Tree, text: string, options: LintOptions, cache?: DeclarationCache): Finding[] {
  const file = new GoFile(tree, text, undefined, options.wrappers);
  const active = file.usesTrace || mayCallWrappers(file, options.wrappers);
  let findings: Finding[];
  if (!cache || !active) {
    findings = runRules(RULES, file, text, options, active);
  } else {
    const context = JSON.stringify([options, file.packageName, file.imports.map((i) => [i.path, i.name]), [...channelNames(text)].sort()]);
    const { dirty, reused } = cache.reuse(tree.rootNode, text, context);
    const local = dirty.length === 0 ? [] : runRules(RULES.filter((r) => r.declarationLocal), new GoFile(tree, text, dirty.map((d) => d.node), options.wrappers), text, options, active);
    cache.store(dirty, local);
    findings = [...reused, ...local, ...runRules(RULES.filter((r) => !r.declarationLocal), file, text, options, active)];
  }
  if (findings.length === 0) return findings;
  const suppressions = readSuppressions(tree);
  return findings
    .filter((f) => !isSuppressed(suppressions, f))
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.ruleId.localeCompare(b.ruleId)
      || a.range.end.line - b.range.end.line || a.range.end.character - b.range.end.character || a.message.localeCompare(b.message));
}

/** `active`: the file imports a trace package or may call a wrapper; otherwise only rules that need no import run. */
function runRules(rules: readonly Rule[], file: GoFile, text: string, options: LintOptions, active: boolean): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    const setting = options.rules[rule.meta.id];
    if (setting?.enabled === false) continue;
    if (!active && !rule.runsWithoutTraceImport) continue;
    const severity = setting?.severity ?? rule.meta.defaultSeverity;
    const report = (r: Report) => {
      const range = r.range ?? (r.node ? rangeOf(r.node) : undefined);
      if (!range) return;
      findings.push({ ruleId: rule.meta.id, message: r.message, severity, range, fixes: r.fixes ?? [], ...(r.related ? { related: r.related } : {}) });
    };
    try {
      rule.check({ file, text, options, report });
    } catch (error) {
      // One rule tripping over an odd tree must not take the others (or the server) down.
      if (process.env.GO_TRACE_LENS_DEBUG) throw error;
    }
  }
  return findings;
}

/** Parses, lints and frees the tree. */
export function lintText(parser: Parser, text: string, options: LintOptions): Finding[] {
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    return lintTree(tree, text, options);
  } finally {
    tree.delete();
  }
}
