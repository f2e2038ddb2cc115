import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { createGoParser, type Parser } from '../../server/src/analysis/parser';
import { applyEdits } from '../../server/src/analysis/edits';
import { RULES } from '../../server/src/analysis/rules/index';
import { disableForLineFix } from '../../server/src/analysis/suppress';
import { applyFirstSuggestions, applyPreferredFixes, assertGofmtClean, assertParses, checkWants, fixtureOptions, FIXTURES, goFiles, lintText } from './harness';

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
      test(`${name}: behaviour-preserving fixes give the .golden file, suggestions the .suggested.golden file; both parse and are gofmt-clean`, () => {
        const text = readFileSync(file, 'utf8');
        const findings = lintText(parser, text, fixtureOptions(text, rule.meta.id));
        const fixes = findings.flatMap((f) => f.fixes);
        assert.ok(fixes.every((x) => !x.isPreferred || x.preservesBehaviour), 'a suggestion is marked preferred');
        const kind = rule.meta.fix;
        if (kind === 'none') assert.deepEqual(fixes, [], 'a rule without fixes offered one');
        if (kind === 'safe') assert.ok(fixes.every((x) => x.preservesBehaviour), 'a rule with safe fixes offered a suggestion');
        if (kind === 'suggestion') assert.ok(fixes.every((x) => !x.preservesBehaviour), 'a rule with suggestions only offered a safe fix');
        const checked = [{ name, text }];
        for (const [suffix, fixed] of [['.golden', applyPreferredFixes(text, findings)], ['.suggested.golden', applyFirstSuggestions(text, findings)]] as const) {
          const golden = `${file}${suffix}`;
          if (!existsSync(golden)) {
            assert.equal(fixed, text, `fixes offered but ${golden} is missing`);
            continue;
          }
          assert.notEqual(fixed, text, `${golden} exists but no fix of its kind applies`);
          assert.equal(fixed, readFileSync(golden, 'utf8'));
          assertParses(parser, fixed, `${name}${suffix}`);
          checked.push({ name: `${name}${suffix}`, text: fixed });
        }
        assertGofmtClean(checked);
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
