import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { createGoParser, type Parser } from '../../server/src/analysis/parser';
import { DEFAULT_LINT_OPTIONS } from '../../server/src/analysis/types';
import { assertGofmtClean, assertParses, FIXTURES, goFiles, lintText } from './harness';

let parser: Parser;
before(async () => { parser = await createGoParser(); });

const dir = join(FIXTURES, 'correct');

for (const file of goFiles(dir)) {
  const name = `correct/${file.split('/').pop()}`;
  test(`${name}: correct code produces no findings with every rule on`, () => {
    const text = readFileSync(file, 'utf8');
    for (const goVersion of [undefined, '1.22', '1.24', '1.26']) {
      const findings = lintText(parser, text, { ...DEFAULT_LINT_OPTIONS, goVersion });
      assert.deepEqual(findings.map((f) => `${f.range.start.line + 1}: ${f.ruleId}: ${f.message}`), []);
    }
  });
}

test('the correct corpus parses and is gofmt-clean', () => {
  const files = goFiles(dir);
  assert.ok(files.length >= 8);
  for (const file of files) assertParses(parser, readFileSync(file, 'utf8'), file);
  assertGofmtClean(files.map((f) => ({ name: f, text: readFileSync(f, 'utf8') })));
});
