// `go-trace-lens lint [--format text|json|sarif] [--fix] [--capture-window SECONDS] PATH...`
// Exit codes: 0 no findings, 1 findings, 2 usage or I/O error.
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { lintTree } from '../analysis/runRules';
import { createGoParser, type Parser } from '../analysis/parser';
import { RULES } from '../analysis/rules/index';
import { automaticFix, DEFAULT_LINT_OPTIONS, type Finding, type LintOptions, type Wrapper } from '../analysis/types';
import { parseSignature, parseWrappers } from '../analysis/wrappers';
import { fixAllText } from '../analysis/fixAll';
import { GoModules } from '../analysis/goModules';
import { ruleDocumentationUrl } from '../../../common/ruleDocs';
import { goFilesUnder, UsageError } from './goFiles';
import { toSarif, type FileFindings } from './sarif';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

const usage = `usage: go-trace-lens lint [--format text|json|sarif] [--fix] [--capture-window SECONDS] [--wrapper FUNCTION=KIND]... PATH...

Reports misuse of runtime/trace in the .go files under each PATH (a file, a directory or dir/...),
skipping vendor/, testdata/ and names starting with "." or "_" as the go tool does.
  --format FORMAT           text (default): file:line:col: severity: message [rule-id]
                            json: {"files": N, "findings": [...]}; sarif: SARIF 2.1.0
  --fix                     apply every behaviour-preserving fix and rewrite the files
                            (suggestions, which change behaviour, are left to the editor)
  --capture-window SECONDS  flag capture windows longer than this (default ${DEFAULT_LINT_OPTIONS.captureWindowSeconds})
  --wrapper FUNCTION=KIND   check calls of FUNCTION as the runtime/trace calls it wraps; KIND is task,
                            region or end; FUNCTION is example.com/app/tracing.StartSpan, startRegion
                            (the file's own package) or (example.com/app/tracing.Tracer).Start (a method)
Suppress a finding with a //gotracelens:ignore RULE-ID comment on the line above it.
Exit status: 0 no findings, 1 findings, 2 usage or I/O error.
`;

interface Arguments {
  format: Format;
  fix: boolean;
  captureWindowSeconds: number;
  wrappers: Wrapper[];
  paths: string[];
}

function parseArguments(args: string[]): Arguments | 'help' {
  const parsed: Arguments = { format: 'text', fix: false, captureWindowSeconds: DEFAULT_LINT_OPTIONS.captureWindowSeconds, wrappers: [], paths: [] };
  for (let i = 0; i < args.length; i++) {
    const [flag, inlineValue] = args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    const value = (): string => {
      const v = inlineValue ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '-h' || flag === '--help') return 'help';
    else if (flag === '--fix') parsed.fix = true;
    else if (flag === '--format') {
      const format = value();
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}" (text, json or sarif)`);
      parsed.format = format as Format;
    } else if (flag === '--capture-window') {
      const seconds = Number(value());
      if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--capture-window needs a positive number of seconds');
      parsed.captureWindowSeconds = seconds;
    } else if (flag === '--wrapper') {
      const spec = value();
      const wrapper = parseWrappers([{ function: spec.slice(0, spec.lastIndexOf('=')), kind: spec.slice(spec.lastIndexOf('=') + 1) }])[0];
      if (!wrapper || !parseSignature(wrapper)) throw new UsageError(`--wrapper needs FUNCTION=KIND with KIND task, region or end, not "${spec}"`);
      parsed.wrappers.push(wrapper);
    } else if (flag === '--') {
      parsed.paths.push(...args.slice(i + 1));
      break;
    } else if (flag.startsWith('-')) throw new UsageError(`unknown flag ${flag}`);
    else parsed.paths.push(flag);
  }
  if (parsed.paths.length === 0) throw new UsageError('no PATH given');
  return parsed;
}

/** Paths print relative to the working directory when they lie under it, like go vet's. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function textReport(files: FileFindings[]): string {
  return files.flatMap(({ path, findings }) => findings.map((f) =>
    `${displayPath(path)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity}: ${f.message} [${f.ruleId}]\n`)).join('');
}

function jsonReport(files: FileFindings[], fileCount: number): string {
  const findings = files.flatMap(({ path, findings }) => findings.map((f) => ({
    file: displayPath(path),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    severity: f.severity,
    ruleId: f.ruleId,
    message: f.message,
    fixable: automaticFix(f) !== undefined,
    suggestions: f.fixes.filter((fix) => !fix.preservesBehaviour).map((fix) => fix.title),
    helpUri: ruleDocumentationUrl(f.ruleId),
  })));
  return `${JSON.stringify({ files: fileCount, findings }, null, 2)}\n`;
}

function lintSource(parser: Parser, text: string, options: LintOptions): Finding[] {
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter could not parse the file');
  try {
    return lintTree(tree, text, options);
  } finally {
    tree.delete();
  }
}

/** Lints one file, applying fixes first when asked; the findings returned are those left. */
function lintFile(parser: Parser, path: string, options: LintOptions, fix: boolean): Finding[] {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  const findings = lintSource(parser, text, options);
  if (!fix || !findings.some((f) => automaticFix(f) !== undefined)) return findings;
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    process.stderr.write(`go-trace-lens: ${displayPath(path)}: not valid UTF-8, left unfixed\n`);
    return findings;
  }
  const fixed = fixAllText(parser, text, options, findings);
  if (fixed.applied === 0) return findings;
  writeFileSync(path, fixed.text);
  process.stderr.write(`go-trace-lens: ${displayPath(path)}: applied ${fixed.applied} fix${fixed.applied === 1 ? '' : 'es'}\n`);
  return lintSource(parser, fixed.text, options);
}

export async function runLint(args: string[]): Promise<number> {
  let parsed: Arguments | 'help';
  let paths: string[];
  try {
    parsed = parseArguments(args);
    if (parsed === 'help') {
      process.stdout.write(usage);
      return 0;
    }
    paths = goFilesUnder(parsed.paths);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`go-trace-lens lint: ${message}\n${error instanceof UsageError ? `\n${usage}` : ''}`);
    return 2;
  }

  const parser = await createGoParser();
  const goModules = new GoModules();
  const results: FileFindings[] = [];
  let ioErrors = 0;
  for (const path of paths) {
    const options: LintOptions = { ...DEFAULT_LINT_OPTIONS, captureWindowSeconds: parsed.captureWindowSeconds, wrappers: parsed.wrappers, goVersion: goModules.goVersionFor(resolve(path)) };
    try {
      const findings = lintFile(parser, path, options, parsed.fix);
      if (findings.length > 0) results.push({ path, findings });
    } catch (error) {
      ioErrors++;
      process.stderr.write(`go-trace-lens: ${displayPath(path)}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  parser.delete();

  if (parsed.format === 'text') process.stdout.write(textReport(results));
  else if (parsed.format === 'json') process.stdout.write(jsonReport(results, paths.length));
  else process.stdout.write(`${JSON.stringify(toSarif(results.map((r) => ({ ...r, path: resolve(r.path) })), RULES.map((rule) => rule.meta), process.cwd()), null, 2)}\n`);
  if (ioErrors > 0) return 2;
  return results.length > 0 ? 1 : 0;
}
