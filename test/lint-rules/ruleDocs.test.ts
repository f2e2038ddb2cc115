// The committed rule documentation is what scripts/gen-rule-docs.mjs generates from the rules' meta and prose,
// and every link a diagnostic or SARIF result carries points at one of those pages.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/go-toolchain.mjs';
import { renderRuleDocs, staleRuleDocs } from '../../scripts/rule-docs';
import { ruleProse } from '../../server/src/analysis/rules/prose';
import { RULES } from '../../server/src/analysis/rules/index';
import { ruleDocumentationPath, ruleDocumentationUrl } from '../../common/ruleDocs';
import { repository } from '../../package.json';

test('docs/rules.md and docs/rules/*.md are up to date with the rules (npm run docs:rules)', () => {
  assert.deepEqual(staleRuleDocs(repoRoot), []);
});

test('every rule has a page with its title, severity, examples and how to turn it off, listed in the catalogue', () => {
  const files = renderRuleDocs();
  const catalogue = files.get('docs/rules.md')!;
  for (const { meta } of RULES) {
    const page = files.get(ruleDocumentationPath(meta.id));
    assert.ok(page, meta.id);
    assert.ok(page.includes(`# ${meta.title}\n`), meta.id);
    assert.ok(page.includes(`| Default severity | ${meta.defaultSeverity} |`), meta.id);
    assert.ok(page.includes(ruleProse(meta.id)), meta.id);
    assert.ok(page.includes(`"goTraceLens.lint.rules": { "${meta.id}": "off" }`), meta.id);
    assert.ok(page.includes(`//gotracelens:ignore ${meta.id}`), meta.id);
    assert.ok(catalogue.includes(`| [\`${meta.id}\`](rules/${meta.id}.md) |`), meta.id);
  }
  assert.equal(files.size, RULES.length + 1);
});

test('documentation links point at the committed page in the package.json repository', () => {
  for (const { meta } of RULES) {
    const path = ruleDocumentationPath(meta.id);
    assert.ok(existsSync(join(repoRoot, path)), path);
    assert.equal(ruleDocumentationUrl(meta.id), `${repository.url.replace(/\.git$/, '')}/blob/main/${path}`);
  }
});
