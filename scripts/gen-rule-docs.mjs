// Writes the rule documentation generated from each rule's meta (see scripts/rule-docs.ts):
// docs/rules.md and docs/rules/<id>.md.
//
// Usage: node scripts/gen-rule-docs.mjs           write the pages (npm run docs:rules)
//        node scripts/gen-rule-docs.mjs --check   exit 1 when the committed pages are stale
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { repoRoot } from './go-toolchain.mjs';

const { existingRulePages, renderRuleDocs, staleRuleDocs } = await tsImport('./rule-docs.ts', import.meta.url);

if (process.argv.includes('--check')) {
  const stale = staleRuleDocs(repoRoot);
  if (stale.length > 0) {
    console.error(`stale rule documentation (run npm run docs:rules): ${stale.join(', ')}`);
    process.exit(1);
  }
} else {
  const files = renderRuleDocs();
  mkdirSync(join(repoRoot, 'docs/rules'), { recursive: true });
  for (const path of existingRulePages(repoRoot)) if (!files.has(path)) rmSync(join(repoRoot, path));
  for (const [path, text] of files) writeFileSync(join(repoRoot, path), text);
  console.log(`wrote ${files.size} files: docs/rules.md and docs/rules/*.md`);
}
