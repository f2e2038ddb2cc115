// Go analysistest-style checks: `// want "regexp"` on each line that must produce a finding, and a
// `.golden` file for the code after applying every preferred (behaviour-preserving) fix, and a
// `.suggested.golden` file for the code after taking each finding's first suggestion.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { applyEdits } from '../../server/src/analysis/edits';
import { lintText } from '../../server/src/analysis/runRules';
import { RULES } from '../../server/src/analysis/rules/index';
import { DEFAULT_LINT_OPTIONS, type Finding, type LintOptions } from '../../server/src/analysis/types';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'lint');
export const GOFMT = process.env.GOFMT ?? join(__dirname, '..', '..', '.cache', 'go', '1.26', 'usr', 'lib', 'go-1.26', 'bin', 'gofmt');

// Rules must not hide their own crashes from the tests.
process.env.GO_TRACE_LENS_DEBUG = '1';

export function goFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.go')).sort().map((f) => join(dir, f));
}

/** Options for a fixture: only `ruleId` enabled (all rules when undefined), overridable by a `// lint-options: {json}` line. */
export function fixtureOptions(text: string, ruleId: string | undefined): LintOptions {
  const rules = Object.fromEntries(RULES.map((r) => [r.meta.id, { enabled: ruleId === undefined || r.meta.id === ruleId }]));
  const overrides = /^\/\/ lint-options: (\{.*\})$/m.exec(text);
  return { ...DEFAULT_LINT_OPTIONS, rules, ...(overrides ? parseOverrides(overrides[1]) : {}) };
}

/** The options line as JSON; a line that random edits broke counts as absent. */
function parseOverrides(json: string): Partial<LintOptions> {
  try {
    return JSON.parse(json) as Partial<LintOptions>;
  } catch {
    return {};
  }
}

/** Wanted message patterns per 0-based line. */
export function wants(text: string): Map<number, RegExp[]> {
  const result = new Map<number, RegExp[]>();
  text.split('\n').forEach((line, index) => {
    const match = /\/\/ want (.*)$/.exec(line);
    if (!match) return;
    const patterns = [...match[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => new RegExp(m[1].replace(/\\(["\\])/g, '$1')));
    result.set(index, patterns);
  });
  return result;
}

export function checkWants(file: string, text: string, findings: Finding[]): void {
  const expected = wants(text);
  const problems: string[] = [];
  for (const finding of findings) {
    const line = finding.range.start.line;
    const patterns = expected.get(line) ?? [];
    const index = patterns.findIndex((p) => p.test(finding.message));
    if (index === -1) problems.push(`${file}:${line + 1}: unexpected ${finding.ruleId}: ${finding.message}`);
    else patterns.splice(index, 1);
  }
  for (const [line, patterns] of expected) for (const p of patterns) problems.push(`${file}:${line + 1}: no finding matching ${p}`);
  assert.deepEqual(problems, []);
}

/** What `lint --fix` would write in one pass: every preferred (behaviour-preserving) fix. */
export function applyPreferredFixes(text: string, findings: Finding[]): string {
  return applyEdits(text, findings.flatMap((f) => f.fixes.find((x) => x.isPreferred)?.edits ?? []));
}

/** The code after taking each finding's first suggestion (a fix that changes behaviour) in the editor. */
export function applyFirstSuggestions(text: string, findings: Finding[]): string {
  return applyEdits(text, findings.flatMap((f) => f.fixes.find((x) => !x.preservesBehaviour)?.edits ?? []));
}

export function assertParses(parser: Parser, text: string, label: string): void {
  const tree = parser.parse(text)!;
  try {
    assert.equal(tree.rootNode.hasError, false, `${label} has syntax errors`);
  } finally {
    tree.delete();
  }
}

/** gofmt -l on the given sources; fails (never skips) when gofmt is missing. */
export function assertGofmtClean(sources: { name: string; text: string }[]): void {
  assert.ok(existsSync(GOFMT), `gofmt not found at ${GOFMT}: run scripts/setup.sh (or scripts/install-go.sh 1.26) or set GOFMT`);
  const dir = mkdtempSync(join(tmpdir(), 'gtl-gofmt-'));
  const paths = sources.map((s, i) => {
    const path = join(dir, `${i}-${s.name.replace(/[^\w.-]/g, '_')}.go`);
    writeFileSync(path, s.text);
    return path;
  });
  const result = spawnSync(GOFMT, ['-l', ...paths], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const unformatted = result.stdout.trim().split('\n').filter(Boolean).map((p) => sources[paths.indexOf(p)]?.name ?? p);
  assert.deepEqual(unformatted, [], 'not gofmt-clean');
}

export { lintText };
