// `go-trace-lens lint` through the bundled CLI (dist/cli.js): formats, exit codes, --fix, file walking.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { goroot } from '../../scripts/go-toolchain.mjs';
import { MISUSE, SERVER } from '../lsp/sources';
import { validateSarif } from './sarif';

const CLI = resolve('dist/cli.js');
const root = mkdtempSync(join(tmpdir(), 'gtl-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

const CLEAN = `package main

import "fmt"

func main() { fmt.Println("no tracing here") }
`;

function write(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function lint(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [CLI, 'lint', ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('text output: file:line:col: severity: message [rule-id], exit 1 on findings, 0 when clean', () => {
  const dir = write({ 'a/main.go': MISUSE, 'b/clean.go': CLEAN });
  const dirty = lint(['a'], dir);
  assert.equal(dirty.status, 1);
  assert.deepEqual(dirty.stdout.trim().split('\n').map((l) => l.replace(/: (warning|error): .* \[/, ': $1: … [')), [
    'a/main.go:11:2: warning: … [start-error-ignored]',
    'a/main.go:14:2: error: … [region-result-discarded]',
  ]);
  const clean = lint(['b'], dir);
  assert.deepEqual([clean.status, clean.stdout], [0, '']);
});

test('walking skips vendor/, testdata/, names starting with . or _ and non-Go files, like the go tool', () => {
  const dir = write({
    'pkg/main.go': MISUSE,
    'pkg/vendor/v.go': MISUSE, 'pkg/testdata/t.go': MISUSE, 'pkg/.hidden/h.go': MISUSE, 'pkg/_skip/s.go': MISUSE,
    'pkg/_file.go': MISUSE, 'pkg/.file.go': MISUSE, 'pkg/notes.txt': MISUSE, 'pkg/sub/deeper/d.go': MISUSE,
  });
  const files = (args: string[]) => [...new Set(JSON.parse(lint(['--format', 'json', ...args], dir).stdout).findings.map((f: { file: string }) => f.file))].sort();
  assert.deepEqual(files(['pkg']), ['pkg/main.go', 'pkg/sub/deeper/d.go']);
  assert.deepEqual(files(['./pkg/...']), ['pkg/main.go', 'pkg/sub/deeper/d.go']);
  // A file named explicitly is linted wherever it is; a path given twice counts once.
  assert.deepEqual(files(['pkg/testdata/t.go', 'pkg/testdata/t.go']), ['pkg/testdata/t.go']);
  assert.equal(JSON.parse(lint(['--format=json', 'pkg'], dir).stdout).files, 2);
});

test('json output lists each finding with 1-based positions, fixability, suggestions and its documentation', () => {
  const dir = write({ 'main.go': MISUSE });
  const { status, stdout } = lint(['--format', 'json', '.'], dir);
  assert.equal(status, 1);
  const report = JSON.parse(stdout);
  assert.equal(report.files, 1);
  assert.deepEqual(report.findings[0], {
    file: 'main.go', line: 11, column: 2, endLine: 11, endColumn: 16, severity: 'warning', ruleId: 'start-error-ignored',
    message: report.findings[0].message, fixable: false,
    suggestions: ["Check trace.Start's error: panic(err) when tracing cannot start"],
    helpUri: 'https://github.com/go-trace-lens/go-trace-lens/blob/main/docs/rules/start-error-ignored.md',
  });
  assert.deepEqual([report.findings[1].ruleId, report.findings[1].fixable, report.findings[1].suggestions], ['region-result-discarded', true, []]);
});

test('SARIF 2.1.0 output is structurally valid and matches the text findings', () => {
  const dir = write({ 'src/main.go': MISUSE, 'src/clean.go': CLEAN });
  const { status, stdout } = lint(['--format', 'sarif', 'src'], dir);
  assert.equal(status, 1);
  const sarif = JSON.parse(stdout);
  assert.deepEqual(validateSarif(sarif), []);
  const run = sarif.runs[0];
  assert.ok(run.tool.driver.rules.length >= 18, 'every rule is described, found or not');
  const text = lint(['src'], dir).stdout.trim().split('\n');
  assert.deepEqual(run.results.map((r: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }) => {
    const { artifactLocation, region } = r.locations[0].physicalLocation;
    return `${artifactLocation.uri}:${region.startLine}:${region.startColumn}: ${r.level} [${r.ruleId}]`;
  }), text.map((line) => line.replace(/: (warning|error): .* \[/, ': $1 [')));
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `file://${dir}/`);
  // No findings: still a valid log with an empty result list.
  const clean = JSON.parse(lint(['--format', 'sarif', 'src/clean.go'], dir).stdout);
  assert.deepEqual([validateSarif(clean), clean.runs[0].results], [[], []]);
});

test('--fix applies the behaviour-preserving fixes only, rewrites the file gofmt-clean and reports what is left', () => {
  const dir = write({ 'main.go': MISUSE, 'clean.go': CLEAN });
  const result = lint(['--fix', '.'], dir);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /main\.go: applied 1 fix\n/);
  // The region is ended; checking trace.Start's error would make the program stop: a suggestion, left alone.
  assert.deepEqual(result.stdout.trim().split('\n').map((l) => l.replace(/: warning: .* \[/, ': warning: … [')), ['main.go:11:2: warning: … [start-error-ignored]']);
  const fixed = readFileSync(join(dir, 'main.go'), 'utf8');
  assert.equal(fixed, MISUSE.replace('\ttrace.StartRegion(ctx, "work")\n', '\tdefer trace.StartRegion(ctx, "work").End()\n'));
  assert.equal(readFileSync(join(dir, 'clean.go'), 'utf8'), CLEAN);
  const gofmt = spawnSync(join(goroot('1.26'), 'bin/gofmt'), ['-l', dir], { encoding: 'utf8' });
  assert.deepEqual([gofmt.status, gofmt.stdout, gofmt.stderr], [0, '', '']);
  // Nothing more to apply: a second run leaves the file as it is.
  assert.doesNotMatch(lint(['--fix', '.'], dir).stderr, /applied/);
  assert.equal(readFileSync(join(dir, 'main.go'), 'utf8'), fixed);
});

test('--fix leaves a file that is not valid UTF-8 untouched', () => {
  const bytes = Buffer.concat([Buffer.from(MISUSE), Buffer.from('// \xff\n', 'latin1')]);
  const dir = write({ 'main.go': bytes });
  const result = lint(['--fix', 'main.go'], dir);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /not valid UTF-8, left unfixed/);
  assert.ok(readFileSync(join(dir, 'main.go')).equals(bytes));
});

test('a //gotracelens:ignore comment silences the finding in the CLI too', () => {
  const dir = write({ 'main.go': MISUSE.replace('\ttrace.StartRegion', '\t//gotracelens:ignore region-result-discarded\n\ttrace.StartRegion') });
  assert.deepEqual(JSON.parse(lint(['--format', 'json', '.'], dir).stdout).findings.map((f: { ruleId: string }) => f.ruleId), ['start-error-ignored']);
});

test("the enclosing go.mod's Go version picks the flight-recorder suggestion, which --fix never applies", () => {
  const suggestedWith = (goVersion: string) => {
    const dir = write({ 'go.mod': `module example.com/srv\n\ngo ${goVersion}\n`, 'cmd/srv/main.go': SERVER });
    assert.doesNotMatch(lint(['--fix', '.'], dir).stderr, /applied/);
    assert.equal(readFileSync(join(dir, 'cmd/srv/main.go'), 'utf8'), SERVER);
    const findings = JSON.parse(lint(['--format', 'json', '.'], dir).stdout).findings as { ruleId: string; suggestions: string[] }[];
    return findings.find((f) => f.ruleId === 'continuous-tracing')!.suggestions;
  };
  assert.deepEqual(suggestedWith('1.25'), ['Replace continuous tracing with a flight recorder (runtime/trace, Go 1.25+): the trace file is no longer written']);
  assert.deepEqual(suggestedWith('1.23'), ['Replace continuous tracing with a flight recorder (golang.org/x/exp/trace): the trace file is no longer written']);
  // Before Go 1.23 there is no flight recorder to switch to: reported, nothing suggested.
  assert.deepEqual(suggestedWith('1.22'), []);
});

test('--wrapper checks a wrapper\'s call sites as the runtime/trace calls it stands for; a malformed one is a usage error', () => {
  const dir = write({ 'main.go': 'package main\n\nimport (\n\t"context"\n\n\t"example.com/app/tracing"\n)\n\nfunc work(ctx context.Context) {\n\tctx, span := tracing.StartSpan(ctx, "work")\n\trun(ctx)\n}\n\nfunc run(context.Context) {}\n' });
  assert.deepEqual([lint(['.'], dir).status, lint(['.'], dir).stdout], [0, '']);
  const wrapped = lint(['--wrapper', 'example.com/app/tracing.StartSpan=task', '.'], dir);
  assert.equal(wrapped.status, 1);
  assert.match(wrapped.stdout, /^main\.go:10:7: warning: Task span \(from tracing\.StartSpan\) is never ended: end it \[task-not-ended\]\n$/);
  const bad = lint(['--wrapper', 'example.com/app/tracing.StartSpan=span', '.'], dir);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--wrapper needs FUNCTION=KIND/);
});

test('--capture-window sets the threshold for long capture windows', () => {
  const dir = write({ 'fetch.go': 'package fetch\n\nconst url = "http://localhost:6060/debug/pprof/trace?seconds=8"\n' });
  assert.equal(lint(['fetch.go'], dir).status, 1);
  assert.equal(lint(['--capture-window', '10', 'fetch.go'], dir).status, 0);
  assert.equal(lint(['--capture-window=10', 'fetch.go'], dir).status, 0);
});

test('usage and I/O errors exit 2 with a message on stderr', () => {
  for (const args of [[], ['--format', 'xml', '.'], ['--bogus', '.'], ['--capture-window', '-1', '.'], ['--format'], ['notes.txt']]) {
    const dir = write({ 'notes.txt': 'hello' });
    const result = lint(args, dir);
    assert.equal(result.status, 2, args.join(' '));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /go-trace-lens lint: /);
  }
  const missing = lint(['does-not-exist']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /does-not-exist: no such file or directory/);
  const help = lint(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: go-trace-lens lint/);
});
