// The captures folder and its index (captures.json): what each trace is (a test, a URL, a snapshot),
// when it was taken, how long it took and its size. The index is rewritten whole through a temporary
// file, so a crash never leaves half an index; entries whose file is gone are dropped when listed.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CaptureEntry } from '../../../common/captureProtocol';

const INDEX = 'captures.json';

export class CapturesIndex {
  constructor(readonly directory: string) {}

  list(): CaptureEntry[] {
    return this.read().filter((entry) => existsSync(join(this.directory, entry.file)))
      .sort((a, b) => b.capturedAt.localeCompare(a.capturedAt));
  }

  pathOf(entry: CaptureEntry): string {
    return join(this.directory, entry.file);
  }

  /** A fresh file name for a capture: the name's letters, a timestamp, `.trace`. */
  newTracePath(name: string, now = new Date()): string {
    mkdirSync(this.directory, { recursive: true });
    const stem = name.replace(/^[a-z]+:\/\//i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'capture';
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    for (let n = 0; ; n++) {
      const path = join(this.directory, `${stem}-${stamp}${n > 0 ? `-${n}` : ''}.trace`);
      if (!existsSync(path)) return path;
    }
  }

  add(tracePath: string, details: Omit<CaptureEntry, 'file' | 'bytes' | 'capturedAt'> & { capturedAt?: string }): CaptureEntry {
    if (dirname(tracePath) !== this.directory) throw new Error(`${tracePath} is not in the captures folder ${this.directory}`);
    const entry: CaptureEntry = { ...details, file: basename(tracePath), capturedAt: details.capturedAt ?? new Date().toISOString(), bytes: statSync(tracePath).size };
    this.write([...this.read().filter((e) => e.file !== entry.file), entry]);
    return entry;
  }

  /** Renames the trace file (same folder) and its entry; the new name gets `.trace` when it has no extension. */
  rename(entry: CaptureEntry, newName: string): CaptureEntry {
    const name = basename(newName.trim());
    if (name === '' || name === '.' || name === '..' || name === INDEX) throw new Error(`"${newName}" is not a usable file name`);
    const file = /\.[A-Za-z0-9]+$/.test(name) ? name : `${name}.trace`;
    const to = join(this.directory, file);
    if (existsSync(to)) throw new Error(`${file} already exists`);
    renameSync(this.pathOf(entry), to);
    const renamed = { ...entry, file };
    this.write(this.read().map((e) => (e.file === entry.file ? renamed : e)));
    return renamed;
  }

  remove(entry: CaptureEntry): void {
    rmSync(this.pathOf(entry), { force: true });
    if (entry.cpuProfile) rmSync(join(this.directory, entry.cpuProfile), { force: true });
    this.write(this.read().filter((e) => e.file !== entry.file));
  }

  private read(): CaptureEntry[] {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(this.directory, INDEX), 'utf8'));
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  private write(entries: CaptureEntry[]): void {
    mkdirSync(this.directory, { recursive: true });
    const index = join(this.directory, INDEX);
    writeFileSync(`${index}.tmp`, `${JSON.stringify(entries, null, 2)}\n`);
    renameSync(`${index}.tmp`, index);
  }
}

function isEntry(value: unknown): value is CaptureEntry {
  const e = value as Partial<CaptureEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.file === 'string' && basename(e.file) === e.file
    && typeof e.source === 'string' && typeof e.what === 'string' && typeof e.capturedAt === 'string'
    && typeof e.durationMs === 'number' && typeof e.bytes === 'number';
}
