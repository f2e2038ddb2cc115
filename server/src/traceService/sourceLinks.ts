// Maps source locations recorded in a trace to files in the workspace. A
// trace recorded on another machine names paths that do not exist here
// (/home/ci/src/app/internal/x.go); those are matched by their longest path
// suffix under a workspace folder or one of its Go module roots.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { SourceLocation } from '../../../common/traceModel';
import { isFile } from '../analysis/files';

/** Calls whose lines annotation sites point at. */
const ANNOTATION_CALL = /\b(NewTask|StartRegion|WithRegion|Log|Logf)\s*\(/;
/** How far from the recorded line a moved annotation call is looked for. */
const MOVED_CALL_WINDOW = 30;
const MODULE_SCAN_DEPTH = 3;
const SKIPPED_DIRS = new Set(['node_modules', 'vendor', 'testdata', '.git']);

export interface SourceMatch { path: string; matchedBySuffix: boolean }

export interface LineCheck {
  /** 0-based line to show: the recorded one, or where the call seems to have moved. */
  line: number;
  stale?: string;
}

export class SourceLinks {
  private roots: string[] = [];
  private readonly cache = new Map<string, SourceMatch | null>();

  /** Workspace folders; Go module roots (folders with go.mod) below them are found here. */
  setWorkspaceFolders(folders: string[]): void {
    const roots = new Set<string>();
    for (const folder of folders) {
      roots.add(folder);
      for (const moduleRoot of findModuleRoots(folder, MODULE_SCAN_DEPTH)) roots.add(moduleRoot);
    }
    this.roots = [...roots];
    this.cache.clear();
  }

  resolve(file: string): SourceMatch | undefined {
    let match = this.cache.get(file);
    if (match === undefined) {
      match = this.find(file) ?? null;
      this.cache.set(file, match);
    }
    return match ?? undefined;
  }

  private find(file: string): SourceMatch | undefined {
    if (file === '') return undefined;
    const underRoot = this.roots.some((root) => isInside(root, file));
    if (underRoot && isFile(file)) return { path: file, matchedBySuffix: false };
    const segments = file.split(/[\\/]+/).filter((s) => s !== '');
    // Longest suffix first: a/b/c/x.go beats c/x.go, which could be any x.go in any c/.
    for (let i = 0; i < segments.length; i++) {
      for (const root of this.roots) {
        const candidate = join(root, ...segments.slice(i));
        if (isFile(candidate)) return { path: candidate, matchedBySuffix: true };
      }
    }
    // Outside the workspace but present (the standard library of this machine's Go).
    return isFile(file) ? { path: file, matchedBySuffix: false } : undefined;
  }
}

/**
 * Checks that a recorded line still holds what the trace says. For an annotation site the line
 * must hold a runtime/trace annotation call; when it does not, a nearby one is offered instead.
 */
export function checkLine(text: string, location: SourceLocation, annotation: boolean): LineCheck {
  const lines = text.split(/\r?\n/);
  const line = location.line - 1;
  if (line >= lines.length) return { line: Math.max(0, lines.length - 1), stale: `the file has ${lines.length} lines now; the trace points at line ${location.line}` };
  if (!annotation || ANNOTATION_CALL.test(lines[line])) return { line };
  for (let distance = 1; distance <= MOVED_CALL_WINDOW; distance++) {
    for (const candidate of [line - distance, line + distance]) {
      if (candidate >= 0 && candidate < lines.length && ANNOTATION_CALL.test(lines[candidate])) {
        return { line: candidate, stale: `line ${location.line} no longer holds the runtime/trace call recorded in the trace; it seems to have moved to line ${candidate + 1}` };
      }
    }
  }
  return { line, stale: `line ${location.line} no longer holds the runtime/trace call recorded in the trace (the file changed since)` };
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel);
}

function findModuleRoots(dir: string, depth: number): string[] {
  const found: string[] = [];
  if (existsSync(join(dir, 'go.mod'))) found.push(dir);
  if (depth === 0) return found;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) found.push(...findModuleRoots(join(dir, entry.name), depth - 1));
  }
  return found;
}
