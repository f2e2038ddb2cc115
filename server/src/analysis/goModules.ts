// The Go version a file is compiled with: the `go` directive of the nearest go.mod above it, as the
// go tool finds it. Lookups are cached per folder; a watched-file event or a re-opened document drops the cache.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { goVersionFromGoMod } from './gomod';
import { isFile } from './files';

export class GoModules {
  /** folder → the go.mod that governs it (null: none up to the root). */
  private readonly governingGoMod = new Map<string, string | null>();
  /** go.mod path → its go directive (undefined: none or unreadable). */
  private readonly versions = new Map<string, string | undefined>();

  goVersionFor(filePath: string): string | undefined {
    const goMod = this.findGoMod(dirname(filePath));
    if (goMod === null) return undefined;
    if (!this.versions.has(goMod)) this.versions.set(goMod, readGoVersion(goMod));
    return this.versions.get(goMod);
  }

  /** Forget everything: go.mod files appeared, changed or vanished. */
  invalidate(): void {
    this.governingGoMod.clear();
    this.versions.clear();
  }

  private findGoMod(folder: string): string | null {
    const visited: string[] = [];
    let found: string | null = null;
    for (let dir = folder; ; dir = dirname(dir)) {
      const cached = this.governingGoMod.get(dir);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      visited.push(dir);
      const candidate = join(dir, 'go.mod');
      if (isFile(candidate)) {
        found = candidate;
        break;
      }
      if (dirname(dir) === dir) break;
    }
    for (const dir of visited) this.governingGoMod.set(dir, found);
    return found;
  }
}

function readGoVersion(goMod: string): string | undefined {
  try {
    return goVersionFromGoMod(readFileSync(goMod, 'utf8'));
  } catch {
    return undefined;
  }
}
