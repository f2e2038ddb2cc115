// Lints the real-world corpus (see docs/real-world-corpus.md) with the real engine and every rule at
// its default severity, scores the findings against the expectations judged by hand, and fails below
// precision 0.95 or recall 0.9. Then applies `go-trace-lens lint --fix` (the bundled CLI) to a copy
// of every file with findings: the result must parse, be gofmt-clean, and still build where the
// original builds (on its own, or in its package for Go's own source at the toolchain's version).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { goBinary, goEnv, goroot, requireGo } from '../../scripts/go-toolchain.mjs';
import { lintText } from '../../server/src/analysis/runRules';
import { createGoParser, type Parser } from '../../server/src/analysis/parser';
import { RULES } from '../../server/src/analysis/rules/index';
import { DEFAULT_LINT_OPTIONS, type Finding } from '../../server/src/analysis/types';
import { GOFMT } from '../lint-rules/harness';
import {
  corpusPath, installedVersion, locate, ratios, readManifest, requireCorpus, ROOT, scoreFile,
  type Anchor, type CorpusFile, type FileScore, type Located, type Tally,
} from './corpus';

const MIN_PRECISION = 0.95;
const MIN_RECALL = 0.9;
const GO_VERSION = '1.26';

/** Rule ids proposed in issue 14 that expectations may use before the rule exists (counted as missed until then). */
const PROPOSED_RULES = new Set([
  'trace-file-not-closed',
  'stop-without-start',
  'start-with-pprof-endpoint',
  'region-ended-on-other-goroutine',
  'log-costly-argument',
]);

const manifest = readManifest();
let parser: Parser;
const scratch = mkdtempSync(join(tmpdir(), 'gtl-real-world-'));

interface Linted {
  file: CorpusFile;
  text: string;
  findings: Finding[];
  score: FileScore;
}
let linted: Linted[];

before(async () => {
  requireCorpus(manifest);
  parser = await createGoParser();
  linted = manifest.files.map((file) => {
    const text = readFileSync(corpusPath(file), 'utf8');
    const lines = text.split('\n');
    const at = <T extends Anchor>(item: T): Located<T> => ({ item, line: locate(lines, item) ?? -1 });
    const findings = lintText(parser, text, DEFAULT_LINT_OPTIONS);
    return { file, text, findings, score: scoreFile(findings, (file.expected ?? []).map(at), (file.correct ?? []).map(at)) };
  });
});
after(() => {
  parser?.delete();
  rmSync(scratch, { recursive: true, force: true });
});

const label = (file: CorpusFile, line: number) => `${file.package}/${file.path}:${line + 1}`;
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

test('the manifest is consistent: packages known, files import runtime/trace, anchors found, rule ids known or proposed', () => {
  const known = new Set(RULES.map((r) => r.meta.id));
  const problems: string[] = [];
  for (const { file, text } of linted) {
    if (!manifest.packages[file.package]) problems.push(`${file.path}: unknown package ${file.package}`);
    if (!/"runtime\/trace"|"golang\.org\/x\/exp\/trace"/.test(text)) problems.push(`${label(file, 0)}: imports neither runtime/trace nor golang.org/x/exp/trace`);
    const lines = text.split('\n');
    for (const anchor of [...(file.expected ?? []), ...(file.correct ?? [])]) {
      if (locate(lines, anchor) === undefined) problems.push(`${label(file, anchor.line - 1)}: no line reads ${JSON.stringify(anchor.text)} (the package moved on? judge the file again)`);
    }
    for (const e of file.expected ?? []) {
      if (!known.has(e.rule) && !PROPOSED_RULES.has(e.rule)) problems.push(`${label(file, e.line - 1)}: unknown rule id ${e.rule}`);
    }
  }
  const paths = manifest.files.map((f) => `${f.package}/${f.path}`);
  assert.deepEqual(paths.filter((p, i) => paths.indexOf(p) !== i), [], 'files listed twice');
  assert.deepEqual(problems, []);
});

test(`precision ≥ ${MIN_PRECISION} and recall ≥ ${MIN_RECALL} on the real-world corpus`, () => {
  const perRule = new Map<string, Tally>();
  const tally = (rule: string) => perRule.get(rule) ?? perRule.set(rule, { truePositives: 0, falsePositives: 0, falseNegatives: 0 }).get(rule)!;
  const report: string[] = [];
  for (const { file, score } of linted) {
    for (const tp of score.truePositives) tally(tp.expectation.rule).truePositives++;
    for (const { finding, note } of score.falsePositives) {
      tally(finding.ruleId).falsePositives++;
      report.push(`  FP ${label(file, finding.range.start.line)} [${finding.ruleId}] ${finding.message}${note ? `\n       judged correct: ${note.why}` : ''}`);
    }
    for (const { item, line } of score.falseNegatives) {
      tally(item.rule).falseNegatives++;
      report.push(`  FN ${label(file, line)} [${item.rule}${PROPOSED_RULES.has(item.rule) && !RULES.some((r) => r.meta.id === item.rule) ? ', proposed' : ''}] ${item.why}`);
    }
  }
  const total: Tally = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  const rows = [...perRule].sort(([a], [b]) => a.localeCompare(b)).map(([rule, t]) => {
    total.truePositives += t.truePositives;
    total.falsePositives += t.falsePositives;
    total.falseNegatives += t.falseNegatives;
    const { precision, recall } = ratios(t);
    return `  ${rule.padEnd(38)} TP ${String(t.truePositives).padStart(3)}  FP ${String(t.falsePositives).padStart(3)}  FN ${String(t.falseNegatives).padStart(3)}  precision ${percent(precision).padStart(6)}  recall ${percent(recall).padStart(6)}`;
  });
  const { precision, recall } = ratios(total);
  const projects = new Set(manifest.files.map((f) => manifest.packages[f.package].project));
  const moved = Object.entries(manifest.packages).filter(([name, p]) => installedVersion(name) !== undefined && installedVersion(name) !== p.version);
  console.log([
    `Real-world corpus: ${manifest.files.length} files, ${projects.size} projects, ${Object.keys(manifest.packages).length} Debian packages`,
    ...moved.map(([name, p]) => `  note: ${name} ${p.version} was judged, ${installedVersion(name)} is installed`),
    ...rows,
    `  ${'total'.padEnd(38)} TP ${String(total.truePositives).padStart(3)}  FP ${String(total.falsePositives).padStart(3)}  FN ${String(total.falseNegatives).padStart(3)}  precision ${percent(precision).padStart(6)}  recall ${percent(recall).padStart(6)}`,
    ...report,
  ].join('\n'));
  assert.ok(precision >= MIN_PRECISION && recall >= MIN_RECALL,
    `precision ${percent(precision)} (minimum ${percent(MIN_PRECISION)}), recall ${percent(recall)} (minimum ${percent(MIN_RECALL)}); the false positives and negatives are listed above`);
});

/** `go vet` on one file in an empty module (explicit file, so `//go:build ignore` programs count too). */
function vet(text: string, name: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(scratch, 'vet-'));
  writeFileSync(join(dir, 'go.mod'), `module corpus\n\ngo ${GO_VERSION}\n`);
  writeFileSync(join(dir, name), text);
  const result = spawnSync(goBinary(GO_VERSION), ['vet', name], { cwd: dir, encoding: 'utf8', env: { ...goEnv(GO_VERSION), GOFLAGS: '' } });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * A file of Go's own source at the installed toolchain's version, vetted in its package: the package
 * with the file replaced through -overlay (the toolchain's tree is never modified). Undefined when
 * the toolchain's copy differs (another patch release), so the package would not be the same.
 */
function vetInGoroot(file: CorpusFile, original: string, text: string): { ok: boolean; output: string } | undefined {
  if (file.package !== `golang-${GO_VERSION}-src` || !file.path.startsWith('src/') || file.path.includes('/testdata/')) return undefined;
  const inGoroot = join(goroot(GO_VERSION), file.path);
  if (!existsSync(inGoroot) || readFileSync(inGoroot, 'utf8') !== original) return undefined;
  const dir = mkdtempSync(join(scratch, 'overlay-'));
  writeFileSync(join(dir, basename(file.path)), text);
  writeFileSync(join(dir, 'overlay.json'), JSON.stringify({ Replace: { [inGoroot]: join(dir, basename(file.path)) } }));
  const importPath = dirname(file.path.slice('src/'.length));
  const result = spawnSync(goBinary(GO_VERSION), ['vet', '-overlay', join(dir, 'overlay.json'), importPath],
    { cwd: join(goroot(GO_VERSION), 'src'), encoding: 'utf8', env: { ...goEnv(GO_VERSION), GOFLAGS: '' } });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

test('lint --fix on a copy of every file with findings: parses, gofmt-clean, builds where the original built', () => {
  const cli = join(ROOT, 'dist', 'cli.js');
  assert.ok(existsSync(cli), `${cli} is missing: run npm run build`);
  assert.ok(existsSync(GOFMT), `gofmt not found at ${GOFMT}: run scripts/install-go.sh ${GO_VERSION}`);
  requireGo(GO_VERSION);
  const withFindings = linted.filter((l) => l.findings.length > 0);
  const copies = withFindings.map(({ file }, index) => {
    const dir = join(scratch, 'fix', String(index));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, basename(file.path));
    copyFileSync(corpusPath(file), path);
    return path;
  });
  const run = spawnSync(process.execPath, [cli, 'lint', '--fix', join(scratch, 'fix')], { encoding: 'utf8' });
  assert.ok(run.status === 0 || run.status === 1, `lint --fix failed (${run.status}): ${run.stderr}`);
  const problems: string[] = [];
  const applied: string[] = [];
  let built = 0;
  withFindings.forEach(({ file, text, findings }, index) => {
    const fixed = readFileSync(copies[index], 'utf8');
    if (fixed === text) return;
    const where = `${file.package}/${file.path}`;
    const fixable = findings.filter((f) => f.fixes.some((x) => x.isPreferred)).map((f) => `${f.ruleId}@${f.range.start.line + 1}`);
    applied.push(`  ${where}: ${fixable.join(', ')}`);
    const tree = parser.parse(fixed)!;
    if (tree.rootNode.hasError) problems.push(`${where}: the fixed file has syntax errors`);
    tree.delete();
    const gofmt = spawnSync(GOFMT, ['-l', copies[index]], { encoding: 'utf8' });
    if (gofmt.status !== 0 || gofmt.stdout.trim() !== '') problems.push(`${where}: the fixed file is not gofmt-clean ${gofmt.stderr}`);
    if (file.buildsAlone) {
      const original = vet(text, basename(file.path));
      if (!original.ok) problems.push(`${where}: marked buildsAlone but the original does not build: ${original.output}`);
      const result = vet(fixed, basename(file.path));
      if (!result.ok) problems.push(`${where}: the fixed file no longer builds: ${result.output}`);
      built++;
    } else {
      const result = vetInGoroot(file, text, fixed);
      if (result) {
        built++;
        // Only a failure the original does not share is the fix's fault.
        if (!result.ok && vetInGoroot(file, text, text)?.ok) problems.push(`${where}: the fixed file no longer builds in its package: ${result.output}`);
      }
    }
  });
  console.log([`lint --fix: ${withFindings.length} files with findings, ${applied.length} changed (preferred fixes below), ${built} of them built with go vet (alone, or in their package of Go's source)`, ...applied].join('\n'));
  assert.deepEqual(problems, []);
});
