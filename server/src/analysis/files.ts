// File-system helpers shared by the analysis, the language server and the CLI.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** True for a regular file (following symbolic links); false when missing or unreadable. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The local path of a file: URI; undefined for other schemes and malformed URIs. */
export function filePathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}
