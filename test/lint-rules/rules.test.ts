import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { createGoParser, type Parser } from '../../server/src/analysis/parser';
import { applyEdits } from '../../server/src/analysis/edits';
import { RULES } from '../../server/src/analysis/rules/index';
import { disableForLineFix } from '../../server/src/analysis/suppress';
import { applyPreferredFixes, assertGofmtClean, assertParses, checkWants, fixtureOptions, FIXTURES, goFiles, lintText } from './harness';

let parser: Parser;
before(async () => { parser = await createGoParser(); });

test('every rule has a fixture directory with at least one want', () => {
  for (const rule of RULES) {
    const dir = join(FIXTURES, rule.meta.id);
    assert.ok(existsSync(dir), `missing ${dir}`);
    const wanted = goFiles(dir).some((f) => /\/\/ want "/.test(readFileSync(f, 'utf8')));
    assert.ok(wanted, `${rule.meta.id}: no // want in its fixtures`);
  }
});

test('fixture directories match rule ids', () => {
  const ids = new Set(RULES.map((r) => r.meta.id));
  for (const dir of readdirSync(FIXTURES)) if (dir !== 'correct') assert.ok(ids.has(dir), `${dir} is not a rule id`);
});

for (const rule of RULES) {
  describe(rule.meta.id, () => {
    const dir = join(FIXTURES, rule.meta.id);
    for (const file of existsSync(dir) ? goFiles(dir) : []) {
      const name = `${rule.meta.id}/${file.split('/').pop()}`;
      test(`${name}: findings match the wants`, () => {
        const text = readFileSync(file, 'utf8');
        const findings = lintText(parser, text, fixtureOptions(text, rule.meta.id));
        assert.ok(findings.every((f) => f.ruleId === rule.meta.id));
        checkWants(name, text, findings);
      });
      test(`${name}: preferred fixes give the golden file, which parses and is gofmt-clean`, () => {
        const text = readFileSync(file, 'utf8');
        const findings = lintText(parser, text, fixtureOptions(text, rule.meta.id));
        const golden = `${file}.golden`;
        const hasFix = findings.some((f) => f.fixes.some((x) => x.isPreferred));
        if (!rule.meta.fixable) assert.equal(hasFix, false, 'a rule marked not fixable offered a fix');
        if (!existsSync(golden)) {
          assert.equal(hasFix, false, `fixes offered but ${golden} is missing`);
          assertGofmtClean([{ name, text }]);
          return;
        }
        const fixed = applyPreferredFixes(text, findings);
        assert.equal(fixed, readFileSync(golden, 'utf8'));
        assertParses(parser, fixed, `${name}.golden`);
        assertGofmtClean([{ name, text }, { name: `${name}.golden`, text: fixed }]);
      });
      test(`${name}: every fix on its own, alternatives and "Disable for this line" included, parses and is gofmt-clean`, () => {
        const text = readFileSync(file, 'utf8');
        const findings = lintText(parser, text, fixtureOptions(text, rule.meta.id));
        const results = findings.flatMap((finding) => [...finding.fixes, disableForLineFix(text, finding)].map((fix) => ({
          name: `${name} line ${finding.range.start.line + 1}, "${fix.title}"`, text: applyEdits(text, fix.edits),
        })));
        for (const result of results) assertParses(parser, result.text, result.name);
        assertGofmtClean(results);
      });
    }
  });
}
