// Which .go files `lint PATH...` reads, by the go tool's rules: directories named vendor or testdata
// and those starting with "." or "_" are skipped, as are files starting with "." or "_". A path given
// explicitly is always used; "dir/..." means the same as "dir". Symlinked directories are not followed.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isFile } from '../analysis/files';

export class UsageError extends Error {}

function ignoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

function walk(dir: string, found: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (ignoredName(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'vendor' && entry.name !== 'testdata') walk(path, found);
    } else if (entry.name.endsWith('.go') && (entry.isFile() || (entry.isSymbolicLink() && isFile(path)))) {
      found.push(path);
    }
  }
}

/** The Go files under the given paths, each once, in a stable order. Throws on a missing path. */
export function goFilesUnder(paths: string[]): string[] {
  const found: string[] = [];
  for (const given of paths) {
    const path = given.endsWith('/...') ? given.slice(0, -4) || '/' : given;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new Error(`${given}: no such file or directory`);
    if (stat.isDirectory()) walk(path, found);
    else if (path.endsWith('.go')) found.push(path);
    else throw new UsageError(`${given} is not a .go file or a directory`);
  }
  return [...new Set(found)];
}
