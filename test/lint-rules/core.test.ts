import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { applyEdits } from '../../server/src/analysis/edits';
import { goVersionFromGoMod } from '../../server/src/analysis/gomod';
import { createGoParser, type Parser } from '../../server/src/analysis/parser';
import { RULES, ruleById } from '../../server/src/analysis/rules/index';
import { ruleProse } from '../../server/src/analysis/rules/prose';
import { disableForLineFix } from '../../server/src/analysis/suppress';
import { DEFAULT_LINT_OPTIONS, TRACING_PRACTICES, type LintOptions } from '../../server/src/analysis/types';
import { assertGofmtClean, assertParses, lintText } from './harness';

let parser: Parser;
before(async () => { parser = await createGoParser(); });

const lint = (text: string, options: Partial<LintOptions> = {}) => lintText(parser, text, { ...DEFAULT_LINT_OPTIONS, ...options });
const goFile = (imports: string, body: string) => `package p\n\nimport (\n${imports.split('\n').map((l) => `\t${l}`).join('\n')}\n)\n\nfunc f(ctx context.Context) {\n${body.split('\n').map((l) => `\t${l}`).join('\n')}\n}\n`;
const ids = (text: string, options: Partial<LintOptions> = {}) => lint(text, options).map((f) => f.ruleId);

describe('import-aware matching', () => {
  const discarded = 'trace.StartRegion(ctx, "x")';
  test('runtime/trace under its own name, an alias and a dot-import', () => {
    assert.deepEqual(ids(goFile('"context"\n"runtime/trace"', discarded)), ['region-result-discarded']);
    assert.deepEqual(ids(goFile('"context"\nrt "runtime/trace"', 'rt.StartRegion(ctx, "x")')), ['region-result-discarded']);
    assert.deepEqual(ids(goFile('"context"\n. "runtime/trace"', 'StartRegion(ctx, "x")')), ['region-result-discarded']);
  });
  test('never other packages named trace, a blank import, or an alias used for something else', () => {
    assert.deepEqual(ids(goFile('"context"\n"golang.org/x/net/trace"', discarded)), []);
    assert.deepEqual(ids(goFile('"context"\n"go.opentelemetry.io/otel/trace"', discarded)), []);
    assert.deepEqual(ids(goFile('"context"\n_ "runtime/trace"', discarded)), []);
    assert.deepEqual(ids(goFile('"context"\ntrace "github.com/x/trace"\nrt "runtime/trace"', discarded)), []);
  });
  test('never a local variable, parameter or range variable shadowing the import', () => {
    assert.deepEqual(ids(goFile('"context"\n"runtime/trace"', `trace := tracer{}\n${discarded}`)), []);
    assert.deepEqual(ids(goFile('"context"\n"runtime/trace"', `for _, trace := range ts {\n\t${discarded}\n}`)), []);
    assert.deepEqual(ids(goFile('"context"\n"runtime/trace"', `if trace := get(); trace != nil {\n\t${discarded}\n}`)), []);
    assert.deepEqual(ids(goFile('"context"\n"runtime/trace"', `func(trace T) {\n\t${discarded}\n}(t)`)), []);
    assert.deepEqual(ids(goFile('"context"\n. "runtime/trace"', 'StartRegion := f\nStartRegion(ctx, "x")')), []);
    // Declared after the use, or in a sibling block: the import is still what the call means.
    assert.deepEqual(ids(goFile('"context"\n"runtime/trace"', `${discarded}\ntrace := 1\n_ = trace`)), ['region-result-discarded']);
    assert.deepEqual(ids(goFile('"context"\n"runtime/trace"', `{\n\ttrace := 1\n\t_ = trace\n}\n${discarded}`)), ['region-result-discarded']);
  });
});

describe('positions', () => {
  test('columns are UTF-16 code units on lines with non-ASCII text', () => {
    const line = '_ = "héllo😀"; ñ := 1; _ = ñ; trace.StartRegion(ctx, "ü")';
    const text = goFile('"context"\n"runtime/trace"', line);
    const [finding] = lint(text);
    const lineIndex = text.split('\n').findIndex((l) => l.includes('héllo'));
    const lineText = text.split('\n')[lineIndex];
    assert.equal(finding.range.start.line, lineIndex);
    assert.equal(finding.range.start.character, lineText.indexOf('trace.StartRegion'));
    assert.equal(finding.range.end.character, lineText.indexOf('"ü")') + '"ü")'.length);
  });
  test('fixes on non-ASCII lines apply at the right place', () => {
    const text = goFile('"context"\n"runtime/trace"', 'trace.StartRegion(ctx, "😀ü") // 日本');
    const [finding] = lint(text);
    const fixed = applyEdits(text, finding.fixes[0].edits);
    assert.match(fixed, /\tdefer trace\.StartRegion\(ctx, "😀ü"\)\.End\(\) \/\/ 日本\n/);
    assertParses(parser, fixed, 'fixed');
  });
});

describe('settings', () => {
  const text = goFile('"context"\n"runtime/trace"', 'trace.StartRegion(ctx, "x")');
  test('a disabled rule reports nothing', () => {
    assert.deepEqual(ids(text, { rules: { 'region-result-discarded': { enabled: false } } }), []);
  });
  test('a severity setting overrides the default', () => {
    assert.equal(lint(text)[0].severity, ruleById('region-result-discarded')!.meta.defaultSeverity);
    assert.equal(lint(text, { rules: { 'region-result-discarded': { severity: 'hint' } } })[0].severity, 'hint');
  });
  test('the capture-window threshold is a setting', () => {
    const url = (n: number) => `package p\n\nconst u = "http://h/debug/pprof/trace?seconds=${n}"\n`;
    assert.deepEqual(ids(url(10)), ['long-capture-window']);
    assert.deepEqual(ids(url(10), { captureWindowSeconds: 30 }), []);
    assert.equal(applyEdits(url(10), lint(url(10), { captureWindowSeconds: 2.5 })[0].fixes[0].edits), url(2.5));
  });
});

describe('suppression comments', () => {
  const body = (comment: string) => goFile('"context"\n"runtime/trace"', comment);
  test('on the line above, at the end of the line, by list, all, and for the whole file', () => {
    assert.deepEqual(ids(body('//gotracelens:ignore region-result-discarded tracer test\ntrace.StartRegion(ctx, "x")')), []);
    assert.deepEqual(ids(body('trace.StartRegion(ctx, "x") //gotracelens:ignore region-result-discarded')), []);
    assert.deepEqual(ids(body('//gotracelens:ignore log-in-loop,region-result-discarded\ntrace.StartRegion(ctx, "x")')), []);
    assert.deepEqual(ids(body('//gotracelens:ignore\ntrace.StartRegion(ctx, "x")')), []);
    assert.deepEqual(ids(`//gotracelens:file-ignore region-result-discarded\n${body('trace.StartRegion(ctx, "x")')}`), []);
  });
  test('only the named rules and only the next line', () => {
    assert.deepEqual(ids(body('//gotracelens:ignore log-in-loop\ntrace.StartRegion(ctx, "x")')), ['region-result-discarded']);
    assert.deepEqual(ids(body('//gotracelens:ignore region-result-discarded\n\ntrace.StartRegion(ctx, "x")')), ['region-result-discarded']);
    assert.deepEqual(ids(body('// gotracelens is great\ntrace.StartRegion(ctx, "x")')), ['region-result-discarded']);
  });
  test('"Disable for this line" inserts a gofmt-clean comment that silences the finding, and extends an existing one', () => {
    const text = goFile('"context"\n"runtime/trace"', 'for i := 0; i < 3; i++ {\n\t_, task := trace.NewTask(ctx, "x")\n\ttask.End()\n}');
    const [finding] = lint(text);
    assert.equal(finding.ruleId, 'task-per-iteration');
    const once = applyEdits(text, disableForLineFix(text, finding).edits);
    assert.match(once, /\n\t\t\/\/gotracelens:ignore task-per-iteration\n\t\t_, task := trace\.NewTask/);
    assert.deepEqual(ids(once), []);
    const other = { ...finding, ruleId: 'log-in-loop', range: { start: { line: finding.range.start.line + 1, character: 0 }, end: finding.range.end } };
    const twice = applyEdits(once, disableForLineFix(once, other).edits);
    assert.match(twice, /\/\/gotracelens:ignore task-per-iteration,log-in-loop\n/);
    assertGofmtClean([{ name: 'once', text: once }, { name: 'twice', text: twice }]);
  });
});

describe('applyEdits', () => {
  const text = 'ab\ncd\nef';
  const at = (line: number, character: number) => ({ line, character });
  test('applies edits in any order, insertions at one point in the given order', () => {
    const edits = [
      { range: { start: at(2, 0), end: at(2, 1) }, newText: 'E' },
      { range: { start: at(0, 1), end: at(1, 1) }, newText: '-' },
      { range: { start: at(2, 2), end: at(2, 2) }, newText: '1' },
      { range: { start: at(2, 2), end: at(2, 2) }, newText: '2' },
    ];
    assert.equal(applyEdits(text, edits), 'a-d\nEf12');
  });
  test('rejects overlapping edits', () => {
    assert.throws(() => applyEdits(text, [{ range: { start: at(0, 0), end: at(1, 1) }, newText: '' }, { range: { start: at(0, 1), end: at(0, 2) }, newText: '' }]));
  });
});

test('goVersionFromGoMod reads the go directive', () => {
  assert.equal(goVersionFromGoMod('module x\n\ngo 1.23\n'), '1.23');
  assert.equal(goVersionFromGoMod('module x\r\ngo 1.22.4 // pinned\r\ntoolchain go1.25.0\r\n'), '1.22.4');
  assert.equal(goVersionFromGoMod('module x\n\ngo 1.21rc1\n'), '1.21rc1');
  assert.equal(goVersionFromGoMod('module x\n// go 1.20\n'), undefined);
  assert.equal(goVersionFromGoMod('module x\ntoolchain go1.25.0\n'), undefined);
});

test('rule metadata: kebab-case ids, unique, docs with a bad and a good example', () => {
  const seen = new Set<string>();
  for (const { meta } of RULES) {
    assert.match(meta.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(!seen.has(meta.id), meta.id);
    seen.add(meta.id);
    assert.match(ruleProse(meta.id), /\*\*Bad\*\*[\s\S]*```go[\s\S]*\*\*Good\*\*[\s\S]*```go/, meta.id);
    assert.ok(ruleById(meta.id) !== undefined);
  }
  const practices = new Set(RULES.map((r) => r.meta.practice).filter((e) => e !== undefined));
  assert.deepEqual([...practices].sort(), [...TRACING_PRACTICES].sort());
});
