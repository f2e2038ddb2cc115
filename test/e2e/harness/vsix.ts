// Builds the extension package once and reads back what it holds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const vsixPath = join(repoRoot, 'go-trace-lens.vsix');

/** Everything that ends up in the package, directly or through the build. */
const packageInputs = ['client/src', 'server/src', 'media', 'docs/rules', 'scripts/build.mjs', 'package.json',
  'package-lock.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE'];

function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestModification(join(path, name)));
  return newest;
}

export function vsixIsFresh(): boolean {
  if (!existsSync(vsixPath)) return false;
  const built = statSync(vsixPath).mtimeMs;
  return packageInputs.every((input) => newestModification(join(repoRoot, input)) < built);
}

/**
 * Runs `npm run package` unless the .vsix is newer than every input; returns its path.
 * GO_TRACE_LENS_VSIX=path uses that package as it is (e.g. one built with `--from-git HEAD`).
 */
export function ensureFreshVsix(log: (line: string) => void = () => {}): string {
  const given = process.env.GO_TRACE_LENS_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`GO_TRACE_LENS_VSIX=${given} does not exist`);
    return resolve(given);
  }
  if (vsixIsFresh()) return vsixPath;
  log('packaging the extension (npm run package)…');
  const result = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(vsixPath)) {
    throw new Error(`npm run package failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return vsixPath;
}

export interface ZipEntry { name: string; size: number; compressedSize: number; method: number; localHeaderOffset: number }

/** Lists a zip archive's entries from its central directory (a .vsix is a zip). */
export function listZipEntries(path: string): ZipEntry[] {
  const zip = readFileSync(path);
  const endOfCentralDirectory = 0x06054b50;
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === endOfCentralDirectory) { end = i; break; }
  }
  if (end < 0) throw new Error(`${path}: not a zip archive`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${path}: corrupt central directory`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Reads one entry's bytes (stored or deflated, the two methods vsce writes). */
export function readZipEntry(path: string, entry: ZipEntry): Buffer {
  const zip = readFileSync(path);
  const header = entry.localHeaderOffset;
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`${entry.name}: unsupported zip compression method ${entry.method}`);
}
