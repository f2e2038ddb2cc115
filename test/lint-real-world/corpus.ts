// The real-world corpus (test/fixtures/real-world/corpus.json): Go files from Debian packages that
// scripts/install-corpus.sh downloads into .cache/corpus/, with findings expected by hand. Here:
// reading it, finding each expectation's line by its text, and scoring findings against it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../server/src/analysis/types';

export const ROOT = join(__dirname, '..', '..');
export const MANIFEST = join(ROOT, 'test', 'fixtures', 'real-world', 'corpus.json');
export const CORPUS = join(ROOT, '.cache', 'corpus');

/** A line of the file, found by its trimmed text (the line number is only a hint, so small shifts survive). */
export interface Anchor {
  line: number;
  text: string;
  why: string;
}

export interface Expectation extends Anchor {
  rule: string;
}

export interface PackageInfo {
  kind: 'deb' | 'source';
  version: string;
  suite: string;
  root: string;
  project: string;
  url: string;
  license: string;
}

export interface CorpusFile {
  package: string;
  path: string;
  /** Builds on its own with the standard library (`go vet FILE` in an empty module). */
  buildsAlone: boolean;
  /** Findings a correct linter reports. */
  expected?: Expectation[];
  /** Lines that look like misuse but are not, with the reason: printed beside a false positive there. */
  correct?: Anchor[];
}

export interface Manifest {
  packages: Record<string, PackageInfo>;
  files: CorpusFile[];
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
}

export function corpusPath(file: CorpusFile): string {
  return join(CORPUS, file.package, file.path);
}

/** Throws with the command to run when any corpus file is missing: the test never skips silently. */
export function requireCorpus(manifest: Manifest): void {
  const missing = manifest.files.filter((f) => !existsSync(corpusPath(f)));
  if (missing.length > 0) {
    throw new Error(`${missing.length} real-world corpus files are missing (first: ${corpusPath(missing[0])}): run scripts/install-corpus.sh`);
  }
}

/** The version the installer actually got, when the archive no longer had the pinned one. */
export function installedVersion(name: string): string | undefined {
  const path = join(CORPUS, name, '.version.got');
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/** 0-based line of the anchor: the line with its text nearest the hint, or undefined when the text is gone. */
export function locate(lines: readonly string[], anchor: Anchor): number | undefined {
  let best: number | undefined;
  lines.forEach((line, index) => {
    if (line.trim() !== anchor.text) return;
    if (best === undefined || Math.abs(index + 1 - anchor.line) < Math.abs(best + 1 - anchor.line)) best = index;
  });
  return best;
}

export interface Located<T> {
  item: T;
  line: number;
}

export interface FileScore {
  truePositives: { expectation: Expectation; finding: Finding }[];
  falsePositives: { finding: Finding; note?: Anchor }[];
  falseNegatives: Located<Expectation>[];
}

/**
 * Pairs findings with expectations: same rule, and the expected line inside the finding's range.
 * Each finding and each expectation is used once; the rest are false positives and false negatives.
 */
export function scoreFile(findings: readonly Finding[], expected: readonly Located<Expectation>[], correct: readonly Located<Anchor>[]): FileScore {
  const open = [...expected];
  const score: FileScore = { truePositives: [], falsePositives: [], falseNegatives: [] };
  for (const finding of findings) {
    const index = open.findIndex(({ item, line }) => item.rule === finding.ruleId && finding.range.start.line <= line && line <= finding.range.end.line);
    if (index === -1) {
      const note = correct.find(({ line }) => finding.range.start.line <= line && line <= finding.range.end.line)?.item;
      score.falsePositives.push({ finding, ...(note ? { note } : {}) });
    } else {
      score.truePositives.push({ expectation: open[index].item, finding });
      open.splice(index, 1);
    }
  }
  score.falseNegatives = open;
  return score;
}

export interface Tally {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Precision and recall; an empty denominator counts as 1 (nothing reported, nothing to find). */
export function ratios(t: Tally): { precision: number; recall: number } {
  const reported = t.truePositives + t.falsePositives;
  const real = t.truePositives + t.falseNegatives;
  return { precision: reported === 0 ? 1 : t.truePositives / reported, recall: real === 0 ? 1 : t.truePositives / real };
}
