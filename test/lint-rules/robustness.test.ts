// Broken, hostile and extreme input: linting never throws (rule crashes are not swallowed in tests).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { createGoParser, type Parser } from '../../server/src/analysis/parser';
import { RULES } from '../../server/src/analysis/rules/index';
import { DEFAULT_LINT_OPTIONS, type Finding } from '../../server/src/analysis/types';
import { FIXTURES, goFiles, lintText } from './harness';

let parser: Parser;
before(async () => { parser = await createGoParser(); });

const lint = (text: string): Finding[] => lintText(parser, text, { ...DEFAULT_LINT_OPTIONS, goVersion: '1.24' });

/** Every fixture with a trace import, for realistic half-typed code. */
function traceSources(): string[] {
  return RULES.flatMap((r) => goFiles(join(FIXTURES, r.meta.id))).map((f) => readFileSync(f, 'utf8'));
}

test('code mid-edit: every prefix of the fixtures (and each with a line removed) lints without throwing', () => {
  let runs = 0;
  for (const text of traceSources()) {
    for (let end = 0; end <= text.length; end += 37) {
      lint(text.slice(0, end));
      runs++;
    }
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i += 3) {
      lint([...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'));
      runs++;
    }
  }
  assert.ok(runs > 500);
});

test('findings in broken code still have sane ranges', () => {
  for (const text of traceSources()) {
    const broken = text.replace(/\)\n/g, '\n').replace(/\}\n\n/, '{{\n');
    const lineCount = broken.split('\n').length;
    for (const f of lint(broken)) {
      assert.ok(f.range.start.line >= 0 && f.range.end.line < lineCount);
      assert.ok(f.range.start.line < f.range.end.line || f.range.start.character <= f.range.end.character);
    }
  }
});

test('binary garbage and invalid UTF-8', () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 20; i++) {
    const bytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
    assert.deepEqual(lint(bytes.toString('utf8')), []);
    assert.deepEqual(lint(bytes.toString('latin1')), []);
  }
  const invalid = Buffer.concat([Buffer.from('package p\n\nimport "runtime/trace"\n\nfunc f() {\n\ttrace.Start(w) // \xff\xfe '), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff]), Buffer.from('\n}\n')]);
  const findings = lint(invalid.toString('utf8'));
  assert.deepEqual(findings.map((f) => f.ruleId), ['start-error-ignored']);
  assert.equal(findings[0].range.start.character, 1);
});

test('deeply nested code', () => {
  const depth = 3000;
  const blocks = `package p\n\nimport "runtime/trace"\n\nfunc f() {\n${'{\n'.repeat(depth)}trace.StartRegion(ctx, "x")\n${'}\n'.repeat(depth)}}\n`;
  assert.deepEqual(lint(blocks).map((f) => f.ruleId), ['region-result-discarded']);
  const loops = `package p\n\nimport "runtime/trace"\n\nfunc f() {\n${'for {\n'.repeat(depth)}trace.Log(ctx, "k", "v")\n${'}\n'.repeat(depth)}}\n`;
  assert.deepEqual(lint(loops).map((f) => f.ruleId), ['log-in-loop']);
  const concatenation = `package p\n\nimport "runtime/trace"\n\nfunc f() {\n\ttrace.WithRegion(ctx, ${'('.repeat(depth)}"a" + fmt.Sprint(x)${')'.repeat(depth)}, f)\n\ttime.Sleep(${'('.repeat(depth)}time.Hour${')'.repeat(depth)})\n}\n`;
  assert.doesNotThrow(() => lint(concatenation));
  const chain = `package p\n\nimport "runtime/trace"\n\nfunc f() {\n\ttrace.WithRegion(ctx, "a"${' + "b"'.repeat(depth * 3)} + r.URL.Path, f)\n}\n`;
  assert.deepEqual(lint(chain).map((f) => f.ruleId), ['dynamic-annotation-name']);
});

test('a large file with many trace calls', () => {
  const body = Array.from({ length: 5000 }, (_, i) => `\tregion${i} := trace.StartRegion(ctx, "r")\n\tregion${i}.End()\n`).join('');
  const text = `package p\n\nimport (\n\t"context"\n\t"runtime/trace"\n)\n\nfunc f(ctx context.Context) {\n${body}}\n`;
  assert.deepEqual(lint(text), []);
});
